import { Request, Response } from 'express';
import { CnosError, toCnosError } from '@cnosdb/shared/errors';
import { Logger } from '@cnosdb/shared/logging';
import { PayloadTooLargeError } from './request-body';

/** Bytes of an unread body we read and drop before answering early; past it we close. */
const DISCARD_LIMIT = 256 * 1024 * 1024;

/** Ends a response with a status and no body (404, 405, 413, write success). */
export function sendEmpty(res: Response, status: number): void {
  afterUnreadBody(res, () => {
    res.status(status).setHeader('content-length', '0');
    res.end();
  });
}

/**
 * An answer given before the body was read (413, auth errors) must reach a client that is
 * still sending: if we answered and closed mid-upload it would see a reset (EPIPE) instead.
 * So the rest of the body is read and dropped first (bounded memory; up to DISCARD_LIMIT
 * bytes, after which the connection is closed with the answer).
 */
function afterUnreadBody(res: Response, answer: () => void): void {
  const req = res.req;
  if (!req || req.readableEnded || req.destroyed) return answer();
  let dropped = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    req.off('data', onData);
    answer();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_LIMIT) {
      res.setHeader('connection', 'close');
      finish();
    }
  };
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
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
  afterUnreadBody(res, () => {
    res.status(e.status).setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  });
}

/** A query-string parameter as a single string (the first, if repeated). */
export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}
