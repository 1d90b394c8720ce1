import type { ResultColumn, ResultType } from '@cnosdb/contracts';
import { formatFloat32Json, formatFloatDisplay, formatFloatJson, parseDouble } from './float.formatter';
import { jsonString } from './json-string.formatter';
import { ResultRenderError } from './result-format.error';
import {
  type DateTimeParts,
  formatTimestampCsv,
  formatTimestampDebug,
  splitTimestamp,
  splitTimestampText,
  timestampRangeError,
  type TimestampUnit,
} from './timestamp.formatter';

/**
 * Renders one column's canonical cell text (see `ResultRow`) for each body format.
 * SQL NULL is `null`: an empty field in CSV/TSV and table, an absent key in JSON.
 */
export interface CellFormatter {
  /** Column name as the header shows it. */
  readonly name: string;
  /** CSV/TSV field text before quoting. */
  csv(text: string | null): string;
  /** arrow-cast display text, as `pretty_format_batches` puts it in a table cell. */
  display(text: string | null): string;
  /** JSON value literal, or undefined when arrow-json leaves the key out (null, NaN, ±inf). */
  json(text: string | null): string | undefined;
}

const INTEGER = /^-?(0|[1-9]\d*)$/;
const UNSIGNED = /^(0|[1-9]\d*)$/;

