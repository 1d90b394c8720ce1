import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
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
 * Rows of a non-chunked table kept in memory before they go to a spool file: the box cannot
 * start before every row's width is known, and a result of millions of rows must not be held
 * in memory (issue 4).
 */
const SPILL_AFTER_CHARS = 1024 * 1024;
/** Size of the pieces the box is emitted in once rows were spilled. */
const PIECE_CHARS = 256 * 1024;

/**
 * `table` body. Non-chunked: one box over the whole result, whose column widths depend on every
 * row, so nothing can be sent before the last row: the renderer keeps the rendered cell text and
 * the running column widths, and emits the box from finish(). Up to SPILL_AFTER_CHARS of cell
 * text stays in memory; beyond that the rows go to an unlinked temporary file and are read back
 * by finishStream(), so memory stays bounded (disk use is about the size of the result).
 * Chunked: CnosDB formats each batch as its own box (with header) and sends them back to back
 * with nothing in between, so the last border of one box and the first of the next share a line
 * (`+---++---+`); matched as is.
 */
export class TableRenderer implements ResultRenderer {
  private readonly header: string[];
  private readonly widths: number[];
  private buffered: string[][] = [];
  private bufferedChars = 0;
  private spool?: Spool;

  constructor(
    private readonly cells: readonly CellFormatter[],
    private readonly chunked: boolean,
  ) {
    this.header = cells.map((c) => c.name);
    this.widths = this.header.map((name) => maxWidth(splitLines(name)));
  }

  renderBatch(rows: ResultRow[]): string {
    if (rows.length === 0) return '';
    const rendered = rows.map((row) => this.cells.map((cell, c) => cell.display(row[c] ?? null)));
    if (this.chunked) return renderTable(this.header, rendered);
    for (const row of rendered) {
      for (let c = 0; c < row.length; c++) {
        this.widths[c] = Math.max(this.widths[c], maxWidth(splitLines(row[c])));
        this.bufferedChars += row[c].length;
      }
      this.buffered.push(row);
    }
    if (this.bufferedChars > SPILL_AFTER_CHARS) this.spill();
    return '';
  }

  /** Whether rows went to disk, so that only finishStream() can end the body. */
  get spilled(): boolean {
    return this.spool !== undefined;
  }

  finish(emittedAnyRows: boolean): string {
    if (this.chunked) return emittedAnyRows ? '' : renderTable(this.header, []);
    if (this.spool) throw new Error('table rows were spilled to disk: end the body with finishStream()');
    // The buffer, not the flag, is the truth here: it holds every row renderBatch saw.
    const out: string[] = [];
    this.drawHead(out);
    for (const row of this.buffered) pushRow(out, row.map(splitLines), this.widths);
    out.push(this.border());
    this.buffered = [];
    return out.join('\n');
  }

  /** Ends the body in pieces of bounded size, reading spilled rows back from disk. */
  async *finishStream(emittedAnyRows: boolean): AsyncGenerator<string> {
    if (!this.spool) {
      yield this.finish(emittedAnyRows);
      return;
    }
    this.spill();
    const spool = this.spool;
    try {
      const out: string[] = [];
      this.drawHead(out);
      let pending = out.join('\n');
      for await (const row of spool.rows()) {
        const lines: string[] = [];
        pushRow(lines, row.map(splitLines), this.widths);
        pending += `\n${lines.join('\n')}`;
        if (pending.length >= PIECE_CHARS) {
          yield pending;
          pending = '';
        }
      }
      yield `${pending}\n${this.border()}`;
    } finally {
      this.dispose();
    }
  }

  /** Releases the spool file (the body was abandoned, or is complete). */
  dispose(): void {
    this.spool?.close();
    this.spool = undefined;
    this.buffered = [];
  }

  private spill(): void {
    this.spool ??= new Spool();
    this.spool.append(this.buffered);
    this.buffered = [];
    this.bufferedChars = 0;
  }

  private border(): string {
    return `+${this.widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  }

  private drawHead(out: string[]): void {
    out.push(this.border());
    pushRow(out, this.header.map(splitLines), this.widths);
    out.push(this.border());
  }
}

/**
 * Rows of cell text in a temporary file, unlinked as soon as it is open so that nothing is
 * left behind whatever happens to the process. One row per line, cells separated by tabs, with
 * backslash, tab and newline escaped.
 */
class Spool {
  private readonly fd: number;
  private size = 0;

  constructor() {
    const file = path.join(os.tmpdir(), `cnosdb-table-${process.pid}-${randomUUID()}`);
    this.fd = fs.openSync(file, 'wx+', 0o600);
    fs.unlinkSync(file);
  }

  append(rows: readonly string[][]): void {
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) text += `${row.map(escapeCell).join('\t')}\n`;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
    this.size += bytes.length;
  }

  async *rows(): AsyncGenerator<string[]> {
    const block = Buffer.allocUnsafe(1024 * 1024);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (let position = 0; position < this.size; ) {
      const { bytesRead } = await readAt(this.fd, block, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = carry + decoder.write(block.subarray(0, bytesRead));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        yield text.slice(start, nl).split('\t').map(unescapeCell);
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<{ bytesRead: number }> {
  return new Promise((resolve, reject) => fs.read(fd, buffer, 0, buffer.length, position, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead }))));
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n' };

function escapeCell(text: string): string {
  return /[\\\t\n]/.test(text) ? text.replace(/[\\\t\n]/g, (c) => ESCAPES[c]) : text;
}

function unescapeCell(text: string): string {
  return text.indexOf('\\') < 0 ? text : text.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c]);
}
