import { ResultType } from '@cnosdb/contracts';
import { Catalog, CatalogTable } from './sql.catalog';
import { SqlSemanticError, TableNotFoundError } from './sql.errors';
import { parseStatement } from './sql.parser';
import { TranslatedSelect, referencedTableRefs, referencedTables, translateSelect } from './select.translator';

function table(name: string, precision: 'ns' | 'us' | 'ms'): CatalogTable {
  const time: ResultType = precision === 'ns' ? 'TIMESTAMP(NANOSECOND)' : precision === 'us' ? 'TIMESTAMP(MICROSECOND)' : 'TIMESTAMP(MILLISECOND)';
  return {
    name,
    chDatabase: 'db1',
    chTable: name,
    precision,
    columns: [
      { name: 'time', role: 'time', type: time },
      { name: 'station', role: 'tag', type: 'STRING' },
      { name: 'region', role: 'tag', type: 'STRING' },
      { name: 'temperature', role: 'field', type: 'DOUBLE' },
      { name: 'pressure', role: 'field', type: 'BIGINT' },
      { name: 'ok', role: 'field', type: 'BOOLEAN' },
      { name: 'note', role: 'field', type: 'STRING' },
    ],
  };
}

const tables: Record<string, CatalogTable> = {
  air: table('air', 'ns'),
  air_ms: table('air_ms', 'ms'),
  // Column names that look like the translator's aliases must not confuse ClickHouse.
  tricky: {
    name: 'tricky',
    chDatabase: 'db`1',
    chTable: 'tricky',
    precision: 'ns',
    columns: [
      { name: 'time', role: 'time', type: 'TIMESTAMP(NANOSECOND)' },
      { name: 'c0', role: 'tag', type: 'STRING' },
      { name: 'c1', role: 'field', type: 'DOUBLE' },
    ],
  },
};
const catalog: Catalog = { table: (name, database) => (database === undefined || database === 'public' ? tables[name] : undefined) };
const NOW = 1_700_000_000_000_000_000n;

const tr = (sql: string): TranslatedSelect => translateSelect(parseStatement(sql), catalog, { now: NOW });
const names = (sql: string): string[] => tr(sql).columns.map((c) => c.name);
const types = (sql: string): string[] => tr(sql).columns.map((c) => c.type);
const error = (sql: string): SqlSemanticError => {
  try {
    tr(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlSemanticError);
    return err as SqlSemanticError;
  }
  throw new Error(`expected an error for ${sql}`);
};

const MERGED_ALL =
  "(SELECT `time` AS c0, nullIf(`station`, '') AS c1, nullIf(`region`, '') AS c2, argMax(`temperature`, `__cnosdb_version`) AS c3, " +
  'argMax(`pressure`, `__cnosdb_version`) AS c4, argMax(`ok`, `__cnosdb_version`) AS c5, argMax(`note`, `__cnosdb_version`) AS c6 ' +
  'FROM `db1`.`air` GROUP BY `time`, `station`, `region`)';

