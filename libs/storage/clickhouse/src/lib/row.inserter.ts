import { RowBatch } from '@cnosdb/contracts';
import { ClickHouseService } from './clickhouse.service';
import { batchToNative } from './native.encoder';
import { qualified } from './naming';

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
    const { columns, block } = batchToNative(batch, versionBase);
    await this.ch.insertNative(table, columns, [block]);
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
