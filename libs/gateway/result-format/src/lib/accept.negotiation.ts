import { FormatNegotiationError } from './result-format.error';

/** The five body formats of POST /api/v1/sql. */
export type ResultFormat = 'csv' | 'tsv' | 'json' | 'nd-json' | 'table';

const FORMATS: readonly ResultFormat[] = ['csv', 'tsv', 'json', 'nd-json', 'table'];

// CnosDB strips these prefixes case-sensitively (Rust `strip_prefix`), application/ first.
const PREFIXES = ['application/', 'text/'] as const;

const CONTENT_TYPES: Record<ResultFormat, string> = {
  csv: 'text/csv',
  tsv: 'text/tsv',
  json: 'application/json',
  'nd-json': 'application/nd-json',
  table: 'text/table',
};

/**
 * Picks the body format from the Accept header exactly as CnosDB 2.4 does
 * (`main/src/http/result_format.rs`): no quality values, no lists, no parameters.
 * Throws FormatNegotiationError (400, 040005) with CnosDB's message otherwise.
 */
export function negotiateFormat(accept: string | undefined): ResultFormat {
  // A missing header reaches CnosDB as its default `text/csv`, so both land on csv.
  if (accept === undefined || accept === '' || accept === 'application/*' || accept === '*/*') {
    return 'csv';
  }
  for (const prefix of PREFIXES) {
    if (accept.startsWith(prefix)) {
      const rest = accept.slice(prefix.length);
      const format = FORMATS.find((name) => asciiEqualsIgnoreCase(name, rest));
      if (format === undefined) {
        // clap's ValueEnum::from_str error, wrapped in InvalidHeader twice by CnosDB.
        throw new FormatNegotiationError(`Invalid header: Invalid header: invalid variant: ${rest}`);
      }
      return format;
    }
  }
  throw new FormatNegotiationError(
    `Invalid header: Invalid header: accept type not support: ${accept}`,
  );
}

/** The Content-Type CnosDB sends for a format (always the canonical one, whatever Accept said). */
export function contentTypeOf(format: ResultFormat): string {
  return CONTENT_TYPES[format];
}

// clap matches with `eq_ignore_ascii_case`; String#toLowerCase would also fold non-ASCII
// letters (e.g. KELVIN SIGN → 'k') and accept values CnosDB rejects.
function asciiEqualsIgnoreCase(lowerAscii: string, value: string): boolean {
  if (value.length !== lowerAscii.length) return false;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lowerAscii.charCodeAt(i)) return false;
  }
  return true;
}