describe('translateSelect: generated SQL', () => {
  it('reads a table through the merged view and formats booleans', () => {
    expect(tr('SELECT * FROM air')).toEqual({
      sql: `SELECT c0 AS c7, c1 AS c8, c2 AS c9, c3 AS c10, c4 AS c11, arrayElement(['false', 'true'], c5 + 1) AS c12, c6 AS c13 FROM ${MERGED_ALL}`,
      columns: [
        { name: 'time', type: 'TIMESTAMP(NANOSECOND)' },
        { name: 'station', type: 'STRING' },
        { name: 'region', type: 'STRING' },
        { name: 'temperature', type: 'DOUBLE' },
        { name: 'pressure', type: 'BIGINT' },
        { name: 'ok', type: 'BOOLEAN' },
        { name: 'note', type: 'STRING' },
      ],
    });
  });

  it('pushes time and tag conjuncts before the merge and keeps field conjuncts after it', () => {
    expect(
      tr("SELECT station, avg(temperature) FROM air WHERE time >= '2023-01-01T00:00:00Z' AND station = 'a' AND temperature > 10 GROUP BY station ORDER BY station").sql,
    ).toBe(
      "SELECT c1 AS c7, avg(c3) AS c8 FROM (SELECT `time` AS c0, nullIf(`station`, '') AS c1, argMax(`temperature`, `__cnosdb_version`) AS c3 " +
        "FROM `db1`.`air` WHERE (`time` >= 1672531200000000000) AND (`station` = 'a') GROUP BY `time`, `station`, `region`) " +
        'WHERE (c3 > 10) GROUP BY c1 ORDER BY c1 ASC NULLS LAST',
    );
  });

  it('keeps SQL NULL semantics for missing tags inside the merge query', () => {
    const sql = tr("SELECT time FROM air WHERE region IS NULL AND station != 'a' AND station IN ('x', 'y')").sql;
    expect(sql).toContain("WHERE (`region` = '') AND (`station` != 'a' AND `station` != '') AND (`station` IN ('x', 'y')) GROUP BY");
  });

  it('counts merged rows', () => {
    expect(tr('SELECT count(*) FROM air').sql).toBe('SELECT count() AS c7 FROM (SELECT `time` AS c0 FROM `db1`.`air` GROUP BY `time`, `station`, `region`)');
  });

  it('groups by a SELECT alias of date_bin', () => {
    expect(tr("SELECT date_bin(INTERVAL '1 hour', time) AS h, max(pressure) FROM air GROUP BY h").sql).toBe(
      'SELECT (c0 - ((c0 % 3600000000000) + 3600000000000) % 3600000000000) AS c7, max(c4) AS c8 FROM (SELECT `time` AS c0, argMax(`pressure`, `__cnosdb_version`) AS c4 ' +
        'FROM `db1`.`air` GROUP BY `time`, `station`, `region`) GROUP BY (c0 - ((c0 % 3600000000000) + 3600000000000) % 3600000000000)',
    );
  });

  it('converts time literals and now() to integers in the table precision', () => {
    const sql = tr("SELECT time FROM air_ms WHERE time > now() - INTERVAL '1 hour' AND time <= '2023-11-14 22:13:20.0019' LIMIT 10 OFFSET 20").sql;
    expect(sql).toBe(
      'SELECT c0 AS c7 FROM (SELECT `time` AS c0 FROM `db1`.`air_ms` WHERE (`time` > 1699996400000) AND (`time` <= 1700000000001) ' +
        'GROUP BY `time`, `station`, `region`) LIMIT 20, 10',
    );
  });

  it('implements three-valued AND/OR outside filters', () => {
    expect(tr('SELECT ok AND temperature > 1 AS hot FROM air').sql).toMatch(
      /^SELECT arrayElement\(\['false', 'true'\], multiIf\(c5 = 0 OR \(c3 > 1\) = 0, 0, isNull\(c5\) OR isNull\(\(c3 > 1\)\), NULL, 1\) \+ 1\) AS c7 FROM /,
    );
  });

  it('translates CASE with an operand to multiIf with explicit casts', () => {
    expect(tr("SELECT CASE station WHEN 'a' THEN 1 ELSE 2.5 END AS x FROM air").sql).toMatch(/^SELECT multiIf\(c1 = 'a', 1, 2.5\) AS c7 FROM /);
    expect(tr('SELECT CASE WHEN pressure > 1 THEN pressure ELSE temperature END AS x FROM air').sql).toMatch(
      /^SELECT multiIf\(\(c4 > 1\), toFloat64\(c4\), c3\) AS c7 FROM /,
    );
  });

  it('joins through USING keys, one join per SELECT', () => {
    expect(tr('SELECT a.station, b.note FROM air a JOIN air b ON a.station = b.station').sql).toBe(
      'SELECT c1 AS c15, c13 AS c16 FROM (SELECT c1, c13 FROM (SELECT c0, c1, c1 AS c14 FROM (SELECT `time` AS c0, nullIf(`station`, \'\') AS c1 FROM `db1`.`air` ' +
        'GROUP BY `time`, `station`, `region`)) ALL INNER JOIN (SELECT c7, c8, c13, c8 AS c14 FROM (SELECT `time` AS c7, nullIf(`station`, \'\') AS c8, ' +
        'argMax(`note`, `__cnosdb_version`) AS c13 FROM `db1`.`air` GROUP BY `time`, `station`, `region`)) USING (c14)) SETTINGS join_use_nulls = 1',
    );
  });

  it('casts UNION ALL branches to the common type under fresh aliases', () => {
    expect(tr('SELECT pressure FROM air UNION ALL SELECT temperature FROM air').sql).toBe(
      'SELECT toFloat64(c7) AS c16 FROM (SELECT c4 AS c7 FROM (SELECT `time` AS c0, argMax(`pressure`, `__cnosdb_version`) AS c4 FROM `db1`.`air` ' +
        'GROUP BY `time`, `station`, `region`)) UNION ALL SELECT c11 AS c15 FROM (SELECT `time` AS c8, argMax(`temperature`, `__cnosdb_version`) AS c11 ' +
        'FROM `db1`.`air` GROUP BY `time`, `station`, `region`)',
    );
  });

  it('avoids aliases that collide with column names and escapes identifiers', () => {
    expect(tr('SELECT c0, c1 FROM tricky').sql).toBe(
      "SELECT c3 AS c5, c4 AS c6 FROM (SELECT `time` AS c2, nullIf(`c0`, '') AS c3, argMax(`c1`, `__cnosdb_version`) AS c4 FROM `db\\`1`.`tricky` GROUP BY `time`, `c0`)",
    );
  });

  it('translates SELECT without FROM', () => {
    expect(tr("SELECT 1, 'a' || 'b', true, NULL")).toEqual({
      sql: "SELECT 1 AS c0, concat('a', 'b') AS c1, arrayElement(['false', 'true'], 1 + 1) AS c2, NULL AS c3",
      columns: [
        { name: 'Int64(1)', type: 'BIGINT' },
        { name: 'Utf8("a") || Utf8("b")', type: 'STRING' },
        { name: 'Boolean(true)', type: 'BOOLEAN' },
        { name: 'NULL', type: 'STRING' },
      ],
    });
  });

  it('uses arrayReduce for DISTINCT sums, which ClickHouse 18.16 lacks as a combinator', () => {
    expect(tr('SELECT sum(DISTINCT pressure), count(DISTINCT station) FROM air').sql).toMatch(
      /^SELECT if\(count\(c4\) = 0, NULL, arrayReduce\('sum', groupUniqArray\(c4\)\)\) AS c7, uniqExact\(c1\) AS c8 FROM /,
    );
  });
});

