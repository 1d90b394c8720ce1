/*
 * End-to-end ingest benchmark (DESIGN.md section 9, issue 3): TSBS cpu-only line protocol,
 * gzip batches as the TSBS loader sends them, POSTed to /api/v1/write by concurrent workers,
 * in the standalone and the distributed topology one after the other, then ClickHouse's own
 * TabSeparated insert of the same rows with clickhouse-client as the yardstick.
 *
 * Batches are generated and gzip-compressed ahead of the timed runs and cached on disk
 * (tsbs-batches.ts) so the load generator takes almost no CPU from the system under test.
 *
 * Per mode it prints: rows/s sustained over the measured window (after a warm-up; the lower of
 * the rate acknowledged to the client and the rate arriving in ClickHouse), write-ack
 * latency p50/p99, visibility lag p50/p99 (a row of an acknowledged batch, sampled about once a
 * second, polled (a) through /api/v1/sql, i.e. with the read-your-writes barrier, and (b)
 * directly in ClickHouse), peak RSS and CPU per process (the apps, ClickHouse, Kafka), and a
 * zero-loss check (SELECT count(*) through the API equals the rows acknowledged).
 * The last line is `ingest: <standalone rows/s> rows/s`.
 *
 * Needs: `npm run build` (the topologies run the compiled apps from dist/) and
 * `npm run infra:start`. A distributed run shares the Kafka topic and the storage writer's
 * consumer group with every other distributed topology on this machine (the e2e tests'
 * too), so run it under the lock they use:
 *
 *   flock -o /tmp/cnosdb-e2e.lock node -r @swc-node/register -r tsconfig-paths/register tools/bench/ingest.bench.ts
 *
 * (`-o`: the lock's descriptor is not inherited, so nothing started meanwhile, e.g. Kafka by
 * infra:start, can keep holding the lock after the run.)
 *
 * Data goes to table `cpu` of the CnosDB database `bench` (created if missing, through the API's
 * CREATE DATABASE or else the metadata store, and left in place; the table is dropped before
 * each mode, and after it, unless BENCH_KEEP=1, renamed `cpu_done_<mode>` and detached until the
 * run's measurements are over, then dropped: see below). Ports: 28902 (standalone),
 * 28903 + gRPC 25051/25052 (distributed). Logs: .data/logs/bench/.
 *
 * Run-to-run variance: on this 2-core VM the first standalone run after a ClickHouse start
 * measured 140-162k rows/s, and each further run without a restart less (82-120k), with
 * ClickHouse's system CPU time rising to its user time. `perf record` on ClickHouse then shows a
 * third of its CPU in the kernel's `recently_deleted` under `ext4_create`: ClickHouse writes
 * about 50 files per part (two per column) and deletes them after merges and at DROP, and an
 * ext4 without a journal (this VM's root file system: no `data=` in /proc/fs/ext4/<dev>/options)
 * scans past recently deleted inodes on every file it creates: those deleted in the last 60 s,
 * or 360 s while their inode table block is dirty (RECENTCY_MIN and RECENTCY_DIRTY in
 * fs/ext4/ialloc.c). So what slows a run is how many files were deleted in the minutes before
 * it, not how long ClickHouse has been up. The run therefore drops no table while it
 * measures: each mode's table is set aside and dropped after the yardstick. Leave about
 * 6 minutes between runs, or compare runs spaced alike. Read the per-window paced latencies
 * (printed after the paced p99) before blaming the service for a tail.
 *
 * Environment (defaults in brackets):
 *   BENCH_QUICK=1           quick run: 10 s per mode, 3 s warm-up
 *   BENCH_SECONDS [60]      measured seconds per mode      BENCH_WARMUP_SECONDS [5]
 *   BENCH_MODES [standalone,distributed]
 *   BENCH_HOSTS [1000]      BENCH_BATCH [5000] lines       BENCH_WORKERS [4]
 *   BENCH_GZIP_LEVEL [6]    BENCH_PROBE_MS [1000] visibility sampling period
 *   BENCH_MAX_RATE [200000] rows/s the prepared batch cache is sized for (more is generated live)
 *   BENCH_CH_MIN_ROWS [1000000] / BENCH_CH_MAX_ROWS [5000000] rows of the clickhouse-client
 *                           yardstick (the rows the API runs acknowledged, within these bounds;
 *                           BENCH_CH_MAX_ROWS=0 skips it)
 *   BENCH_MAX_BACKLOG_ROWS [300000] distributed: workers pause while more rows are acknowledged
 *                           than stored (5 s at the 60k rows/s target), so the Kafka backlog
 *                           stays bounded and the rate measured is one the pipeline sustains
 *   BENCH_PACED_WARMUP_SECONDS [5] paced batches sent first and not counted (failures are)
 *   BENCH_PACED_SECONDS [15] the paced phase after the throughput run: batches sent on a fixed
 *                           schedule (open loop, no concurrency limit) at the mode's target rate,
 *                           or 80% of the rate just measured if that is lower, so ack latency and
 *                           visibility lag are measured below saturation (0 skips it). The closed-loop latency of the
 *                           throughput run is mostly queueing: WORKERS x BATCH rows in flight at
 *                           R rows/s wait WORKERS x BATCH / R on average whatever the service does.
 *   BENCH_DRAIN_TIMEOUT_SECONDS [900]   BENCH_DB [bench]   BENCH_KEEP [0]
 *   CLICKHOUSE_URL [http://127.0.0.1:8123], CLICKHOUSE_TCP_PORT [9000], KAFKA_BROKERS
 *   CNOSDB_STORAGE_WRITER_NICE [10] the distributed storage writer's CPU priority (decision 0011;
 *                           0 compares against normal priority)
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chDatabaseName, ClickHouseService, DEFAULT_DATABASE_OPTIONS, MetadataStore } from '@cnosdb/storage/clickhouse';
import {
  apiScalar,
  apiSql,
  apiWriteGzip,
  appPids,
  assertInfra,
  chActiveRows,
  chIdent,
  chQuery,
  chTableExists,
  chText,
  CLICKHOUSE_URL,
  envInt,
  envStr,
  fmtInt,
  fmtMs,
  infraPids,
  otherStorageWriters,
  lpad,
  MonitorFigures,
  nowMs,
  pad,
  percentile,
  printProcessTable,
  ProcessMonitor,
  procNice,
  codeLabel,
  RunningTopology,
  sleep,
  sortedCopy,
  startTopology,
  stopOnSignals,
} from './bench-util';
import { TSBS_FIELDS, TSBS_TAGS, TsbsCpu } from './tsbs';
import { BatchCache } from './tsbs-batches';

type Mode = 'standalone' | 'distributed';

const QUICK = process.env['BENCH_QUICK'] === '1';
const SECONDS = envInt('BENCH_SECONDS', QUICK ? 10 : 60);
const WARMUP_S = envInt('BENCH_WARMUP_SECONDS', QUICK ? 3 : 5);
const MODES = envStr('BENCH_MODES', 'standalone,distributed')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean) as Mode[];
const HOSTS = envInt('BENCH_HOSTS', 1000);
const BATCH = envInt('BENCH_BATCH', 5000);
const WORKERS = envInt('BENCH_WORKERS', 4);
const GZIP_LEVEL = envInt('BENCH_GZIP_LEVEL', 6);
const PROBE_MS = envInt('BENCH_PROBE_MS', 1000);
const MAX_RATE = envInt('BENCH_MAX_RATE', 200_000);
const CH_MAX_ROWS = envInt('BENCH_CH_MAX_ROWS', 5_000_000);
const CH_MIN_ROWS = Math.min(CH_MAX_ROWS, envInt('BENCH_CH_MIN_ROWS', 1_000_000));
const DRAIN_S = envInt('BENCH_DRAIN_TIMEOUT_SECONDS', 900);
const MAX_BACKLOG = envInt('BENCH_MAX_BACKLOG_ROWS', 300_000);
const KEEP = process.env['BENCH_KEEP'] === '1';
const PACED_S = envInt('BENCH_PACED_SECONDS', 15);
const PACED_WARMUP_S = envInt('BENCH_PACED_WARMUP_SECONDS', 5);
const DB = envStr('BENCH_DB', 'bench');
const TENANT = 'cnosdb';
const TABLE = 'cpu';
const CH_DB = chDatabaseName(TENANT, DB);

const TARGETS = {
  standalone: 100_000,
  distributed: 60_000,
  ackP99Ms: 250,
  visibilityP99Ms: 5000,
};

for (const m of MODES) if (m !== 'standalone' && m !== 'distributed') throw new Error(`BENCH_MODES: unknown mode "${m}"`);

interface PacedResult {
  rate: number;
  ackMs: number[];
  /** When each acknowledged batch was sent, ms after the phase began (same order as ackMs). */
  sentAtMs: number[];
  failed: number;
  visApiMs: number[];
  visChMs: number[];
  visTimeouts: number;
  /** Rows of every paced batch answered 200, the uncounted lead-in's too. */
  ackedRows: number;
  /** After the paced phase: rows acknowledged in the whole mode, and SELECT count(*) once they were stored. */
  expectedRows?: number;
  apiCount?: number;
}

