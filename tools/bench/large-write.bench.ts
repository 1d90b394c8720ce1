/*
 * One large line-protocol upload (issue 3, "Limits"): a body of BENCH_LARGE_MIB MiB (default
 * 150) of TSBS cpu-only lines, generated while it is sent (chunked, no Content-Length) so this
 * process never holds it, POSTed to /api/v1/write in each mode. Prints the answer, the time,
 * the rows stored, and the peak RSS of every app process: the point is that no process holds
 * the body, only a few chunks plus the rows in flight.
 *
 *   npm run bench:large-write        (needs `npm run build` and `npm run infra:start`)
 *
 * Environment: BENCH_LARGE_MIB [150], BENCH_MODES [standalone,distributed], BENCH_DB [bench],
 * BENCH_APP_HEAP_MIB [unset]: when set, every app runs with --max-old-space-size of that size.
 * Last line: `large-write: <highest peak RSS of any app> MiB`.
 */
import * as http from 'http';
import { chDatabaseName } from '@cnosdb/storage/clickhouse';
import {
  apiScalar,
  apiSql,
  appPids,
  assertInfra,
  chActiveRows,
  chQuery,
  chIdent,
  envInt,
  envStr,
  fmtInt,
  infraPids,
  nowMs,
  printProcessTable,
  ProcessMonitor,
  RunningTopology,
  startTopology,
  stopOnSignals,
} from './bench-util';
import { TsbsCpu } from './tsbs';

type Mode = 'standalone' | 'distributed';
const MIB = envInt('BENCH_LARGE_MIB', 150);
const MODES = envStr('BENCH_MODES', 'standalone,distributed').split(',').map((m) => m.trim()).filter(Boolean) as Mode[];
const DB = envStr('BENCH_DB', 'bench');
const TABLE = 'cpu_large';
const HEAP = process.env['BENCH_APP_HEAP_MIB'];

/** Streams `bytes` of line protocol as a chunked POST; resolves with status, body and the rows sent. */
function upload(baseUrl: string, bytes: number): Promise<{ status: number; body: string; rows: number; ms: number }> {
  const gen = new TsbsCpu({ hosts: 1000, measurement: TABLE });
  const url = new URL(`/api/v1/write?db=${encodeURIComponent(DB)}`, baseUrl);
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    let rows = 0;
    const req = http.request(url, { method: 'POST', headers: { Authorization: 'Basic ' + Buffer.from('root:').toString('base64') } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), rows, ms: nowMs() - t0 }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const text = gen.lineProtocol(rows, 2000);
        rows += 2000;
        sent += Buffer.byteLength(text);
        if (!req.write(text)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

async function runMode(mode: Mode, running: Set<RunningTopology>): Promise<number> {
  console.log(`\n=== ${mode}: one ${MIB} MiB chunked upload${HEAP ? `, apps with --max-old-space-size=${HEAP}` : ''}`);
  const env: Record<string, string> = mode === 'distributed' ? { CNOSDB_CONSISTENCY_WAIT_MS: '600000' } : {};
  const saved = process.env['CNOSDB_NODE_ARGS'];
  if (HEAP) process.env['CNOSDB_NODE_ARGS'] = `${saved ?? ''} --max-old-space-size=${HEAP}`;
  const t = await startTopology(mode, env);
  if (saved === undefined) delete process.env['CNOSDB_NODE_ARGS'];
  else process.env['CNOSDB_NODE_ARGS'] = saved;
  running.add(t);
  const chDb = chDatabaseName('cnosdb', DB);
  try {
    await apiSql(t.url, `CREATE DATABASE IF NOT EXISTS ${DB}`, 'public');
    await chQuery(`DROP TABLE IF EXISTS ${chIdent(chDb)}.${chIdent(TABLE)}`);
    const pids = appPids(t);
    const monitor = new ProcessMonitor({ ...pids, ...infraPids() });
    monitor.start(200);
    monitor.mark();
    const r = await upload(t.url, MIB * 1024 * 1024);
    const stored = r.status === 200 ? Number(await apiScalar(t.url, `SELECT count(*) FROM ${TABLE}`, DB)) : await chActiveRows(chDb, TABLE).catch(() => 0);
    const figures = monitor.finish();
    console.log(`answer: ${r.status} ${r.body ? JSON.stringify(r.body.slice(0, 200)) : '(empty body)'} after ${(r.ms / 1000).toFixed(1)} s`);
    console.log(`rows: sent ${fmtInt(r.rows)}, SELECT count(*) = ${fmtInt(stored)} (${stored === r.rows ? 'all of them' : 'MISMATCH'})`);
    printProcessTable(figures);
    return Math.max(...figures.procs.filter((p) => p.name in pids).map((p) => (p.hwmKb ?? p.maxRssKb) / 1024));
  } finally {
    await t.stop();
    running.delete(t);
    await chQuery(`DROP TABLE IF EXISTS ${chIdent(chDb)}.${chIdent(TABLE)}`).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  await assertInfra(MODES.includes('distributed'));
  const running = new Set<RunningTopology>();
  stopOnSignals(running);
  let peak = 0;
  for (const mode of MODES) peak = Math.max(peak, await runMode(mode, running));
  console.log(`large-write: ${peak.toFixed(0)} MiB`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