describe('translateSelect: DataFusion output names and types', () => {
  it.each([
    ['SELECT 1', ['Int64(1)'], ['BIGINT']],
    ['SELECT count(*) FROM air', ['COUNT(UInt8(1))'], ['BIGINT']],
    ['SELECT count(pressure), count(DISTINCT station) FROM air', ['COUNT(air.pressure)', 'COUNT(DISTINCT air.station)'], ['BIGINT', 'BIGINT']],
    ['SELECT avg(pressure), sum(pressure), sum(temperature), min(time) FROM air', ['AVG(air.pressure)', 'SUM(air.pressure)', 'SUM(air.temperature)', 'MIN(air.time)'], ['DOUBLE', 'BIGINT', 'DOUBLE', 'TIMESTAMP(NANOSECOND)']],
    ['SELECT pressure + 1, pressure / 2, temperature * pressure, -pressure FROM air', ['air.pressure + Int64(1)', 'air.pressure / Int64(2)', 'air.temperature * air.pressure', '(- air.pressure)'], ['BIGINT', 'BIGINT', 'DOUBLE', 'BIGINT']],
    ['SELECT pressure > 1, station = \'a\', note IS NULL FROM air', ['air.pressure > Int64(1)', 'air.station = Utf8("a")', 'air.note IS NULL'], ['BOOLEAN', 'BOOLEAN', 'BOOLEAN']],
    ['SELECT v.time, v.station FROM air AS v', ['time', 'station'], ['TIMESTAMP(NANOSECOND)', 'STRING']],
    ['SELECT pressure AS p, CAST(pressure AS DOUBLE) FROM air', ['p', 'air.pressure'], ['BIGINT', 'DOUBLE']],
    ['SELECT lower(station), length(note), round(temperature, 1) FROM air', ['lower(air.station)', 'character_length(air.note)', 'round(air.temperature,Int64(1))'], ['STRING', 'BIGINT', 'DOUBLE']],
    ['SELECT first(time, temperature) FROM air', ['first(air.time,air.temperature)'], ['DOUBLE']],
    ["SELECT date_bin(INTERVAL '1 minute', time) FROM air_ms", ['date_bin(IntervalDayTime("60000"),air_ms.time)'], ['TIMESTAMP(MILLISECOND)']],
    ["SELECT note LIKE 'a%' FROM air", ['air.note LIKE Utf8("a%") '], ['BOOLEAN']],
    ['SELECT pressure IN (1, 2) FROM air', ['air.pressure IN (Map { iter: Iter([Literal(Int64(1)), Literal(Int64(2))]) })'], ['BOOLEAN']],
    ["SELECT CASE WHEN ok THEN 'y' END FROM air", ['CASE WHEN air.ok THEN Utf8("y") END'], ['STRING']],
    ['SELECT time FROM public.air', ['time'], ['TIMESTAMP(NANOSECOND)']],
    ['SELECT public.air.pressure + 1 FROM public.air', ['public.air.pressure + Int64(1)'], ['BIGINT']],
    ['SELECT 1.5, now()', ['Float64(1.5)', 'now()'], ['DOUBLE', 'TIMESTAMP(NANOSECOND)']],
  ])('%s', (sql, expectedNames, expectedTypes) => {
    expect(names(sql)).toEqual(expectedNames);
    expect(types(sql)).toEqual(expectedTypes);
  });

  it('keeps inner qualifiers through subqueries and applies the subquery alias', () => {
    expect(names('SELECT * FROM (SELECT station, pressure + 1 FROM air) AS s')).toEqual(['station', 'air.pressure + Int64(1)']);
    expect(names('SELECT s.station FROM (SELECT station FROM air) s')).toEqual(['station']);
    expect(names('WITH w AS (SELECT max(pressure) AS m FROM air) SELECT m + 1 FROM w')).toEqual(['w.m + Int64(1)']);
  });
});

