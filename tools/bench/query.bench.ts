/*
 * Query benchmark (DESIGN.md section 9, issue 4): the query service's overhead over the same
 * SQL run directly on ClickHouse.
 *
 * Loads a TSBS cpu-only data set (100 hosts, one day at 10 s = 864,000 rows) through
 * /api/v1/write in standalone mode into table `cpu` of the CnosDB database `bench_query`,
 * merges its parts (OPTIMIZE … FINAL, so timings do not drift with background merges), then
 * runs the TSBS query types single-groupby-1-1-1, single-groupby-5-1-12, double-groupby-1,
 * cpu-max-all-1, high-cpu-1, lastpoint and groupby-orderby-limit, each N times with random
 * TSBS-style parameters (host, time window), three ways per iteration:
 *   api  CnosDB SQL through POST /api/v1/sql (CSV, the default format)
 *   ch   the ClickHouse SQL the query service generates for it (libs/query/sql translateSelect
 *        over the table's schema; the merged last-write-wins view), POSTed to ClickHouse's HTTP
 *        interface with FORMAT TabSeparated: the fair baseline
 *   raw  hand-written ClickHouse SQL on the stored rows without the merge (for information:
 *        what the last-write-wins view costs)
 * It prints p50/p99 per query and way, the overhead (api p50 / ch p50, and the difference) and
 * the last line `query-overhead: <median of the per-query p50 ratios> x`. Target: overhead
 * <= 1.1x or <= 5 ms. A query type the service cannot run yet is reported as unsupported (each
 * type has fallback formulations, tried in order) and left out of the ratio.
 *
 * Needs `npm run build` and `npm run infra:start`. With BENCH_QUERY_MODES containing
 * `distributed` it also queries through the distributed topology, which shares Kafka with the
 * e2e tests, so run it under their lock:
 *
 *   flock -o /tmp/cnosdb-e2e.lock node -r @swc-node/register -r tsconfig-paths/register tools/bench/query.bench.ts
 *
 * (`-o`: the lock's descriptor is not inherited by what the run starts.)
 *
 * Environment (defaults in brackets):
 *   BENCH_QUICK=1               10 iterations instead of 50
 *   BENCH_QUERY_ITERATIONS [50] BENCH_QUERY_WARMUP [2] iterations per query type not counted
 *   BENCH_QUERY_HOSTS [100]     BENCH_QUERY_HOURS [24]
 *   BENCH_QUERY_MODES [standalone]  (standalone,distributed: also through gateway → gRPC → query-service)
 *   BENCH_QUERY_TYPES           comma-separated query type names to run (default: all)
 *   BENCH_QUERY_REUSE=1         keep and reuse an already loaded table with the expected row count
 *   BENCH_KEEP=1                do not drop the table at the end
 *   BENCH_PORT_STANDALONE [28902], BENCH_PORT_DISTRIBUTED [28903], CLICKHOUSE_URL
 */
import * as os from 'os';
import { Catalog, CatalogTable, parseStatement, translateSelect } from '@cnosdb/query/sql';
import { chDatabaseName, ClickHouseService, columnFromClickHouse, DEFAULT_DATABASE_OPTIONS, MetadataStore, SchemaColumn } from '@cnosdb/storage/clickhouse';
import { ResultType } from '@cnosdb/contracts';
import {
  apiScalar,
  apiSql,
  assertInfra,
  chIdent,
  chQuery,
  chTableExists,
  chText,
  CLICKHOUSE_URL,
  codeLabel,
  envInt,
  envStr,
  fmtInt,
  fmtMs,
  HttpResult,
  lpad,
  median,
  nowMs,
  pad,
  percentile,
  RunningTopology,
  sortedCopy,
  startTopology,
  stopOnSignals,
} from './bench-util';
import { prng, TSBS_FIELDS, TSBS_START_NS, TsbsCpu } from './tsbs';
import { loadThroughApi } from './tsbs-batches';

type Mode = 'standalone' | 'distributed';

