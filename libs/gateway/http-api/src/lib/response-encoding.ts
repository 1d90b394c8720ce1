import * as zlib from 'zlib';
import { Errors } from '@cnosdb/shared/errors';

const SUPPORTED = new Set(['identity', 'gzip', 'deflate', 'br']);

/** Rejects (400 040005) a negotiated token this build cannot produce yet (zstd, snappy, lz4). */
export function assertResponseEncodingSupported(encoding: string | undefined): void {
  if (encoding !== undefined && !SUPPORTED.has(encoding)) throw Errors.invalidHeader(`accept encoding not support: ${encoding}`);
}

/**
 * Compresses a response body for the negotiated Accept-Encoding token. CnosDB's "deflate"
 * is raw deflate. Every chunk of a chunked response is compressed on its own, as CnosDB does.
 */
export function encodeResponseBody(encoding: string | undefined, body: Buffer): Buffer {
  switch (encoding) {
    case undefined:
    case 'identity':
      return body;
    case 'gzip':
      return zlib.gzipSync(body);
    case 'deflate':
      return zlib.deflateRawSync(body);
    case 'br':
      return zlib.brotliCompressSync(body);
    default:
      throw Errors.invalidHeader(`accept encoding not support: ${encoding}`);
  }
}
