/**
 * Result column types, spelled as CnosDB reports them (DESCRIBE TABLE / arrow types).
 * Timestamps carry their unit.
 */
export type TimestampResultType = 'TIMESTAMP(NANOSECOND)' | 'TIMESTAMP(MICROSECOND)' | 'TIMESTAMP(MILLISECOND)';

/** The struct `time_window(...)` returns: the window's start and end, in the time column's unit. */
export type WindowResultType = { [T in TimestampResultType]: `STRUCT(start ${T}, end ${T})` }[TimestampResultType];

export type ResultType =
  | TimestampResultType
  | WindowResultType
  | 'STRING'
  | 'BIGINT'
  | 'BIGINT UNSIGNED'
  | 'DOUBLE'
  // Arrow's Float32: no table column has it, but expressions do (CAST(x AS FLOAT), atan2 of integers).
  | 'FLOAT'
  | 'BOOLEAN'
  // Arrow's List(Utf8): regexp_match's result.
  | 'LIST(STRING)';

export interface ResultColumn {
  name: string;
  type: ResultType;
}

/**
 * One row of cells as canonical text, null for SQL NULL:
 * TIMESTAMP(*): the integer count of its unit since the epoch (e.g. "1665212378000000000");
 * STRUCT(start T, end T): the two timestamps as above, joined by a comma (e.g. "0,10000000");
 * BIGINT / BIGINT UNSIGNED: decimal integer; DOUBLE: a decimal or exponent form that
 * Number() reads exactly, or "inf", "-inf", "nan"; FLOAT: the same forms, with the shortest
 * digits that read back to the same Float32 (e.g. "1.2345679"); BOOLEAN: "true" / "false";
 * STRING: the text; LIST(STRING): each element as its UTF-8 byte length, ':' and its text
 * ("1:a2:bc" is ["a", "bc"]).
 */
export type ResultRow = (string | null)[];

/** What a query produces, in order: one schema, then any number of row batches. */
export type QueryEvent =
  | { kind: 'schema'; columns: ResultColumn[]; consistencyTimeout?: boolean }
  | { kind: 'rows'; rows: ResultRow[] };