const QUICK = process.env['BENCH_QUICK'] === '1';
const ITERATIONS = envInt('BENCH_QUERY_ITERATIONS', QUICK ? 10 : 50);
const WARMUP = envInt('BENCH_QUERY_WARMUP', 2);
const HOSTS = envInt('BENCH_QUERY_HOSTS', 100);
const HOURS = envInt('BENCH_QUERY_HOURS', 24);
const MODES = envStr('BENCH_QUERY_MODES', 'standalone')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean) as Mode[];
const TYPES = envStr('BENCH_QUERY_TYPES', '')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);
const REUSE = process.env['BENCH_QUERY_REUSE'] === '1';
const KEEP = process.env['BENCH_KEEP'] === '1';
const TENANT = 'cnosdb';
const DB = envStr('BENCH_QUERY_DB', 'bench_query');
const TABLE = 'cpu';
const CH_DB = chDatabaseName(TENANT, DB);
const ROWS = HOSTS * HOURS * 360;
const TARGET_RATIO = 1.1;
const TARGET_MS = 5;

for (const m of MODES) if (m !== 'standalone' && m !== 'distributed') throw new Error(`BENCH_QUERY_MODES: unknown mode "${m}"`);


const SEC = 1_000_000_000n;
const MINUTE = 60n * SEC;
const HOUR = 60n * MINUTE;
const DAY_START = TSBS_START_NS;
const DAY_END = DAY_START + BigInt(HOURS) * HOUR;

/** RFC 3339 text of a nanosecond timestamp (whole seconds). */
function rfc(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z');
}

interface Params {
  host: string;
  from: bigint;
  to: bigint;
}

interface QueryType {
  name: string;
  description: string;
  /** Window length for the random time range (0: none). */
  window: bigint;
  /** CnosDB SQL formulations, tried in order until one runs. */
  cnosdb(p: Params): string[];
  /** Hand-written ClickHouse SQL on the raw rows (no last-write-wins merge). */
  raw(p: Params, t: string): string;
}

const FIVE = TSBS_FIELDS.slice(0, 5);
const minuteBin = (c: string) => `intDiv(${c}, 60000000000) * 60000000000`;
const hourBin = (c: string) => `intDiv(${c}, 3600000000000) * 3600000000000`;