interface ModeResult {
  mode: Mode;
  /** Paced phase: rate offered, ack latencies (ms) of its requests, visibility lags (ms). */
  paced?: PacedResult;
  windowS: number;
  ackedInWindow: number;
  storedInWindow: number;
  rowsPerSec: number;
  ackRate: number;
  storedRate: number;
  ackedTotal: number;
  failed: number;
  errors: string[];
  ackMs: number[];
  visApiMs: number[];
  visChMs: number[];
  visTimeouts: number;
  drainMs: number;
  drained: boolean;
  pausedPct: number;
  apiCount: number;
  rawCount: number;
  e2eRate: number;
  monitor: MonitorFigures;
  ddl?: string;
}

const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Drops a table of the benchmark database (synchronously: ClickHouse deletes every part directory first). */
async function dropTable(log = false, table = TABLE): Promise<void> {
  const t0 = nowMs();
  const parts = (await chText(`SELECT count() FROM system.parts WHERE database = '${CH_DB}' AND table = '${table}' FORMAT TabSeparated`)).trim();
  await chText(`DROP TABLE IF EXISTS ${chIdent(CH_DB)}.${chIdent(table)}`);
  if (log) console.log(`cleanup: DROP TABLE ${CH_DB}.${table} (${parts} parts, active and outdated) took ${((nowMs() - t0) / 1000).toFixed(1)} s`);
}

