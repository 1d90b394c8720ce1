import { RowBatch } from '@cnosdb/contracts';
import { ClickHouseService } from './clickhouse.service';
import { qualified, quoteIdent, VERSION_COLUMN } from './naming';

/** Escapes a string for ClickHouse's TabSeparated input. */
export function escapeTsv(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/**
 * Renders a batch as TabSeparated rows for INSERT: time, tags, fields, version. Row i gets
 * version `versionBase + i`, so a later row of the same series and time wins the merge.
 */
export function batchToTsv(batch: RowBatch, versionBase: bigint): { columns: string[]; tsv: string } {
  const n = batch.rowCount;
  const columns = ['time', ...batch.tags.map((t) => quoteIdent(t.name)), ...batch.fields.map((f) => quoteIdent(f.name)), VERSION_COLUMN];
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let line = batch.times[i].toString();
    for (const tag of batch.tags) {
      const v = tag.values[i];
      line += '\t' + (v === undefined ? '' : escapeTsv(v));
    }
    for (const f of batch.fields) {
      if (!f.present[i]) {
        line += '\t\\N';
        continue;
      }
      switch (f.type) {
        case 'DOUBLE':
          line += '\t' + formatDouble((f.values as Float64Array)[i]);
          break;
        case 'STRING':
          line += '\t' + escapeTsv((f.values as string[])[i]);
          break;
        default:
          line += '\t' + (f.values as BigInt64Array | BigUint64Array | Uint8Array)[i].toString();
      }
    }
    lines[i] = line + '\t' + (versionBase + BigInt(i)).toString();
  }
  return { columns, tsv: lines.join('\n') + '\n' };
}

/** Inserts row batches into their ClickHouse tables. */
export class RowInserter {
  constructor(private readonly ch: ClickHouseService) {}

  /** Inserts into the batch's own table in `chDatabase`. */
  async insert(chDatabase: string, batch: RowBatch, versionBase: bigint): Promise<void> {
    await this.insertInto(qualified(chDatabase, batch.table), batch, versionBase);
  }

  /** Inserts into any table (already quoted) that has the batch's columns. */
  async insertInto(table: string, batch: RowBatch, versionBase: bigint): Promise<void> {
    if (batch.rowCount === 0) return;
    const { columns, tsv } = batchToTsv(batch, versionBase);
    await this.ch.insertTsv(table, columns, tsv);
  }
}

let last = 0n;
/**
 * Version bases for the in-process (standalone) write path: milliseconds << 20, strictly
 * increasing, with room for 2^20 rows per batch.
 */
export function nextLocalVersionBase(rows: number): bigint {
  const now = BigInt(Date.now()) << 20n;
  const base = now > last ? now : last;
  last = base + BigInt(Math.max(rows, 1));
  return base;
}