const QUERIES: QueryType[] = [
  {
    name: 'single-groupby-1-1-1',
    description: 'max of 1 metric per minute, 1 host, 1 hour',
    window: HOUR,
    cnosdb: (p) => [
      `SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_usage_user FROM ${TABLE} ` +
        `WHERE hostname IN ('${p.host}') AND time >= '${rfc(p.from)}' AND time < '${rfc(p.to)}' GROUP BY minute ORDER BY minute`,
    ],
    raw: (p, t) =>
      `SELECT ${minuteBin('time')} AS minute, max(usage_user) FROM ${t} WHERE hostname IN ('${p.host}') AND time >= ${p.from} AND time < ${p.to} GROUP BY minute ORDER BY minute`,
  },
  {
    name: 'single-groupby-5-1-12',
    description: 'max of 5 metrics per minute, 1 host, 12 hours',
    window: 12n * HOUR,
    cnosdb: (p) => [
      `SELECT date_bin(INTERVAL '1 minute', time) AS minute, ${FIVE.map((f) => `max(${f}) AS max_${f}`).join(', ')} FROM ${TABLE} ` +
        `WHERE hostname IN ('${p.host}') AND time >= '${rfc(p.from)}' AND time < '${rfc(p.to)}' GROUP BY minute ORDER BY minute`,
    ],
    raw: (p, t) =>
      `SELECT ${minuteBin('time')} AS minute, ${FIVE.map((f) => `max(${f})`).join(', ')} FROM ${t} ` +
      `WHERE hostname IN ('${p.host}') AND time >= ${p.from} AND time < ${p.to} GROUP BY minute ORDER BY minute`,
  },
  {
    name: 'double-groupby-1',
    description: 'mean of 1 metric per hour and host, all hosts, 12 hours',
    window: 12n * HOUR,
    cnosdb: (p) => [
      `SELECT date_bin(INTERVAL '1 hour', time) AS hour, hostname, avg(usage_user) AS mean_usage_user FROM ${TABLE} ` +
        `WHERE time >= '${rfc(p.from)}' AND time < '${rfc(p.to)}' GROUP BY hour, hostname ORDER BY hour, hostname`,
    ],
    raw: (p, t) =>
      `SELECT ${hourBin('time')} AS hour, hostname, avg(usage_user) FROM ${t} WHERE time >= ${p.from} AND time < ${p.to} GROUP BY hour, hostname ORDER BY hour, hostname`,
  },
  {
    name: 'cpu-max-all-1',
    description: 'max of all 10 metrics per hour, 1 host, 8 hours',
    window: 8n * HOUR,
    cnosdb: (p) => [
      `SELECT date_bin(INTERVAL '1 hour', time) AS hour, ${TSBS_FIELDS.map((f) => `max(${f}) AS max_${f}`).join(', ')} FROM ${TABLE} ` +
        `WHERE hostname IN ('${p.host}') AND time >= '${rfc(p.from)}' AND time < '${rfc(p.to)}' GROUP BY hour ORDER BY hour`,
    ],
    raw: (p, t) =>
      `SELECT ${hourBin('time')} AS hour, ${TSBS_FIELDS.map((f) => `max(${f})`).join(', ')} FROM ${t} ` +
      `WHERE hostname IN ('${p.host}') AND time >= ${p.from} AND time < ${p.to} GROUP BY hour ORDER BY hour`,
  },
  {
    name: 'high-cpu-1',
    description: 'rows with usage_user > 90, 1 host, 12 hours',
    window: 12n * HOUR,
    cnosdb: (p) => [`SELECT * FROM ${TABLE} WHERE usage_user > 90.0 AND time >= '${rfc(p.from)}' AND time < '${rfc(p.to)}' AND hostname IN ('${p.host}')`],
    raw: (p, t) => `SELECT * FROM ${t} WHERE usage_user > 90.0 AND time >= ${p.from} AND time < ${p.to} AND hostname IN ('${p.host}')`,
  },
  {
    name: 'lastpoint',
    description: 'the last row of every host',
    window: 0n,
    cnosdb: () => [
      // TSBS's lastpoint returns whole rows; first as a join on each host's latest time, then
      // with CnosDB's last(time, col) aggregate.
      `SELECT c.* FROM ${TABLE} c JOIN (SELECT hostname, max(time) AS t FROM ${TABLE} GROUP BY hostname) m ON c.hostname = m.hostname AND c.time = m.t ORDER BY c.hostname`,
      `SELECT hostname, max(time) AS time, ${TSBS_FIELDS.map((f) => `last(time, ${f}) AS ${f}`).join(', ')} FROM ${TABLE} GROUP BY hostname ORDER BY hostname`,
    ],
    raw: (_p, t) => `SELECT hostname, max(time), ${TSBS_FIELDS.map((f) => `argMax(${f}, time)`).join(', ')} FROM ${t} GROUP BY hostname ORDER BY hostname`,
  },
  {
    name: 'groupby-orderby-limit',
    description: 'max of 1 metric per minute before a random time, last 5 minutes',
    window: 0n,
    cnosdb: (p) => [
      `SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_usage_user FROM ${TABLE} ` +
        `WHERE time < '${rfc(p.to)}' GROUP BY minute ORDER BY minute DESC LIMIT 5`,
    ],
    raw: (p, t) => `SELECT ${minuteBin('time')} AS minute, max(usage_user) FROM ${t} WHERE time < ${p.to} GROUP BY minute ORDER BY minute DESC LIMIT 5`,
  },
];
for (const name of TYPES) if (!QUERIES.some((q) => q.name === name)) throw new Error(`BENCH_QUERY_TYPES: unknown query type "${name}" (known: ${QUERIES.map((q) => q.name).join(", ")})`);

/** TSBS-style random parameters: a random host, a random window inside the data (whole minutes). */
function paramsFor(q: QueryType, rnd: () => number): Params {
  const host = `host_${Math.floor(rnd() * HOSTS)}`;
  const span = DAY_END - DAY_START - q.window;
  const minutes = Number(span / MINUTE);
  const from = DAY_START + BigInt(Math.floor(rnd() * (minutes + 1))) * MINUTE;
  const to = q.window > 0n ? from + q.window : DAY_START + BigInt(1 + Math.floor(rnd() * minutes)) * MINUTE;
  return { host, from, to };
}

