import { IncomingMessage } from 'http';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { createDecoder, isSupportedEncoding } from '@cnosdb/shared/compression';
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
  if (!isSupportedEncoding(encoding)) throw Errors.invalidHeader(`content encoding not support: ${encoding}`);
  return encoding;
}

/**
 * The request body as it arrives, decompressed, counting the bytes on the wire against
 * `limit` (413 as soon as they exceed it, chunked uploads included). Never buffers it all.
 * A body that does not decompress is 400 040013. Stopping early leaves the request open
 * (not destroyed) and drops the rest of the upload, so the error answer reaches the client.
 */
export async function* requestBody(req: IncomingMessage, limit: number, encoding: string): AsyncGenerator<Buffer> {
  let received = 0;
  const wire = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  const counted = (async function* () {
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
  })();
  if (encoding === 'identity') {
    yield* counted;
    return;
  }
  const decoder = createDecoder(encoding);
  // Failures on either side reach the loop below: pipeline destroys the decoder with them.
  pipeline(Readable.from(counted), decoder).catch(() => undefined);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof CnosError) throw err;
    throw Errors.decodeRequest(err instanceof Error ? err.message : String(err));
  }
}

/** Reads a whole (small, limited) body into one buffer. */
export async function readWholeBody(req: IncomingMessage, limit: number, encoding: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of requestBody(req, limit, encoding)) parts.push(chunk);
  return Buffer.concat(parts);
}
