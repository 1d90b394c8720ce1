import { Transform, Writable } from 'stream';
import * as zlib from 'zlib';
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

/**
 * A response body written in pieces while the result streams, with backpressure. Used for a
 * non-chunked result too large to hold: the body is the same bytes as if sent whole, compressed
 * as one stream (gzip, deflate, br) or as consecutive frames, which zstd, snappy and lz4 define
 * as one valid stream.
 */
export interface BodyWriter {
  /** Writes a piece; false once the client has gone (stop producing then). */
  write(text: string): Promise<boolean>;
  /** Ends the body and resolves when it was handed to the socket. */
  end(): Promise<void>;
}

/** Starts a streamed body on `res` (status and headers must be set; no content-length). */
export function openBodyWriter(res: Writable & { flushHeaders(): void }, encoding: string | undefined): BodyWriter {
  // The status line goes out now, so that a later failure is seen as already answered (the
  // connection is then cut rather than a second response attempted).
  res.flushHeaders();
  const streaming = streamingEncoder(encoding);
  streaming?.pipe(res);
  const target: Writable = streaming ?? res;
  let gone = false;
  res.once('close', () => (gone = true));
  return {
    async write(text: string): Promise<boolean> {
      if (gone) return false;
      const bytes = Buffer.from(text);
      const ok = target.write(streaming || encoding === undefined ? bytes : encodeResponseBody(encoding, bytes));
      if (!ok) await drained(target, res);
      return !gone;
    },
    async end(): Promise<void> {
      if (gone) return;
      await new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
        target.end();
      });
    },
  };
}

/** Resolves when `stream` drains or the response closes (a gone client never drains). */
export function drained(stream: Writable, res: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      res.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    res.once('close', done);
  });
}

/** One compression stream for the tokens whose streams cannot be concatenated; undefined for the others. */
function streamingEncoder(encoding: string | undefined): Transform | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGzip();
    case 'deflate':
      return zlib.createDeflateRaw();
    case 'br':
      // The quality the one-shot encoder uses (shared/compression): fast enough for query results.
      return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
    default:
      return undefined;
  }
}
