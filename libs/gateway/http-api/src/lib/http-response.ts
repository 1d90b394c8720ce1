import { Request, Response } from 'express';
import { CnosError, toCnosError } from '@cnosdb/shared/errors';
import { Logger } from '@cnosdb/shared/logging';
import { PayloadTooLargeError } from './request-body';

/** Ends a response with a status and no body (404, 405, 413, write success). */
export function sendEmpty(res: Response, status: number): void {
  res.status(status).setHeader('content-length', '0');
  discardUnreadBody(res);
  res.end();
}

/**
 * An answer given before the body was read (413, auth errors) must still let the client
 * finish sending, or it sees a reset instead of the answer: read and drop the rest.
 */
function discardUnreadBody(res: Response): void {
  const req = res.req;
  if (req && !req.readableEnded) req.resume();
}

/** Sends a CnosDB error body, or an empty 413 for an oversized payload. */
export function sendError(res: Response, err: unknown, logger?: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof PayloadTooLargeError) return sendEmpty(res, 413);
  const e: CnosError = toCnosError(err);
  if (e.status >= 500) logger?.error({ err }, 'request failed');
  const body = e.toBody();
  discardUnreadBody(res);
  res.status(e.status).setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** A query-string parameter as a single string (the first, if repeated). */
export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}
