import * as zlib from 'zlib';
import { Errors } from '@cnosdb/shared/errors';

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
