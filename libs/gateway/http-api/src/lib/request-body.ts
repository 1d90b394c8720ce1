import { IncomingMessage } from 'http';
import * as zlib from 'zlib';
import { Transform } from 'stream';
import { CnosError, Errors } from '@cnosdb/shared/errors';

/** The body was larger than the route's limit: 413 with an empty body, as CnosDB answers. */
export class PayloadTooLargeError extends CnosError {
  constructor() {
    super(413, '', 'payload too large');
  }
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflateRaw(), // CnosDB's "deflate" is raw deflate, no zlib header
  br: () => zlib.createBrotliDecompress(),
};

/** Rejects early when the declared Content-Length is already over the limit. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new PayloadTooLargeError();
}

/** Validates Content-Encoding before any byte is read (400 040005 for an unknown token). */
export function checkContentEncoding(req: IncomingMessage): string {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return 'identity';
  if (!DECODERS[encoding]) throw Errors.invalidHeader(`content encoding not support: ${encoding}`);
  return encoding;
}

/**
 * The request body as it arrives, decompressed, counting the bytes on the wire against
 * `limit` (413 as soon as they exceed it, chunked uploads included). Never buffers it all.
 */
export async function* requestBody(req: IncomingMessage, limit: number, encoding: string): AsyncGenerator<Buffer> {
  let received = 0;
  const counted = (async function* () {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) throw new PayloadTooLargeError();
      yield chunk;
    }
  })();
  if (encoding === 'identity') {
    yield* counted;
    return;
  }
  const decoder = DECODERS[encoding]();
  const pump = (async () => {
    try {
      for await (const chunk of counted) if (!decoder.write(chunk)) await new Promise((r) => decoder.once('drain', r));
      decoder.end();
    } catch (err) {
      decoder.destroy(err as Error);
    }
  })();
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof CnosError) throw err;
    throw Errors.decodeRequest((err as Error).message);
  } finally {
    await pump;
  }
}

/** Reads a whole (small, limited) body into one buffer. */
export async function readWholeBody(req: IncomingMessage, limit: number, encoding: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of requestBody(req, limit, encoding)) parts.push(chunk);
  return Buffer.concat(parts);
}
