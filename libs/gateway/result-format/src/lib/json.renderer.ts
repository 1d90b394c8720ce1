import type { ResultRow } from '@cnosdb/contracts';
import type { CellFormatter } from './cell.formatter';
import { jsonString } from './json-string.formatter';
import type { ResultRenderer } from './result-renderer.types';

/**
 * Writes rows as JSON objects the way arrow-json 42 does, except that keys follow COLUMN
 * order (CnosDB sorts them; DESIGN.md §2 deviation). Null, NaN and ±inf cells leave their key
 * out. No whitespace anywhere.
 *
 * Duplicate column names (possible after a join) produce one key, placed at the first column
 * of that name, holding the last non-null value among those columns: CnosDB's serde_json map
 * also keeps one entry per key and lets later columns overwrite earlier ones.
 */
export class JsonObjectWriter {
  private readonly keys: string[];
  /** For each column, the output slot of its name; null when all names are distinct. */
  private readonly slots: number[] | null;
  private readonly slotKeys: string[];

  constructor(private readonly cells: readonly CellFormatter[]) {
    this.keys = cells.map((c) => `${jsonString(c.name)}:`);
    const slotOf = new Map<string, number>();
    const slots = cells.map((c) => {
      let slot = slotOf.get(c.name);
      if (slot === undefined) {
        slot = slotOf.size;
        slotOf.set(c.name, slot);
      }
      return slot;
    });
    this.slots = slotOf.size === cells.length ? null : slots;
    this.slotKeys = [...slotOf.keys()].map((name) => `${jsonString(name)}:`);
  }

  /** One row as a compact JSON object. */
  object(row: ResultRow): string {
    return this.slots === null ? this.distinct(row) : this.merged(row, this.slots);
  }

  private distinct(row: ResultRow): string {
    let out = '{';
    for (let c = 0; c < this.cells.length; c++) {
      const value = this.cells[c].json(row[c] ?? null);
      if (value === undefined) continue;
      if (out.length > 1) out += ',';
      out += this.keys[c] + value;
    }
    return `${out}}`;
  }

  private merged(row: ResultRow, slots: number[]): string {
    const values = new Array<string | undefined>(this.slotKeys.length);
    for (let c = 0; c < this.cells.length; c++) {
      const value = this.cells[c].json(row[c] ?? null);
      if (value !== undefined) values[slots[c]] = value;
    }
    let out = '{';
    for (let s = 0; s < values.length; s++) {
      const value = values[s];
      if (value === undefined) continue;
      if (out.length > 1) out += ',';
      out += this.slotKeys[s] + value;
    }
    return `${out}}`;
  }
}

/**
 * JSON body (arrow-json 42 ArrayWriter, no trailing newline).
 * Non-chunked: one array over all batches, `[{…},{…}]`; zero rows → `[]` (CnosDB sends an
 * empty body; DESIGN.md §2 deviation).
 * Chunked: every batch is its own array, so the body is `[…][…]` as in CnosDB; when no row
 * came at all the final chunk is `[]` (CnosDB: empty).
 */
export class JsonRenderer implements ResultRenderer {
  private readonly writer: JsonObjectWriter;

  constructor(
    cells: readonly CellFormatter[],
    private readonly chunked: boolean,
  ) {
    this.writer = new JsonObjectWriter(cells);
  }

  renderBatch(rows: ResultRow[], first: boolean): string {
    if (rows.length === 0) return '';
    const objects = rows.map((row) => this.writer.object(row)).join(',');
    if (this.chunked) return `[${objects}]`;
    return (first ? '[' : ',') + objects;
  }

  finish(emittedAnyRows: boolean): string {
    if (!emittedAnyRows) return '[]';
    return this.chunked ? '' : ']';
  }
}

/**
 * ND-JSON body (arrow-json 42 LineDelimitedWriter): one object per row, each followed by `\n`;
 * zero rows → empty body. Chunked output is the same text split at batch boundaries.
 */
export class NdJsonRenderer implements ResultRenderer {
  private readonly writer: JsonObjectWriter;

  constructor(cells: readonly CellFormatter[]) {
    this.writer = new JsonObjectWriter(cells);
  }

  renderBatch(rows: ResultRow[]): string {
    let out = '';
    for (const row of rows) out += `${this.writer.object(row)}\n`;
    return out;
  }

  finish(): string {
    return '';
  }
}
