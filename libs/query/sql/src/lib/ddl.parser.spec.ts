import { SqlParseError } from './sql.errors';
import { parseStatement } from './sql.parser';

const ident = (value: string, quoted = false) => ({ value, quoted });
const parseError = (sql: string): string => {
  try {
    parseStatement(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlParseError);
    return (err as Error).message;
  }
  throw new Error(`expected a parse error for ${sql}`);
};

describe('parseStatement: CnosDB database statements', () => {
  it('parses CREATE DATABASE with every option, case-insensitive, with or without =', () => {
    expect(
      parseStatement(
        "create database IF NOT EXISTS Db1 with ttl 'inf' SHARD = 6 vnode_duration '2y1M' replica 1 PRECISION='us' max_memcache_size '128MiB' " +
          "memcache_partitions 10 wal_max_file_size '300M' wal_sync 'true' strict_write 'true' max_cache_readers 100",
      ),
    ).toEqual({
      kind: 'createDatabase',
      name: ident('db1'),
      ifNotExists: true,
      options: {
        ttl: 'inf',
        shard: '6',
        vnode_duration: '2y1M',
        replica: '1',
        precision: 'us',
        max_memcache_size: '128MiB',
        memcache_partitions: '10',
        wal_max_file_size: '300M',
        wal_sync: 'true',
        strict_write: 'true',
        max_cache_readers: '100',
      },
    });
  });

  it('rejects what CnosDB’s parser rejects', () => {
    expect(parseError("CREATE DATABASE d WITH SHARD 0")).toBe('shard number should be greater than 0');
    expect(parseError("CREATE DATABASE d WITH REPLICA 0")).toBe('replica number should be greater than 0');
    expect(parseError("CREATE DATABASE d WITH SHARD '1'")).toBe('Expected literal number, found: \'1\'');
    expect(parseError('CREATE DATABASE d WITH SHARD 1.5')).toBe('this option should be a unsigned number, but get 1.5');
    expect(parseError('CREATE DATABASE d WITH TTL 10')).toBe('expected value, but found : 10');
    expect(parseError('create database "db/1"')).toBe("not supported keyword contains '/': db/1");
    expect(parseError('CREATE DATABASE d WITH TTL \'1d\' FOO 1')).toBe('Expected end of statement, found: FOO');
    expect(parseError('CREATE VIEW v')).toBe('Expected an object type after CREATE, found: VIEW');
  });

  it('parses ALTER DATABASE … SET, one modifiable option only', () => {
    expect(parseStatement("ALTER DATABASE d Set TTL '30d'")).toEqual({ kind: 'alterDatabase', name: ident('d'), options: { ttl: '30d' } });
    expect(parseError("ALTER DATABASE d Set TTL '30d' SHARD 6")).toBe('Expected end of statement, found: SHARD');
    expect(parseError("alter database d set max_memcache_size '100MiB'")).toBe(
      'database config is unmodifiable, only can modify database option: TTL, SHARD, VNODE_DURATION, REPLICA',
    );
    expect(parseError("ALTER DATABASE d Set PRECision 'ms'")).toBe(
      'database config is unmodifiable, only can modify database option: TTL, SHARD, VNODE_DURATION, REPLICA',
    );
    expect(parseError('ALTER DATABASE d SET')).toBe('expected database option, but found EOF');
  });

  it('parses DROP, SHOW and DESCRIBE of databases', () => {
    expect(parseStatement('DROP DATABASE IF EXISTS d')).toEqual({ kind: 'dropDatabase', name: ident('d'), ifExists: true });
    expect(parseStatement("drop database d after '1h'")).toEqual({ kind: 'dropDatabase', name: ident('d'), ifExists: false, after: '1h' });
    expect(parseStatement('SHOW DATABASES;')).toEqual({ kind: 'showDatabases' });
    expect(parseStatement('DESC DATABASE "My"')).toEqual({ kind: 'describeDatabase', name: ident('My', true) });
    expect(parseError('DROP INDEX i')).toBe('Expected TABLE,DATABASE,TENANT,USER,ROLE,VNODE,STREAM after DROP, found: INDEX');
    expect(parseError('DESCRIBE t')).toBe('Expected table/database, found: t');
    expect(parseError('SHOW COLUMNS')).toBe('nonsupport: COLUMNS');
  });
});

