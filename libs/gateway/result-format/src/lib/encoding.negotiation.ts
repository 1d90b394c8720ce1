import { FormatNegotiationError } from './result-format.error';

/** Content codings CnosDB can apply to a query response (`deflate` is raw deflate, snappy/lz4 are frame formats). */
export type ResponseEncoding = 'gzip' | 'deflate' | 'br' | 'zstd' | 'snappy' | 'lz4' | 'identity';

// Order of CnosDB's `Encoding` enum: it is the order of the "only support" list in the error.
const ENCODINGS: readonly ResponseEncoding[] = [
  'gzip',
  'deflate',
  'br',
  'zstd',
  'snappy',
  'lz4',
  'identity',
];

/**
 * Picks the response coding from Accept-Encoding as CnosDB 2.4 does
 * (`main/src/http/encoding.rs`): split on `,`, trim, first token that is exactly
 * (case-sensitively) a supported name wins; q-values are not understood, so `gzip;q=1.0`
 * is not a match. Header absent → undefined (no Content-Encoding). No match, including an
 * empty header → FormatNegotiationError (400, 040005).
 */
export function negotiateResponseEncoding(
  acceptEncoding: string | undefined,
): ResponseEncoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  for (const token of acceptEncoding.split(',')) {
    const trimmed = rustTrim(token);
    const match = ENCODINGS.find((encoding) => encoding === trimmed);
    if (match !== undefined) return match;
  }
  throw new FormatNegotiationError(
    `Invalid header: accept encoding not support: ${acceptEncoding}, only support: ${ENCODINGS.join(', ')}`,
  );
}

// Rust's str::trim strips Unicode White_Space; JS trim also strips U+FEFF, which Rust keeps.
function rustTrim(value: string): string {
  return value.replace(/^[\p{White_Space}]+|[\p{White_Space}]+$/gu, '');
}
