import { loadConfig } from '@cnosdb/shared/config';
import { ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';
import { chDatabaseName, qualified, quoteIdent } from './naming';
import { RowInserter } from './row.inserter';
import { SchemaConflictError, SchemaManager } from './schema.manager';

// Runs against the local ClickHouse started by tools/infra (npm test starts it).
describe('ClickHouse storage (integration)', () => {
  const ch = new ClickHouseService(loadConfig().clickhouse);
  const tenant = `it_${Date.now().toString(36)}`;
  const loc = { tenant, database: 'db', chDatabase: chDatabaseName(tenant, 'db'), precision: 'ns' as const };
  const schemas = new SchemaManager(ch);

  beforeAll(async () => {
    await new MetadataStore(ch).bootstrap();
    await new MetadataStore(ch).createDatabase(tenant, 'db', { ttl: 'INF', shard: 1, vnodeDuration: '1year', replica: 1, precision: 'ns' });
  });

  afterAll(async () => {
    await ch.exec(`DROP DATABASE IF EXISTS ${quoteIdent(loc.chDatabase)}`);
    await ch.close();
  });

  it('bootstraps the default tenant and database idempotently', async () => {
    const metadata = new MetadataStore(ch);
    await metadata.bootstrap();
    await metadata.bootstrap();
    expect(await metadata.getDatabase('cnosdb', 'public', true)).toMatchObject({ chDatabase: 'cnosdb.public', options: { precision: 'ns' } });
    expect(await metadata.getDatabase(tenant, 'nope', true)).toBeUndefined();
  });

  it('creates a table, adds columns in first-seen order and reads roles back', async () => {
    await schemas.ensureColumns(loc, 'm', ['b', 'a'], [{ name: 'v', type: 'DOUBLE' }]);
    const schema = await schemas.ensureColumns(loc, 'm', ['c'], [{ name: 'w', type: 'BIGINT' }, { name: 's', type: 'STRING' }]);
    expect(schema.columns.map((c) => `${c.name}:${c.role}:${c.type}`)).toEqual([
      'time:time:TIMESTAMP',
      'b:tag:STRING',
      'a:tag:STRING',
      'v:field:DOUBLE',
      'c:tag:STRING',
      'w:field:BIGINT',
      's:field:STRING',
    ]);
  });

  it('rejects a field whose type conflicts and a tag used as a field', async () => {
    await schemas.ensureColumns(loc, 'c', ['host'], [{ name: 'v', type: 'DOUBLE' }]);
    await expect(schemas.ensureColumns(loc, 'c', [], [{ name: 'v', type: 'STRING' }])).rejects.toEqual(new SchemaConflictError('v', 'STRING', 'F64'));
    await expect(schemas.ensureColumns(loc, 'c', [], [{ name: 'host', type: 'BIGINT' }])).rejects.toEqual(new SchemaConflictError('host', 'I64', 'TAG'));
    await expect(schemas.ensureColumns(loc, 'c', ['v'], [])).rejects.toEqual(new SchemaConflictError('v', 'TAG', 'F64'));
  });

  it('merges rows of the same series and time field by field, newest version wins', async () => {
    await schemas.ensureColumns(loc, 'merge', ['t'], [{ name: 'fa', type: 'DOUBLE' }, { name: 'fb', type: 'DOUBLE' }]);
    const inserter = new RowInserter(ch);
    const row = (fa: number | undefined, fb: number | undefined) => ({
      tenant,
      database: 'db',
      table: 'merge',
      rowCount: 1,
      times: new BigInt64Array([5n]),
      tags: [{ name: 't', values: ['x'] }],
      fields: [
        { name: 'fa', type: 'DOUBLE' as const, present: new Uint8Array([fa === undefined ? 0 : 1]), values: new Float64Array([fa ?? 0]) },
        { name: 'fb', type: 'DOUBLE' as const, present: new Uint8Array([fb === undefined ? 0 : 1]), values: new Float64Array([fb ?? 0]) },
      ],
    });
    await inserter.insert(loc.chDatabase, row(1, undefined), 10n);
    await inserter.insert(loc.chDatabase, row(undefined, 2), 20n);
    await inserter.insert(loc.chDatabase, row(7, undefined), 30n);
    await inserter.insert(loc.chDatabase, row(1, undefined), 10n); // a replay of the first write
    const rows = await ch.rows<{ fa: number; fb: number }>(
      `SELECT argMax(fa, __cnosdb_version) AS xa, argMax(fb, __cnosdb_version) AS xb FROM ${qualified(loc.chDatabase, 'merge')} GROUP BY time, t`,
    );
    expect(rows).toEqual([{ xa: 7, xb: 2 }]);
  });
});
