import { RowBatch } from '@cnosdb/contracts';
import { batchToNative, chDatabaseName, ClickHouseService, isMissingSchemaError, qualified, RowInserter } from '@cnosdb/storage/clickhouse';

/** Rows at most in one combined INSERT (ClickHouse squashes blocks up to about a million rows into one part). */
const MAX_ROWS_PER_INSERT = 500_000;

interface Waiting {
  batch: RowBatch;
  versionBase: bigint;
  block: Buffer;
  rows: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Lane {
  table: string;
  columns: string[];
  queue: Waiting[];
  busy: boolean;
}

/**
 * Group commit for the standalone write path. ClickHouse writes a part per INSERT and merges
 * parts in the background, so many small concurrent inserts into one table cost far more than
 * a few large ones. While an INSERT into a table (and column set) is in flight, batches for it
 * wait; when it finishes, everything that waited goes in as one INSERT of several Native
 * blocks. Each caller's promise settles only once ClickHouse acknowledged the INSERT that
 * carried its rows, so a 200 still means durable. Rows keep the versions they were given, so
 * combining changes no merge result.
 */
export class InsertCoalescer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly ch: ClickHouseService,
    private readonly inserter: RowInserter,
  ) {}

  insert(batch: RowBatch, versionBase: bigint): Promise<void> {
    if (batch.rowCount === 0) return Promise.resolve();
    const { columns, block } = batchToNative(batch, versionBase);
    const table = qualified(chDatabaseName(batch.tenant, batch.database), batch.table);
    const key = `${table}\u0000${columns.join(',')}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { table, columns, queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    const done = new Promise<void>((resolve, reject) => lane.queue.push({ batch, versionBase, block, rows: batch.rowCount, resolve, reject }));
    if (!lane.busy) void this.drain(key, lane);
    return done;
  }

  private async drain(key: string, lane: Lane): Promise<void> {
    lane.busy = true;
    while (lane.queue.length > 0) {
      const group: Waiting[] = [];
      let rows = 0;
      while (lane.queue.length > 0 && (group.length === 0 || rows + lane.queue[0].rows <= MAX_ROWS_PER_INSERT)) {
        const w = lane.queue.shift() as Waiting;
        group.push(w);
        rows += w.rows;
      }
      await this.insertGroup(lane, group);
    }
    lane.busy = false;
    this.lanes.delete(key);
  }

  private async insertGroup(lane: Lane, group: Waiting[]): Promise<void> {
    try {
      await this.ch.insertNative(
        lane.table,
        lane.columns,
        group.map((w) => w.block),
      );
      for (const w of group) w.resolve();
      return;
    } catch (err) {
      if (!isMissingSchemaError(err)) {
        for (const w of group) w.reject(err);
        return;
      }
    }
    // DDL raced these rows (table, column or database dropped): one by one through the
    // healing inserter, which recreates what is missing or discards what no longer fits.
    for (const w of group) {
      try {
        await this.inserter.insert(chDatabaseName(w.batch.tenant, w.batch.database), w.batch, w.versionBase);
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