describe('translateSelect: errors', () => {
  it('reports unknown columns with DataFusion wording', () => {
    const err = error('SELECT x FROM air');
    expect(err.code).toBe('010001');
    expect(err.message).toBe(
      'Datafusion: Schema error: No field named x. Valid fields are air.time, air.station, air.region, air.temperature, air.pressure, air.ok, air.note.',
    );
    expect(error('SELECT "X" FROM tricky').message).toBe('Datafusion: Schema error: No field named "X". Valid fields are tricky.time, tricky.c0, tricky.c1.');
    expect(error('SELECT q.time FROM air').message).toMatch(/^Datafusion: Schema error: No field named q.time. Valid fields are air.time, /);
    expect(error('SELECT x').message).toBe('Datafusion: Schema error: No field named x.');
  });

  it('reports unknown tables so the caller can add tenant and database', () => {
    const err = error('SELECT * FROM nope');
    expect(err).toBeInstanceOf(TableNotFoundError);
    expect(err.code).toBe('030019');
    expect((err as TableNotFoundError).messageFor('cnosdb', 'public')).toBe('Table not found: "cnosdb.public.nope"');
    expect((error('SELECT * FROM other.air') as TableNotFoundError).messageFor('cnosdb', 'public')).toBe('Table not found: "cnosdb.other.air"');
  });

  it('rejects non-aggregated columns in aggregate queries', () => {
    expect(error('SELECT station, count(*) FROM air').message).toBe(
      'Datafusion: Error during planning: Projection references non-aggregate values: Expression air.station could not be resolved from available columns: COUNT(UInt8(1))',
    );
    expect(error('SELECT temperature FROM air GROUP BY station').message).toBe(
      'Datafusion: Error during planning: Projection references non-aggregate values: Expression air.temperature could not be resolved from available columns: air.station',
    );
  });

  it('reports ambiguous and duplicate names', () => {
    expect(error('SELECT station FROM air a, air_ms b').message).toBe('Datafusion: Schema error: Ambiguous reference to unqualified field station');
    expect(error('SELECT pressure, pressure FROM air').message).toContain('Projections require unique expression names');
  });

  it('reports bad time literals, bad types and unsupported features', () => {
    expect(error("SELECT time FROM air WHERE time > 'yesterday'").message).toBe(
      "Arrow: Parser error: Error parsing timestamp from 'yesterday': error parsing date",
    );
    expect(error('SELECT ok + 1 FROM air').message).toBe(
      'Datafusion: Error during planning: Cannot coerce arithmetic expression Boolean + Int64 to valid types',
    );
    expect(error('SELECT count() FROM air').message).toBe('Datafusion: Error during planning: The function Count expects at least one argument');
    expect(error('SELECT nosuch(1)').message).toBe("Datafusion: Error during planning: Invalid function 'nosuch'");
    expect(error('SELECT time FROM air WHERE count(*) > 1').message).toContain('Aggregate functions are not allowed in the WHERE clause');
    expect(error('SELECT 1 LIMIT -1').message).toBe('Datafusion: Error during planning: LIMIT must not be negative');
    const ni = error('SELECT a.time FROM air a LEFT JOIN air b ON a.pressure > b.pressure');
    expect(ni.code).toBe('010005');
    expect(ni.message).toBe('This feature is not implemented: LEFT JOIN without an equality condition');
  });
});

describe('translateSelect: time windows, gap filling and more functions', () => {
  it('names and types time_window, gap filling, median and percentile columns as DataFusion does', () => {
    expect(names("SELECT time_window(time, '10ms'), time_window(time, INTERVAL '1 minute') AS w FROM air")).toEqual([
      'time_window(air.time,Utf8("10ms"))',
      'w',
    ]);
    expect(types("SELECT time_window(time, '10ms') FROM air_ms")).toEqual(['STRUCT(start TIMESTAMP(MILLISECOND), end TIMESTAMP(MILLISECOND))']);
    expect(names('SELECT median(pressure), approx_percentile_cont(temperature, 0.9), stddev(temperature) FROM air')).toEqual([
      'MEDIAN(air.pressure)',
      'APPROX_PERCENTILE_CONT(air.temperature,Float64(0.9))',
      'STDDEV(air.temperature)',
    ]);
    expect(types('SELECT median(pressure), median(temperature) FROM air')).toEqual(['BIGINT', 'DOUBLE']);
    expect(names("SELECT date_part('hour', time), to_timestamp(1), to_timestamp_millis(1) FROM air")).toEqual([
      'date_part(Utf8("hour"),air.time)',
      'to_timestamp(Int64(1))',
      'to_timestamp_millis(Int64(1))',
    ]);
    expect(types("SELECT date_part('hour', time), to_timestamp(1), to_timestamp_millis(1), to_timestamp_micros(1) FROM air")).toEqual([
      'DOUBLE',
      'TIMESTAMP(NANOSECOND)',
      'TIMESTAMP(MILLISECOND)',
      'TIMESTAMP(MICROSECOND)',
    ]);
  });

  it('expands sliding windows with arrayJoin and no lambdas (ClickHouse 18.16 loses lambda captures next to aggregates)', () => {
    const { sql } = tr("SELECT time_window(time, '10ms', '5ms') AS w, count(*) FROM air GROUP BY w");
    expect(sql).toContain('arrayJoin(arraySlice([');
    expect(sql).not.toContain('->');
    // The struct is formatted in an outer SELECT, away from the arrayJoin GROUP BY key.
    expect(sql.startsWith('SELECT concat(toString(tupleElement(')).toBe(true);
  });

  it('plans gap filling from the WHERE time range', () => {
    const t = tr(
      "SELECT station, time_window_gapfill(time, INTERVAL '10 milliseconds') AS w, locf(avg(temperature)), interpolate(max(pressure)), count(*) " +
        "FROM air WHERE time >= '1970-01-01T00:00:00.005Z' AND time < '1970-01-01T00:00:00.055Z' GROUP BY station, w",
    );
    expect(t.columns.map((c) => c.name)).toEqual(['station', 'w', 'locf(AVG(air.temperature))', 'interpolate(MAX(air.pressure))', 'COUNT(UInt8(1))']);
    expect(t.gapfill).toEqual({
      fills: ['group', 'time', 'locf', 'interpolate', 'null'],
      integer: [false, false, false, true, true],
      first: 0n,
      last: 50_000_000n,
      step: 10_000_000n,
    });
    expect(t.sql).toMatch(/ORDER BY c\d+ ASC NULLS LAST, .* ASC NULLS LAST$/);
  });

  it('reports gap-filling and window errors as CnosDB does', () => {
    expect(error("SELECT time_window_gapfill(time, INTERVAL '1 second') AS w, count(*) FROM air GROUP BY w").message).toBe(
      'Datafusion: Error during planning: no time bounds found for gap fill query',
    );
    expect(error("SELECT time_window_gapfill(time, INTERVAL '1 second') AS w, count(*) FROM air WHERE time < now() GROUP BY w").message).toBe(
      'Datafusion: Error during planning: no lower time bound found for gap fill query',
    );
    expect(error("SELECT time_window_gapfill(time, INTERVAL '1 second') FROM air").message).toBe(
      'Datafusion: Error during planning: time_window_gapfill may only be used as a GROUP BY expression',
    );
    expect(error('SELECT interpolate(avg(temperature)) FROM air').message).toBe(
      'Datafusion: Error during planning: interpolate may only be used in a gap-filling query',
    );
    const bad = error("SELECT time_window(time, '0.003ms', '0.001ms') FROM air");
    expect(bad.code).toBe('010058');
    expect(error("SELECT time_window(time, '1s', '1ms') FROM air").message).toBe('Datafusion: Error during planning: Too many overlapping windows: 1000');
  });
});

