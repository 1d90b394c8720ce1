import type { ResultRow } from '@cnosdb/contracts';
import type { CellFormatter } from './cell.formatter';
import type { ResultRenderer } from './result-renderer.types';

/** Field delimiter: `,` for csv, tab for tsv (CnosDB builds the same arrow-csv writer for both). */
export type CsvDelimiter = ',' | '\t';

const NEEDS_QUOTES: Record<CsvDelimiter, RegExp> = {
  ',': /[",\r\n]/,
  '\t': /["\t\r\n]/,
};

/**
 * One field as the `csv` crate writes it with QuoteStyle::Necessary: quoted only when it
 * contains the delimiter, `"`, `\r` or `\n` (so a comma is left bare in TSV), with `"` doubled.
 */
export function csvField(text: string, delimiter: CsvDelimiter): string {
  if (!NEEDS_QUOTES[delimiter].test(text)) return text;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * One record plus its `\n` terminator. csv-core writes `""` for a record whose only field is
 * empty, so that it does not read back as a blank line; a null in a one-column result
 * therefore comes out as `""`.
 */
export function csvRecord(fields: readonly string[], delimiter: CsvDelimiter): string {
  if (fields.length === 1 && fields[0] === '') return '""\n';
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += delimiter;
    line += csvField(fields[i], delimiter);
  }
  return `${line}\n`;
}

/**
 * CSV/TSV body (arrow-csv 42 writer): header record first, then one record per row.
 * Chunked and non-chunked output are the same text, since CnosDB writes the header only into
 * the first chunk.
 */
export class CsvRenderer implements ResultRenderer {
  private readonly header: string;

  constructor(
    private readonly cells: readonly CellFormatter[],
    private readonly delimiter: CsvDelimiter,
  ) {
    // CnosDB turns the header off for a schema without fields; a zero-column result has no body.
    this.header = cells.length === 0 ? '' : csvRecord(cells.map((c) => c.name), delimiter);
  }

  renderBatch(rows: ResultRow[], first: boolean): string {
    if (rows.length === 0) return '';
    let out = first ? this.header : '';
    const fields = new Array<string>(this.cells.length);
    for (const row of rows) {
      for (let c = 0; c < this.cells.length; c++) fields[c] = this.cells[c].csv(row[c] ?? null);
      out += csvRecord(fields, this.delimiter);
    }
    return out;
  }

  finish(emittedAnyRows: boolean): string {
    return emittedAnyRows ? '' : this.header;
  }
}