/** The name a finished mode's table waits under, detached, until the end of the run. */
const retiredTable = (mode: Mode) => `${TABLE}_done_${mode}`;

/**
 * Sets a finished mode's table aside instead of dropping it: renamed, then detached, so that
 * ClickHouse neither merges it nor deletes its files while the next mode and the yardstick
 * are measured. Dropping it deletes some 50,000 files, and on a journal-less ext4 that slows
 * every file ClickHouse creates in the next minutes (see "Run-to-run variance" above).
 * dropRetiredTables() drops them once nothing is measured any more.
 */
async function retireTable(mode: Mode): Promise<void> {
  if (!(await chTableExists(CH_DB, TABLE))) return;
  await dropRetiredTable(mode, false);
  await chText(`RENAME TABLE ${chIdent(CH_DB)}.${chIdent(TABLE)} TO ${chIdent(CH_DB)}.${chIdent(retiredTable(mode))}`);
  await chText(`DETACH TABLE ${chIdent(CH_DB)}.${chIdent(retiredTable(mode))}`);
  console.log(`cleanup: table set aside as ${CH_DB}.${retiredTable(mode)} (detached), dropped at the end of the run`);
}

/** Drops one mode's set-aside table, attaching it first if it is detached (a restarted ClickHouse attaches it itself). */
async function dropRetiredTable(mode: Mode, log: boolean): Promise<void> {
  await chText(`ATTACH TABLE ${chIdent(CH_DB)}.${chIdent(retiredTable(mode))}`).catch(() => undefined);
  if (await chTableExists(CH_DB, retiredTable(mode))) await dropTable(log, retiredTable(mode));
}


async function dropRetiredTables(log: boolean): Promise<void> {
  for (const mode of ['standalone', 'distributed'] as const) await dropRetiredTable(mode, log);
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
    if (!(await store.getDatabase(TENANT, DB, true))) {
      await store.createDatabase(TENANT, DB, DEFAULT_DATABASE_OPTIONS);
      console.log(`created CnosDB database "${DB}" through the metadata store (the API answered ${r.status} to CREATE DATABASE)`);
    }
  } finally {
    await ch.close();
  }
}

function rowWhere(gen: TsbsCpu, row: number): string {
  const key = gen.rowKey(row);
  return `hostname = '${key.hostname}' AND time = ${key.timeNs}`;
}