describe('translateSelect: initcap, atan2 and regexp_match', () => {
  const FROM_NOTE = " AS c7 FROM (SELECT `time` AS c0, argMax(`note`, `__cnosdb_version`) AS c6 FROM `db1`.`air` GROUP BY `time`, `station`, `region`)";

  it('initcap: lower(), then one replaceRegexpAll per ASCII letter at a word start, no lambdas', () => {
    let expected = 'lower(c6)';
    for (const c of 'abcdefghijklmnopqrstuvwxyz') expected = `replaceRegexpAll(${expected}, '(^|[^A-Za-z0-9])${c}', '\\\\1${c.toUpperCase()}')`;
    expect(tr('SELECT initcap(note) FROM air').sql).toBe(`SELECT ${expected}${FROM_NOTE}`);
    // The innermost and outermost passes, spelled out.
    expect(tr('SELECT initcap(note) FROM air').sql).toContain("replaceRegexpAll(lower(c6), '(^|[^A-Za-z0-9])a', '\\\\1A')");
    expect(tr('SELECT initcap(note) FROM air').sql).toMatch(/^SELECT replaceRegexpAll\(.*, '\(\^\|\[\^A-Za-z0-9\]\)z', '\\\\1Z'\) AS c7 FROM /);
    expect(tr("SELECT initcap(note) AS k, count(*) FROM air GROUP BY k").sql).not.toContain('->');
    expect(names("SELECT initcap(note), initcap('ab') FROM air")).toEqual(['initcap(air.note)', 'initcap(Utf8("ab"))']);
    expect(types('SELECT initcap(note), initcap(NULL) FROM air')).toEqual(['STRING', 'STRING']);
    expect(error('SELECT initcap(note, note) FROM air').message).toBe(
      "Datafusion: Error during planning: No function matches the given name and argument types 'initcap(Utf8, Utf8)'",
    );
  });

  it('atan2 on Float64: special cases, then atan of the ratio in its quadrant', () => {
    const y = 'toFloat64(c3)';
    const x = 'toFloat64(c4)';
    const sign = `if(${y} < 0, -1, 1)`;
    expect(tr('SELECT atan2(temperature, pressure) FROM air').sql).toBe(
      `SELECT multiIf(isNaN(${y}) OR isNaN(${x}), ${y} + ${x}, ` +
        `${y} = 0, if(${x} > 0 OR 1 / ${x} > 0, ${y}, if(1 / ${y} < 0, -pi(), pi())), ` +
        `${x} = 0, ${sign} * (pi() / 2), ` +
        `isInfinite(${y}), ${sign} * if(isInfinite(${x}), if(${x} > 0, pi() / 4, pi() * 0.75), pi() / 2), ` +
        `${sign} * if(${x} > 0, atan(abs(${y} / ${x})), if(abs(${y}) <= abs(${x}), ` +
        `pi() - (atan(abs(${y} / ${x})) - 1.2246467991473532e-16), pi() / 2 + (atan(abs(${x} / ${y})) + 6.123233995736766e-17)))) AS c7 ` +
        'FROM (SELECT `time` AS c0, argMax(`temperature`, `__cnosdb_version`) AS c3, argMax(`pressure`, `__cnosdb_version`) AS c4 ' +
        'FROM `db1`.`air` GROUP BY `time`, `station`, `region`)',
    );
    // -0.0 keeps its sign (atan2(-0.0, -1.0) is -pi).
    expect(tr('SELECT atan2(-0.0, -1.0)').sql).toMatch(/^SELECT multiIf\(isNaN\(toFloat64\(-0\.0\)\) OR isNaN\(toFloat64\(-1\.0\)\), /);
    expect(names('SELECT atan2(temperature, pressure), atan2(1.0, -1), atan2(NULL, 1) FROM air')).toEqual([
      'atan2(air.temperature,air.pressure)',
      'atan2(Float64(1),Int64(-1))',
      'atan2(NULL,Int64(1))',
    ]);
    // Integers and NULL take the (Float32, Float32) signature: only a DOUBLE argument gives a DOUBLE.
    expect(types('SELECT atan2(temperature, 1), atan2(NULL, temperature), atan2(NULL, pressure), atan2(NULL, NULL) FROM air')).toEqual([
      'DOUBLE',
      'DOUBLE',
      'FLOAT',
      'FLOAT',
    ]);
  });

  it('atan2 of two integers is DataFusion\'s Float32 signature: the Float64 atan2 rounded to Float32', () => {
    const t = tr('SELECT atan2(pressure, 3) FROM air');
    expect(t.columns).toEqual([{ name: 'atan2(air.pressure,Int64(3))', type: 'FLOAT' }]);
    expect(t.sql.startsWith('SELECT toFloat32(multiIf(isNaN(toFloat64(c4)) OR isNaN(toFloat64(3)), toFloat64(c4) + toFloat64(3), ')).toBe(true);
    expect(t.sql).toContain('))))) AS c7 FROM ');
    expect(types('SELECT atan2(1, -1), atan2(CAST(temperature AS FLOAT), pressure), atan2(CAST(temperature AS FLOAT), temperature) FROM air')).toEqual([
      'FLOAT',
      'FLOAT',
      'DOUBLE',
    ]);
  });

  it('atan2 of other types and arities is a plan error', () => {
    expect(error('SELECT atan2(pressure, note) FROM air').message).toBe(
      "Datafusion: Error during planning: No function matches the given name and argument types 'atan2(Int64, Utf8)'",
    );
    expect(error('SELECT atan2(temperature) FROM air').message).toBe(
      "Datafusion: Error during planning: No function matches the given name and argument types 'atan2(Float64)'",
    );
  });

  it('regexp_match: a LIST(STRING) of the first match\'s groups, each a replaceRegexpOne over the whole string', () => {
    const t = tr("SELECT regexp_match(note, '(a)(b)') FROM air");
    expect(t.columns).toEqual([{ name: 'regexp_match(air.note,Utf8("(a)(b)"))', type: 'LIST(STRING)' }]);
    const group = (i: number) => `replaceRegexpOne(c6, '^(?s:.*?)(?-s:(a)(b))(?s:.*)$', '\\\\${i}')`;
    expect(t.sql).toContain(
      `if(match(c6, '(?-s:(a)(b))'), concat(toString(length(${group(1)})), ':', ${group(1)}, toString(length(${group(2)})), ':', ${group(2)}), NULL) AS c7`,
    );
  });

  it('regexp_match without groups answers the whole match; flags go in front as (?flags)', () => {
    const select = (list: string): string => tr(`SELECT ${list} FROM air`).sql;
    expect(select("regexp_match(note, 'b+', 'i')")).toContain(
      "if(match(c6, '(?-s:(?i)b+)'), concat(toString(length(replaceRegexpOne(c6, '^(?s:.*?)((?-s:(?i)b+))(?s:.*)$', '\\\\1'))), ':', ",
    );
  });

  it('regexp_match counts capturing groups only: not escaped, not in a class, not (?:…), but named ones', () => {
    const groups = (pattern: string) => (tr(`SELECT regexp_match(note, '${pattern}') FROM air`).sql.match(/replaceRegexpOne/g) ?? []).length / 2;
    expect(groups('a')).toBe(1);
    expect(groups('\\(a\\)')).toBe(1);
    expect(groups('[(]a[)]')).toBe(1);
    expect(groups('[](]a')).toBe(1);
    expect(groups('(?:a)(b)')).toBe(1);
    expect(groups('(?P<x>a)(?i:b)(c)')).toBe(2);
    expect(groups('(a)(b)(c)(d)(e)(f)(g)(h)(i)')).toBe(9);
  });

  it('regexp_match errors: the global flag as arrow words it; more than 9 groups, a column pattern or flag x are not implemented', () => {
    const g = error("SELECT regexp_match(note, 'a', 'g') FROM air");
    expect([g.code, g.message]).toEqual(['010001', 'Datafusion: Arrow error: Compute error: regexp_match() does not support the "global" option']);
    expect(error("SELECT regexp_match(note, '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)') FROM air").message).toBe(
      'This feature is not implemented: regexp_match with more than 9 capture groups',
    );
    expect(error('SELECT regexp_match(note, note) FROM air').code).toBe('010005');
    expect(error("SELECT regexp_match(note, 'a', 'x') FROM air").code).toBe('010005');
  });
});

describe('translateSelect: Float32 (FLOAT) results', () => {
  // The merged view of air with temperature (c3), and with pressure (c4) too.
  const FROM_T = ' FROM (SELECT `time` AS c0, argMax(`temperature`, `__cnosdb_version`) AS c3 FROM `db1`.`air` GROUP BY `time`, `station`, `region`)';
  const FROM_TP = FROM_T.replace(' AS c3 ', ' AS c3, argMax(`pressure`, `__cnosdb_version`) AS c4 ');
  const select = (list: string): string => tr(`SELECT ${list} FROM air`).sql;

  it('CAST(x AS FLOAT) and CAST(x AS REAL) are toFloat32 and keep the operand\'s name; DOUBLE [PRECISION] stays Float64', () => {
    expect(tr('SELECT CAST(1.23456789 AS FLOAT)')).toEqual({
      sql: 'SELECT toFloat32(1.23456789) AS c0',
      columns: [{ name: 'Float64(1.23456789)', type: 'FLOAT' }],
    });
    expect(tr('SELECT CAST(pressure AS REAL), CAST(temperature AS FLOAT), CAST(pressure AS DOUBLE PRECISION) AS d FROM air')).toEqual({
      sql: `SELECT toFloat32(c4) AS c7, toFloat32(c3) AS c8, toFloat64(c4) AS c9${FROM_TP}`,
      columns: [
        { name: 'air.pressure', type: 'FLOAT' },
        { name: 'air.temperature', type: 'FLOAT' },
        { name: 'd', type: 'DOUBLE' },
      ],
    });
    expect(tr("SELECT CAST('1.5' AS FLOAT) AS s, CAST(true AS FLOAT) AS b").sql).toBe("SELECT toFloat32('1.5') AS c0, toFloat32(1) AS c1");
    expect(types('SELECT pressure::float, temperature::real FROM air')).toEqual(['FLOAT', 'FLOAT']);
  });

  it('casts a FLOAT back to the other types', () => {
    const sql = select('CAST(CAST(temperature AS FLOAT) AS BIGINT) AS i, CAST(CAST(temperature AS FLOAT) AS DOUBLE) AS d, CAST(CAST(temperature AS FLOAT) AS STRING) AS s');
    expect(sql).toBe(`SELECT toInt64(toFloat32(c3)) AS c7, toFloat64(toFloat32(c3)) AS c8, toString(toFloat32(c3)) AS c9${FROM_T}`);
    expect(types('SELECT CAST(time AS FLOAT), CAST(CAST(temperature AS FLOAT) AS BOOLEAN) FROM air')).toEqual(['FLOAT', 'BOOLEAN']);
  });

  it('arithmetic: FLOAT with an integer is FLOAT, computed on Float32 operands and rounded to Float32; with a DOUBLE it is DOUBLE', () => {
    const f = 'CAST(temperature AS FLOAT)';
    const t = tr(`SELECT ${f} + pressure, ${f} + temperature, ${f} / 2, ${f} % pressure AS m, -${f} AS n, pressure * ${f} AS p FROM air`);
    expect(t.columns).toEqual([
      { name: 'air.temperature + air.pressure', type: 'FLOAT' },
      { name: 'air.temperature + air.temperature', type: 'DOUBLE' },
      { name: 'air.temperature / Int64(2)', type: 'FLOAT' },
      { name: 'm', type: 'FLOAT' },
      { name: 'n', type: 'FLOAT' },
      { name: 'p', type: 'FLOAT' },
    ]);
    expect(t.sql).toBe(
      'SELECT toFloat32(toFloat32(c3) + toFloat32(c4)) AS c7, (toFloat32(c3) + c3) AS c8, toFloat32(toFloat32(c3) / toFloat32(2)) AS c9, ' +
        'toFloat32(toFloat32(c3) - toFloat32(c4) * trunc(toFloat32(c3) / toFloat32(c4))) AS c10, negate(toFloat32(c3)) AS c11, ' +
        `toFloat32(toFloat32(c4) * toFloat32(c3)) AS c12${FROM_TP}`,
    );
    expect(error(`SELECT ${f} + ok FROM air`).message).toBe(
      'Datafusion: Error during planning: Cannot coerce arithmetic expression Float32 + Boolean to valid types',
    );
  });

  it('comparisons: FLOAT against an integer compares as Float32, against a DOUBLE as Float64', () => {
    expect(tr('SELECT time FROM air WHERE CAST(temperature AS FLOAT) > pressure AND CAST(temperature AS FLOAT) < temperature').sql).toContain(
      'WHERE (toFloat32(c3) > toFloat32(c4)) AND (toFloat32(c3) < c3)',
    );
    expect(select('CAST(temperature AS FLOAT) IN (1, 2) AS i')).toContain('(toFloat32(c3) IN (toFloat32(1), toFloat32(2)))');
  });

  it('aggregates: min/max/first/last/median keep FLOAT; sum/avg/stddev/variance read it as Float64', () => {
    const f = 'CAST(temperature AS FLOAT)';
    const t = tr(`SELECT max(${f}), min(${f}), first(time, ${f}), last(time, ${f}), median(${f}), sum(${f}), avg(${f}), stddev(${f}), var_pop(${f}), count(${f}) FROM air`);
    expect(t.columns.map((c) => c.type)).toEqual(['FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT']);
    expect(t.columns[0].name).toBe('MAX(air.temperature)');
    expect(t.sql).toContain('max(toFloat32(c3)) AS c7, ');
    expect(t.sql).toContain('sum(toFloat64(toFloat32(c3))) AS c12, avg(toFloat64(toFloat32(c3))) AS c13, ');
    expect(t.sql).toContain('if(count(toFloat64(toFloat32(c3))) < 2, NULL, stddevSamp(toFloat64(toFloat32(c3)))) AS c14, varPop(toFloat64(toFloat32(c3))) AS c15');
    // The mean of the two middle values, rounded to Float32.
    expect(t.sql).toContain('toFloat32((arrayElement(arraySort(groupArray(toFloat32(c3))), intDiv(length(arraySort(groupArray(toFloat32(c3)))) + 1, 2)) + ');
  });

  it('math functions: a FLOAT argument gives FLOAT (computed in Float64, rounded to Float32); integers and DOUBLE give DOUBLE', () => {
    const f = 'CAST(temperature AS FLOAT)';
    const t = tr(`SELECT sqrt(${f}) AS s, sqrt(pressure), sqrt(temperature), round(${f}, 1), abs(${f}), signum(${f}), floor(${f}), log(${f}), log(2, ${f}), log(temperature, ${f}) AS l, power(${f}, 2) FROM air`);
    expect(t.columns.map((c) => c.type)).toEqual(['FLOAT', 'DOUBLE', 'DOUBLE', 'FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'FLOAT', 'DOUBLE', 'DOUBLE']);
    expect(t.sql).toMatch(/^SELECT toFloat32\(sqrt\(toFloat64\(toFloat32\(c3\)\)\)\) AS c7, sqrt\(toFloat64\(c4\)\) AS c8, sqrt\(toFloat64\(c3\)\) AS c9, /);
    expect(t.sql).toContain('toFloat32(round(toFloat64(toFloat32(c3)), 1)) AS c10, abs(toFloat32(c3)) AS c11, ');
    expect(t.sql).toContain('toFloat32(floor(toFloat64(toFloat32(c3)))) AS c13, toFloat32(log10(toFloat64(toFloat32(c3)))) AS c14, ');
  });

  it('log, like atan2, lists Float32 first: integer and NULL arguments give FLOAT, a DOUBLE argument DOUBLE', () => {
    const t = tr('SELECT log(pressure), log(2, pressure), log(NULL), log(temperature), log(2, temperature), log(pressure, 10) FROM air');
    expect(t.columns.map((c) => c.type)).toEqual(['FLOAT', 'FLOAT', 'FLOAT', 'DOUBLE', 'DOUBLE', 'FLOAT']);
    expect(t.sql).toMatch(/^SELECT toFloat32\(log10\(toFloat64\(c4\)\)\) AS c7, toFloat32\(\(log\(toFloat64\(c4\)\) \/ log\(toFloat64\(2\)\)\)\) AS c8, /);
  });

  it('CASE, COALESCE, NULLIF and UNION: DOUBLE if any, else FLOAT with integers', () => {
    const f = 'CAST(temperature AS FLOAT)';
    expect(types(`SELECT CASE WHEN ok THEN ${f} ELSE 1 END, CASE WHEN ok THEN ${f} ELSE temperature END AS d, coalesce(pressure, ${f}) AS c, nullif(pressure, ${f}) AS n FROM air`)).toEqual([
      'FLOAT',
      'DOUBLE',
      'FLOAT',
      'FLOAT',
    ]);
    expect(select(`CASE WHEN ok THEN ${f} ELSE 100000 END AS x, coalesce(pressure, ${f}) AS c`)).toMatch(
      /^SELECT multiIf\(c5, toFloat32\(c3\), toFloat32\(100000\)\) AS c7, coalesce\(toFloat32\(c4\), toFloat32\(c3\)\) AS c8 FROM /,
    );
    expect(tr(`SELECT ${f} AS v FROM air UNION ALL SELECT pressure FROM air`).columns).toEqual([{ name: 'v', type: 'FLOAT' }]);
    expect(tr(`SELECT ${f} AS v FROM air UNION ALL SELECT pressure FROM air`).sql).toMatch(/ UNION ALL SELECT toFloat32\(c\d+\) AS c\d+ FROM /);
    expect(types(`SELECT ${f} AS v FROM air UNION ALL SELECT temperature FROM air`)).toEqual(['DOUBLE']);
  });

  it('gap filling sorts FLOAT columns as floats and does not interpolate them', () => {
    const where = "WHERE time >= '1970-01-01T00:00:00Z' AND time < '1970-01-01T00:00:01Z'";
    const t = tr(`SELECT time_window_gapfill(time, INTERVAL '100 milliseconds') AS w, max(CAST(temperature AS FLOAT)) AS m FROM air ${where} GROUP BY w ORDER BY m`);
    expect(t.gapfill?.sort).toEqual([{ index: 1, asc: true, nullsFirst: false, compare: 'float' }]);
    const ni = error(`SELECT time_window_gapfill(time, INTERVAL '100 milliseconds') AS w, interpolate(max(CAST(temperature AS FLOAT))) FROM air ${where} GROUP BY w`);
    expect([ni.code, ni.message]).toEqual(['010005', 'This feature is not implemented: interpolate of a FLOAT (Float32) column']);
  });
});

describe('referencedTables', () => {
  it('lists stored tables, not CTEs, including subqueries and joins', () => {
    const st = parseStatement(
      'WITH w AS (SELECT * FROM a1) SELECT * FROM w JOIN public.a2 ON w.x = a2.x WHERE y IN (SELECT y FROM a3) UNION ALL SELECT * FROM (SELECT 1 FROM "A4") s',
    );
    expect(referencedTables(st)).toEqual(['a1', 'public.a2', 'a3', 'A4']);
    expect(referencedTableRefs(st)[1]).toEqual({ name: 'a2', database: 'public' });
  });
});
