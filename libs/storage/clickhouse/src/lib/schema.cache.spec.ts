import { ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';
import { SchemaManager, TableLocation } from './schema.manager';

/**
 * A stand-in for ClickHouse that knows one table's columns (name → ClickHouse type) and counts
 * the system.columns reads; ALTER … ADD COLUMN and DROP TABLE change what it knows.
 */
class FakeClickHouse {
  tables = new Map<string, [string, string][]>();
  columnReads = 0;
  /** When set, the next system.columns read waits for this before answering. */
  gate?: Promise<void>;

  async rows<T>(sql: string): Promise<T[]> {
    const m = /FROM system\.columns WHERE database = '([^']*)' AND table = '([^']*)'/.exec(sql);
    if (!m) throw new Error(`unexpected query ${sql}`);
    this.columnReads++;
    const answer = (this.tables.get(m[2]) ?? []).map(([name, type]) => ({ name, type }));
    if (this.gate) {
      const gate = this.gate;
      this.gate = undefined;
      await gate;
    }
    return answer as T[];
  }

  async exec(sql: string): Promise<void> {
    const add = /^ALTER TABLE `[^`]*`\.`([^`]*)` ADD COLUMN `([^`]*)` (.*)$/.exec(sql);
    if (add) {
      this.tables.get(add[1])?.push([add[2], add[3]]);
      return;
    }
    const drop = /^DROP TABLE IF EXISTS `[^`]*`\.`([^`]*)`$/.exec(sql);
    if (drop) {
      this.tables.delete(drop[1]);
      return;
    }
    throw new Error(`unexpected statement ${sql}`);
  }
}

const loc: TableLocation = { tenant: 'cnosdb', database: 'public', chDatabase: 'cnosdb.public', precision: 'ns' };
const names = (schema: { columns: { name: string }[] } | undefined) => schema?.columns.map((c) => c.name).join(',');

describe('SchemaManager cache', () => {
  let ch: FakeClickHouse;
  let schemas: SchemaManager;

  beforeEach(() => {
    ch = new FakeClickHouse();
    ch.tables.set('cpu', [
      ['time', 'Int64'],
      ['host', 'String'],
      ['usage', 'Nullable(Float64)'],
      ['__cnosdb_version', 'UInt64'],
    ]);
    schemas = new SchemaManager(ch as unknown as ClickHouseService);
  });

  it('serves a schema read after the bound without asking ClickHouse again', async () => {
    const after = schemas.mark();
    expect(names(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 }))).toBe('time,host,usage');
    expect(names(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 }))).toBe('time,host,usage');
    expect(ch.columnReads).toBe(1);
  });

  it('reads again when the entry was read before the bound (writes elsewhere since)', async () => {
    await schemas.getTable(loc, 'cpu', { after: schemas.mark(), maxAgeMs: 60_000 });
    ch.tables.get('cpu')?.push(['idle', 'Nullable(Float64)']);
    const after = schemas.mark();
    expect(names(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 }))).toBe('time,host,usage,idle');
    expect(ch.columnReads).toBe(2);
  });

  it('reads again when the entry is older than maxAgeMs', async () => {
    const after = schemas.mark();
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 0 });
    expect(ch.columnReads).toBe(2);
  });

  it('sees a column a write added through it without reading ClickHouse for the query', async () => {
    const after = schemas.mark();
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    await schemas.ensureColumns(loc, 'cpu', ['host'], [{ name: 'idle', type: 'DOUBLE' }]);
    const reads = ch.columnReads;
    expect(names(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 }))).toBe('time,host,usage,idle');
    expect(ch.columnReads).toBe(reads);
  });

  it('sees DDL made through it at once (ADD FIELD, DROP TABLE)', async () => {
    const after = schemas.mark();
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    await schemas.addColumn(loc, 'cpu', { name: 'rack', role: 'tag' });
    expect(names(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 }))).toBe('time,host,usage,rack');
    expect(await schemas.dropTable(loc, 'cpu')).toBe(true);
    expect(await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 })).toBeUndefined();
  });

  it('does not cache what a read found if an invalidation came while it ran', async () => {
    let open!: () => void;
    ch.gate = new Promise<void>((resolve) => (open = resolve));
    const after = schemas.mark();
    const reading = schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    await Promise.resolve();
    schemas.invalidate('cnosdb.public', 'cpu');
    open();
    expect(names(await reading)).toBe('time,host,usage');
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    expect(ch.columnReads).toBe(2);
  });

  it('drops everything when the metadata store reports a change', async () => {
    const metadata = new MetadataStore(ch as unknown as ClickHouseService);
    schemas = new SchemaManager(ch as unknown as ClickHouseService, metadata);
    const after = schemas.mark();
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    metadata.notify();
    await schemas.getTable(loc, 'cpu', { after, maxAgeMs: 60_000 });
    expect(ch.columnReads).toBe(2);
  });

  it('never caches a missing table', async () => {
    const after = schemas.mark();
    expect(await schemas.getTable(loc, 'mem', { after, maxAgeMs: 60_000 })).toBeUndefined();
    ch.tables.set('mem', [['time', 'Int64']]);
    expect(names(await schemas.getTable(loc, 'mem', { after, maxAgeMs: 60_000 }))).toBe('time');
  });
});