/** Builds the formatter for a column from its CnosDB type name. */
export function cellFormatterFor(column: ResultColumn): CellFormatter {
  const type: ResultType = column.type;
  const window = /^STRUCT\(start TIMESTAMP\((\w+)\),/.exec(type);
  if (window !== null) return windowFormatter(column.name, window[1] as TimestampUnit);
  switch (type) {
    case 'TIMESTAMP(NANOSECOND)':
      return timestampFormatter(column.name, 'NANOSECOND');
    case 'TIMESTAMP(MICROSECOND)':
      return timestampFormatter(column.name, 'MICROSECOND');
    case 'TIMESTAMP(MILLISECOND)':
      return timestampFormatter(column.name, 'MILLISECOND');
    case 'BIGINT':
      return integerFormatter(column.name, INTEGER, type);
    case 'BIGINT UNSIGNED':
      return integerFormatter(column.name, UNSIGNED, type);
    case 'DOUBLE':
      return doubleFormatter(column.name, type, formatFloatJson);
    case 'FLOAT':
      // The cell already holds the f32's shortest digits, which arrow-cast also prints, in the
      // same layout as a Float64's; only arrow-json treats a Float32 differently.
      return doubleFormatter(column.name, type, formatFloat32Json);
    case 'BOOLEAN':
      return booleanFormatter(column.name);
    case 'STRING':
      return stringFormatter(column.name);
    case 'LIST(STRING)':
      return stringListFormatter(column.name);
    default:
      // A type the contract gains later should still come out, as text, rather than fail a query.
      return stringFormatter(column.name);
  }
}

function stringFormatter(name: string): CellFormatter {
  return {
    name,
    csv: (text) => text ?? '',
    display: (text) => text ?? '',
    json: (text) => (text === null ? undefined : jsonString(text)),
  };
}

function integerFormatter(name: string, pattern: RegExp, type: string): CellFormatter {
  // Cells are already decimal text, so 64-bit values beyond 2^53 pass through exactly.
  const checked = (text: string): string => {
    if (!pattern.test(text)) throw invalidCell(name, type, text);
    return text;
  };
  return {
    name,
    csv: (text) => (text === null ? '' : checked(text)),
    display: (text) => (text === null ? '' : checked(text)),
    json: (text) => (text === null ? undefined : checked(text)),
  };
}

function booleanFormatter(name: string): CellFormatter {
  const checked = (text: string): string => {
    if (text !== 'true' && text !== 'false') throw invalidCell(name, 'BOOLEAN', text);
    return text;
  };
  return {
    name,
    csv: (text) => (text === null ? '' : checked(text)),
    display: (text) => (text === null ? '' : checked(text)),
    json: (text) => (text === null ? undefined : checked(text)),
  };
}

function doubleFormatter(name: string, type: string, json: (value: number) => string | undefined): CellFormatter {
  const parse = (text: string): number => {
    const value = parseDouble(text);
    if (value === undefined) throw invalidCell(name, type, text);
    return value;
  };
  return {
    name,
    csv: (text) => (text === null ? '' : formatFloatDisplay(parse(text))),
    display: (text) => (text === null ? '' : formatFloatDisplay(parse(text))),
    json: (text) => (text === null ? undefined : json(parse(text))),
  };
}

function timestampFormatter(name: string, unit: TimestampUnit): CellFormatter {
  const parse = (text: string): bigint => {
    if (!INTEGER.test(text)) throw invalidCell(name, `TIMESTAMP(${unit})`, text);
    return BigInt(text);
  };
  const split = (text: string): { value?: bigint; parts: DateTimeParts | undefined } => {
    const parts = splitTimestampText(text, unit);
    if (parts) return { parts };
    const value = parse(text);
    return { value, parts: splitTimestamp(value, unit) };
  };
  // arrow's display runs with display errors on for JSON and table, so an unrepresentable
  // time becomes text there, while the CSV writer propagates the error.
  const display = (text: string | null): string => {
    if (text === null) return '';
    const { value, parts } = split(text);
    return parts ? formatTimestampDebug(parts) : `ERROR: ${timestampRangeError(value as bigint, unit)}`;
  };
  return {
    name,
    csv: (text) => {
      if (text === null) return '';
      const { value, parts } = split(text);
      if (!parts) throw new ResultRenderError(timestampRangeError(value as bigint, unit));
      return formatTimestampCsv(parts);
    },
    display,
    json: (text) => (text === null ? undefined : jsonString(display(text))),
  };
}

/**
 * time_window's struct {start, end}: arrow's display `{start: …, end: …}` in tables, a nested
 * object in JSON (fields in their order, like the columns), and no CSV/TSV form at all, as with
 * arrow-csv, which rejects nested types.
 */
function windowFormatter(name: string, unit: TimestampUnit): CellFormatter {
  const parse = (text: string): string[] => {
    const parts = text.split(',');
    if (parts.length !== 2 || !parts.every((p) => INTEGER.test(p))) throw invalidCell(name, 'STRUCT', text);
    return parts.map((p) => {
      const value = BigInt(p);
      const split = splitTimestamp(value, unit);
      return split ? formatTimestampDebug(split) : `ERROR: ${timestampRangeError(value, unit)}`;
    });
  };
  return {
    name,
    csv: () => {
      throw new ResultRenderError(`Csv error: Nested type ${arrowStruct(unit)} is not supported in CSV`);
    },
    display: (text) => {
      if (text === null) return '';
      const [start, end] = parse(text);
      return `{start: ${start}, end: ${end}}`;
    },
    json: (text) => {
      if (text === null) return undefined;
      const [start, end] = parse(text);
      return `{"start":${jsonString(start)},"end":${jsonString(end)}}`;
    },
  };
}

/**
 * regexp_match's List(Utf8). arrow-csv 42 refuses nested types, as for time_window's struct;
 * arrow-cast displays `[a, bc]` and arrow-json writes `["a","bc"]`.
 */
function stringListFormatter(name: string): CellFormatter {
  const parse = (text: string): string[] => {
    const items = decodeStringList(text);
    if (items === undefined) throw invalidCell(name, 'LIST(STRING)', text);
    return items;
  };
  return {
    name,
    csv: () => {
      throw new ResultRenderError(
        'Csv error: Nested type List(Field { name: "item", data_type: Utf8, nullable: true, dict_id: 0, dict_is_ordered: false, metadata: {} }) is not supported in CSV',
      );
    },
    display: (text) => (text === null ? '' : `[${parse(text).join(', ')}]`),
    json: (text) => (text === null ? undefined : `[${parse(text).map(jsonString).join(',')}]`),
  };
}

/** The canonical LIST(STRING) cell: each element as its UTF-8 byte length, ':' and its bytes. */
export function decodeStringList(text: string): string[] | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const items: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const colon = bytes.indexOf(0x3a, at);
    const digits = colon < 0 ? '' : bytes.toString('latin1', at, colon);
    if (!/^(0|[1-9]\d*)$/.test(digits)) return undefined;
    const end = colon + 1 + Number(digits);
    if (end > bytes.length) return undefined;
    items.push(bytes.toString('utf8', colon + 1, end));
    at = end;
  }
  return items;
}

/** arrow's Debug text of time_window's struct type (fields are non-nullable timestamps). */
function arrowStruct(unit: TimestampUnit): string {
  const arrowUnit = unit === 'NANOSECOND' ? 'Nanosecond' : unit === 'MICROSECOND' ? 'Microsecond' : 'Millisecond';
  const field = (name: string) =>
    `Field { name: "${name}", data_type: Timestamp(${arrowUnit}, None), nullable: false, dict_id: 0, dict_is_ordered: false, metadata: {} }`;
  return `Struct([${field('start')}, ${field('end')}])`;
}

function invalidCell(column: string, type: string, text: string): ResultRenderError {
  return new ResultRenderError(
    `column ${JSON.stringify(column)}: ${JSON.stringify(text)} is not a canonical ${type} cell`,
  );
}