describe('parseStatement: CnosDB table statements', () => {
  it('parses CREATE TABLE with codecs, tags first', () => {
    expect(parseStatement('CREATE TABLE IF NOT EXISTS db.T (f1 BIGINT CODEC(delta), f2 BIGINT UNSIGNED, f3 DOUBLE, TAGS(a, "B"))')).toEqual({
      kind: 'createTable',
      name: [ident('db'), ident('t')],
      ifNotExists: true,
      columns: [
        { kind: 'tag', name: ident('a') },
        { kind: 'tag', name: ident('B', true) },
        { kind: 'field', name: ident('f1'), dataType: { name: 'BIGINT' }, codec: 'DELTA' },
        { kind: 'field', name: ident('f2'), dataType: { name: 'BIGINT UNSIGNED' } },
        { kind: 'field', name: ident('f3'), dataType: { name: 'DOUBLE' } },
      ],
    });
  });

  it('keeps unknown types for the planner: custom names as written, known ones as sqlparser prints them', () => {
    const types = (sql: string) => {
      const st = parseStatement(sql);
      return st.kind === 'createTable' ? st.columns.map((c) => (c.kind === 'field' ? c.dataType : undefined)) : [];
    };
    expect(types('CREATE TABLE t (a BOOLE, b int, c varchar(10), d TIMESTAMP, e Bool)')).toEqual([
      { name: 'BOOLE', custom: true },
      { name: 'INT' },
      { name: 'VARCHAR(10)' },
      { name: 'TIMESTAMP' },
      { name: 'BOOL' },
    ]);
  });

  it('reports CREATE TABLE syntax errors as sqlparser/CnosDB do', () => {
    expect(parseError('CREATE TABLE t(column1 BIGINT,)')).toBe('Expected identifier, found: )');
    expect(parseError('CREATE TABLE t')).toBe('Expected field columns when create table');
    expect(parseError('CREATE TABLE t()')).toBe('Expected field columns when create table');
    expect(parseError('CREATE TABLE t(a BIGINT CODEC(DEL))')).toBe('DEL is not valid encoding');
    expect(parseError('CREATE TABLE t(a BIGINT CODEC())')).toBe('expect codec encoding type in ()');
    expect(parseError('CREATE TABLE t(a BIGINT b)')).toBe("Expected token ',', 'TAGS' or ')'");
    expect(parseError('create table "tb/1"')).toBe("not supported keyword contains '/': tb/1");
  });

  it('parses ALTER TABLE actions', () => {
    expect(parseStatement('ALTER TABLE t ADD FIELD f DOUBLE CODEC(GORILLA)')).toEqual({
      kind: 'alterTable',
      name: [ident('t')],
      action: { kind: 'addColumn', column: { kind: 'field', name: ident('f'), dataType: { name: 'DOUBLE' }, codec: 'GORILLA' } },
    });
    expect(parseStatement('ALTER TABLE t ADD TAG g')).toMatchObject({ action: { kind: 'addColumn', column: { kind: 'tag', name: ident('g') } } });
    expect(parseStatement('ALTER TABLE t DROP f')).toMatchObject({ action: { kind: 'dropColumn', column: ident('f') } });
    expect(parseStatement('alter table t alter f set codec(quantile)')).toMatchObject({ action: { kind: 'alterCodec', column: ident('f'), codec: 'QUANTILE' } });
    expect(parseStatement('ALTER TABLE t RENAME COLUMN a TO b')).toMatchObject({ action: { kind: 'renameColumn', from: ident('a'), to: ident('b') } });
    expect(parseError('ALTER TABLE t ADD COLUMN c')).toBe('Expected FIELD or TAG, found: COLUMN');
    expect(parseError('ALTER TABLE t ALTER f SET (NULL)')).toBe('Expected CODEC, found: (');
    expect(parseError('ALTER TABLE t MODIFY f')).toBe('Expected ADD or ALTER or DROP or RENAME, found: MODIFY');
  });

  it('parses DROP TABLE, SHOW TABLES and DESCRIBE TABLE', () => {
    expect(parseStatement('DROP TABLE IF EXISTS db.t')).toEqual({ kind: 'dropTable', name: [ident('db'), ident('t')], ifExists: true });
    expect(parseStatement('SHOW TABLES')).toEqual({ kind: 'showTables' });
    expect(parseStatement('SHOW TABLES ON Db')).toEqual({ kind: 'showTables', database: ident('db') });
    expect(parseStatement('DESC TABLE t')).toEqual({ kind: 'describeTable', name: [ident('t')] });
  });

  it('parses INSERT with VALUES or a query, INTO optional', () => {
    expect(parseStatement("insert db.t(TIME, a, f) values (100, 'x', -1.5), (101, NULL, 2)")).toEqual({
      kind: 'insert',
      table: [ident('db'), ident('t')],
      columns: [ident('time'), ident('a'), ident('f')],
      source: {
        kind: 'values',
        rows: [
          [{ kind: 'literal', value: { type: 'number', text: '100' } }, { kind: 'literal', value: { type: 'string', value: 'x' } }, { kind: 'unary', op: '-', expr: { kind: 'literal', value: { type: 'number', text: '1.5' } } }],
          [{ kind: 'literal', value: { type: 'number', text: '101' } }, { kind: 'literal', value: { type: 'null' } }, { kind: 'literal', value: { type: 'number', text: '2' } }],
        ],
      },
    });
    const st = parseStatement('INSERT INTO t SELECT * FROM s');
    expect(st).toMatchObject({ kind: 'insert', table: [ident('t')], columns: [], source: { kind: 'query' } });
  });
});