async function runMode(mode: Mode, cache: BatchCache, running: Set<RunningTopology>): Promise<ModeResult> {
  console.log(`\n=== ${mode}: ${BATCH}-line gzip batches (level ${GZIP_LEVEL}), ${WORKERS} workers, ${WARMUP_S} s warm-up + ${SECONDS} s measured, ${HOSTS} hosts`);
  await dropTable();
  // Distributed: the final count goes through the read-your-writes barrier, which must be
  // allowed to wait for the whole backlog.
  const env: Record<string, string> = mode === 'distributed' ? { CNOSDB_CONSISTENCY_WAIT_MS: String(DRAIN_S * 1000) } : {};
  const t = await startTopology(mode, env);
  running.add(t);
  try {
    await ensureDatabase(t.url);
    const pids = { ...appPids(t), ...infraPids() };
    // Nice values show the CPU priorities the topology gave its processes (decisions 0010, 0011).
    const niceNote = (pid: number) => {
      const nice = procNice(pid);
      return nice ? ` (nice ${nice})` : '';
    };
    console.log(`processes: ${Object.entries(pids).map(([n, p]) => `${n}=${p}${niceNote(p)}`).join(', ')}`);
    const others = mode === 'distributed' ? otherStorageWriters(Object.values(pids)) : [];
    if (others.length > 0) {
      console.log(`WARNING: other storage writers are running (pids ${others.join(', ')}): they share the consumer group, so these figures are not clean (run under flock -o /tmp/cnosdb-e2e.lock)`);
    }
    const monitor = new ProcessMonitor(pids);
    monitor.start();

    const t0 = nowMs();
    const warmEnd = t0 + WARMUP_S * 1000;
    const end = warmEnd + SECONDS * 1000;
    let next = 0;
    let ackedTotal = 0;
    let ackedInWindow = 0;
    let failed = 0;
    const errors: string[] = [];
    const ackMs: number[] = [];
    let onAck: ((k: number, at: number) => void) | undefined;
    // Distributed: the latest stored-row count, for the backlog cap.
    let lastStored = 0;
    let pausedMs = 0;
    let loadDone: (() => void) | undefined;

    const worker = async () => {
      while (nowMs() < end) {
        if (mode === 'distributed' && ackedTotal - lastStored > MAX_BACKLOG) {
          const p0 = nowMs();
          await sleep(20);
          if (nowMs() >= warmEnd) pausedMs += nowMs() - Math.max(p0, warmEnd);
          continue;
        }
        const k = next++;
        const body = await cache.get(k);
        const start = nowMs();
        let status = 0;
        let text = '';
        let ms = 0;
        try {
          const r = await apiWriteGzip(t.url, body, DB);
          status = r.status;
          ms = r.ms;
          if (status !== 200) text = r.body.toString().slice(0, 300);
        } catch (err) {
          text = (err as Error).message;
        }
        const at = nowMs();
        if (status === 200) {
          ackedTotal += BATCH;
          if (start >= warmEnd) ackMs.push(ms);
          if (at >= warmEnd && at <= end) ackedInWindow += BATCH;
          onAck?.(k, at);
        } else {
          failed++;
          if (errors.length < 5) errors.push(`batch ${k}: ${status || 'no answer'} ${text}`);
        }
      }
    };

    // Timeline: acknowledged and stored rows twice a second.
    const timeline: { at: number; acked: number; stored: number }[] = [];
    let storedAtWarm = 0;
    let storedAtEnd = 0;
    const sampler = (async () => {
      for (;;) {
        if (nowMs() > end) break;
        const acked = ackedTotal;
        const stored = await chActiveRows(CH_DB, TABLE).catch(() => NaN);
        if (Number.isFinite(stored)) lastStored = stored;
        timeline.push({ at: nowMs() - t0, acked, stored });
        const nextTick = t0 + Math.ceil((nowMs() - t0 + 1) / 500) * 500;
        await sleep(Math.max(0, Math.min(nextTick, end) - nowMs()));
        if (nowMs() >= end) break;
      }
    })();
    const windowMarks = (async () => {
      await sleep(Math.max(0, warmEnd - nowMs()));
      monitor.mark();
      storedAtWarm = await chActiveRows(CH_DB, TABLE).catch(() => 0);
      await sleep(Math.max(0, end - nowMs()));
      monitor.endWindow();
      storedAtEnd = await chActiveRows(CH_DB, TABLE).catch(() => 0);
    })();

    // Visibility probes: about once per PROBE_MS, take the last row of the next batch
    // acknowledged and poll for it through the API and directly in ClickHouse.
    const visApiMs: number[] = [];
    const visChMs: number[] = [];
    let visTimeouts = 0;
    const gen = cache.gen;
    const prober = (async () => {
      await sleep(Math.max(0, warmEnd - nowMs()));
      while (nowMs() < end) {
        const tick = nowMs();
        const acked = await new Promise<{ k: number; at: number } | undefined>((resolve) => {
          loadDone = () => resolve(undefined);
          onAck = (kk, aa) => {
            onAck = undefined;
            resolve({ k: kk, at: aa });
          };
        });
        if (!acked) break;
        const { k, at } = acked;
        const vis = await probeVisibility(t.url, gen, k, at);
        if (vis.viaApi === undefined || vis.viaCh === undefined) visTimeouts++;
        if (vis.viaApi !== undefined) visApiMs.push(vis.viaApi);
        if (vis.viaCh !== undefined) visChMs.push(vis.viaCh);
        await sleep(Math.max(0, tick + PROBE_MS - nowMs()));
      }
    })();

    await Promise.all(Array.from({ length: WORKERS }, worker));
    const loadEnd = nowMs();
    onAck = undefined;
    loadDone?.(); // a probe waiting for an ack that no longer comes
    await Promise.all([sampler, windowMarks]);

    // Drain (distributed: Kafka backlog into ClickHouse), then the exact count.
    const { drained, rawCount } = await waitStored(ackedTotal);
    const drainMs = nowMs() - loadEnd;
    await prober;
    const apiCount = Number(await apiScalar(t.url, `SELECT count(*) FROM ${TABLE}`, DB));
    const monitorFigures = monitor.finish();
    const ddl = (await chText(`SHOW CREATE TABLE ${chIdent(CH_DB)}.${chIdent(TABLE)} FORMAT TabSeparatedRaw`).catch(() => '')).trim() || undefined;

    const windowS = SECONDS;
    const storedInWindow = storedAtEnd - storedAtWarm;
    const ackRate = ackedInWindow / windowS;
    const storedRate = storedInWindow / windowS;
    const result: ModeResult = {
      mode,
      windowS,
      ackedInWindow,
      storedInWindow,
      ackRate,
      storedRate,
      rowsPerSec: Math.min(ackRate, storedRate),
      ackedTotal,
      failed,
      errors,
      ackMs,
      visApiMs,
      visChMs,
      visTimeouts,
      drainMs,
      drained,
      pausedPct: (pausedMs / WORKERS / (SECONDS * 1000)) * 100,
      apiCount,
      rawCount,
      e2eRate: ackedTotal / ((loadEnd - t0 + (drained ? drainMs : NaN)) / 1000),
      monitor: monitorFigures,
      ddl,
    };
    if (PACED_S > 0) {
      const paced = await pacedPhase(t.url, cache, () => next++, Math.min(TARGETS[mode], 0.8 * result.rowsPerSec));
      // The paced batches were acknowledged too: wait until they are stored and count again. In
      // distributed mode acknowledged rows still in Kafka when the topology stops are stored by
      // the next run's storage writer, into that run's table of the same name.
      paced.expectedRows = ackedTotal + paced.ackedRows;
      await waitStored(paced.expectedRows);
      paced.apiCount = Number(await apiScalar(t.url, `SELECT count(*) FROM ${TABLE}`, DB));
      result.paced = paced;
    }
    printTimeline(timeline, warmEnd - t0);
    printMode(result);
    return result;
  } finally {
    await t.stop();
    running.delete(t);
    if (!KEEP) await retireTable(mode).catch((err) => console.log(`cleanup failed: ${(err as Error).message}`));
  }
}