const TIME_TYPES: Record<string, ResultType> = { ns: 'TIMESTAMP(NANOSECOND)', us: 'TIMESTAMP(MICROSECOND)', ms: 'TIMESTAMP(MILLISECOND)' };

/** The catalog the query engine builds for this table (same schema source: system.columns). */
async function catalogFor(): Promise<Catalog> {
  const text = await chText(`SELECT name, type FROM system.columns WHERE database = '${CH_DB}' AND table = '${TABLE}' FORMAT TabSeparated`);
  const columns = text
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .map(([name, type]) => columnFromClickHouse(name, type))
    .filter((c): c is SchemaColumn => c !== undefined);
  const table: CatalogTable = {
    name: TABLE,
    chDatabase: CH_DB,
    chTable: TABLE,
    precision: 'ns',
    columns: columns.map((c) => ({ name: c.name, role: c.role, type: c.role === 'time' ? TIME_TYPES['ns'] : (c.type as ResultType) })),
  };
  return { table: (name, database) => (name === TABLE && (database === undefined || database === DB) ? table : undefined) };
}

function generatedSql(catalog: Catalog, sql: string): string {
  return translateSelect(parseStatement(sql) as Parameters<typeof translateSelect>[0], catalog, { now: BigInt(Date.now()) * 1_000_000n }).sql;
}

function dataLines(r: HttpResult, header: boolean): number {
  const text = r.body.toString();
  if (text.length === 0) return 0;
  const n = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  return header ? Math.max(0, n - 1) : n;
}

