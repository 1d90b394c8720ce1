import { RowBatch } from '@cnosdb/contracts';
import { ClickHouseServerError, ClickHouseService, RowInserter } from '@cnosdb/storage/clickhouse';
import { InsertCoalescer } from './insert.coalescer';

function batch(table: string, rows: number): RowBatch {
  return { tenant: 'cnosdb', database: 'public', table, rowCount: rows, times: new BigInt64Array(rows), tags: [], fields: [] };
}

/** A ClickHouse stand-in whose inserts finish when the test says so. */
class FakeClickHouse {
  calls: { table: string; blocks: number; finish: (err?: Error) => void }[] = [];
  insertNative(table: string, _columns: string[], blocks: Buffer[]): Promise<void> {
    return new Promise((resolve, reject) => this.calls.push({ table, blocks: blocks.length, finish: (err) => (err ? reject(err) : resolve()) }));
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('InsertCoalescer', () => {
  let ch: FakeClickHouse;
  let retried: RowBatch[];
  let coalescer: InsertCoalescer;

  beforeEach(() => {
    ch = new FakeClickHouse();
    retried = [];
    const inserter = { insert: async (_db: string, b: RowBatch) => void retried.push(b) } as unknown as RowInserter;
    coalescer = new InsertCoalescer(ch as unknown as ClickHouseService, inserter);
  });

  it('sends what arrives during an INSERT as one INSERT after it, and settles each caller only when its INSERT is acknowledged', async () => {
    const settled: string[] = [];
    const a = coalescer.insert(batch('t', 2), 0n).then(() => settled.push('a'));
    const b = coalescer.insert(batch('t', 3), 10n).then(() => settled.push('b'));
    const c = coalescer.insert(batch('t', 1), 20n).then(() => settled.push('c'));
    await tick();
    expect(ch.calls.map((x) => x.blocks)).toEqual([1]);
    ch.calls[0].finish();
    await a;
    await tick();
    expect(settled).toEqual(['a']);
    expect(ch.calls.map((x) => x.blocks)).toEqual([1, 2]);
    ch.calls[1].finish();
    await Promise.all([b, c]);
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  it('keeps tables apart and runs their INSERTs side by side', async () => {
    void coalescer.insert(batch('t1', 1), 0n);
    void coalescer.insert(batch('t2', 1), 0n);
    await tick();
    expect(ch.calls.map((x) => x.table)).toEqual(['`cnosdb.public`.`t1`', '`cnosdb.public`.`t2`']);
  });

  it('fails every caller of a failed INSERT', async () => {
    void coalescer.insert(batch('t', 1), 0n);
    const b = coalescer.insert(batch('t', 1), 0n);
    const c = coalescer.insert(batch('t', 1), 0n);
    await tick();
    ch.calls[0].finish();
    await tick();
    ch.calls[1].finish(new Error('boom'));
    await expect(b).rejects.toThrow('boom');
    await expect(c).rejects.toThrow('boom');
  });

  it('retries batch by batch through the healing inserter when DDL removed the table', async () => {
    const p = coalescer.insert(batch('t', 4), 0n);
    await tick();
    ch.calls[0].finish(new ClickHouseServerError('Table does not exist', 60));
    await p;
    expect(retried.map((b) => b.rowCount)).toEqual([4]);
  });
});
