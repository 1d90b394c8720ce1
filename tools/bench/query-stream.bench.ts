/*
 * Streaming benchmark (issue 4): a result of 10 million rows must stream with bounded memory in
 * every output format, with and without `chunked=true`.
 *
 * Creates database `bench_stream` through the API, then a table laid out as the schema manager
 * lays out a written table (time Int64, tags String, fields Nullable(T), the hidden version
 * column; MergeTree ordered by tags then time, day partitions) directly in ClickHouse, filled by
 * INSERT … SELECT FROM system.numbers (no ingest needed). Then, per topology, format and
 * chunked flag it runs `SELECT * FROM t` through POST /api/v1/sql, consumes the body as a stream
 * (counting rows, holding nothing), checks the row count, and prints rows/s and the highest RSS
 * sampled in each app process during that run. The last line is
 * `query-stream: <peak MiB> MiB`: the highest peak RSS (VmHWM) of any app process over the run.
 *
 * Needs `npm run build` (runs dist/) and ClickHouse; distributed mode needs Kafka and shares
 * fixed ports and the consumer group with the e2e tests, so run it under their lock:
 *
 *   npm run bench:query-stream
 *
 * Environment (defaults in brackets):
 *   BENCH_STREAM_ROWS [10000000]
 *   BENCH_STREAM_MODES [standalone,distributed]
 *   BENCH_STREAM_FORMATS [csv,tsv,json,nd-json,table]
 *   BENCH_STREAM_CHUNKED [true,false]
 *   BENCH_KEEP=1   keep the table (and reuse it next time when it has the row count)
 */
import * as http from 'http';
import { chDatabaseName } from '@cnosdb/storage/clickhouse';
import {
  apiSql,
  appPids,
  assertInfra,
  chIdent,
  chQuery,
  chTableExists,
  chText,
  codeLabel,
  envInt,
  envStr,
  fmtInt,
  lpad,
  nowMs,
  pad,
  procMem,
  RunningTopology,
  startTopology,
  stopOnSignals,
} from './bench-util';

type Mode = 'standalone' | 'distributed';

const ROWS = envInt('BENCH_STREAM_ROWS', 10_000_000);
const list = (name: string, fallback: string) =>
  envStr(name, fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const MODES = list('BENCH_STREAM_MODES', 'standalone,distributed') as Mode[];
const FORMATS = list('BENCH_STREAM_FORMATS', 'csv,tsv,json,nd-json,table');
const CHUNKED = list('BENCH_STREAM_CHUNKED', 'true,false').map((c) => c === 'true');
const KEEP = process.env['BENCH_KEEP'] === '1';
const DB = 'bench_stream';
const TABLE = 't';
const CH_DB = chDatabaseName('cnosdb', DB);
const QUALIFIED = `${chIdent(CH_DB)}.${chIdent(TABLE)}`;
const ACCEPT: Record<string, string> = {
  csv: 'text/csv',
  tsv: 'text/tsv',
  json: 'application/json',
  'nd-json': 'application/nd-json',
  table: 'text/table',
};

for (const m of MODES) if (m !== 'standalone' && m !== 'distributed') throw new Error(`BENCH_STREAM_MODES: unknown mode "${m}"`);
for (const f of FORMATS) if (!ACCEPT[f]) throw new Error(`BENCH_STREAM_FORMATS: unknown format "${f}"`);

/** Counts the rows of a body as it streams, without keeping it. */
class RowCounter {
  private newlines = 0;
  private braces = 0;
  /** Lines starting with `|` (table rows and headers; cells here never span lines). */
  private barLines = 0;
  private afterNewline = false;
  bytes = 0;

  constructor(private readonly format: string) {}

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.format === 'json') {
      for (let i = chunk.indexOf(0x7d); i >= 0; i = chunk.indexOf(0x7d, i + 1)) this.braces++;
      return;
    }
    if (this.afterNewline && chunk[0] === 0x7c) this.barLines++;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
      this.newlines++;
      if (chunk[i + 1] === 0x7c) this.barLines++;
    }
    this.afterNewline = chunk[chunk.length - 1] === 0x0a;
  }

  rows(chunked: boolean): number {
    switch (this.format) {
      case 'csv':
      case 'tsv':
        return this.newlines - 1; // header
      case 'nd-json':
        return this.newlines;
      case 'json':
        return this.braces;
      default: {
        // Every box has one header line; chunked sends one box per batch (4096 rows).
        const boxes = chunked ? Math.ceil(ROWS / 4096) : 1;
        return this.barLines - boxes;
      }
    }
  }
}

interface RunFigures {
  rows: number;
  bytes: number;
  seconds: number;
  peakRssKb: Record<string, number>;
}

