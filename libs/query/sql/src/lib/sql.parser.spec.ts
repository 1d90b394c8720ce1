import { Expr, Query, Select } from './sql.ast';
import { SqlParseError } from './sql.errors';
import { parseExpression, parseStatement, parseStatements } from './sql.parser';

const query = (sql: string): Query => {
  const st = parseStatement(sql);
  if (st.kind !== 'select') throw new Error(`not a query: ${sql}`);
  return st.query;
};
const select = (sql: string): Select => {
  const body = query(sql).body;
  if (body.kind !== 'select') throw new Error('not a plain select');
  return body.select;
};
const id = (...names: string[]): Expr => ({ kind: 'identifier', parts: names.map((value) => ({ value, quoted: false })) });
const num = (text: string): Expr => ({ kind: 'literal', value: { type: 'number', text } });
const str = (value: string): Expr => ({ kind: 'literal', value: { type: 'string', value } });
const parseError = (sql: string): string => {
  try {
    parseStatements(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlParseError);
    return (err as Error).message;
  }
  throw new Error(`expected a parse error for ${sql}`);
};

describe('parseStatement: SELECT', () => {
  it('parses SELECT 1 without FROM', () => {
    expect(parseStatement('SELECT 1')).toEqual({
      kind: 'select',
      query: { with: [], body: { kind: 'select', select: { distinct: false, projection: [{ kind: 'expr', expr: num('1') }], from: [], groupBy: [] } }, orderBy: [] },
    });
  });

  it('normalizes unquoted identifiers to lower case and keeps quoted ones', () => {
    const s = select('SELECT Foo, "Bar", t.* FROM MyTable AS T');
    expect(s.projection).toEqual([
      { kind: 'expr', expr: id('foo') },
      { kind: 'expr', expr: { kind: 'identifier', parts: [{ value: 'Bar', quoted: true }] } },
      { kind: 'qualifiedWildcard', qualifier: [{ value: 't', quoted: false }] },
    ]);
    expect(s.from[0].relation).toEqual({ kind: 'table', name: [{ value: 'mytable', quoted: false }], alias: { value: 't', quoted: false } });
  });

  it('takes aliases with and without AS, but not reserved words', () => {
    const s = select('SELECT a AS x, b y, c FROM t WHERE c > 1');
    expect(s.projection.map((p) => (p.kind === 'expr' ? p.alias?.value : undefined))).toEqual(['x', 'y', undefined]);
    expect(s.where).toEqual({ kind: 'binary', op: '>', left: id('c'), right: num('1') });
  });

  it('follows sqlparser precedence', () => {
    expect(parseExpression('a + b * c')).toEqual({
      kind: 'binary', op: '+', left: id('a'), right: { kind: 'binary', op: '*', left: id('b'), right: id('c') },
    });
    expect(parseExpression('NOT a = 1 AND b OR c')).toEqual({
      kind: 'binary',
      op: 'OR',
      left: {
        kind: 'binary', op: 'AND', left: { kind: 'unary', op: 'NOT', expr: { kind: 'binary', op: '=', left: id('a'), right: num('1') } }, right: id('b'),
      },
      right: id('c'),
    });
    expect(parseExpression('-a * b')).toEqual({ kind: 'unary', op: '-', expr: { kind: 'binary', op: '*', left: id('a'), right: id('b') } });
    expect(parseExpression('x BETWEEN 1 AND 2 AND y')).toEqual({
      kind: 'binary', op: 'AND', left: { kind: 'between', negated: false, expr: id('x'), low: num('1'), high: num('2') }, right: id('y'),
    });
    expect(parseExpression('a <> b')).toEqual({ kind: 'binary', op: '!=', left: id('a'), right: id('b') });
  });

  it('parses predicates', () => {
    expect(parseExpression('a NOT IN (1, 2)')).toEqual({ kind: 'inList', negated: true, expr: id('a'), list: [num('1'), num('2')] });
    expect(parseExpression('a IS NOT NULL')).toEqual({ kind: 'isNull', negated: true, expr: id('a') });
    expect(parseExpression("s NOT LIKE 'a%'")).toEqual({ kind: 'like', negated: true, caseInsensitive: false, expr: id('s'), pattern: str('a%') });
    expect(parseExpression("s ILIKE 'a%'")).toMatchObject({ kind: 'like', caseInsensitive: true });
    expect(parseExpression('b IS TRUE')).toEqual({ kind: 'isBool', value: true, negated: false, expr: id('b') });
  });

  it('parses CASE, CAST and ::', () => {
    expect(parseExpression("CASE a WHEN 1 THEN 'x' ELSE 'y' END")).toEqual({
      kind: 'case', operand: id('a'), whens: [{ when: num('1'), then: str('x') }], else: str('y'),
    });
    expect(parseExpression('CASE WHEN a > 1 THEN 1 END')).toEqual({
      kind: 'case', whens: [{ when: { kind: 'binary', op: '>', left: id('a'), right: num('1') }, then: num('1') }],
    });
    expect(parseExpression('CAST(a AS BIGINT UNSIGNED)')).toEqual({ kind: 'cast', expr: id('a'), dataType: { name: 'BIGINT UNSIGNED' }, style: 'cast' });
    expect(parseExpression('a::double')).toEqual({ kind: 'cast', expr: id('a'), dataType: { name: 'DOUBLE' }, style: '::' });
  });

  it('parses function calls', () => {
    expect(parseExpression('count(*)')).toEqual({ kind: 'function', name: [{ value: 'count', quoted: false }], args: [{ kind: 'wildcard' }], distinct: false });
    expect(parseExpression('COUNT(DISTINCT x)')).toEqual({
      kind: 'function', name: [{ value: 'count', quoted: false }], args: [{ kind: 'expr', expr: id('x') }], distinct: true,
    });
    expect(parseExpression('now()')).toEqual({ kind: 'function', name: [{ value: 'now', quoted: false }], args: [], distinct: false });
  });

  it('parses literals, intervals and typed strings', () => {
    expect(parseExpression("'it''s'")).toEqual(str("it's"));
    expect(parseExpression('TRUE')).toEqual({ kind: 'literal', value: { type: 'boolean', value: true } });
    expect(parseExpression('NULL')).toEqual({ kind: 'literal', value: { type: 'null' } });
    expect(parseExpression('1.5e3')).toEqual(num('1.5e3'));
    expect(parseExpression("INTERVAL '1 hour'")).toEqual({ kind: 'interval', value: str('1 hour') });
    expect(parseExpression("INTERVAL '2' HOUR")).toEqual({ kind: 'interval', value: str('2'), unit: 'HOUR' });
    expect(parseExpression("now() - INTERVAL '1 hour' AND x")).toMatchObject({ kind: 'binary', op: 'AND' });
    expect(parseExpression("TIMESTAMP '2023-01-01 00:00:00'")).toEqual({ kind: 'typedString', dataType: { name: 'TIMESTAMP' }, value: '2023-01-01 00:00:00' });
    // `time` is a type keyword but also CnosDB's time column.
    expect(parseExpression('time > 1')).toEqual({ kind: 'binary', op: '>', left: id('time'), right: num('1') });
  });

  it('parses FROM: qualified names, subqueries and joins', () => {
    const s = select('SELECT * FROM public.air a JOIN (SELECT 1 AS x) s ON a.v = s.x LEFT OUTER JOIN b USING (k)');
    expect(s.projection).toEqual([{ kind: 'wildcard' }]);
    const twj = s.from[0];
    expect(twj.relation).toEqual({ kind: 'table', name: [{ value: 'public', quoted: false }, { value: 'air', quoted: false }], alias: { value: 'a', quoted: false } });
    expect(twj.joins[0].kind).toBe('INNER');
    expect(twj.joins[0].relation.kind).toBe('derived');
    expect(twj.joins[0].constraint).toEqual({ kind: 'on', expr: { kind: 'binary', op: '=', left: id('a', 'v'), right: id('s', 'x') } });
    expect(twj.joins[1]).toEqual({
      kind: 'LEFT', relation: { kind: 'table', name: [{ value: 'b', quoted: false }] }, constraint: { kind: 'using', columns: [{ value: 'k', quoted: false }] },
    });
  });

  it('parses GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET', () => {
    const q = query('SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY a DESC NULLS LAST, 2 LIMIT 10 OFFSET 5');
    const s = (q.body as { select: Select }).select;
    expect(s.groupBy).toEqual([id('a')]);
    expect(s.having).toMatchObject({ kind: 'binary', op: '>' });
    expect(q.orderBy).toEqual([{ expr: id('a'), asc: false, nullsFirst: false }, { expr: num('2') }]);
    expect(q.limit).toEqual(num('10'));
    expect(q.offset).toEqual(num('5'));
    const mysql = query('SELECT a FROM t LIMIT 5, 10');
    expect([mysql.offset, mysql.limit]).toEqual([num('5'), num('10')]);
  });

  it('parses UNION ALL and WITH', () => {
    const q = query('WITH x AS (SELECT 1) SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v');
    expect(q.with.map((c) => c.name.value)).toEqual(['x']);
    expect(q.body).toMatchObject({ kind: 'setOperation', op: 'UNION', all: false, left: { kind: 'setOperation', all: true } });
  });

  it('recognizes statements it does not parse by their keyword', () => {
    expect(parseStatements("show queries; CREATE USER u; drop tenant t; update t set f = 1; grant read on database d to r; explain select 1")).toEqual([
      { kind: 'unsupported', keyword: 'SHOW' },
      { kind: 'unsupported', keyword: 'CREATE' },
      { kind: 'unsupported', keyword: 'DROP' },
      { kind: 'unsupported', keyword: 'UPDATE' },
      { kind: 'unsupported', keyword: 'GRANT' },
      { kind: 'unsupported', keyword: 'EXPLAIN' },
    ]);
    expect(parseStatements('show tables; desc table t').map((s) => s.kind)).toEqual(['showTables', 'describeTable']);
  });

  it('skips empty statements', () => {
    expect(parseStatements(';; SELECT 1;;')).toHaveLength(1);
    expect(parseStatements(' ;; ')).toEqual([]);
  });
});

