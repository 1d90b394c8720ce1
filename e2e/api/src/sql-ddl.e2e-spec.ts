import { CnosClient, RawResponse, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

const MODES = ['standalone', 'distributed'] as const;
const DESCRIBE_DATABASE_HEADER =
  'ttl,shard,vnode_duration,replica,precision,max_memcache_size,memcache_partitions,wal_max_file_size,wal_sync,strict_write,max_cache_readers';
const DESCRIBE_TABLE_HEADER = 'column_name,data_type,column_type,compression_codec';
const empty = (res: RawResponse) => ({ status: res.status, text: res.text });
const OK_EMPTY = { status: 200, text: '' };
const error = (code: string, message: string) => ({ status: 422, text: JSON.stringify({ error_code: code, error_message: message }) });

describe.each(MODES)('SQL DDL (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;
  // A tenant of its own: its databases are exactly the ones these tests create.
  const tenant = uniqueName('ddl');

  beforeAll(async () => {
    topology = await startTopology(mode);
    client = new CnosClient(topology.url);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const sql = (text: string, db = 'public', t = tenant) => client.sql(text, `tenant=${t}&db=${db}`);
  const write = (lines: string, db: string, t = tenant) => client.write(lines, `tenant=${t}&db=${db}`);
  const csv = async (text: string, db = 'public', t = tenant) => {
    const res = await sql(text, db, t);
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.text }).toEqual({ status: 200, body: 'ok' });
    return res.text;
  };

  describe('databases', () => {
    it('a new tenant has no databases; SHOW DATABASES lists the created ones in byte order', async () => {
      expect(await csv('SHOW DATABASES')).toBe('database_name\n');
      for (const name of ['zeta', 'alpha', '"Mixed"']) expect(empty(await sql(`CREATE DATABASE ${name}`))).toEqual(OK_EMPTY);
      expect(await csv('SHOW DATABASES')).toBe('database_name\nMixed\nalpha\nzeta\n');
      for (const name of ['zeta', 'alpha', '"Mixed"']) expect(empty(await sql(`DROP DATABASE ${name}`))).toEqual(OK_EMPTY);
      expect(await csv('SHOW DATABASES')).toBe('database_name\n');
    });

    it("the default tenant has public and CnosDB's system schemas", async () => {
      const names = (await csv('SHOW DATABASES', 'public', 'cnosdb')).split('\n');
      expect(names[0]).toBe('database_name');
      expect(names.filter((n) => ['cluster_schema', 'public', 'usage_schema'].includes(n))).toEqual(['cluster_schema', 'public', 'usage_schema']);
      expect(await csv('DESCRIBE DATABASE usage_schema', 'public', 'cnosdb')).toBe(`${DESCRIBE_DATABASE_HEADER}\nINF,1,1year,1,NS,2 MiB,16,128 MiB,false,false,32\n`);
      expect(empty(await sql('DROP DATABASE public', 'public', 'cnosdb'))).toEqual(error('010065', 'Database "public" forbid drop'));
      expect(empty(await sql('DROP DATABASE usage_schema', 'public', 'cnosdb'))).toEqual(error('010065', 'Database "usage_schema" forbid drop'));
      expect(empty(await sql('CREATE DATABASE cluster_schema', 'public', 'cnosdb'))).toEqual(error('030018', 'Database "cluster_schema" already exists'));
    });

    it('CREATE DATABASE takes CnosDB defaults, shown by DESCRIBE DATABASE and DESC DATABASE', async () => {
      const db = uniqueName('defaults');
      expect(empty(await sql(`CREATE DATABASE ${db}`))).toEqual(OK_EMPTY);
      const expected = `${DESCRIBE_DATABASE_HEADER}\nINF,1,1year,1,NS,128 MiB,16,128 MiB,false,false,32\n`;
      expect(await csv(`DESCRIBE DATABASE ${db}`)).toBe(expected);
      expect(await csv(`desc database ${db}`)).toBe(expected);
    });

    it('accepts every option, case-insensitive, with or without =, and shows them as CnosDB does', async () => {
      const db = uniqueName('options');
      const create =
        `create database ${db} With TTL = 'inf' shard 6 vnode_duration '2y1M' REPLICA 1 precision = 'us' max_memcache_size '128MiB' ` +
        `memcache_partitions 10 wal_max_file_size '300M' wal_sync 'true' STRICT_WRITE 'true' max_cache_readers 100`;
      expect(empty(await sql(create))).toEqual(OK_EMPTY);
      expect(await csv(`DESCRIBE DATABASE ${db}`)).toBe(`${DESCRIBE_DATABASE_HEADER}\nINF,6,2years 1month,1,US,128 MiB,10,286.102294921875 MiB,true,true,100\n`);
      const json = await client.sql(`DESCRIBE DATABASE ${db}`, `tenant=${tenant}`, { accept: 'application/json' });
      expect(json.text).toBe(
        '[{"ttl":"INF","shard":6,"vnode_duration":"2years 1month","replica":1,"precision":"US","max_memcache_size":"128 MiB",' +
          '"memcache_partitions":10,"wal_max_file_size":"286.102294921875 MiB","wal_sync":true,"strict_write":true,"max_cache_readers":100}]',
      );
      const other = uniqueName('options');
      expect(empty(await sql(`CREATE DATABASE ${other} WITH TTL '10d' SHARD 5 VNODE_DURATION '3d' REPLICA 1 PRECISION 'ms'`))).toEqual(OK_EMPTY);
      expect(await csv(`DESC DATABASE ${other}`)).toBe(`${DESCRIBE_DATABASE_HEADER}\n10days,5,3days,1,MS,128 MiB,16,128 MiB,false,false,32\n`);
    });

    it('rejects invalid option values with CnosDB parser errors', async () => {
      const db = uniqueName('bad');
      expect(empty(await sql(`CREATE DATABASE ${db} WITH SHARD 0`))).toEqual(error('010009', 'sql parser error: shard number should be greater than 0'));
      expect(empty(await sql(`CREATE DATABASE ${db} WITH TTL '10x'`))).toEqual(error('010009', 'sql parser error: 10x is not a valid duration or duration overflow'));
      expect(empty(await sql(`CREATE DATABASE ${db} WITH PRECISION 's'`))).toEqual(
        error('010009', "sql parser error: s is not a valid precision, use like 'ms', 'us', 'ns'"),
      );
      expect(empty(await sql(`CREATE DATABASE "a/b"`))).toEqual(error('010009', "sql parser error: not supported keyword contains '/': a/b"));
      expect(empty(await sql(`DESCRIBE DATABASE ${db}`))).toEqual(error('030017', `Database not found: "${db}"`));
    });

    it('ALTER DATABASE changes TTL, SHARD, VNODE_DURATION and REPLICA only', async () => {
      const db = uniqueName('alter');
      expect(empty(await sql(`CREATE DATABASE ${db} WITH TTl '10d' SHARD 5 VNOdE_DURATiON '3d' REPLICA 1 pRECISIOn 'us'`))).toEqual(OK_EMPTY);
      const describe = async () => (await csv(`DESCRIBE DATABASE ${db}`)).split('\n')[1];
      expect(await describe()).toBe('10days,5,3days,1,US,128 MiB,16,128 MiB,false,false,32');
      expect(empty(await sql(`ALTER DATABASE ${db} Set TTL '30d'`))).toEqual(OK_EMPTY);
      expect(empty(await sql(`ALTER DATABASE ${db} Set SHARD 6`))).toEqual(OK_EMPTY);
      expect(empty(await sql(`ALTER DATABASE ${db} Set VNODE_DURATION '100d'`))).toEqual(OK_EMPTY);
      expect(empty(await sql(`ALTER DATABASE ${db} Set REPLICA 1`))).toEqual(OK_EMPTY);
      expect(await describe()).toBe('30days,6,3months 8days 16h 19m 12s,1,US,128 MiB,16,128 MiB,false,false,32');
      const unmodifiable = error('010009', 'sql parser error: database config is unmodifiable, only can modify database option: TTL, SHARD, VNODE_DURATION, REPLICA');
      expect(empty(await sql(`ALTER DATABASE ${db} Set PRECision 'ms'`))).toEqual(unmodifiable);
      expect(empty(await sql(`alter database ${db} set max_memcache_size '100MiB'`))).toEqual(unmodifiable);
      expect(empty(await sql(`ALTER DATABASE ${db} Set TTL '30d' SHARD 6`))).toEqual(error('010009', 'sql parser error: Expected end of statement, found: SHARD'));
      expect(await describe()).toBe('30days,6,3months 8days 16h 19m 12s,1,US,128 MiB,16,128 MiB,false,false,32');
      expect(empty(await sql(`ALTER DATABASE ${db}_missing SET TTL '1d'`))).toEqual(error('030017', `Database not found: "${db}_missing"`));
    });

    it('CREATE of an existing database is 030018 unless IF NOT EXISTS; DROP of a missing one is 030017 unless IF EXISTS', async () => {
      const db = uniqueName('exists');
      expect(empty(await sql(`CREATE DATABASE ${db} WITH TTL '5d'`))).toEqual(OK_EMPTY);
      expect(empty(await sql(`CREATE DATABASE ${db}`))).toEqual(error('030018', `Database "${db}" already exists`));
      expect(empty(await sql(`CREATE DATABASE IF NOT EXISTS ${db}`))).toEqual(OK_EMPTY);
      expect((await csv(`DESCRIBE DATABASE ${db}`)).split('\n')[1]).toBe('5days,1,1year,1,NS,128 MiB,16,128 MiB,false,false,32');
      expect(empty(await sql(`DROP DATABASE ${db}`))).toEqual(OK_EMPTY);
      expect(empty(await sql(`DROP DATABASE ${db}`))).toEqual(error('030017', `Database not found: "${db}"`));
      expect(empty(await sql(`DROP DATABASE IF EXISTS ${db}`))).toEqual(OK_EMPTY);
    });

    it('DROP DATABASE removes its data at once; writes and queries are refused right after', async () => {
      const db = uniqueName('dropme');
      expect(empty(await sql(`CREATE DATABASE ${db}`))).toEqual(OK_EMPTY);
      expect((await write('m,t=a v=1 1700000000000000000', db)).status).toBe(200);
      expect(await csv('SELECT t, v FROM m', db)).toBe('t,v\na,1.0\n');
      expect(empty(await sql(`DROP DATABASE ${db}`))).toEqual(OK_EMPTY);
      const notFound = error('030017', `Database not found: "${db}"`);
      expect(empty(await write('m,t=a v=2 1700000000000000000', db))).toEqual(notFound);
      expect(empty(await sql('SELECT * FROM m', db))).toEqual(notFound);
      expect(empty(await sql(`DESCRIBE DATABASE ${db}`))).toEqual(notFound);
      expect(await csv('SHOW DATABASES')).not.toContain(db);
      // A database of the same name starts empty.
      expect(empty(await sql(`CREATE DATABASE ${db}`))).toEqual(OK_EMPTY);
      expect(await csv(`SHOW TABLES ON ${db}`)).toBe('table_name\n');
      expect((await write('m,t=b v=3 1700000000000000000', db)).status).toBe(200);
      expect(await csv('SELECT t, v FROM m', db)).toBe('t,v\nb,3.0\n');
    });

    it('PRECISION takes effect: times are stored and shown in the database precision', async () => {
      const db = uniqueName('ms');
      expect(empty(await sql(`CREATE DATABASE ${db} WITH PRECISION 'ms'`))).toEqual(OK_EMPTY);
      // ns input is divided down to ms: 1667456411000010001 ns → 1667456411000 ms.
      expect((await write('m,t=a v=1 1667456411000010001', db)).status).toBe(200);
      expect(await csv(`DESCRIBE TABLE m`, db)).toBe(`${DESCRIBE_TABLE_HEADER}\ntime,TIMESTAMP(MILLISECOND),TIME,DEFAULT\nt,STRING,TAG,DEFAULT\nv,DOUBLE,FIELD,DEFAULT\n`);
      // An INSERT time is an integer in the database precision.
      expect(await csv('INSERT INTO m (time, t, v) VALUES (1667456411001, \'b\', 2)', db)).toBe('rows\n1\n');
      expect(await csv('SELECT * FROM m ORDER BY time', db)).toBe('time,t,v\n2022-11-03T06:20:11.000000000,a,1.0\n2022-11-03T06:20:11.001000000,b,2.0\n');
      expect(await csv('SELECT CAST(time AS BIGINT) AS n FROM m ORDER BY time', db)).toBe('n\n1667456411000\n1667456411001\n');
    });

    it('TTL takes effect: rows older than the TTL are invisible', async () => {
      const db = uniqueName('ttl');
      expect(empty(await sql(`CREATE DATABASE ${db} WITH TTL '1d'`))).toEqual(OK_EMPTY);
      const hour = 3_600_000_000_000n;
      const now = BigInt(Date.now()) * 1_000_000n;
      const recent = now - hour;
      const old = now - 30n * hour;
      expect((await write(`m,t=a v=1 ${old}\nm,t=a v=2 ${recent}\nm,t=b v=3 ${old}`, db)).status).toBe(200);
      expect(await csv('SELECT CAST(time AS BIGINT) AS n, t, v FROM m', db)).toBe(`n,t,v\n${recent},a,2.0\n`);
      expect(await csv('SELECT count(*) FROM m', db)).toBe('COUNT(UInt8(1))\n1\n');
      expect(await csv('SHOW SERIES FROM m', db)).toBe('key\n"m,t=a"\n');
    });
  });

  describe('tables', () => {
    const db = uniqueName('tables');

    beforeAll(async () => {
      expect(empty(await sql(`CREATE DATABASE ${db}`))).toEqual(OK_EMPTY);
    });

    it('CREATE TABLE makes time, then the tags, then the fields; DESCRIBE TABLE shows types and codecs', async () => {
      const create =
        'CREATE TABLE test0(column1 BIGINT CODEC(DELTA), column2 STRING CODEC(GZIP), column3 BIGINT UNSIGNED CODEC(NULL), column4 BOOLEAN, ' +
        'column5 DOUBLE CODEC(GORILLA), TAGS(column6, column7))';
      expect(empty(await sql(create, db))).toEqual(OK_EMPTY);
      const expected = [
        DESCRIBE_TABLE_HEADER,
        'time,TIMESTAMP(NANOSECOND),TIME,DEFAULT',
        'column6,STRING,TAG,DEFAULT',
        'column7,STRING,TAG,DEFAULT',
        'column1,BIGINT,FIELD,DELTA',
        'column2,STRING,FIELD,GZIP',
        'column3,BIGINT UNSIGNED,FIELD,NULL',
        'column4,BOOLEAN,FIELD,DEFAULT',
        'column5,DOUBLE,FIELD,GORILLA',
        '',
      ].join('\n');
      expect(await csv('DESCRIBE TABLE test0', db)).toBe(expected);
      expect(await csv(`DESC TABLE ${db}.test0`)).toBe(expected);
      expect(await csv('SELECT * FROM test0', db)).toBe('time,column6,column7,column1,column2,column3,column4,column5\n');
      expect(empty(await sql('CREATE TABLE test0(column1 BIGINT)', db))).toEqual(error('030020', 'Table test0 already exists.'));
      expect(empty(await sql('CREATE TABLE IF NOT EXISTS test0(column1 BIGINT)', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('CREATE TABLE nope.t (f BIGINT)', db))).toEqual(error('030017', 'Database not found: "nope"'));
    });

    it('rejects bad column definitions as CnosDB does', async () => {
      const cases: [string, { status: number; text: string }][] = [
        ['CREATE TABLE t1(column0 TIMESTAMP CODEC(DELTA), column1 BIGINT, TAGS(a))', error('010028', `Semantic error:  column time already exists in table ${tenant}.${db}.t1`)],
        ['CREATE TABLE t1(column1 BIGINT, column1 DOUBLE)', error('010027', 'Semantic error: Field or Tag have the same name column1')],
        ['CREATE TABLE t1(time BIGINT)', error('010027', 'Semantic error: Field or Tag have the same name time')],
        ['CREATE TABLE t1(column1 BIGINT CODEC(DEL))', error('010009', 'sql parser error: DEL is not valid encoding')],
        ['CREATE TABLE t1(column4 BOOLE)', error('010041', 'Semantic error: Unexpected data type BOOLE of column4, ')],
        ['CREATE TABLE t1(column1 DOUBLE CODEC(DELTA))', error('010042', 'Semantic error: Unsupported encoding type Delta for DOUBLE')],
        ['CREATE TABLE t1(column3 BIGINT UNSIGNED CODEC())', error('010009', 'sql parser error: expect codec encoding type in ()')],
        ['CREATE TABLE t1(column1 BIGINT,)', error('010009', 'sql parser error: Expected identifier, found: )')],
        ['CREATE TABLE t1', error('010009', 'sql parser error: Expected field columns when create table')],
      ];
      for (const [statement, expected] of cases) expect([statement, empty(await sql(statement, db))]).toEqual([statement, expected]);
      expect(await csv('SHOW TABLES', db)).not.toContain('t1');
    });

    it('ALTER TABLE adds tags and fields, drops fields and sets codecs', async () => {
      expect(empty(await sql('CREATE TABLE test (f0 BIGINT CODEC(NULL), TAGS(t0))', db))).toEqual(OK_EMPTY);
      const describe = async () => (await csv('DESCRIBE TABLE test', db)).split('\n').slice(1, -1);
      expect(empty(await sql('ALTER TABLE test DROP f0', db))).toEqual(error('010032', 'Semantic error: There must be at least one field column.'));
      expect(empty(await sql('ALTER TABLE test DROP t0', db))).toEqual(error('010030', "Semantic error: Can't drop tag column t0."));
      expect(empty(await sql('ALTER TABLE test DROP time', db))).toEqual(error('010033', 'Semantic error: There must be at least one tag column. '));
      expect(empty(await sql('ALTER TABLE test ADD FIELD time BIGINT', db))).toEqual(error('010028', 'Semantic error:  column time already exists in table test'));
      expect(empty(await sql('ALTER TABLE test ADD TAG t0', db))).toEqual(error('010028', 'Semantic error:  column t0 already exists in table test'));
      expect(empty(await sql('ALTER TABLE test ADD FIELD f0 DOUBLE CODEC(DEFAULT)', db))).toEqual(error('010028', 'Semantic error:  column f0 already exists in table test'));
      expect(empty(await sql('ALTER TABLE test DROP nope', db))).toEqual(error('010029', 'Semantic error: Column nope not exists in table test'));

      expect(empty(await sql('ALTER TABLE test ADD TAG t1', db))).toEqual(OK_EMPTY);
      expect(await describe()).toEqual(['time,TIMESTAMP(NANOSECOND),TIME,DEFAULT', 't0,STRING,TAG,DEFAULT', 'f0,BIGINT,FIELD,NULL', 't1,STRING,TAG,DEFAULT']);
      expect(await csv("INSERT INTO test (TIME, t0, t1, f0) VALUES (1, '2', '3', 4), (5, '6', '7', 8)", db)).toBe('rows\n2\n');
      expect(await csv('SELECT * FROM test ORDER BY TIME ASC', db)).toBe(
        'time,t0,f0,t1\n1970-01-01T00:00:00.000000001,2,4,3\n1970-01-01T00:00:00.000000005,6,8,7\n',
      );

      expect(empty(await sql('ALTER TABLE test ADD FIELD f1 BIGINT CODEC(NULL)', db))).toEqual(OK_EMPTY);
      expect(await csv("INSERT INTO test (TIME, t0, t1, f0, f1) VALUES (9, '10', '11', 12, 13)", db)).toBe('rows\n1\n');
      expect(empty(await sql('ALTER TABLE test DROP f0', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('ALTER TABLE test DROP f1', db))).toEqual(error('010032', 'Semantic error: There must be at least one field column.'));
      expect(await describe()).toEqual(['time,TIMESTAMP(NANOSECOND),TIME,DEFAULT', 't0,STRING,TAG,DEFAULT', 't1,STRING,TAG,DEFAULT', 'f1,BIGINT,FIELD,NULL']);
      expect(await csv('SELECT * FROM test ORDER BY TIME ASC', db)).toBe(
        'time,t0,t1,f1\n1970-01-01T00:00:00.000000001,2,3,\n1970-01-01T00:00:00.000000005,6,7,\n1970-01-01T00:00:00.000000009,10,11,13\n',
      );
      // A dropped field comes back empty.
      expect(empty(await sql('ALTER TABLE test ADD FIELD f0 BIGINT CODEC(NULL)', db))).toEqual(OK_EMPTY);
      expect(await csv('SELECT f0 FROM test WHERE f0 IS NOT NULL', db)).toBe('f0\n');

      expect(empty(await sql('ALTER TABLE test ALTER f1 SET CODEC(DEFAULT)', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('ALTER TABLE test ALTER t0 SET CODEC(NULL)', db))).toEqual(error('010034', 'Semantic error: Tag does not support compression'));
      expect(empty(await sql('ALTER TABLE test ALTER time SET CODEC(NULL)', db))).toEqual(error('010035', 'Semantic error: Column time does not support modification'));
      expect(empty(await sql('ALTER TABLE test ALTER f1 SET CODEC(GORILLA)', db))).toEqual(error('010042', 'Semantic error: Unsupported encoding type Gorilla for I64'));
      expect(empty(await sql('ALTER TABLE test ADD FIELD d0 DOUBLE CODEC(NULL)', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('ALTER TABLE test ADD FIELD s0 STRING', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('ALTER TABLE test ALTER d0 SET CODEC(QUANTILE)', db))).toEqual(OK_EMPTY);
      expect(empty(await sql('ALTER TABLE test ALTER s0 SET CODEC(ZSTD)', db))).toEqual(OK_EMPTY);
      expect(await describe()).toEqual([
        'time,TIMESTAMP(NANOSECOND),TIME,DEFAULT',
        't0,STRING,TAG,DEFAULT',
        't1,STRING,TAG,DEFAULT',
        'f1,BIGINT,FIELD,DEFAULT',
        'f0,BIGINT,FIELD,NULL',
        'd0,DOUBLE,FIELD,QUANTILE',
        's0,STRING,FIELD,ZSTD',
      ]);
      expect(empty(await sql('ALTER TABLE nope ADD TAG x', db))).toEqual(error('030019', `Table not found: "${tenant}.${db}.nope"`));
    });

    it('SHOW TABLES lists tables in byte order, also ON another database; DROP TABLE removes a table and its data', async () => {
      const other = uniqueName('show');
      expect(empty(await sql(`CREATE DATABASE ${other}`))).toEqual(OK_EMPTY);
      expect(await csv('SHOW TABLES', other)).toBe('table_name\n');
      expect((await write('b,t=x v=1 1\na,t=x v=1 1\nC,t=x v=1 1', other)).status).toBe(200);
      expect(await csv('SHOW TABLES', other)).toBe('table_name\nC\na\nb\n');
      expect(await csv(`SHOW TABLES ON ${other}`, db)).toBe('table_name\nC\na\nb\n');
      expect(empty(await sql('DROP TABLE a', other))).toEqual(OK_EMPTY);
      expect(await csv('SHOW TABLES', other)).toBe('table_name\nC\nb\n');
      expect(empty(await sql('SELECT * FROM a', other))).toEqual(error('030019', `Table not found: "${tenant}.${other}.a"`));
      expect(empty(await sql('DESCRIBE TABLE a', other))).toEqual(error('030019', `Table not found: "${tenant}.${other}.a"`));
      expect(empty(await sql('DROP TABLE a', other))).toEqual(error('030019', `Table not found: "${tenant}.${other}.a"`));
      expect(empty(await sql('DROP TABLE IF EXISTS a', other))).toEqual(OK_EMPTY);
    });

    it('a write right after DROP TABLE creates the table afresh, with the same or other types', async () => {
      const t = uniqueName('recreate');
      expect((await write(`${t},k=a v=1i 1`, db)).status).toBe(200);
      expect(await csv(`DESCRIBE TABLE ${t}`, db)).toBe(`${DESCRIBE_TABLE_HEADER}\ntime,TIMESTAMP(NANOSECOND),TIME,DEFAULT\nk,STRING,TAG,DEFAULT\nv,BIGINT,FIELD,DEFAULT\n`);
      // Same types: a parser that cached the schema must not write into the dropped table.
      expect(empty(await sql(`DROP TABLE ${t}`, db))).toEqual(OK_EMPTY);
      expect(empty(await write(`${t},k=b v=2i 2`, db))).toEqual(OK_EMPTY);
      expect(await csv(`SELECT * FROM ${t}`, db)).toBe('time,k,v\n1970-01-01T00:00:00.000000002,b,2\n');
      expect(empty(await sql(`DROP TABLE ${t}`, db))).toEqual(OK_EMPTY);
      expect(empty(await write(`${t},k=c v="text" 3`, db))).toEqual(OK_EMPTY);
      expect(await csv(`SELECT * FROM ${t}`, db)).toBe('time,k,v\n1970-01-01T00:00:00.000000003,c,text\n');
    });

    it('a write right after ALTER TABLE sees the new schema', async () => {
      const t = uniqueName('evolve');
      expect(empty(await sql(`CREATE TABLE ${t} (a DOUBLE, b DOUBLE, TAGS(k))`, db))).toEqual(OK_EMPTY);
      expect((await write(`${t},k=x a=1,b=2 1`, db)).status).toBe(200);
      expect(empty(await sql(`ALTER TABLE ${t} ADD FIELD c BIGINT`, db))).toEqual(OK_EMPTY);
      expect(empty(await write(`${t},k=x c=1.5 2`, db))).toEqual(error('020004', "DataSchemaError: Column 'c' type error, found F64 expected I64"));
      expect((await write(`${t},k=x c=3i 2`, db)).status).toBe(200);
      expect(empty(await sql(`ALTER TABLE ${t} DROP a`, db))).toEqual(OK_EMPTY);
      // a is a new column now, of the same type: the old values are gone.
      expect((await write(`${t},k=x a=7 4`, db)).status).toBe(200);
      expect(await csv(`SELECT time, a FROM ${t} WHERE a IS NOT NULL`, db)).toBe('time,a\n1970-01-01T00:00:00.000000004,7.0\n');
      expect(empty(await sql(`ALTER TABLE ${t} DROP b`, db))).toEqual(OK_EMPTY);
      // b is a new column now: the old values are gone, a string is fine.
      expect((await write(`${t},k=x b="s" 3`, db)).status).toBe(200);
      expect(await csv(`SELECT * FROM ${t} ORDER BY time`, db)).toBe(
        'time,k,c,a,b\n1970-01-01T00:00:00.000000001,x,,,\n1970-01-01T00:00:00.000000002,x,3,,\n' +
          '1970-01-01T00:00:00.000000003,x,,,s\n1970-01-01T00:00:00.000000004,x,,7.0,\n',
      );
    });
  });
});
