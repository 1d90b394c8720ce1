import { CnosClient, RawResponse, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

// SELECT breadth of CnosDB's SQL dialect through HTTP against real ClickHouse. Every expected
// body below was worked out by hand from the data set written in beforeAll.
const OK_EMPTY = { status: 200, text: '' };
const result = (res: RawResponse) => ({ status: res.status, text: res.text });
const ok = (text: string) => ({ status: 200, text });
const error = (code: string, message: string) => ({ status: 422, text: JSON.stringify({ error_code: code, error_message: message }) });
const JSON_ACCEPT = { accept: 'application/json' };

// 2023-01-01T00:00:00Z, a Sunday.
const T0 = 1672531200000000000n;
const at = (seconds: number) => (T0 + BigInt(seconds) * 1_000_000_000n).toString();

// cpu: five rows over 50 seconds, one without `region`, one without `note`.
//   host a (east): t=0s usage 10 temp 20 note "hello";  t=10s usage 30 temp 22 note "World"
//   host b (west): t=20s usage 20 temp 25 (no note);    t=40s usage 40 temp 27 note "  pad  "
//   host c (no region): t=50s usage 50 temp 30 note "x"
// mem: a t=0s free 100; b t=20s free 200; d t=0s free 400
const LINES = [
  `cpu,host=a,region=east usage=10,temp=20i,note="hello" ${at(0)}`,
  `cpu,host=a,region=east usage=30,temp=22i,note="World" ${at(10)}`,
  `cpu,host=b,region=west usage=20,temp=25i ${at(20)}`,
  `cpu,host=b,region=west usage=40,temp=27i,note="  pad  " ${at(40)}`,
  `cpu,host=c usage=50,temp=30i,note="x" ${at(50)}`,
  `mem,host=a free=100i ${at(0)}`,
  `mem,host=b free=200i ${at(20)}`,
  `mem,host=d free=400i ${at(0)}`,
].join('\n');

describe('SQL SELECT breadth (standalone)', () => {
  let topology: Topology;
  let client: CnosClient;
  const tenant = uniqueName('select');
  const db = 'db1';

  beforeAll(async () => {
    topology = await startTopology('standalone');
    client = new CnosClient(topology.url);
    expect(result(await client.sql(`CREATE DATABASE ${db} WITH TTL '100000d'`, `tenant=${tenant}`))).toEqual(OK_EMPTY);
    expect(result(await client.write(LINES, `tenant=${tenant}&db=${db}`))).toEqual(OK_EMPTY);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const sql = async (text: string, headers: Record<string, string> = {}) => result(await client.sql(text, `tenant=${tenant}&db=${db}`, headers));

  describe('statements without a table, naming of unaliased columns', () => {
    it('SELECT 1 and constant expressions are named as DataFusion names them', async () => {
      expect(await sql('SELECT 1')).toEqual(ok('Int64(1)\n1\n'));
      expect(await sql("SELECT 1 + 2, 'a' || 'b', 2.5")).toEqual(ok('Int64(1) + Int64(2),"Utf8(""a"") || Utf8(""b"")",Float64(2.5)\n3,ab,2.5\n'));
      expect(await sql('SELECT count(*) FROM cpu')).toEqual(ok('COUNT(UInt8(1))\n5\n'));
      expect(await sql('SELECT avg(usage), sum(temp) FROM cpu')).toEqual(ok('AVG(cpu.usage),SUM(cpu.temp)\n30.0,124\n'));
    });

    it('now() and interval arithmetic', async () => {
      expect(await sql("SELECT TIMESTAMP '2023-01-01 00:00:00' + INTERVAL '1 day' AS d")).toEqual(ok('d\n2023-01-02T00:00:00.000000000\n'));
      expect(await sql("SELECT time + INTERVAL '1 hour' AS t FROM cpu WHERE host = 'c'")).toEqual(ok('t\n2023-01-01T01:00:50.000000000\n'));
      expect(await sql("SELECT time - INTERVAL '30 seconds' AS t FROM cpu WHERE host = 'c'")).toEqual(ok('t\n2023-01-01T00:00:20.000000000\n'));
      expect(await sql("SELECT count(*) FROM cpu WHERE time > now() - INTERVAL '100000 days'")).toEqual(ok('COUNT(UInt8(1))\n5\n'));
      expect(await sql('SELECT count(*) FROM cpu WHERE time > now()')).toEqual(ok('COUNT(UInt8(1))\n0\n'));
      expect(await sql("SELECT now() > TIMESTAMP '2023-01-01 00:00:00' AS later")).toEqual(ok('later\ntrue\n'));
    });
  });

  describe('aggregates', () => {
    it('count, sum, min, max, stddev and median per group', async () => {
      expect(
        await sql('SELECT host, count(usage), sum(usage), min(temp), max(temp), stddev(usage), median(usage) FROM cpu GROUP BY host ORDER BY host'),
      ).toEqual(
        ok(
          'host,COUNT(cpu.usage),SUM(cpu.usage),MIN(cpu.temp),MAX(cpu.temp),STDDEV(cpu.usage),MEDIAN(cpu.usage)\n' +
            // sample stddev of {10, 30} and of {20, 40}: sqrt(200); of one value: NULL
            'a,2,40.0,20,22,14.142135623730951,20.0\n' +
            'b,2,60.0,25,27,14.142135623730951,30.0\n' +
            'c,1,50.0,30,30,,50.0\n',
        ),
      );
    });

    it('median (exact; integer median of an even count truncates) and approx_percentile_cont', async () => {
      expect(await sql('SELECT median(usage) AS m, approx_percentile_cont(usage, 0.5) AS p, median(temp) AS t FROM cpu')).toEqual(ok('m,p,t\n30.0,30.0,25\n'));
      // temps 20, 22, 25, 27 → (22 + 25) / 2 in integer arithmetic
      expect(await sql("SELECT median(temp) AS t FROM cpu WHERE host != 'c'")).toEqual(ok('t\n23\n'));
      expect(await sql('SELECT approx_percentile_cont(usage, 0.5) FROM cpu')).toEqual(ok('"APPROX_PERCENTILE_CONT(cpu.usage,Float64(0.5))"\n30.0\n'));
    });

    it('first(time, col) and last(time, col)', async () => {
      expect(await sql('SELECT host, first(time, usage), last(time, usage) FROM cpu GROUP BY host ORDER BY host')).toEqual(
        ok('host,"first(cpu.time,cpu.usage)","last(cpu.time,cpu.usage)"\na,10.0,30.0\nb,20.0,40.0\nc,50.0,50.0\n'),
      );
    });

    it('GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET', async () => {
      // sums: a 40, b 60, c 50
      expect(await sql('SELECT host, sum(usage) AS s FROM cpu GROUP BY host HAVING sum(usage) > 45 ORDER BY s DESC LIMIT 1 OFFSET 1')).toEqual(
        ok('host,s\nc,50.0\n'),
      );
      expect(await sql('SELECT region, count(*) AS n FROM cpu GROUP BY region ORDER BY region')).toEqual(ok('region,n\neast,2\nwest,2\n,1\n'));
    });
  });

  describe('time functions', () => {
    it('date_bin and date_trunc', async () => {
      expect(await sql("SELECT date_bin(INTERVAL '30 seconds', time) AS b, count(*) FROM cpu GROUP BY b ORDER BY b")).toEqual(
        ok('b,COUNT(UInt8(1))\n2023-01-01T00:00:00.000000000,3\n2023-01-01T00:00:30.000000000,2\n'),
      );
      expect(await sql("SELECT date_trunc('minute', time) AS m, count(*) AS n FROM cpu GROUP BY m")).toEqual(ok('m,n\n2023-01-01T00:00:00.000000000,5\n'));
      expect(await sql("SELECT date_trunc('month', time) AS m FROM cpu WHERE host = 'c'")).toEqual(ok('m\n2023-01-01T00:00:00.000000000\n'));
    });

    it('date_part', async () => {
      expect(
        await sql(
          "SELECT date_part('year', time) AS y, date_part('month', time) AS mo, date_part('day', time) AS d, date_part('hour', time) AS h, " +
            "date_part('minute', time) AS mi, date_part('second', time) AS s, date_part('dow', time) AS dow, date_part('doy', time) AS doy " +
            "FROM cpu WHERE host = 'b' ORDER BY time",
        ),
      ).toEqual(ok('y,mo,d,h,mi,s,dow,doy\n2023.0,1.0,1.0,0.0,0.0,20.0,0.0,1.0\n2023.0,1.0,1.0,0.0,0.0,40.0,0.0,1.0\n'));
      expect(await sql("SELECT date_part('second', time) FROM cpu WHERE host = 'c'")).toEqual(ok('"date_part(Utf8(""second""),cpu.time)"\n50.0\n'));
    });

    it('to_timestamp, to_timestamp_millis / micros / seconds', async () => {
      expect(
        await sql(
          'SELECT to_timestamp(1672531200000000000) AS a, to_timestamp_millis(1672531200000) AS b, to_timestamp_micros(1672531200000000) AS c, ' +
            "to_timestamp_seconds(1672531200) AS d, to_timestamp('2023-01-01T08:00:00+08:00') AS e",
        ),
      ).toEqual(ok('a,b,c,d,e\n' + '2023-01-01T00:00:00.000000000,'.repeat(4) + '2023-01-01T00:00:00.000000000\n'));
      expect(await sql('SELECT to_timestamp(10)')).toEqual(ok('to_timestamp(Int64(10))\n1970-01-01T00:00:00.000000010\n'));
      // Strings computed per row: zone offsets and fractions as in the constant case.
      expect(
        await sql(
          "SELECT to_timestamp(concat('2023-01-01 00:00:', CAST(temp AS STRING))) AS a, to_timestamp_millis(concat('2023-01-01T08:00:00.', CAST(temp AS STRING), '+08:00')) AS b " +
            "FROM cpu WHERE host = 'a' ORDER BY time",
        ),
      ).toEqual(ok('a,b\n2023-01-01T00:00:20.000000000,2023-01-01T00:00:00.200000000\n2023-01-01T00:00:22.000000000,2023-01-01T00:00:00.220000000\n'));
      expect(await sql("SELECT count(*) AS n FROM cpu WHERE time >= to_timestamp_seconds(1672531240)")).toEqual(ok('n\n2\n'));
    });

    it('time literals as strings, RFC 3339 or not', async () => {
      expect(await sql("SELECT count(*) AS n FROM cpu WHERE time >= '2023-01-01 00:00:10' AND time < '2023-01-01T00:00:40Z'")).toEqual(ok('n\n2\n'));
      expect(await sql("SELECT host FROM cpu WHERE time = '2023-01-01T08:00:50+08:00'")).toEqual(ok('host\nc\n'));
    });
  });

  describe('time_window', () => {
    it('tumbling windows come out as {start, end} structs (JSON)', async () => {
      expect(await sql("SELECT time_window(time, '30s') AS w, count(*) AS n FROM cpu GROUP BY w ORDER BY w", JSON_ACCEPT)).toEqual(
        ok(
          '[{"w":{"start":"2023-01-01T00:00:00","end":"2023-01-01T00:00:30"},"n":3},' +
            '{"w":{"start":"2023-01-01T00:00:30","end":"2023-01-01T00:01:00"},"n":2}]',
        ),
      );
      expect(await sql("SELECT time_window(time, INTERVAL '1 minute'), count(*) FROM cpu GROUP BY time_window(time, INTERVAL '1 minute')", JSON_ACCEPT)).toEqual(
        ok('[{"time_window(cpu.time,IntervalDayTime(\\"60000\\"))":{"start":"2023-01-01T00:00:00","end":"2023-01-01T00:01:00"},"COUNT(UInt8(1))":5}]'),
      );
    });

    it('sliding windows put a row into every window that contains it', async () => {
      // window 20s, slide 10s: t=0 → [-10,10) [0,20); 10 → [0,20) [10,30); 20 → [10,30) [20,40);
      // 40 → [30,50) [40,60); 50 → [40,60) [50,70)
      expect(await sql("SELECT time_window(time, '20s', '10s') AS w, count(*) AS n, sum(usage) AS s FROM cpu GROUP BY w ORDER BY w.start", JSON_ACCEPT)).toEqual(
        ok(
          '[{"w":{"start":"2022-12-31T23:59:50","end":"2023-01-01T00:00:10"},"n":1,"s":10.0},' +
            '{"w":{"start":"2023-01-01T00:00:00","end":"2023-01-01T00:00:20"},"n":2,"s":40.0},' +
            '{"w":{"start":"2023-01-01T00:00:10","end":"2023-01-01T00:00:30"},"n":2,"s":50.0},' +
            '{"w":{"start":"2023-01-01T00:00:20","end":"2023-01-01T00:00:40"},"n":1,"s":20.0},' +
            '{"w":{"start":"2023-01-01T00:00:30","end":"2023-01-01T00:00:50"},"n":1,"s":40.0},' +
            '{"w":{"start":"2023-01-01T00:00:40","end":"2023-01-01T00:01:00"},"n":2,"s":90.0},' +
            '{"w":{"start":"2023-01-01T00:00:50","end":"2023-01-01T00:01:10"},"n":1,"s":50.0}]',
        ),
      );
      // Without aggregation a row repeats once per window; window 15s, slide 10s from origin 5s:
      // t=0 is only in [-5s,10s) and t=10 only in [5s,20s) (not in [-15s,0s) as CnosDB 2.4 would add).
      expect(
        await sql(
          "WITH tmp AS (SELECT time_window(time, '15s', '10s', '1970-01-01T00:00:05Z') AS w, usage FROM cpu WHERE host = 'a') SELECT * FROM tmp ORDER BY w.start, usage",
          JSON_ACCEPT,
        ),
      ).toEqual(
        ok(
          '[{"w":{"start":"2022-12-31T23:59:55","end":"2023-01-01T00:00:10"},"usage":10.0},' +
            '{"w":{"start":"2023-01-01T00:00:05","end":"2023-01-01T00:00:20"},"usage":30.0}]',
        ),
      );
      // window 15s, slide 10s from the epoch: t=0 is in [-10s,5s) and [0s,15s), t=10 in [0s,15s) and [10s,25s).
      expect(await sql("SELECT time_window(time, '15s', '10s') AS w, usage FROM cpu WHERE host = 'a' ORDER BY w.start, usage", { accept: 'text/table' })).toEqual(
        ok(
          '+--------------------------------------------------------+-------+\n' +
            '| w                                                      | usage |\n' +
            '+--------------------------------------------------------+-------+\n' +
            '| {start: 2022-12-31T23:59:50, end: 2023-01-01T00:00:05} | 10.0  |\n' +
            '| {start: 2023-01-01T00:00:00, end: 2023-01-01T00:00:15} | 10.0  |\n' +
            '| {start: 2023-01-01T00:00:00, end: 2023-01-01T00:00:15} | 30.0  |\n' +
            '| {start: 2023-01-01T00:00:10, end: 2023-01-01T00:00:25} | 30.0  |\n' +
            '+--------------------------------------------------------+-------+',
        ),
      );
    });

    it('an origin shifts the windows; window.start and window.end are timestamps', async () => {
      expect(
        await sql(
          "SELECT time_window(time, '30s', '30s', '1970-01-01T00:00:05Z') AS w, count(*) AS n FROM cpu GROUP BY w ORDER BY w",
          JSON_ACCEPT,
        ),
      ).toEqual(
        ok(
          '[{"w":{"start":"2022-12-31T23:59:35","end":"2023-01-01T00:00:05"},"n":1},' +
            '{"w":{"start":"2023-01-01T00:00:05","end":"2023-01-01T00:00:35"},"n":2},' +
            '{"w":{"start":"2023-01-01T00:00:35","end":"2023-01-01T00:01:05"},"n":2}]',
        ),
      );
      expect(await sql("WITH t AS (SELECT time_window(time, '1m') AS w FROM cpu WHERE host = 'c') SELECT w.start AS s, w.end AS e FROM t")).toEqual(
        ok('s,e\n2023-01-01T00:00:00.000000000,2023-01-01T00:01:00.000000000\n'),
      );
    });

    it('CSV cannot carry the struct: 422 FetchResult with arrow-csv\'s message', async () => {
      const field = (name: string) =>
        `Field { name: "${name}", data_type: Timestamp(Nanosecond, None), nullable: false, dict_id: 0, dict_is_ordered: false, metadata: {} }`;
      expect(await sql("SELECT time_window(time, '30s') AS w FROM cpu")).toEqual(
        error('040007', `Fetch result: Csv error: Nested type Struct([${field('start')}, ${field('end')}]) is not supported in CSV`),
      );
    });

    it('rejects windows outside (0s, 365d] and too many overlapping windows', async () => {
      expect(await sql("SELECT time_window(time, '1ms', '366d') FROM cpu")).toEqual(
        error('010058', 'Invalid TimeWindow parameter : Max duration is (0s, 365d], but found 31622400s'),
      );
      expect(await sql("SELECT time_window(time, '10s', '1ms') FROM cpu")).toEqual(error('010001', 'Datafusion: Error during planning: Too many overlapping windows: 10000'));
    });
  });

  describe('time_window_gapfill', () => {
    const RANGE = "time >= '2023-01-01T00:00:00Z' AND time < '2023-01-01T00:01:00Z'";

    it('fills missing windows per group with NULL, locf and interpolate', async () => {
      // a: 0s → 10, 10s → 30; b: 20s → 20, 40s → 40; windows 0s … 50s
      expect(
        await sql(
          'SELECT host, time_window_gapfill(time, INTERVAL \'10 seconds\') AS w, avg(usage) AS raw, locf(avg(usage)) AS l, interpolate(avg(usage)) AS i ' +
            `FROM cpu WHERE ${RANGE} AND host IN ('a', 'b') GROUP BY host, w`,
        ),
      ).toEqual(
        ok(
          'host,w,raw,l,i\n' +
            'a,2023-01-01T00:00:00.000000000,10.0,10.0,10.0\n' +
            'a,2023-01-01T00:00:10.000000000,30.0,30.0,30.0\n' +
            'a,2023-01-01T00:00:20.000000000,,30.0,\n' +
            'a,2023-01-01T00:00:30.000000000,,30.0,\n' +
            'a,2023-01-01T00:00:40.000000000,,30.0,\n' +
            'a,2023-01-01T00:00:50.000000000,,30.0,\n' +
            'b,2023-01-01T00:00:00.000000000,,,\n' +
            'b,2023-01-01T00:00:10.000000000,,,\n' +
            'b,2023-01-01T00:00:20.000000000,20.0,20.0,20.0\n' +
            'b,2023-01-01T00:00:30.000000000,,20.0,30.0\n' +
            'b,2023-01-01T00:00:40.000000000,40.0,40.0,40.0\n' +
            'b,2023-01-01T00:00:50.000000000,,40.0,\n',
        ),
      );
    });

    it('ORDER BY and LIMIT apply to the filled rows', async () => {
      expect(
        await sql(
          "SELECT host, time_window_gapfill(time, INTERVAL '10 seconds') AS w, locf(avg(usage)) AS l " +
            `FROM cpu WHERE ${RANGE} AND host IN ('a', 'b') GROUP BY host, w ORDER BY w DESC, host LIMIT 3`,
        ),
      ).toEqual(
        ok('host,w,l\na,2023-01-01T00:00:50.000000000,30.0\nb,2023-01-01T00:00:50.000000000,40.0\na,2023-01-01T00:00:40.000000000,30.0\n'),
      );
    });

    it('without other group keys; counts of empty windows are NULL; names of locf/interpolate', async () => {
      expect(
        await sql(`SELECT time_window_gapfill(time, INTERVAL '20 seconds') AS w, count(usage), locf(max(temp)) FROM cpu WHERE ${RANGE} AND host != 'b' GROUP BY w`),
      ).toEqual(
        ok(
          'w,COUNT(cpu.usage),locf(MAX(cpu.temp))\n' +
            '2023-01-01T00:00:00.000000000,2,22\n' +
            '2023-01-01T00:00:20.000000000,,22\n' +
            '2023-01-01T00:00:40.000000000,1,30\n',
        ),
      );
    });

    it('sliding gap-fill windows', async () => {
      // window 20s, slide 10s over [0s, 30s]: starts -10 … 30; a's rows at 0s (10) and 10s (30)
      expect(
        await sql(
          "SELECT time_window_gapfill(time, INTERVAL '20 seconds', INTERVAL '10 seconds') AS w, locf(avg(usage)) AS l FROM cpu " +
            "WHERE host = 'a' AND time BETWEEN '2023-01-01T00:00:00Z' AND '2023-01-01T00:00:30Z' GROUP BY w",
        ),
      ).toEqual(
        ok(
          'w,l\n' +
            '2022-12-31T23:59:50.000000000,10.0\n' +
            '2023-01-01T00:00:00.000000000,20.0\n' +
            '2023-01-01T00:00:10.000000000,30.0\n' +
            '2023-01-01T00:00:20.000000000,30.0\n' +
            '2023-01-01T00:00:30.000000000,30.0\n',
        ),
      );
    });

    it('needs a time range', async () => {
      expect(await sql("SELECT time_window_gapfill(time, INTERVAL '10 seconds') AS w, count(*) FROM cpu GROUP BY w")).toEqual(
        error('010001', 'Datafusion: Error during planning: no time bounds found for gap fill query'),
      );
      expect(await sql(`SELECT time_window_gapfill(time, INTERVAL '10 seconds') AS w, count(*) FROM cpu WHERE time >= '2023-01-01T00:00:00Z' GROUP BY w`)).toEqual(
        error('010001', 'Datafusion: Error during planning: no upper time bound found for gap fill query'),
      );
    });
  });

  describe('scalar functions and expressions', () => {
    it('string functions', async () => {
      expect(
        await sql(
          "SELECT lower(note), upper(note) AS u, length(note) AS len, concat(host, '-', note) AS c, substr(note, 2, 3) AS s, " +
            "replace(note, 'l', 'L') AS r, starts_with(note, 'he') AS sw, concat_ws('/', host, region, note) AS ws FROM cpu WHERE host IN ('a', 'b') ORDER BY time",
        ),
      ).toEqual(
        ok(
          'lower(cpu.note),u,len,c,s,r,sw,ws\n' +
            'hello,HELLO,5,a-hello,ell,heLLo,true,a/east/hello\n' +
            'world,WORLD,5,a-World,orl,WorLd,false,a/east/World\n' +
            ',,,b-,,,,b/west\n' +
            '  pad  ,  PAD  ,7,b-  pad  , pa,  pad  ,false,b/west/  pad  \n',
        ),
      );
      expect(await sql("SELECT trim(note) AS t, char_length(note), right(host, 1) AS r, repeat(host, 3) AS rep FROM cpu WHERE time = '2023-01-01T00:00:40Z'")).toEqual(
        ok('t,character_length(cpu.note),r,rep\npad,7,b,bbb\n'),
      );
      expect(
        await sql(
          "SELECT lpad(host, 3, 'xy') AS lp, rpad(host, 3) AS rp, lpad(note, 3) AS cut, regexp_replace(note, 'l+', 'L') AS r1, " +
            "regexp_replace(note, '(o)', '[$1]', 'g') AS r2 FROM cpu WHERE host = 'a' ORDER BY time",
        ),
      ).toEqual(ok('lp,rp,cut,r1,r2\nxya,a  ,hel,heLo,hell[o]\nxya,a  ,Wor,WorLd,W[o]rld\n'));
      // As GROUP BY keys (ClickHouse 18.16 cannot group by lambdas, so these use none).
      expect(await sql("SELECT concat_ws('/', host, region) AS k, repeat(host, 2) AS r, count(*) AS n FROM cpu GROUP BY k, r ORDER BY k")).toEqual(
        ok('k,r,n\na/east,aa,2\nb/west,bb,2\nc,cc,1\n'),
      );
    });

    it('math functions', async () => {
      expect(
        await sql(
          'SELECT abs(-temp) AS a, round(usage / 3, 2) AS r, floor(usage / 3) AS f, ceil(usage / 3) AS c, sqrt(usage * 10) AS s, ' +
            "power(temp, 2) AS p, pow(2.0, 3) AS p2, ln(1) AS l, log10(usage * 10) AS lg, exp(0) AS e FROM cpu WHERE host = 'a' ORDER BY time",
        ),
      ).toEqual(
        ok(
          'a,r,f,c,s,p,p2,l,lg,e\n' +
            '20,3.33,3.0,4.0,10.0,400,8.0,0.0,2.0,1.0\n' +
            '22,10.0,10.0,10.0,17.320508075688775,484,8.0,0.0,2.4771212547196626,1.0\n',
        ),
      );
      expect(await sql("SELECT sqrt(usage) FROM cpu WHERE host = 'c'")).toEqual(ok('sqrt(cpu.usage)\n7.0710678118654755\n'));
    });

    it('CASE and CAST', async () => {
      expect(
        await sql(
          "SELECT host, CASE WHEN usage >= 30 THEN 'high' ELSE 'low' END AS level, CAST(temp AS DOUBLE) AS t, CAST(usage AS BIGINT) AS u, " +
            'CAST(temp AS STRING) AS s, CASE host WHEN \'a\' THEN 1 WHEN \'b\' THEN 2 END AS k FROM cpu ORDER BY time',
        ),
      ).toEqual(ok('host,level,t,u,s,k\na,low,20.0,10,20,1\na,high,22.0,30,22,1\nb,low,25.0,20,25,2\nb,high,27.0,40,27,2\nc,high,30.0,50,30,\n'));
    });

    it('WHERE with IN, BETWEEN, LIKE, IS [NOT] NULL, NOT, OR', async () => {
      expect(await sql("SELECT host, usage FROM cpu WHERE host IN ('a', 'c') AND usage BETWEEN 20 AND 60 ORDER BY time")).toEqual(ok('host,usage\na,30.0\nc,50.0\n'));
      expect(await sql("SELECT host, usage FROM cpu WHERE note LIKE '%o%' ORDER BY time")).toEqual(ok('host,usage\na,10.0\na,30.0\n'));
      expect(await sql('SELECT host, usage FROM cpu WHERE region IS NULL')).toEqual(ok('host,usage\nc,50.0\n'));
      expect(await sql('SELECT host, usage FROM cpu WHERE note IS NULL')).toEqual(ok('host,usage\nb,20.0\n'));
      expect(await sql("SELECT count(*) AS n FROM cpu WHERE region IS NOT NULL AND NOT (host = 'a' OR usage > 30)")).toEqual(ok('n\n1\n'));
      expect(await sql("SELECT count(*) AS n FROM cpu WHERE host NOT IN ('a') AND usage NOT BETWEEN 30 AND 45")).toEqual(ok('n\n2\n'));
      expect(await sql("SELECT host, note LIKE 'W%' AS w FROM cpu WHERE host = 'a' ORDER BY time")).toEqual(ok('host,w\na,false\na,true\n'));
    });
  });

  describe('subqueries, UNION ALL, joins', () => {
    it('subqueries in FROM', async () => {
      expect(await sql('SELECT h, total FROM (SELECT host AS h, sum(usage) AS total FROM cpu GROUP BY host) AS t WHERE total >= 50 ORDER BY h')).toEqual(
        ok('h,total\nb,60.0\nc,50.0\n'),
      );
      expect(await sql('SELECT max(n) AS most FROM (SELECT host, count(*) AS n FROM cpu GROUP BY host)')).toEqual(ok('most\n2\n'));
    });

    it('UNION ALL', async () => {
      expect(await sql("SELECT host FROM cpu WHERE usage = 10 UNION ALL SELECT host FROM mem WHERE free = 400 ORDER BY host")).toEqual(ok('host\na\nd\n'));
      expect(await sql('SELECT host, usage AS v FROM cpu WHERE host = \'c\' UNION ALL SELECT host, free FROM mem WHERE host = \'d\' ORDER BY v')).toEqual(
        ok('host,v\nc,50.0\nd,400.0\n'),
      );
    });

    it('joins between tables', async () => {
      expect(await sql('SELECT c.host, c.usage, m.free FROM cpu AS c JOIN mem AS m ON c.host = m.host AND c.time = m.time ORDER BY c.host')).toEqual(
        ok('host,usage,free\na,10.0,100\nb,20.0,200\n'),
      );
      expect(await sql("SELECT c.host, m.free FROM cpu c LEFT JOIN mem m ON c.host = m.host AND c.time = m.time WHERE c.usage >= 40 ORDER BY c.host")).toEqual(
        ok('host,free\nb,\nc,\n'),
      );
      expect(await sql('SELECT m.host, count(c.usage) AS n FROM mem m LEFT JOIN cpu c ON m.host = c.host GROUP BY m.host ORDER BY m.host')).toEqual(
        ok('host,n\na,2\nb,2\nd,0\n'),
      );
    });
  });

  describe('errors', () => {
    it('unknown and unsupported functions answer as CnosDB does, never with ClickHouse text', async () => {
      expect(await sql('SELECT foo(usage) FROM cpu')).toEqual(error('010001', "Datafusion: Error during planning: Invalid function 'foo'"));
      expect(await sql("SELECT regexp_match(note, note) FROM cpu")).toEqual(error('010005', 'This feature is not implemented: regexp_match with a non-constant pattern or flags'));
      expect(await sql("SELECT date_part('fortnight', time) FROM cpu")).toEqual(
        error('010001', "Datafusion: Execution error: Date part 'fortnight' not supported"),
      );
      expect(await sql('SELECT temp / (temp - 20) FROM cpu')).toEqual(error('010001', 'Datafusion: Arrow error: Divide by zero error'));
      expect(await sql('SELECT locf(avg(usage)) FROM cpu')).toEqual(error('010001', 'Datafusion: Error during planning: locf may only be used in a gap-filling query'));
    });
  });
});