describe('parse errors (sqlparser-rs wording)', () => {
  it.each([
    ['1', 'Expected an SQL statement, found: 1'],
    ['selec 1', 'Expected an SQL statement, found: selec'],
    ['select 1 x y', 'Expected end of statement, found: y'],
    ['select', 'Expected an expression:, found: EOF'],
    ['select 1 +', 'Expected an expression:, found: EOF'],
    ['select * from', 'Expected identifier, found: EOF'],
    ['select * from t where', 'Expected an expression:, found: EOF'],
    ['select * from t limit', 'Expected an expression:, found: EOF'],
    ['select 1; 2', 'Expected an SQL statement, found: 2'],
    ['select count(*) from t group', 'Expected end of statement, found: group'],
    ['select a from t order by a nulls x', 'Expected one of FIRST or LAST, found: x'],
    ['select cast(1 as)', 'Expected a data type name, found: )'],
    ['select cast(1 bigint)', 'Expected AS, found: bigint'],
    ['select (1', 'Expected ), found: EOF'],
    ['select case when 1 then 2', 'Expected END, found: EOF'],
    ['select a from t where a in ()', 'Expected an expression:, found: )'],
    ['select a from t where a is 1', 'Expected [NOT] NULL or TRUE|FALSE or [NOT] DISTINCT FROM after IS, found: 1'],
    ['select a != b c d', 'Expected end of statement, found: d'],
    ['select * from t cross x', 'Expected JOIN or APPLY after CROSS, found: x'],
    ['select all distinct a', 'Cannot specify both ALL and DISTINCT'],
    ["select 'abc", 'Unterminated string literal at Line: 1, Column 8'],
    ['select "abc', `Expected close delimiter '"' before EOF. at Line: 1, Column 8`],
  ])('%s', (sql, message) => {
    expect(parseError(sql)).toBe(message);
  });
});