/** POSTs the query and consumes the response as it arrives, sampling the apps' RSS meanwhile. */
function streamQuery(url: string, format: string, chunked: boolean, pids: Record<string, number>): Promise<RunFigures> {
  const peakRssKb: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) peakRssKb[name] = Math.max(peakRssKb[name] ?? 0, procMem(pid)?.rssKb ?? 0);
  };
  sample();
  const timer = setInterval(sample, 100);
  const started = nowMs();
  const target = new URL(`/api/v1/sql?db=${DB}${chunked ? '&chunked=true' : ''}`, url);
  const body = `SELECT * FROM ${TABLE}`;
  return new Promise<RunFigures>((resolve, reject) => {
    const req = http.request(
      target,
      { method: 'POST', headers: { accept: ACCEPT[format], authorization: `Basic ${Buffer.from('root:').toString('base64')}`, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const counter = new RowCounter(format);
        const errors: Buffer[] = [];
        res.on('data', (chunk: Buffer) => (res.statusCode === 200 ? counter.feed(chunk) : errors.push(chunk)));
        res.on('error', reject);
        res.on('end', () => {
          clearInterval(timer);
          sample();
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}: ${Buffer.concat(errors).toString().slice(0, 300)}`));
          resolve({ rows: counter.rows(chunked), bytes: counter.bytes, seconds: (nowMs() - started) / 1000, peakRssKb });
        });
      },
    );
    req.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    req.end(body);
  });
}

async function prepareTable(url: string): Promise<void> {
  const r = await apiSql(url, `CREATE DATABASE IF NOT EXISTS ${DB}`, 'public');
  if (r.status !== 200) throw new Error(`CREATE DATABASE: ${r.status} ${r.body.toString()}`);
  if ((await chTableExists(CH_DB, TABLE)) && Number((await chText(`SELECT count() FROM ${QUALIFIED}`)).trim()) === ROWS) {
    console.log(`reusing ${CH_DB}.${TABLE} with ${fmtInt(ROWS)} rows`);
    return;
  }
  await must(`DROP TABLE IF EXISTS ${QUALIFIED}`);
  // As SchemaManager.createTableSql lays out a table written with tag `host` and fields `value`, `n`.
  await must(
    `CREATE TABLE ${QUALIFIED} (time Int64, host String, value Nullable(Float64), n Nullable(Int64), __cnosdb_version UInt64) ` +
      `ENGINE = MergeTree() PARTITION BY toDate(toDateTime(intDiv(time, 1000000000))) ORDER BY (host, time)`,
  );
  const started = nowMs();
  // 100 ms apart from 2023-01-01: 10M rows span 12 days (ClickHouse refuses more than 100
  // partitions in one insert block).
  await must(
    `INSERT INTO ${QUALIFIED} SELECT 1672531200000000000 + number * 100000000, concat('host_', toString(number % 100)), ` +
      `number / 10, toInt64(number), 1 FROM system.numbers LIMIT ${ROWS}`,
  );
  console.log(`generated ${fmtInt(ROWS)} rows in ClickHouse in ${((nowMs() - started) / 1000).toFixed(1)} s`);
}

async function must(sql: string): Promise<void> {
  const r = await chQuery(sql);
  if (r.status !== 200) throw new Error(`${sql.slice(0, 80)}: ${r.status} ${r.body.toString().slice(0, 300)}`);
}

async function main(): Promise<void> {
  const running = new Set<RunningTopology>();
  stopOnSignals(running);
  await assertInfra(MODES.includes('distributed'));
  console.log(`query-stream benchmark: node ${process.version}, code ${codeLabel()}, ${fmtInt(ROWS)} rows, SELECT * FROM ${TABLE} (time, 1 tag, 2 fields)`);
  let peakKb = 0;
  let prepared = false;
  try {
    for (const mode of MODES) {
      const topology = await startTopology(mode);
      running.add(topology);
      try {
        if (!prepared) await prepareTable(topology.url);
        prepared = true;
        const pids = appPids(topology);
        console.log(`\n=== ${mode} (${topology.url}); peak RSS = highest VmRSS sampled every 100 ms during the run`);
        console.log(`  ${pad('format', 8)} ${pad('chunked', 8)} ${lpad('rows/s', 10)} ${lpad('MiB/s', 7)} ${lpad('seconds', 8)}  peak RSS MiB per app`);
        for (const format of FORMATS) {
          for (const chunked of CHUNKED) {
            const f = await streamQuery(topology.url, format, chunked, pids);
            const rss = Object.entries(f.peakRssKb)
              .map(([name, kb]) => `${name} ${(kb / 1024).toFixed(0)}`)
              .join(', ');
            const check = f.rows === ROWS ? '' : `  ROW COUNT ${fmtInt(f.rows)} != ${fmtInt(ROWS)}`;
            console.log(
              `  ${pad(format, 8)} ${pad(String(chunked), 8)} ${lpad(fmtInt(Math.round(f.rows / f.seconds)), 10)} ${lpad((f.bytes / 1048576 / f.seconds).toFixed(1), 7)} ${lpad(f.seconds.toFixed(1), 8)}  ${rss}${check}`,
            );
          }
        }
        for (const [name, pid] of Object.entries(pids)) {
          const hwm = procMem(pid)?.hwmKb ?? 0;
          peakKb = Math.max(peakKb, hwm);
          console.log(`  ${name}: peak RSS over the whole run (VmHWM) ${(hwm / 1024).toFixed(0)} MiB`);
        }
      } finally {
        await topology.stop();
        running.delete(topology);
      }
    }
  } finally {
    if (!KEEP) await chQuery(`DROP TABLE IF EXISTS ${QUALIFIED}`).catch(() => undefined);
  }
  console.log(`query-stream: ${(peakKb / 1024).toFixed(0)} MiB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
