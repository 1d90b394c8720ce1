import type { ResultRow } from '@cnosdb/contracts';
import type { CellFormatter } from './cell.formatter';
import { displayWidth } from './display-width.util';
import type { ResultRenderer } from './result-renderer.types';

/**
 * Draws a box exactly as arrow 42 `pretty_format_batches` (comfy-table, preset
 * `||--+-++|    ++++++`, no terminal width so no wrapping) does:
 * ```
 * +---+-----+
 * | a | b   |
 * +---+-----+
 * | 1 | x   |
 * |   | 100 |
 * +---+-----+
 * ```
 * Column width is the widest line of header or cells; one space of padding each side; cells
 * left-aligned; a cell with `\n` spans several lines; no separators between rows; no trailing
 * newline. Without rows comfy-table still draws the header separator, so the box ends with two
 * border lines (`+---+\n| a |\n+---+\n+---+`).
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const headerLines = header.map(splitLines);
  const rowLines = rows.map((row) => row.map(splitLines));
  const widths = headerLines.map((lines) => maxWidth(lines));
  for (const row of rowLines) {
    for (let c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c], maxWidth(row[c] ?? []));
  }
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const out = [border];
  pushRow(out, headerLines, widths);
  out.push(border);
  for (const row of rowLines) pushRow(out, row, widths);
  out.push(border);
  return out.join('\n');
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

function maxWidth(lines: readonly string[]): number {
  let max = 0;
  for (const line of lines) max = Math.max(max, displayWidth(line));
  return max;
}

function pushRow(out: string[], cells: readonly (readonly string[])[], widths: readonly number[]): void {
  let height = 1;
  for (const lines of cells) height = Math.max(height, lines.length);
  for (let i = 0; i < height; i++) {
    let line = '|';
    for (let c = 0; c < widths.length; c++) {
      const text = cells[c]?.[i] ?? '';
      line += ` ${text}${' '.repeat(widths[c] - displayWidth(text))} |`;
    }
    out.push(line);
  }
}

/**
 * `table` body. Non-chunked: one box over the whole result, which cannot be streamed because
 * column widths depend on every row; this renderer therefore keeps the rendered cell text of all
 * rows and emits the box from finish(). Chunked: CnosDB formats each batch as its own box (with
 * header) and sends them back to back with nothing in between, so the last border of one box
 * and the first of the next share a line (`+---++---+`); matched as is.
 */
export class TableRenderer implements ResultRenderer {
  private readonly header: string[];
  private readonly buffered: string[][] = [];

  constructor(
    private readonly cells: readonly CellFormatter[],
    private readonly chunked: boolean,
  ) {
    this.header = cells.map((c) => c.name);
  }

  renderBatch(rows: ResultRow[]): string {
    if (rows.length === 0) return '';
    const rendered = rows.map((row) => this.cells.map((cell, c) => cell.display(row[c] ?? null)));
    if (this.chunked) return renderTable(this.header, rendered);
    for (const row of rendered) this.buffered.push(row);
    return '';
  }

  finish(emittedAnyRows: boolean): string {
    if (this.chunked) return emittedAnyRows ? '' : renderTable(this.header, []);
    // The buffer, not the flag, is the truth here: it holds every row renderBatch saw.
    const box = renderTable(this.header, this.buffered);
    this.buffered.length = 0;
    return box;
  }
}
