import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
 * A non-chunked body being spooled. The bytes are those of the body sent whole, compressed as
 * one stream (gzip, deflate, br) or as consecutive frames, which zstd, snappy and lz4 define as
 * one valid stream.
 */
export interface SpooledBody {
  /** Writes a piece; false once the client has gone (stop producing then). */
  write(text: string): Promise<boolean>;
  /** Answers with the body (content-length known) and resolves when it was handed to the socket. */
  send(): Promise<void>;
  /** Drops the body without answering. */
  discard(): Promise<void>;
}

/**
 * A non-chunked body too large to hold in memory, written (compressed as it would be sent)
 * to a temporary file that is unlinked as soon as it is open, then sent whole with its
 * content-length, as CnosDB sends every non-chunked result. Memory stays bounded, and a
 * failure before the end (a query timeout) is still an ordinary error status, because
 * nothing was sent yet. `res` is watched only to stop early when the client goes away.
 */
export async function openSpooledBody(res: Writable & { setHeader(name: string, value: number): unknown }, encoding: string | undefined): Promise<SpooledBody> {
  const file = path.join(os.tmpdir(), `cnosdb-body-${process.pid}-${randomUUID()}`);
  const fh = await fs.promises.open(file, 'wx+', 0o600);
  await fs.promises.unlink(file);
  const out = fs.createWriteStream('', { fd: fh, autoClose: false });
  const streaming = streamingEncoder(encoding);
  streaming?.pipe(out);
  const target: Writable = streaming ?? out;
  let gone = false;
  res.once('close', () => (gone = true));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => undefined);
  };
  const send = async (): Promise<void> => {
      try {
        await new Promise<void>((resolve, reject) => {
          out.once('finish', resolve);
          out.once('error', reject);
          target.end();
        });
        if (gone) return;
        const { size } = await fh.stat();
        res.setHeader('content-length', size);
        await new Promise<void>((resolve) => {
          const input = fs.createReadStream('', { fd: fh, start: 0, autoClose: false });
          res.once('finish', resolve);
          res.once('close', resolve);
          input.once('error', () => res.destroy());
          input.pipe(res);
        });
      } finally {
        await close();
      }
  };
  return {
    async write(text: string): Promise<boolean> {
      if (gone) return false;
      const bytes = Buffer.from(text);
      if (!target.write(streaming || encoding === undefined ? bytes : encodeResponseBody(encoding, bytes))) await drained(target, res);
      return !gone;
    },
    send,
    discard: close,
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