async function chRun(sql: string): Promise<HttpResult> {
  const r = await chQuery(`${sql} FORMAT TabSeparated`);
  if (r.status !== 200) throw new Error(`ClickHouse ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return r;
}

async function apiRun(url: string, sql: string): Promise<HttpResult> {
  const r = await apiSql(url, sql, DB);
  if (r.status !== 200) throw new Error(`API ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return r;
}

/**
 * Creates the CnosDB database `DB` if missing: through the API when the service supports
 * CREATE DATABASE, otherwise through the project's own metadata store.
 */
async function ensureDatabase(url: string): Promise<void> {
  const r = await apiSql(url, `CREATE DATABASE IF NOT EXISTS ${DB}`, 'public');
  if (r.status === 200) return;
  const ch = new ClickHouseService({ url: CLICKHOUSE_URL, user: envStr('CLICKHOUSE_USER', 'default'), password: process.env['CLICKHOUSE_PASSWORD'] ?? '', requestTimeoutMs: 60_000 });
  try {
    const store = new MetadataStore(ch);
    if (!(await store.getDatabase(TENANT, DB, true))) await store.createDatabase(TENANT, DB, DEFAULT_DATABASE_OPTIONS);
  } finally {
    await ch.close();
  }
}

async function storedRows(): Promise<number> {
  if (!(await chTableExists(CH_DB, TABLE))) return -1;
  return Number((await chText(`SELECT count() FROM ${chIdent(CH_DB)}.${chIdent(TABLE)} FORMAT TabSeparated`)).trim());
}

/** Loads the data set through the API of a standalone topology (skipped when reusing). */
async function load(t: RunningTopology): Promise<void> {
  await ensureDatabase(t.url);
  if (REUSE && (await storedRows()) === ROWS) {
    console.log(`reusing ${CH_DB}.${TABLE}: ${fmtInt(ROWS)} rows already loaded (BENCH_QUERY_REUSE=1)`);
    return;
  }
  await chText(`DROP TABLE IF EXISTS ${chIdent(CH_DB)}.${chIdent(TABLE)}`);
  const gen = new TsbsCpu({ hosts: HOSTS, measurement: TABLE });
  const { ms } = await loadThroughApi(t.url, DB, gen, ROWS, 10_000, 4, 1);
  const count = Number(await apiScalar(t.url, `SELECT count(*) FROM ${TABLE}`, DB));
  console.log(`loaded ${fmtInt(ROWS)} rows (${HOSTS} hosts, ${HOURS} h at 10 s) through /api/v1/write in ${(ms / 1000).toFixed(1)} s = ${fmtInt((ROWS / ms) * 1000)} rows/s; SELECT count(*) = ${fmtInt(count)}`);
  if (count !== ROWS) throw new Error(`expected ${ROWS} rows after loading, the API counts ${count}`);
  const o0 = nowMs();
  await chText(`OPTIMIZE TABLE ${chIdent(CH_DB)}.${chIdent(TABLE)} FINAL`);
  const parts = (await chText(`SELECT count() FROM system.parts WHERE active AND database = '${CH_DB}' AND table = '${TABLE}' FORMAT TabSeparated`)).trim();
  console.log(`OPTIMIZE TABLE … FINAL: ${((nowMs() - o0) / 1000).toFixed(1)} s, ${parts} active parts`);
}

interface QueryResult {
  name: string;
  supported: boolean;
  note?: string;
  sql?: string;
  rows?: number;
  api: number[];
  ch: number[];
  raw: number[];
  rawError?: string;
}

async function runQueries(mode: Mode, t: RunningTopology, catalog: Catalog): Promise<QueryResult[]> {
  console.log(`\n=== queries through ${mode} (${t.url}), ${WARMUP} warm-up + ${ITERATIONS} measured iterations each, parameters random per iteration (same for all three ways)`);
  const results: QueryResult[] = [];
  for (const q of QUERIES.filter((x) => TYPES.length === 0 || TYPES.includes(x.name))) {
    const rnd = prng(0x5eed ^ q.name.length * 7919);
    const res: QueryResult = { name: q.name, supported: false, api: [], ch: [], raw: [] };
    results.push(res);
    // Pick the first formulation the service runs, and check it against the baseline.
    const probe = paramsFor(q, prng(1));
    const errors: string[] = [];
    let chosen = -1;
    for (const [i, sql] of q.cnosdb(probe).entries()) {
      try {
        const api = await apiRun(t.url, sql);
        const gen = generatedSql(catalog, sql);
        const ch = await chRun(gen);
        const apiRows = dataLines(api, true);
        const chRows = dataLines(ch, false);
        if (apiRows !== chRows) res.note = `row count differs: api ${apiRows}, ClickHouse ${chRows}`;
        res.rows = apiRows;
        chosen = i;
        break;
      } catch (err) {
        errors.push((err as Error).message.split('\n')[0]);
      }
    }
    if (chosen < 0) {
      res.note = `unsupported: ${errors.join(' | ')}`;
      console.log(`  ${pad(q.name, 24)} UNSUPPORTED: ${errors.join(' | ')}`);
      continue;
    }
    res.supported = true;
    res.sql = q.cnosdb(probe)[chosen];
    if (chosen > 0) res.note = `${res.note ? res.note + '; ' : ''}fallback formulation #${chosen + 1} (first failed: ${errors[0]})`;
    for (let it = 0; it < WARMUP + ITERATIONS; it++) {
      const p = paramsFor(q, rnd);
      const sql = q.cnosdb(p)[chosen];
      const gen = generatedSql(catalog, sql);
      const raw = q.raw(p, `${chIdent(CH_DB)}.${chIdent(TABLE)}`);
      // Rotate the order so neither side always runs on the other's warm caches.
      const ways: (() => Promise<void>)[] = [
        async () => {
          const r = await apiRun(t.url, sql);
          if (it >= WARMUP) res.api.push(r.ms);
        },
        async () => {
          const r = await chRun(gen);
          if (it >= WARMUP) res.ch.push(r.ms);
        },
        async () => {
          if (res.rawError) return;
          try {
            const r = await chRun(raw);
            if (it >= WARMUP) res.raw.push(r.ms);
          } catch (err) {
            res.rawError = (err as Error).message.split('\n')[0];
          }
        },
      ];
      for (let w = 0; w < 3; w++) await ways[(w + it) % 3]();
    }
    const a = sortedCopy(res.api);
    const c = sortedCopy(res.ch);
    console.log(
      `  ${pad(q.name, 24)} api p50 ${lpad(fmtMs(percentile(a, 50)), 9)}  ch p50 ${lpad(fmtMs(percentile(c, 50)), 9)}  ` +
        `(${res.rows} rows${res.note ? '; ' + res.note : ''})`,
    );
    console.log(`    ${res.sql}`);
  }
  return results;
}

function report(mode: Mode, results: QueryResult[]): number {
  console.log(`\n=== ${mode}: latency per query (ms; p99 of ${ITERATIONS} runs is close to their maximum)`);
  console.log(
    `  ${pad('query', 24)}${lpad('api p50', 10)}${lpad('api p99', 10)}${lpad('ch p50', 10)}${lpad('ch p99', 10)}${lpad('raw p50', 10)}${lpad('raw p99', 10)}` +
      `${lpad('ratio', 8)}${lpad('+ms', 8)}  target`,
  );
  const ratios: number[] = [];
  for (const r of results) {
    if (!r.supported) {
      console.log(`  ${pad(r.name, 24)} unsupported by the query service today: ${r.note?.replace(/^unsupported: /, '')}`);
      continue;
    }
    const a = sortedCopy(r.api);
    const c = sortedCopy(r.ch);
    const w = sortedCopy(r.raw);
    const ratio = percentile(a, 50) / percentile(c, 50);
    const extra = percentile(a, 50) - percentile(c, 50);
    ratios.push(ratio);
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
    console.log(
      `  ${pad(r.name, 24)}${lpad(f(percentile(a, 50)), 10)}${lpad(f(percentile(a, 99)), 10)}${lpad(f(percentile(c, 50)), 10)}${lpad(f(percentile(c, 99)), 10)}` +
        `${lpad(f(percentile(w, 50)), 10)}${lpad(f(percentile(w, 99)), 10)}${lpad(ratio.toFixed(2) + 'x', 8)}${lpad(extra.toFixed(1), 8)}  ` +
        `${ratio <= TARGET_RATIO || extra <= TARGET_MS ? 'ok' : 'MISSED'}`,
    );
    if (r.rawError) console.log(`    raw SQL failed: ${r.rawError}`);
  }
  const m = ratios.length ? median(ratios) : NaN;
  console.log(`  median of the per-query p50 ratios: ${m.toFixed(3)}x over ${ratios.length} query types   target <= ${TARGET_RATIO}x or <= ${TARGET_MS} ms per query`);
  console.log('  ratio = api p50 / ch p50; +ms = api p50 - ch p50; raw = hand-written SQL without the last-write-wins merge (information only)');
  return m;
}

async function main(): Promise<void> {
  const running = new Set<RunningTopology>();
  stopOnSignals(running);
  await assertInfra(MODES.includes('distributed'));
  const chVersion = (await chText('SELECT version() FORMAT TabSeparated')).trim();
  console.log(
    `query benchmark: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ClickHouse ${chVersion}, code ${codeLabel()}; ` +
      `data ${fmtInt(ROWS)} rows in ${CH_DB}.${TABLE}`,
  );
  const medians = new Map<Mode, number>();
  let loaded = false;
  try {
    for (const mode of MODES) {
      if (!loaded && mode !== 'standalone') {
        // The data set is always loaded through the standalone topology.
        const s = await startTopology('standalone');
        running.add(s);
        try {
          await load(s);
        } finally {
          await s.stop();
          running.delete(s);
        }
        loaded = true;
      }
      const t = await startTopology(mode, mode === 'distributed' ? { CNOSDB_CONSISTENCY_WAIT_MS: '60000' } : {});
      running.add(t);
      try {
        if (!loaded) {
          await load(t);
          loaded = true;
        }
        const catalog = await catalogFor();
        for (const q of QUERIES.slice(0, 1)) console.log(`example: ${q.cnosdb(paramsFor(q, prng(1)))[0]}\n  runs on ClickHouse as: ${generatedSql(catalog, q.cnosdb(paramsFor(q, prng(1)))[0])}`);
        const results = await runQueries(mode, t, catalog);
        medians.set(mode, report(mode, results));
      } finally {
        await t.stop();
        running.delete(t);
      }
    }
  } finally {
    if (!KEEP && !REUSE) await chQuery(`DROP TABLE IF EXISTS ${chIdent(CH_DB)}.${chIdent(TABLE)}`).catch(() => undefined);
  }
  if (medians.size > 1) for (const [mode, m] of medians) console.log(`${mode}: median overhead ${m.toFixed(3)}x`);
  const headline = medians.get('standalone') ?? [...medians.values()][0];
  console.log(`query-overhead: ${Number.isFinite(headline) ? headline.toFixed(3) : 'n/a'} x`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