/** Polls ClickHouse until `rows` rows are stored in the bench table, for at most DRAIN_S. */
async function waitStored(rows: number): Promise<{ drained: boolean; rawCount: number }> {
  const deadline = nowMs() + DRAIN_S * 1000;
  for (;;) {
    const rawCount = await chActiveRows(CH_DB, TABLE);
    if (rawCount >= rows) return { drained: true, rawCount };
    if (nowMs() >= deadline) return { drained: false, rawCount };
    await sleep(50);
  }
}

/** Polls `query` until it holds; the time since `ackAt` it took, or undefined after DRAIN_S. */
async function pollUntil(query: () => Promise<boolean>, ackAt: number): Promise<number | undefined> {
  const deadline = ackAt + DRAIN_S * 1000;
  while (nowMs() < deadline) {
    if (await query().catch(() => false)) return nowMs() - ackAt;
    // Back off (5 ms .. 100 ms, ~10% of the lag so far) so polling does not load ClickHouse.
    await sleep(Math.min(100, Math.max(5, (nowMs() - ackAt) / 10)));
  }
  return undefined;
}

/** How long after its ack (at `at`) the last row of batch `k` became visible through the API and in ClickHouse. */
async function probeVisibility(url: string, gen: TsbsCpu, k: number, at: number): Promise<{ viaApi?: number; viaCh?: number }> {
  const where = rowWhere(gen, (k + 1) * BATCH - 1);
  const [viaApi, viaCh] = await Promise.all([
    pollUntil(async () => (await apiScalar(url, `SELECT count(*) FROM ${TABLE} WHERE ${where}`, DB)) === '1', at),
    pollUntil(async () => (await chText(`SELECT count() FROM ${chIdent(CH_DB)}.${chIdent(TABLE)} WHERE ${where} FORMAT TabSeparated`)).trim() === '1', at),
  ]);
  return { viaApi, viaCh };
}

/**
 * Open-loop load at `rate` rows/s for PACED_S seconds: a batch leaves every BATCH/rate
 * seconds whether or not earlier ones were answered, so the latencies are the service's own
 * under that load, not a closed loop's queueing.
 */
async function pacedPhase(url: string, cache: BatchCache, nextBatch: () => number, rate: number): Promise<PacedResult> {
  const interval = (BATCH / rate) * 1000;
  // The first PACED_WARMUP_S seconds run at the same rate but are not counted: they absorb what
  // the saturated run before left behind (merges, a backlog), which is not the paced load's own.
  const warm = Math.floor((PACED_WARMUP_S * 1000) / interval);
  const count = warm + Math.max(1, Math.floor((PACED_S * 1000) / interval));
  const ks = Array.from({ length: count }, () => nextBatch());
  const bodies = await Promise.all(ks.map((k) => cache.get(k)));
  // Visibility below saturation too: about one batch per PROBE_MS is followed until its last
  // row can be read (at saturation the lag is mostly the backlog the closed loop builds).
  const probeEvery = Math.max(1, Math.round(PROBE_MS / interval));
  const result: PacedResult = { rate, ackMs: [], sentAtMs: [], failed: 0, visApiMs: [], visChMs: [], visTimeouts: 0, ackedRows: 0 };
  const t0 = nowMs();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, t0 + i * interval - nowMs()));
    sends.push(
      apiWriteGzip(url, bodies[i], DB).then(
        async (r) => {
          if (r.status !== 200) return void result.failed++;
          result.ackedRows += BATCH;
          if (i < warm) return;
          result.ackMs.push(r.ms);
          result.sentAtMs.push((i - warm) * interval);
          if (i % probeEvery !== 0) return;
          const vis = await probeVisibility(url, cache.gen, ks[i], nowMs());
          if (vis.viaApi === undefined || vis.viaCh === undefined) result.visTimeouts++;
          if (vis.viaApi !== undefined) result.visApiMs.push(vis.viaApi);
          if (vis.viaCh !== undefined) result.visChMs.push(vis.viaCh);
        },
        () => void result.failed++,
      ),
    );
  }
  await Promise.all(sends);
  return result;
}

