import { CnosClient, RawResponse, request, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

/*
 * The query service caches table schemas and databases (DESIGN section 9: no catalog lookups
 * in ClickHouse per query). These tests show that the cache never shows a stale schema where
 * it matters: after a write that added a column (read-your-writes, section 6), after DDL
 * through the API, and after a schema change made behind its back in ClickHouse.
 */

const MODES = ['standalone', 'distributed'] as const;
const OK_EMPTY = { status: 200, text: '' };
const result = (res: RawResponse) => ({ status: res.status, text: res.text });
const ok = (text: string) => ({ status: 200, text });
const error = (code: string, message: string) => ({ status: 422, text: JSON.stringify({ error_code: code, error_message: message }) });

async function clickhouse(sql: string): Promise<void> {
  const res = await request('http://127.0.0.1:8123/', { method: 'POST', body: sql });
  if (res.status !== 200) throw new Error(`ClickHouse: ${res.status} ${res.text}`);
}

describe.each(MODES)('SQL schema cache (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;
  const tenant = uniqueName('cache');
  const db = 'db1';

  beforeAll(async () => {
    topology = await startTopology(mode);
    client = new CnosClient(topology.url);
    expect(result(await client.sql(`CREATE DATABASE ${db}`, `tenant=${tenant}`))).toEqual(OK_EMPTY);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const sql = async (text: string, database = db) => result(await client.sql(text, `tenant=${tenant}&db=${database}`));
  const write = async (lines: string) => result(await client.write(lines, `tenant=${tenant}&db=${db}`));

  it('a column added by a line-protocol write is in the very next SELECT *', async () => {
    expect(await write('m,host=a v=1i 1000')).toEqual({ status: 200, text: '' });
    // This SELECT caches the schema (time, host, v).
    expect(await sql('SELECT * FROM m')).toEqual(ok('time,host,v\n1970-01-01T00:00:00.000001000,a,1\n'));
    expect(await write('m,host=a w=2.5 2000')).toEqual({ status: 200, text: '' });
    expect(await sql('SELECT * FROM m ORDER BY time')).toEqual(
      ok('time,host,v,w\n1970-01-01T00:00:00.000001000,a,1,\n1970-01-01T00:00:00.000002000,a,,2.5\n'),
    );
    // Again, with the new schema cached now, and once more after another added field.
    expect(await sql('SELECT w FROM m WHERE w IS NOT NULL')).toEqual(ok('w\n2.5\n'));
    expect(await write('m,host=b s="x" 3000')).toEqual({ status: 200, text: '' });
    expect(await sql('SELECT * FROM m ORDER BY time')).toEqual(
      ok(
        'time,host,v,w,s\n' +
          '1970-01-01T00:00:00.000001000,a,1,,\n' +
          '1970-01-01T00:00:00.000002000,a,,2.5,\n' +
          '1970-01-01T00:00:00.000003000,b,,,x\n',
      ),
    );
  });

  it('DROP TABLE through the API: the next SELECT answers 030019, a new table of that name is seen', async () => {
    expect(await sql('CREATE TABLE d (f BIGINT, TAGS(t))')).toEqual(OK_EMPTY);
    expect(await sql("INSERT INTO d (time, t, f) VALUES (1, 'x', 7)")).toEqual(ok('rows\n1\n'));
    expect(await sql('SELECT * FROM d')).toEqual(ok('time,t,f\n1970-01-01T00:00:00.000000001,x,7\n'));
    expect(await sql('DROP TABLE d')).toEqual(OK_EMPTY);
    expect(await sql('SELECT * FROM d')).toEqual(error('030019', `Table not found: "${tenant}.${db}.d"`));
    expect(await sql('CREATE TABLE d (g DOUBLE, TAGS(u))')).toEqual(OK_EMPTY);
    expect(await sql('SELECT * FROM d')).toEqual(ok('time,u,g\n'));
  });

  it('ALTER TABLE ADD FIELD / ADD TAG / DROP through the API: DESCRIBE and SELECT * follow at once', async () => {
    expect(await sql('CREATE TABLE a (f BIGINT, TAGS(t))')).toEqual(OK_EMPTY);
    expect(await sql("INSERT INTO a (time, t, f) VALUES (1, 'x', 7)")).toEqual(ok('rows\n1\n'));
    expect(await sql('SELECT * FROM a')).toEqual(ok('time,t,f\n1970-01-01T00:00:00.000000001,x,7\n'));
    expect(await sql('ALTER TABLE a ADD FIELD g DOUBLE')).toEqual(OK_EMPTY);
    expect(await sql('DESCRIBE TABLE a')).toEqual(
      ok(
        'column_name,data_type,column_type,compression_codec\n' +
          'time,TIMESTAMP(NANOSECOND),TIME,DEFAULT\n' +
          't,STRING,TAG,DEFAULT\n' +
          'f,BIGINT,FIELD,DEFAULT\n' +
          'g,DOUBLE,FIELD,DEFAULT\n',
      ),
    );
    expect(await sql('SELECT * FROM a')).toEqual(ok('time,t,f,g\n1970-01-01T00:00:00.000000001,x,7,\n'));
    expect(await sql('ALTER TABLE a DROP f')).toEqual(OK_EMPTY);
    expect(await sql('SELECT * FROM a')).toEqual(ok('time,t,g\n1970-01-01T00:00:00.000000001,x,\n'));
    expect(await sql('SELECT f FROM a')).toEqual(error('010001', 'Datafusion: Schema error: No field named f. Valid fields are a.time, a.t, a.g.'));
  });

  it('DROP DATABASE through the API: the next SELECT answers 030017', async () => {
    const other = uniqueName('gone');
    expect(await sql(`CREATE DATABASE ${other}`)).toEqual(OK_EMPTY);
    expect(await sql('CREATE TABLE x (f BIGINT)', other)).toEqual(OK_EMPTY);
    expect(await sql('SELECT * FROM x', other)).toEqual(ok('time,f\n'));
    expect(await sql(`DROP DATABASE ${other}`)).toEqual(OK_EMPTY);
    expect(await sql('SELECT * FROM x', other)).toEqual(error('030017', `Database not found: "${other}"`));
  });

  it('a table or column removed behind its back (another process) is read again, not reported from a stale schema', async () => {
    expect(await sql('CREATE TABLE b (f BIGINT, g BIGINT, TAGS(t))')).toEqual(OK_EMPTY);
    expect(await sql("INSERT INTO b (time, t, f, g) VALUES (1, 'x', 7, 8)")).toEqual(ok('rows\n1\n'));
    expect(await sql('SELECT * FROM b')).toEqual(ok('time,t,f,g\n1970-01-01T00:00:00.000000001,x,7,8\n'));
    // Straight in ClickHouse, as a query service replica elsewhere would: no metadata row changes.
    await clickhouse(`ALTER TABLE \`${tenant}.${db}\`.b DROP COLUMN g`);
    expect(await sql('SELECT * FROM b')).toEqual(ok('time,t,f\n1970-01-01T00:00:00.000000001,x,7\n'));
    await clickhouse(`DROP TABLE \`${tenant}.${db}\`.b`);
    expect(await sql('SELECT * FROM b')).toEqual(error('030019', `Table not found: "${tenant}.${db}.b"`));
  });
});
