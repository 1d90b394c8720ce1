import { RowSink } from '@cnosdb/contracts';
import { loadConfig } from '@cnosdb/shared/config';
import { ClickHouseServerError, ClickHouseService, MetadataStore, qualified, SchemaManager } from '@cnosdb/storage/clickhouse';
import { ImmediateConsistency } from './consistency.barrier';
import { QueryEngineService } from './query-engine.service';

/**
 * The real ClickHouse, recording the SQL it is sent, except that the first query fails as
 * 18.16 fails a GROUP BY at its per-query memory limit (code 241, before any row). (The limit
 * cannot be lowered for one query over HTTP: 18.16 takes it from the user's profile.)
 */
class MemoryBoundClickHouse extends ClickHouseService {
  readonly sent: string[] = [];
  override async spillThresholdBytes(): Promise<number> {
    return 10_000_000;
  }
  override tsv(sql: string, abort?: AbortSignal): AsyncGenerator<string> {
    this.sent.push(sql);
    if (this.sent.length === 1) {
      return (async function* (): AsyncGenerator<string> {
        yield* []; // fails before its first chunk, as ClickHouse does
        throw new ClickHouseServerError('Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 20.03 MiB', 241);
      })();
    }
    return super.tsv(sql, abort);
  }
}

// Runs against the local ClickHouse started by tools/infra (npm test starts it).
describe('QueryEngineService (integration)', () => {
  const config = loadConfig();
  const ch = new MemoryBoundClickHouse(config.clickhouse);
  const metadata = new MetadataStore(ch);
  const schemas = new SchemaManager(ch);
  const tenant = `qe_${Date.now().toString(36)}`;
  const engine = new QueryEngineService(ch, metadata, schemas, new ImmediateConsistency(), {} as RowSink, config);

  afterAll(async () => {
    await metadata.onModuleDestroy();
    for (const db of await metadata.listDatabases(tenant)) await metadata.dropDatabase(tenant, db.name);
    await ch.close();
  });

  it('runs a GROUP BY that reaches the memory limit again with aggregation spilling to disk', async () => {
    await metadata.bootstrap();
    const db = await metadata.createDatabase(tenant, 'db1', {});
    await schemas.ensureColumns({ tenant, database: 'db1', chDatabase: db.chDatabase, precision: 'ns' }, 'm', ['host'], [{ name: 'v', type: 'BIGINT' }]);
    // 2M distinct (time, host): the merge's GROUP BY state is far over the 10 MB threshold, so
    // the second attempt really spills.
    await ch.exec(
      `INSERT INTO ${qualified(db.chDatabase, 'm')} (time, host, v, __cnosdb_version) ` +
        `SELECT number, concat('h', toString(number % 7)), toInt64(number), 1 FROM system.numbers LIMIT 2000000`,
    );

    const events = [];
    for await (const e of engine.execute({ tenant, database: 'db1', user: 'root' }, 'SELECT count(*), sum(v) FROM m')) events.push(e);

    expect(events).toEqual([
      { kind: 'schema', columns: [{ name: 'COUNT(UInt8(1))', type: 'BIGINT' }, { name: 'SUM(m.v)', type: 'BIGINT' }], consistencyTimeout: false },
      { kind: 'rows', rows: [['2000000', '1999999000000']] },
    ]);
    expect(ch.sent).toHaveLength(2);
    expect(ch.sent[0]).not.toMatch(/max_bytes_before_external_group_by/);
    expect(ch.sent[1]).toMatch(/max_bytes_before_external_group_by = 10000000/);
  }, 60_000);
});