describe('parseStatement: SHOW SERIES and SHOW TAG VALUES', () => {
  it('parses the full clause', () => {
    expect(parseStatement("SHOW TAG VALUES ON db FROM t WITH KEY IN (a, b) WHERE a = 'x' ORDER BY key DESC LIMIT 2 OFFSET 1")).toMatchObject({
      kind: 'showTagValues',
      body: { database: ident('db'), table: ident('t'), orderBy: [{ asc: false }] },
      with: { op: 'IN', keys: [ident('a'), ident('b')] },
    });
    expect(parseStatement('SHOW TAG VALUES FROM t WITH KEY = "t0"')).toMatchObject({ with: { op: '=', keys: [ident('t0', true)] } });
    expect(parseStatement('SHOW TAG VALUES FROM t WITH KEY <> t0')).toMatchObject({ with: { op: '!=' } });
    expect(parseStatement('SHOW TAG VALUES FROM t WITH KEY NOT IN (t0)')).toMatchObject({ with: { op: 'NOT IN' } });
    expect(parseStatement('SHOW SERIES FROM t')).toEqual({ kind: 'showSeries', body: { table: ident('t'), orderBy: [] } });
  });

  it('reports what CnosDB reports', () => {
    expect(parseError('SHOW SERIES;')).toBe('Expected FROM, found: ;');
    expect(parseError('SHOW SERIES ON public FROM show_series.test')).toBe('Expected end of statement, found: .');
    expect(parseError('SHOW TAG VALUES ON public FROM show_series.test')).toBe('Expected WITH, found: .');
    expect(parseError('SHOW TAG VALUES FROM test;')).toBe('Expected WITH, found: ;');
    expect(parseError('SHOW TAG VALUES FROM test WITH KEY > a')).toBe('Expected =, !=, <>, IN, NOT IN, found: >');
  });
});
