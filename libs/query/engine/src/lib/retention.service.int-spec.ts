import { loadConfig } from '@cnosdb/shared/config';
import { createLogger } from '@cnosdb/shared/logging';
import { ClickHouseService, MetadataStore, qualified, quoteIdent, SchemaManager } from '@cnosdb/storage/clickhouse';
import { RetentionService } from './retention.service';

// Runs against the local ClickHouse started by tools/infra (npm test starts it).
describe('RetentionService (integration)', () => {
  const ch = new ClickHouseService(loadConfig().clickhouse);
  const metadata = new MetadataStore(ch);
  const tenant = `ret_${Date.now().toString(36)}`;
  const DAY_NS = 86_400_000_000_000n;

  afterAll(async () => {
    await metadata.onModuleDestroy();
    for (const db of await metadata.listDatabases(tenant)) await metadata.dropDatabase(tenant, db.name);
    await ch.close();
  });

  it('drops the day partitions that lie wholly before now - TTL, in every precision, and nothing else', async () => {
    await metadata.bootstrap();
    const now = 1_700_000_000_000_000_000n + 12n * 3_600_000_000_000n; // 2023-11-15T10:13:20Z
    const dayStart = (now / DAY_NS) * DAY_NS; // 2023-11-15T00:00:00Z
    const schemas = new SchemaManager(ch);
    const cases = [
      { name: 'ns', precision: 'ns' as const, unit: 1n },
      { name: 'ms', precision: 'ms' as const, unit: 1_000_000n },
    ];
    for (const c of cases) {
      // TTL 1 day: the cutoff is yesterday 10:13:20, so the day before yesterday is wholly expired,
      // yesterday only partly (kept, its old rows are hidden by the query filter).
      const db = await metadata.createDatabase(tenant, c.name, { precision: c.precision, ttl: '1day', ttlNanos: DAY_NS.toString() });
      const loc = { tenant, database: c.name, chDatabase: db.chDatabase, precision: c.precision };
      await schemas.ensureColumns(loc, 'm', ['t'], [{ name: 'v', type: 'DOUBLE' }]);
      const times = [dayStart - 2n * DAY_NS + 1n, dayStart - DAY_NS + 1n, dayStart + 1n].map((t) => t / c.unit);
      await ch.exec(`INSERT INTO ${qualified(db.chDatabase, 'm')} (time, t, v, __cnosdb_version) VALUES ${times.map((t, i) => `(${t}, 'a', ${i}, 1)`).join(', ')}`);
    }
    const keep = await metadata.createDatabase(tenant, 'forever', {});
    await schemas.ensureColumns({ tenant, database: 'forever', chDatabase: keep.chDatabase, precision: 'ns' }, 'm', [], [{ name: 'v', type: 'DOUBLE' }]);
    await ch.exec(`INSERT INTO ${qualified(keep.chDatabase, 'm')} (time, v, __cnosdb_version) VALUES (1, 1, 1)`);

    const retention = new RetentionService(ch, metadata, createLogger('retention-test', 'silent'));
    const dropped = await retention.runOnce(now);
    expect(dropped).toBeGreaterThanOrEqual(2);
    for (const c of cases) {
      const rows = await ch.rows<{ v: number }>(`SELECT v FROM ${quoteIdent(`${tenant}.${c.name}`)}.m ORDER BY v`);
      expect(rows.map((r) => Number(r.v))).toEqual([1, 2]);
    }
    expect(await ch.rows(`SELECT v FROM ${qualified(keep.chDatabase, 'm')}`)).toEqual([{ v: 1 }]);
  });
});
