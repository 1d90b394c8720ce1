import { PassThrough, Transform } from 'stream';
import * as zlib from 'zlib';
import { isSupportedEncoding, UnsupportedEncodingError } from './encodings';
import { encodeLz4Frame, Lz4FrameDecoder } from './lz4-frame.codec';
import { encodeSnappyFrame, SnappyFrameDecoder } from './snappy-frame.codec';
import { encodeZstd, ZstdDecoder } from './zstd.codec';

// Brotli's default quality (11) runs at about 1 MB/s; 4 keeps query responses fast and is
// still smaller than gzip.
const BROTLI_OPTIONS = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };
// zlib's default 16 KiB output chunks quadruple the per-chunk work of the consumers (line
// parsers) compared with an uncompressed body, which arrives in 64 KiB socket reads.
const INFLATE_OPTIONS = { chunkSize: 64 * 1024 };

/**
 * A streaming decoder for a content coding. It emits an error on corrupt or truncated
 * input, and holds at most a block or two of output while its reader is behind.
 */
export function createDecoder(token: string): Transform {
  if (!isSupportedEncoding(token)) throw new UnsupportedEncodingError(token);
  switch (token) {
    case 'identity':
      return new PassThrough();
    case 'gzip':
      return zlib.createGunzip(INFLATE_OPTIONS);
    case 'deflate':
      return zlib.createInflateRaw(INFLATE_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress(INFLATE_OPTIONS);
    case 'zstd':
      return new ZstdDecoder();
    case 'snappy':
      return new SnappyFrameDecoder();
    case 'lz4':
      return new Lz4FrameDecoder();
  }
}

/** `body` compressed with a content coding, as one self-contained stream. */
export function encode(token: string, body: Buffer): Buffer {
  if (!isSupportedEncoding(token)) throw new UnsupportedEncodingError(token);
  switch (token) {
    case 'identity':
      return body;
    case 'gzip':
      return zlib.gzipSync(body);
    case 'deflate':
      return zlib.deflateRawSync(body);
    case 'br':
      return zlib.brotliCompressSync(body, BROTLI_OPTIONS);
    case 'zstd':
      return encodeZstd(body);
    case 'snappy':
      return encodeSnappyFrame(body);
    case 'lz4':
      return encodeLz4Frame(body);
  }
}
