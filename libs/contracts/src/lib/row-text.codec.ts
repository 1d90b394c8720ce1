import type { ResultRow } from './query-result';

/**
 * Result rows as one piece of text for the query stream (QueryService `RowBatch.text`): one
 * line per row ending in `\n`, cells separated by tabs, NULL as `\N`, and backslash, tab and
 * newline in cell text escaped as `\\`, `\t`, `\n` (ClickHouse's TabSeparated conventions).
 * A batch travels as one bytes field instead of one message per cell, which cost the query
 * service and the gateway most of their CPU on large results.
 */
export function encodeRowsText(rows: readonly ResultRow[]): Buffer {
  let text = '';
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      if (c > 0) text += '\t';
      const cell = row[c];
      text += cell === null ? '\\N' : NEEDS_ESCAPE.test(cell) ? cell.replace(NEEDS_ESCAPE_ALL, (ch) => ESCAPES[ch]) : cell;
    }
    text += '\n';
  }
  return Buffer.from(text, 'utf8');
}

/** Reads rows written by {@link encodeRowsText}. */
export function decodeRowsText(bytes: Uint8Array): ResultRow[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const rows: ResultRow[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const cells: (string | null)[] = text.slice(start, nl).split('\t');
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c] as string;
      if (cell === '\\N') cells[c] = null;
      else if (cell.indexOf('\\') >= 0) cells[c] = cell.replace(/\\(.)/g, (_, ch: string) => UNESCAPES[ch] ?? ch);
    }
    rows.push(cells);
    start = nl + 1;
  }
  return rows;
}

const NEEDS_ESCAPE = /[\\\t\n]/;
const NEEDS_ESCAPE_ALL = /[\\\t\n]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n' };
