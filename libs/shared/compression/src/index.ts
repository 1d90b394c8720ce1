export { createDecoder, encode } from './lib/compression';
export { isSupportedEncoding, SUPPORTED_ENCODINGS, UnsupportedEncodingError, type ContentEncoding } from './lib/encodings';
export { CompressionFormatError } from './lib/incremental.decoder';
export { ZSTD_MAX_WINDOW } from './lib/zstd.codec';
export { decodeBody } from './lib/decode-body';
