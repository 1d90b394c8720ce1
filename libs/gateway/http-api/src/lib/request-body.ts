import { IncomingMessage } from 'http';
import { decodeBody, isSupportedEncoding } from '@cnosdb/shared/compression';
import { CnosError, Errors } from '@cnosdb/shared/errors';

/** The body was larger than the route's limit: 413 with an empty body, as CnosDB answers. */
export class PayloadTooLargeError extends CnosError {
  constructor() {
    super(413, '', 'payload too large');
  }
}

/** Rejects early when the declared Content-Length is already over the limit. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new PayloadTooLargeError();
}

/**
 * Validates Content-Encoding before any byte is read: one of CnosDB's tokens, exactly
 * (400 040005 otherwise, a list such as `gzip, br` included).
 */
export function checkContentEncoding(req: IncomingMessage): string {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined) return 'identity';
  if (!isSupportedEncoding(encoding)) throw Errors.unsupportedContentEncoding(encoding);
  return encoding;
}

/**
 * The request body as it arrives, still in its content coding, counting the bytes on the
 * wire against `limit` (413 as soon as they exceed it, chunked uploads included). Never
 * buffers it all. Stopping early leaves the request open (not destroyed) and drops the rest
 * of the upload, so the error answer reaches the client.
 */
export async function* wireBody(req: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  let received = 0;
  const wire = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  try {
    for await (const chunk of wire) {
      received += chunk.length;
      if (received > limit) throw new PayloadTooLargeError();
      yield chunk;
    }
  } finally {
    // Left early (error, or the reader stopped): drop the rest of the upload unread.
    if (!req.readableEnded) req.resume();
  }
}

/** The request body as it arrives, decompressed (see wireBody and decodeBody). */
export function requestBody(req: IncomingMessage, limit: number, encoding: string): AsyncGenerator<Buffer> {
  return decodeBody(wireBody(req, limit), encoding);
}

/** Reads a whole (small, limited) body into one buffer. */
export async function readWholeBody(req: IncomingMessage, limit: number, encoding: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of requestBody(req, limit, encoding)) parts.push(chunk);
  return Buffer.concat(parts);
}
