import { CnosClient, RawResponse, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

const MODES = ['standalone', 'distributed'] as const;
const OK_EMPTY = { status: 200, text: '' };
const result = (res: RawResponse) => ({ status: res.status, text: res.text });
const ok = (text: string) => ({ status: 200, text });
const error = (code: string, message: string) => ({ status: 422, text: JSON.stringify({ error_code: code, error_message: message }) });

describe.each(MODES)('SQL INSERT, SHOW SERIES / TAG VALUES, information_schema (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;
  const tenant = uniqueName('data');
  const db = 'db1';

  beforeAll(async () => {
    topology = await startTopology(mode);
    client = new CnosClient(topology.url);
    expect(result(await client.sql(`CREATE DATABASE ${db} WITH TTL '100000d'`, `tenant=${tenant}`))).toEqual(OK_EMPTY);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const sql = async (text: string, params = `tenant=${tenant}&db=${db}`, headers: Record<string, string> = {}) => result(await client.sql(text, params, headers));
  const write = async (lines: string) => result(await client.write(lines, `tenant=${tenant}&db=${db}`));

  describe('INSERT', () => {
    it('INSERT … VALUES with string times answers the row count and the rows read back', async () => {
      expect(await sql('CREATE TABLE air (visibility DOUBLE, temperature DOUBLE, pressure DOUBLE, TAGS(station))')).toEqual(OK_EMPTY);
      const insert =
        "INSERT INTO air (time, station, visibility, temperature, pressure) VALUES ('2023-01-01 01:10:00', 'XiaoMaiDao', 79, 80, 63), " +
        "('2023-01-01 01:20:00', 'XiaoMaiDao', 80, 60, 63), ('2023-01-01 01:30:00', 'XiaoMaiDao', 81, 70, 61)";
      expect(await sql(insert)).toEqual(ok('rows\n3\n'));
      expect(await sql(insert, `tenant=${tenant}&db=${db}`, { accept: 'application/json' })).toEqual(ok('[{"rows":3}]'));
      expect(await sql('SELECT * FROM air order by time')).toEqual(
        ok(
          'time,station,visibility,temperature,pressure\n' +
            '2023-01-01T01:10:00.000000000,XiaoMaiDao,79.0,80.0,63.0\n' +
            '2023-01-01T01:20:00.000000000,XiaoMaiDao,80.0,60.0,63.0\n' +
            '2023-01-01T01:30:00.000000000,XiaoMaiDao,81.0,70.0,61.0\n',
        ),
      );
      // The same series and time again: the new values win, as with line protocol.
      expect(
        await sql("INSERT INTO air (time, station, visibility, temperature, pressure) VALUES ('2023-01-01 01:10:00', 'XiaoMaiDao', 89, 90, 73)"),
      ).toEqual(ok('rows\n1\n'));
      expect(await sql("SELECT visibility, temperature, pressure FROM air WHERE time = '2023-01-01T01:10:00Z'")).toEqual(
        ok('visibility,temperature,pressure\n89.0,90.0,73.0\n'),
      );
    });

    it('casts values as CnosDB does: integer times in the database precision, missing columns NULL, RFC 3339 strings', async () => {
      expect(
        await sql(
          'CREATE TABLE test0(column1 BIGINT CODEC(DELTA), column2 STRING CODEC(GZIP), column3 BIGINT UNSIGNED CODEC(NULL), column4 BOOLEAN, column5 DOUBLE CODEC(GORILLA), TAGS(column6, column7))',
        ),
      ).toEqual(OK_EMPTY);
      const columns = 'TIME, column1, column2, column3, column4, column5, column6, column7';
      expect(await sql(`insert ${db}.test0(${columns}) values (100, -1234, 'hello', 1234, false, 1.2, 'beijing', 'shanghai')`)).toEqual(ok('rows\n1\n'));
      expect(await sql(`insert ${db}.test0(${columns}) values (101, -1234, 'hello', -1234, false, 1.2, 'beijing', 'shanghai')`)).toEqual(
        error('010002', "Arrow: Cast error: Can't cast value -1234 to type UInt64"),
      );
      expect(await sql(`insert ${db}.test0(${columns}) values (102, -1234, 'hello', 1234, false, 'failed', 'beijing', 'shanghai')`)).toEqual(
        error('010002', "Arrow: Cast error: Cannot cast string 'failed' to value of Float64 type"),
      );
      expect(await sql(`insert ${db}.test0(${columns}) values (0.1, -1234, 'hello', 1234, true, 1.2, 'beijing', 'shanghai')`)).toEqual(
        error('010001', 'Datafusion: This feature is not implemented: Unsupported CAST from Float64 to Timestamp(Nanosecond, None)'),
      );
      expect(
        await sql(`insert ${db}.test0(${columns}) values (103, -1234, 'hello', 1234, false, 1.2, 'beijing', 'shanghai'), (104, -1234, 'hello', 1234, false, 1.2, 'beijing', 'shanghai')`),
      ).toEqual(ok('rows\n2\n'));
      expect(await sql(`insert ${db}.test0(TIME, column2, column3, column4, column5, column6) values (100, 'hello', 1234, false, 1.2, 'beijing')`)).toEqual(ok('rows\n1\n'));
      expect(await sql(`insert ${db}.test0(TIME, column1, column4) values ('1970-01-01T00:00:00.000000200Z', '7', 'true')`)).toEqual(ok('rows\n1\n'));
      expect(await sql('select ALL * from test0 order by time, column6, column7')).toEqual(
        ok(
          'time,column6,column7,column1,column2,column3,column4,column5\n' +
            '1970-01-01T00:00:00.000000100,beijing,shanghai,-1234,hello,1234,false,1.2\n' +
            '1970-01-01T00:00:00.000000100,beijing,,,hello,1234,false,1.2\n' +
            '1970-01-01T00:00:00.000000103,beijing,shanghai,-1234,hello,1234,false,1.2\n' +
            '1970-01-01T00:00:00.000000104,beijing,shanghai,-1234,hello,1234,false,1.2\n' +
            '1970-01-01T00:00:00.000000200,,,7,,,true,\n',
        ),
      );
    });

    it('checks the column lists', async () => {
      expect(await sql('INSERT INTO air (time, nope) VALUES (1, 2)')).toEqual(
        error('010044', "Semantic error: Insert column 'nope' does not exist in target table, expect time,station,visibility,temperature,pressure"),
      );
      expect(await sql('INSERT INTO air (time, station) VALUES (1)')).toEqual(error('010045', 'Semantic error: Insert columns and Source columns not match'));
      expect(await sql('INSERT INTO air VALUES (1, \'a\')')).toEqual(error('010045', 'Semantic error: Insert columns and Source columns not match'));
      expect(await sql("INSERT INTO air (station, visibility) VALUES ('a', 1)")).toEqual(error('010023', 'Column time cannot be null.'));
      expect(await sql('INSERT INTO nope (time) VALUES (1)')).toEqual(error('030019', `Table not found: "${tenant}.${db}.nope"`));
    });

    it('INSERT … SELECT copies rows through the same write path, computed values included', async () => {
      expect(await sql('CREATE TABLE air2 (visibility DOUBLE, temperature DOUBLE, pressure DOUBLE, TAGS(station))')).toEqual(OK_EMPTY);
      expect(
        await sql('INSERT INTO air2 (time, station, visibility, temperature, pressure) SELECT time, station, visibility + 1, temperature, pressure FROM air'),
      ).toEqual(ok('rows\n3\n'));
      expect(await sql('SELECT * FROM air2 ORDER BY time')).toEqual(
        ok(
          'time,station,visibility,temperature,pressure\n' +
            '2023-01-01T01:10:00.000000000,XiaoMaiDao,90.0,90.0,73.0\n' +
            '2023-01-01T01:20:00.000000000,XiaoMaiDao,81.0,60.0,63.0\n' +
            '2023-01-01T01:30:00.000000000,XiaoMaiDao,82.0,70.0,61.0\n',
        ),
      );
      expect(await sql("INSERT INTO air2 SELECT time, 'copy', 1, 2, 3 FROM air WHERE temperature > 65")).toEqual(ok('rows\n2\n'));
      expect(await sql("SELECT time, pressure FROM air2 WHERE station = 'copy' ORDER BY time")).toEqual(
        ok('time,pressure\n2023-01-01T01:10:00.000000000,3.0\n2023-01-01T01:30:00.000000000,3.0\n'),
      );
      expect(await sql('INSERT INTO air2 (time, station, visibility) SELECT time, station FROM air')).toEqual(
        error('010045', 'Semantic error: Insert columns and Source columns not match'),
      );
    });

    it('INSERT … SELECT of more rows than one batch is all or nothing', async () => {
      // 25 000 rows: three batches of the sink; the string 'x' in the last row cannot become a DOUBLE.
      const n = 25_000;
      const lines = Array.from({ length: n }, (_, i) => `src,k=k${i % 7} s="${i === n - 1 ? 'x' : i}" ${1_700_000_000_000_000_000n + BigInt(i)}`);
      expect(await write(lines.join('\n'))).toEqual(OK_EMPTY);
      expect(await sql('CREATE TABLE dst (v DOUBLE, TAGS(k))')).toEqual(OK_EMPTY);
      expect(await sql('INSERT INTO dst (time, k, v) SELECT time, k, s FROM src')).toEqual(
        error('010002', "Arrow: Cast error: Cannot cast string 'x' to value of Float64 type"),
      );
      expect(await sql('SELECT count(*) AS n FROM dst')).toEqual(ok('n\n0\n'));
      expect(await sql("INSERT INTO dst (time, k, v) SELECT time, k, s FROM src WHERE s != 'x'")).toEqual(ok(`rows\n${n - 1}\n`));
      const sum = ((n - 2) * (n - 1)) / 2;
      expect(await sql('SELECT count(*) AS n, sum(v) AS total, count(DISTINCT k) AS keys FROM dst')).toEqual(ok(`n,total,keys\n${n - 1},${sum}.0,7\n`));
    });
  });

  describe('SHOW SERIES and SHOW TAG VALUES', () => {
    beforeAll(async () => {
      const lines = ['test,t0=a,t1=b,t2=c f0=1,f1="2" 0', 'test,t0=a f0=1 1', 'test,t1=b f1="2" 2', 'test,t2=c f0=1 3', 'test,t0=a,t1=b f0=1 4', 'test,t1=b,t2=c f0=1 5'];
      expect(await write(lines.join('\n'))).toEqual(OK_EMPTY);
    });

    it('lists series keys with their non-null tags in schema order', async () => {
      const all = 'key\n"test,t0=a"\n"test,t0=a,t1=b"\n"test,t0=a,t1=b,t2=c"\n"test,t1=b"\n"test,t1=b,t2=c"\n"test,t2=c"\n';
      expect(await sql('SHOW SERIES FROM test')).toEqual(ok(all));
      expect(await sql(`SHOW SERIES ON ${db} FROM test ORDER BY key`, `tenant=${tenant}&db=public`)).toEqual(ok(all));
      expect(await sql('SHOW SERIES FROM test WHERE time < now() ORDER BY key ASC')).toEqual(ok(all));
      expect(await sql('SHOW SERIES FROM test ORDER BY key DESC')).toEqual(
        ok('key\n"test,t2=c"\n"test,t1=b,t2=c"\n"test,t1=b"\n"test,t0=a,t1=b,t2=c"\n"test,t0=a,t1=b"\n"test,t0=a"\n'),
      );
      expect(await sql("SHOW SERIES FROM test WHERE t1 = 'b' ORDER BY key")).toEqual(ok('key\n"test,t0=a,t1=b"\n"test,t0=a,t1=b,t2=c"\n"test,t1=b"\n"test,t1=b,t2=c"\n'));
      expect(await sql("SHOW SERIES FROM test WHERE t0 IS NOT NULL ORDER BY key LIMIT 2 OFFSET 1")).toEqual(ok('key\n"test,t0=a,t1=b"\n"test,t0=a,t1=b,t2=c"\n'));
      expect(await sql("SHOW SERIES FROM test WHERE time > '1970-01-01T00:00:00.000000003'")).toEqual(ok('key\n"test,t0=a,t1=b"\n"test,t1=b,t2=c"\n'));
      expect(await sql('SHOW SERIES FROM test', `tenant=${tenant}&db=${db}`, { accept: 'application/json' })).toEqual(
        ok('[{"key":"test,t0=a"},{"key":"test,t0=a,t1=b"},{"key":"test,t0=a,t1=b,t2=c"},{"key":"test,t1=b"},{"key":"test,t1=b,t2=c"},{"key":"test,t2=c"}]'),
      );
    });

    it('lists tag values for WITH KEY = / != / IN / NOT IN', async () => {
      expect(await sql('SHOW TAG VALUES FROM test WITH KEY IN (t0, t1, t2) ORDER BY key, value')).toEqual(ok('key,value\nt0,a\nt1,b\nt2,c\n'));
      expect(await sql(`SHOW TAG VALUES ON ${db} FROM test WITH KEY = "t0"`, `tenant=${tenant}&db=public`)).toEqual(ok('key,value\nt0,a\n'));
      expect(await sql('SHOW TAG VALUES FROM test WITH KEY != "t0" ORDER BY key DESC')).toEqual(ok('key,value\nt2,c\nt1,b\n'));
      expect(await sql('SHOW TAG VALUES FROM test WITH KEY <> t1')).toEqual(ok('key,value\nt0,a\nt2,c\n'));
      expect(await sql('SHOW TAG VALUES FROM test WITH KEY NOT IN (t0, t1, t2)')).toEqual(ok('key,value\n'));
      expect(await sql("SHOW TAG VALUES FROM test WITH KEY IN (t0, t1, t2) WHERE t2 = 'c' ORDER BY key, value")).toEqual(ok('key,value\nt0,a\nt1,b\nt2,c\n'));
      expect(await sql("SHOW TAG VALUES FROM test WITH KEY IN (t0, t2) WHERE t0 IS NULL LIMIT 1")).toEqual(ok('key,value\nt2,c\n'));
    });

    it('reports CnosDB errors', async () => {
      expect(await sql('SHOW SERIES')).toEqual(error('010009', 'sql parser error: Expected FROM, found: EOF'));
      expect(await sql('SHOW SERIES;')).toEqual(error('010009', 'sql parser error: Expected FROM, found: ;'));
      expect(await sql('SHOW TAG VALUES FROM test')).toEqual(error('010009', 'sql parser error: Expected WITH, found: EOF'));
      expect(await sql(`SHOW SERIES ON public FROM ${db}.test`)).toEqual(error('010009', 'sql parser error: Expected end of statement, found: .'));
      expect(await sql('SHOW SERIES FROM test ORDER BY f0')).toEqual(error('010001', 'Datafusion: Schema error: No field named f0. Valid fields are key.'));
      expect(await sql('SHOW TAG VALUES FROM test WITH KEY IN (t0) ORDER BY time')).toEqual(
        error('010001', 'Datafusion: Schema error: No field named time. Valid fields are key, value.'),
      );
      expect(await sql('SHOW SERIES FROM test WHERE f1 IS NOT NULL')).toEqual(error('010046', 'Semantic error: SHOW SERIES does not support where clause contains field f1'));
      expect(await sql('SHOW SERIES FROM test WHERE nope = 1')).toEqual(error('010029', 'Semantic error: Column nope not exists in table test'));
      expect(await sql('SHOW SERIES FROM nope')).toEqual(error('030019', `Table not found: "${tenant}.${db}.nope"`));
      expect(await sql('SHOW SERIES FROM test LIMIT -1')).toEqual(error('010039', "Semantic error: Limit must be >= 0, '-1' was provided."));
    });
  });

  describe('information_schema', () => {
    it('databases, tables and columns of the tenant', async () => {
      const other = uniqueName('info');
      expect(await sql(`CREATE DATABASE ${other} WITH PRECISION 'us' TTL '10d'`)).toEqual(OK_EMPTY);
      expect(await sql('CREATE TABLE m (f DOUBLE CODEC(GORILLA), g BIGINT, TAGS(t))', `tenant=${tenant}&db=${other}`)).toEqual(OK_EMPTY);
      expect(await sql(`SELECT * FROM information_schema.databases WHERE database_name = '${other}'`)).toEqual(
        ok(
          'tenant_name,database_name,ttl,shard,vnode_duration,replica,precision,max_memcache_size,memcache_partitions,wal_max_file_size,wal_sync,strict_write,max_cache_readers\n' +
            `${tenant},${other},10days,1,1year,1,US,128 MiB,16,128 MiB,false,false,32\n`,
        ),
      );
      expect(await sql('SELECT database_name FROM information_schema.databases ORDER BY database_name')).toEqual(ok(`database_name\n${db}\n${other}\n`));
      expect(await sql(`SELECT * FROM information_schema.tables WHERE table_database = '${other}'`)).toEqual(
        ok(`table_tenant,table_database,table_name,table_type,table_engine,table_options\n${tenant},${other},m,TABLE,TSKV,TODO\n`),
      );
      expect(await sql(`SELECT * FROM information_schema.columns WHERE database_name = '${other}' ORDER BY ordinal_position`)).toEqual(
        ok(
          'tenant_name,database_name,table_name,column_name,column_type,ordinal_position,column_default,is_nullable,data_type,compression_codec\n' +
            `${tenant},${other},m,time,TIME,0,NULL,false,TIMESTAMP(MICROSECOND),DEFAULT\n` +
            `${tenant},${other},m,t,TAG,1,NULL,true,STRING,DEFAULT\n` +
            `${tenant},${other},m,f,FIELD,2,NULL,true,DOUBLE,GORILLA\n` +
            `${tenant},${other},m,g,FIELD,3,NULL,true,BIGINT,DEFAULT\n`,
        ),
      );
      expect(await sql(`SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'm' AND is_nullable`)).toEqual(ok('n\n3\n'));
    });
  });

  describe('tenancy', () => {
    it("no statement reaches another tenant's data", async () => {
      const stranger = uniqueName('stranger');
      const as = (text: string) => sql(text, `tenant=${stranger}&db=${db}`);
      expect(await as(`SELECT * FROM ${tenant}.${db}.air`)).toEqual(error('030019', `Table not found: "${tenant}.${db}.air"`));
      expect(await as('SELECT * FROM air')).toEqual(error('030017', `Database not found: "${db}"`));
      expect(await as(`SHOW TABLES ON ${db}`)).toEqual(ok('table_name\n'));
      expect(await as(`DESCRIBE DATABASE ${db}`)).toEqual(error('030017', `Database not found: "${db}"`));
      expect(await as('SHOW DATABASES')).toEqual(ok('database_name\n'));
      expect(await as('SELECT * FROM information_schema.tables')).toEqual(ok('table_tenant,table_database,table_name,table_type,table_engine,table_options\n'));
      expect(await as(`INSERT INTO ${tenant}.${db}.air (time, station) VALUES (1, 'x')`)).toEqual(error('030017', `Database not found: "${tenant}.${db}"`));
      // The same names in the other tenant are separate databases and tables.
      expect(await as(`CREATE DATABASE ${db}`)).toEqual(OK_EMPTY);
      expect(await as('CREATE TABLE air (visibility DOUBLE, TAGS(station))')).toEqual(OK_EMPTY);
      expect(await as("INSERT INTO air (time, station, visibility) VALUES (1, 'mine', 1)")).toEqual(ok('rows\n1\n'));
      expect(await as('SELECT station, visibility FROM air')).toEqual(ok('station,visibility\nmine,1.0\n'));
      expect(await sql('SELECT count(*) AS n FROM air')).toEqual(ok('n\n3\n'));
    });
  });
});