function printTimeline(timeline: { at: number; acked: number; stored: number }[], warmMs: number): void {
  console.log(`  ${pad('second', 10)}${lpad('acked rows/s', 14)}${lpad('stored rows/s', 15)}${lpad('backlog rows', 14)}`);
  const step = Math.max(1, Math.round(timeline.length / 12));
  for (let i = step; i < timeline.length; i += step) {
    const a = timeline[i - step];
    const b = timeline[i];
    const dt = (b.at - a.at) / 1000;
    const label = `${(a.at / 1000).toFixed(0)}-${(b.at / 1000).toFixed(0)}${b.at <= warmMs ? ' w' : ''}`;
    console.log(`  ${pad(label, 10)}${lpad(fmtInt((b.acked - a.acked) / dt), 14)}${lpad(fmtInt((b.stored - a.stored) / dt), 15)}${lpad(fmtInt(b.acked - b.stored), 14)}`);
  }
}

function pcts(xs: number[]): { p50: number; p99: number } {
  const s = sortedCopy(xs);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

function lossVerdict(r: ModeResult): string {
  if (!r.drained) return 'INCONCLUSIVE (not drained; rows may still be in Kafka)';
  const pacedOk = r.paced === undefined || (r.paced.apiCount === r.paced.expectedRows && r.paced.failed === 0);
  return r.apiCount === r.ackedTotal && r.failed === 0 && pacedOk ? 'ok' : 'LOSS OR FAILURES';
}

function printMode(r: ModeResult): void {
  const target = TARGETS[r.mode];
  const ack = pcts(r.ackMs);
  const visApi = pcts(r.visApiMs);
  const visCh = pcts(r.visChMs);
  console.log(
    `rows/s sustained:  ${fmtInt(r.rowsPerSec)} rows/s over ${r.windowS} s (acknowledged ${fmtInt(r.ackRate)}/s, stored in ClickHouse ${fmtInt(r.storedRate)}/s)` +
      `   target >= ${fmtInt(target)}: ${check(r.rowsPerSec >= target)}`,
  );
  console.log(`write ack latency: p50 ${fmtMs(ack.p50)}, p99 ${fmtMs(ack.p99)}, max ${fmtMs(Math.max(...r.ackMs))} (${r.ackMs.length} requests of ${BATCH} lines, ${WORKERS} workers at saturation: mostly queueing)`);
  if (r.paced) {
    const p = pcts(r.paced.ackMs);
    console.log(
      `paced ack latency: p50 ${fmtMs(p.p50)}, p99 ${fmtMs(p.p99)}, max ${fmtMs(Math.max(...r.paced.ackMs))} (${r.paced.ackMs.length} requests of ${BATCH} lines sent at ${fmtInt(r.paced.rate)} rows/s for ${PACED_S} s after ${PACED_WARMUP_S} s uncounted` +
        `${r.paced.failed ? `, ${r.paced.failed} FAILED` : ''})   target p99 <= ${TARGETS.ackP99Ms} ms: ${check(p.p99 <= TARGETS.ackP99Ms && r.paced.failed === 0)}`,
    );
    // Where the tail sits in time: spread out (queueing) or in a few windows (a stall).
    const { sentAtMs, ackMs } = r.paced;
    const windows = new Map<number, number[]>();
    sentAtMs.forEach((at, i) => {
      const w = Math.floor(at / 5000);
      const xs = windows.get(w) ?? [];
      xs.push(ackMs[i]);
      windows.set(w, xs);
    });
    const perWindow = [...windows.entries()].map(([w, xs]) => `${w * 5}s ${fmtMs(pcts(xs).p50)}/${fmtMs(Math.max(...xs))}`);
    console.log(`paced ack by 5 s window (p50/max): ${perWindow.join(', ')}`);
    const va = pcts(r.paced.visApiMs);
    const vc = pcts(r.paced.visChMs);
    console.log(
      `paced visibility:  through /api/v1/sql p50 ${fmtMs(va.p50)}, p99 ${fmtMs(va.p99)}; directly in ClickHouse p50 ${fmtMs(vc.p50)}, p99 ${fmtMs(vc.p99)} ` +
        `(${r.paced.visApiMs.length} samples${r.paced.visTimeouts ? `, ${r.paced.visTimeouts} never seen` : ''})   target p99 <= ${TARGETS.visibilityP99Ms} ms: ` +
        check(Math.max(va.p99, vc.p99) <= TARGETS.visibilityP99Ms && r.paced.visTimeouts === 0),
    );
  }
  console.log(
    `visibility lag:    through /api/v1/sql p50 ${fmtMs(visApi.p50)}, p99 ${fmtMs(visApi.p99)}; directly in ClickHouse p50 ${fmtMs(visCh.p50)}, p99 ${fmtMs(visCh.p99)} ` +
      `(${r.visApiMs.length} samples${r.visTimeouts ? `, ${r.visTimeouts} never seen` : ''})   target p99 <= ${TARGETS.visibilityP99Ms} ms: ${check(Math.max(visApi.p99, visCh.p99) <= TARGETS.visibilityP99Ms && r.visTimeouts === 0)}`,
  );
  if (r.mode === 'distributed') {
    console.log(
      `backlog cap:       workers paused ${r.pausedPct.toFixed(0)}% of the window because more than ${fmtInt(MAX_BACKLOG)} acknowledged rows were not yet in ClickHouse`,
    );
  }
  console.log(
    `after the load:    ${r.drained ? `all rows in ClickHouse ${fmtMs(r.drainMs)} after the last ack` : `NOT drained after ${fmtMs(r.drainMs)}`}; ` +
      `end to end ${fmtInt(r.e2eRate)} rows/s including warm-up and drain`,
  );
  console.log(
    `zero loss:         acknowledged ${fmtInt(r.ackedTotal)} rows, SELECT count(*) = ${fmtInt(r.apiCount)} (ClickHouse rows incl. any replays ${fmtInt(r.rawCount)}), ` +
      `failed requests ${r.failed}: ${lossVerdict(r)}`,
  );
  if (r.paced?.expectedRows !== undefined) {
    console.log(
      `  after the paced phase too: acknowledged ${fmtInt(r.paced.expectedRows)} rows, SELECT count(*) = ${fmtInt(r.paced.apiCount ?? NaN)}, ` +
        `failed paced requests ${r.paced.failed}`,
    );
  }
  for (const e of r.errors) console.log(`  error: ${e}`);
  printProcessTable(r.monitor);
}

/** clickhouse-client inserting the same rows from a TSV file into an equivalent MergeTree table. */
async function clickhouseYardstick(gen: TsbsCpu, rows: number, ddl: string | undefined): Promise<{ rows: number; ms: number; rate: number }> {
  const scratch = `bench_scratch_${Date.now().toString(36)}`;
  const cols = ['time', ...TSBS_TAGS, ...TSBS_FIELDS, '__cnosdb_version'];
  const createSql = ddl
    ? ddl.replace(/^CREATE TABLE \S+/, `CREATE TABLE ${chIdent(scratch)}.${chIdent(TABLE)}`)
    : `CREATE TABLE ${chIdent(scratch)}.${chIdent(TABLE)} (time Int64, ${TSBS_TAGS.map((t) => `${chIdent(t)} String`).join(', ')}, ` +
      `${TSBS_FIELDS.map((f) => `${chIdent(f)} Nullable(Int64)`).join(', ')}, __cnosdb_version UInt64) ENGINE = MergeTree() ` +
      `PARTITION BY toDate(toDateTime(intDiv(time, 1000000000))) ORDER BY (${TSBS_TAGS.map(chIdent).join(', ')}, time)`;
  const dir = path.join(os.tmpdir(), 'cnosdb-bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `yardstick-${process.pid}.tsv`);
  console.log(`\n=== ClickHouse's own insert: clickhouse-client, ${fmtInt(rows)} rows (the first rows the API runs wrote), TabSeparated, into ${scratch}.${TABLE}`);
  const g0 = nowMs();
  const fd = fs.openSync(file, 'w');
  const chunk = 50_000;
  for (let from = 0; from < rows; from += chunk) fs.writeSync(fd, gen.tsv(from, Math.min(chunk, rows - from)));
  fs.closeSync(fd);
  console.log(`TSV file: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB written in ${((nowMs() - g0) / 1000).toFixed(1)} s (not timed)`);
  await chText(`CREATE DATABASE ${chIdent(scratch)}`);
  try {
    await chText(createSql);
    const host = new URL(CLICKHOUSE_URL).hostname;
    const port = envStr('CLICKHOUSE_TCP_PORT', '9000');
    const args = ['--host', host, '--port', port, '--query', `INSERT INTO ${chIdent(scratch)}.${chIdent(TABLE)} (${cols.map(chIdent).join(', ')}) FORMAT TabSeparated`];
    if (process.env['CLICKHOUSE_PASSWORD']) args.push('--password', process.env['CLICKHOUSE_PASSWORD']);
    if (process.env['CLICKHOUSE_USER']) args.push('--user', process.env['CLICKHOUSE_USER']);
    const input = fs.openSync(file, 'r');
    const t0 = nowMs();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('clickhouse-client', args, { stdio: [input, 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    const ms = nowMs() - t0;
    fs.closeSync(input);
    if (code !== 0) throw new Error(`clickhouse-client exited with ${code}`);
    const count = Number((await chText(`SELECT count() FROM ${chIdent(scratch)}.${chIdent(TABLE)} FORMAT TabSeparated`)).trim());
    if (count !== rows) throw new Error(`clickhouse-client inserted ${count} rows, expected ${rows}`);
    const rate = (rows / ms) * 1000;
    console.log(`clickhouse-client: ${fmtInt(rows)} rows in ${(ms / 1000).toFixed(2)} s = ${fmtInt(rate)} rows/s`);
    return { rows, ms, rate };
  } finally {
    await chQuery(`DROP DATABASE IF EXISTS ${chIdent(scratch)}`).catch(() => undefined);
    fs.rmSync(file, { force: true });
  }
}

async function main(): Promise<void> {
  const running = new Set<RunningTopology>();
  stopOnSignals(running, async () => {
    if (!KEEP) await dropTable().catch(() => undefined);
    await dropRetiredTables(false).catch(() => undefined);
  });
  await assertInfra(MODES.includes('distributed'));
  // Tables an interrupted run set aside; dropping them now slows the first mode (see above).
  await dropRetiredTables(true);
  const chVersion = (await chText('SELECT version() FORMAT TabSeparated')).trim();
  console.log(
    `ingest benchmark: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
      `ClickHouse ${chVersion}, code ${codeLabel()}`,
  );
  console.log(`modes ${MODES.join(', ')}; ${HOSTS} hosts, ${BATCH}-line batches, gzip level ${GZIP_LEVEL}, ${WORKERS} workers, ${WARMUP_S}+${SECONDS} s per mode`);

  const gen = new TsbsCpu({ hosts: HOSTS, measurement: TABLE });
  const cache = new BatchCache(gen, BATCH, GZIP_LEVEL);
  const sample = gen.lineProtocol(0, 1000);
  console.log(`line protocol: ${(sample.length / 1000).toFixed(0)} bytes a line, e.g. ${sample.slice(0, sample.indexOf('\n'))}`);
  await cache.ensure(Math.ceil((MAX_RATE * (SECONDS + WARMUP_S)) / BATCH));

  const results: ModeResult[] = [];
  try {
    for (const mode of MODES) {
      const before = cache.liveBatches;
      results.push(await runMode(mode, cache, running));
      if (cache.liveBatches > before) console.log(`note: ${cache.liveBatches - before} batches were generated live (cache too short: raise BENCH_MAX_RATE)`);
    }
  } finally {
    cache.close();
  }

  // Yardstick: the same rows (the first ones every mode wrote), ClickHouse's own client; at
  // least CH_MIN_ROWS so that the client's start-up does not dominate.
  const firstRows = Math.min(...results.map((r) => r.ackedTotal));
  const ysRows = Math.max(CH_MIN_ROWS, Math.min(CH_MAX_ROWS, Number.isFinite(firstRows) ? firstRows : CH_MAX_ROWS));
  // BENCH_CH_MAX_ROWS=0 skips the yardstick (quick looks at one mode).
  const ys = ysRows > 0 ? await clickhouseYardstick(gen, ysRows, results.find((r) => r.ddl)?.ddl) : undefined;

  await dropRetiredTables(true).catch((err) => console.log(`cleanup failed: ${(err as Error).message}`));

  console.log('\n=== summary (targets: DESIGN.md section 9)');
  console.log(
    `  ${pad('mode', 13)}${lpad('rows/s', 10)}${lpad('target', 10)}${lpad('x ClickHouse', 14)}${lpad('ack p50', 10)}${lpad('ack p99', 10)}${lpad('paced p99', 11)}` +
      `${lpad('vis p50', 10)}${lpad('vis p99', 10)}${lpad('paced vis', 11)}${lpad('loss', 8)}`,
  );
  for (const r of results) {
    const ack = pcts(r.ackMs);
    const vis = pcts(r.visApiMs);
    const paced = r.paced ? fmtMs(pcts(r.paced.ackMs).p99) : '-';
    const pacedVis = r.paced ? fmtMs(pcts(r.paced.visApiMs).p99) : '-';
    console.log(
      `  ${pad(r.mode, 13)}${lpad(fmtInt(r.rowsPerSec), 10)}${lpad('>=' + fmtInt(TARGETS[r.mode]), 10)}${lpad(ys ? (r.rowsPerSec / ys.rate).toFixed(3) : '-', 14)}` +
        `${lpad(fmtMs(ack.p50), 10)}${lpad(fmtMs(ack.p99), 10)}${lpad(paced, 11)}${lpad(fmtMs(vis.p50), 10)}${lpad(fmtMs(vis.p99), 10)}${lpad(pacedVis, 11)}${lpad(lossVerdict(r) === 'ok' ? 'none' : r.drained ? 'LOSS' : '?', 8)}`,
    );
  }
  if (ys) console.log(`  ${pad('clickhouse', 13)}${lpad(fmtInt(ys.rate), 10)}${lpad('', 10)}${lpad('1.000', 14)}   (clickhouse-client TabSeparated insert of ${fmtInt(ys.rows)} rows)`);
  console.log(`  ack: closed loop at saturation (${WORKERS} workers); paced: open loop below saturation (see BENCH_PACED_SECONDS)`);
  console.log(
    `  targets: ack p99 <= ${TARGETS.ackP99Ms} ms (paced), visibility p99 <= ${TARGETS.visibilityP99Ms} ms (vis: through /api/v1/sql, as a user sees it, at saturation; paced vis: p99 below saturation)`,
  );
  if (results.some((r) => lossVerdict(r) !== 'ok')) process.exitCode = 1;
  const headline = results.find((r) => r.mode === 'standalone') ?? results[0];
  console.log(`ingest: ${headline ? Math.round(headline.rowsPerSec) : 0} rows/s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
