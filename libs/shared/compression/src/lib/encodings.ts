/**
 * The content codings CnosDB accepts, in the order of its `Encoding` enum; matched exactly
 * and case-sensitively. `deflate` is raw deflate (no zlib header), `snappy` and `lz4` are
 * their frame formats.
 */
export const SUPPORTED_ENCODINGS = ['gzip', 'deflate', 'br', 'zstd', 'snappy', 'lz4', 'identity'] as const;

export type ContentEncoding = (typeof SUPPORTED_ENCODINGS)[number];

/** True for exactly the tokens in SUPPORTED_ENCODINGS. */
export function isSupportedEncoding(token: string): token is ContentEncoding {
  return (SUPPORTED_ENCODINGS as readonly string[]).includes(token);
}

/** A token outside SUPPORTED_ENCODINGS was asked for. */
export class UnsupportedEncodingError extends Error {
  constructor(readonly token: string) {
    super(`unsupported content encoding: ${token}`);
    this.name = 'UnsupportedEncodingError';
  }
}
