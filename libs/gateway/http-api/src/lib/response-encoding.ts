import { encode, isSupportedEncoding } from '@cnosdb/shared/compression';
import { Errors } from '@cnosdb/shared/errors';

/** Rejects (400 040005) a token outside CnosDB's set; every CnosDB token can be produced. */
export function assertResponseEncodingSupported(encoding: string | undefined): void {
  if (encoding !== undefined && !isSupportedEncoding(encoding)) throw Errors.invalidHeader(`accept encoding not support: ${encoding}`);
}

/**
 * Compresses a response body for the negotiated Accept-Encoding token (no token: as is).
 * Every chunk of a chunked response is compressed on its own, as CnosDB does.
 */
export function encodeResponseBody(encoding: string | undefined, body: Buffer): Buffer {
  if (encoding === undefined) return body;
  assertResponseEncodingSupported(encoding);
  return encode(encoding, body);
}
