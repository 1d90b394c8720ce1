/*
 * Helpers shared by the end-to-end benchmarks: HTTP with keep-alive, ClickHouse over HTTP,
 * percentiles, /proc readers (peak RSS, CPU ticks) and the process topologies of
 * tools/scripts/topology.js.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');

// ---------------------------------------------------------------------------------------------
// Environment

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return v;
}

export function envStr(name: string, fallback: string): string {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** Which code runs: BENCH_CODE_LABEL, else the checkout's commit (and whether apps/libs have local changes). */
export function codeLabel(): string {
  if (process.env['BENCH_CODE_LABEL']) return process.env['BENCH_CODE_LABEL'];
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'apps', 'libs');
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in apps/libs' : ''}`;
  } catch {
    return 'unknown (not a git checkout; set BENCH_CODE_LABEL)';
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function sortedCopy(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

export function median(xs: number[]): number {
  return percentile(sortedCopy(xs), 50);
}

/** 1234567 -> "1,234,567". */
export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

export function fmtMiB(kb: number | undefined): string {
  return kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`;
}

export function pad(s: string | number, n: number): string {
  return String(s).padEnd(n);
}

export function lpad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// ---------------------------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpResult {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
  /** Request start to last response byte. */
  ms: number;
}

export function httpRequest(url: string, method: string, body: Buffer | string | undefined, headers: Record<string, string> = {}, timeoutMs = 600_000, retried = false): Promise<HttpResult> {
  const u = new URL(url);
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        agent,
        headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers, ms: nowMs() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer after ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as it went idle (ClickHouse after its
      // keep_alive_timeout) fails before any answer: once more, on a new connection.
      if (!retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        resolve(httpRequest(url, method, body, headers, timeoutMs, true));
      } else {
        reject(err);
      }
    });
    req.end(payload);
  });
}

const ROOT_AUTH = 'Basic ' + Buffer.from('root:').toString('base64');

/** POST /api/v1/sql; returns the raw result (CSV unless `accept` says otherwise). */
export function apiSql(baseUrl: string, sql: string, db: string, accept?: string): Promise<HttpResult> {
  return httpRequest(`${baseUrl}/api/v1/sql?db=${encodeURIComponent(db)}`, 'POST', sql, {
    authorization: ROOT_AUTH,
    ...(accept ? { accept } : {}),
  });
}

/** POST /api/v1/write with a gzip body. */
export function apiWriteGzip(baseUrl: string, gz: Buffer, db: string): Promise<HttpResult> {
  return httpRequest(`${baseUrl}/api/v1/write?db=${encodeURIComponent(db)}&precision=ns`, 'POST', gz, {
    authorization: ROOT_AUTH,
    'content-encoding': 'gzip',
    'content-type': 'text/plain; charset=utf-8',
  });
}

/** Runs SQL through the API and returns the single value of a one-row, one-column CSV result. */
export async function apiScalar(baseUrl: string, sql: string, db: string): Promise<string> {
  const r = await apiSql(baseUrl, sql, db);
  if (r.status !== 200) throw new Error(`API ${r.status} for ${sql}: ${r.body.toString().slice(0, 300)}`);
  const lines = r.body.toString().trim().split('\n');
  return lines[1] ?? '';
}

// ---------------------------------------------------------------------------------------------
// ClickHouse over HTTP (the baseline, and bookkeeping the benchmarks do behind the API's back)

export const CLICKHOUSE_URL = envStr('CLICKHOUSE_URL', 'http://127.0.0.1:8123').replace(/\/$/, '');

/** Runs a statement on ClickHouse over HTTP; returns the body text (TabSeparated for SELECTs). */
export async function chQuery(sql: string, database?: string): Promise<HttpResult> {
  const user = envStr('CLICKHOUSE_USER', 'default');
  const password = process.env['CLICKHOUSE_PASSWORD'] ?? '';
  const qs = database ? `?database=${encodeURIComponent(database)}` : '';
  return httpRequest(`${CLICKHOUSE_URL}/${qs}`, 'POST', sql, { 'x-clickhouse-user': user, 'x-clickhouse-key': password });
}

export async function chText(sql: string): Promise<string> {
  const r = await chQuery(sql);
  if (r.status !== 200) throw new Error(`ClickHouse ${r.status}: ${r.body.toString().slice(0, 500)}\n  for: ${sql.slice(0, 300)}`);
  return r.body.toString();
}

/** Rows of a table according to its active parts (metadata only: cheap while inserting). */
export async function chActiveRows(chDatabase: string, table: string): Promise<number> {
  const t = await chText(`SELECT sum(rows) FROM system.parts WHERE active AND database = '${chDatabase}' AND table = '${table}' FORMAT TabSeparated`);
  return Number(t.trim() || 0);
}

/** Whether ClickHouse has the table, attached, in the database. */
export async function chTableExists(chDatabase: string, table: string): Promise<boolean> {
  return (await chText(`SELECT count() FROM system.tables WHERE database = '${chDatabase}' AND name = '${table}' FORMAT TabSeparated`)).trim() === '1';
}

export function chIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

// ---------------------------------------------------------------------------------------------
// /proc

/** VmHWM (peak RSS) and VmRSS in kB, or undefined if the process is gone. */
export function procMem(pid: number): { hwmKb: number; rssKb: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(s);
    const rss = /VmRSS:\s+(\d+) kB/.exec(s);
    return { hwmKb: Number(hwm?.[1] ?? 0), rssKb: Number(rss?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

const CLK_TCK = 100;

/**
 * The fields of /proc/<pid>/stat after the command name, so that [0] is field 3 (state), or
 * undefined if the process is gone. The name is skipped by its last ')': it may hold spaces.
 */
function procStat(pid: number): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, all threads) the process used so far, or undefined if gone. */
export function procCpuSeconds(pid: number): number | undefined {
  const rest = procStat(pid);
  // utime is field 14, stime field 15.
  return rest && (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

/** The nice value (field 19) of the process's main thread, or undefined if it is gone. */
export function procNice(pid: number): number | undefined {
  const rest = procStat(pid);
  return rest && Number(rest[16]);
}

/** Machine-wide CPU seconds: busy and total (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number; cores: number } {
  const s = fs.readFileSync('/proc/stat', 'utf8');
  const line = s.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = line[3] + (line[4] ?? 0);
  const cores = s.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK, cores };
}

/** First pid whose command line matches (for ClickHouse and Kafka, which the benchmarks do not start). */
export function findPid(match: (cmdline: string) => boolean): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (match(cmd)) return Number(entry);
    } catch {
      // raced with the process exiting
    }
  }
  return undefined;
}

export function infraPids(): Record<string, number> {
  const out: Record<string, number> = {};
  const ch = findPid((c) => /(^|\/)clickhouse(-server)?( |$)/.test(c.split(' ')[0]) && /server/.test(c));
  if (ch) out['clickhouse'] = ch;
  const kafka = findPid((c) => /java/.test(c.split(' ')[0]) && / kafka\.Kafka /.test(c));
  if (kafka) out['kafka'] = kafka;
  return out;
}

export interface ProcFigures {
  name: string;
  pid: number;
  /** VmHWM at finish(): the process's peak RSS since it started. */
  hwmKb?: number;
  /** Highest VmRSS sampled between start() and finish(). */
  maxRssKb: number;
  /** Average CPU over the measured window, in % of one core. */
  avgCpuPct: number;
  /** Highest CPU over one sampling interval inside the window, in % of one core. */
  maxCpuPct: number;
}

export interface MonitorFigures {
  procs: ProcFigures[];
  /** Machine-wide busy CPU over the window, in % of one core (cores x 100 = saturated). */
  machineBusyPct: number;
  cores: number;
  /** This benchmark process's own CPU over the window, in % of one core. */
  selfCpuPct: number;
  windowS: number;
}

/**
 * Samples RSS and CPU of a set of processes once a second. CPU figures cover the window
 * between mark() and endWindow(); memory figures cover start() to finish().
 */
export class ProcessMonitor {
  private timer?: NodeJS.Timeout;
  private readonly last = new Map<string, { cpu: number; at: number }>();
  private readonly figures = new Map<string, ProcFigures>();
  private inWindow = false;
  private windowStart?: { at: number; cpu: Map<string, number>; machine: { busy: number; total: number }; self: NodeJS.CpuUsage };
  private window?: Omit<MonitorFigures, 'procs'>;

  constructor(private readonly pids: Record<string, number>) {
    for (const [name, pid] of Object.entries(pids)) this.figures.set(name, { name, pid, maxRssKb: 0, avgCpuPct: NaN, maxCpuPct: 0 });
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  mark(): void {
    const cpu = new Map<string, number>();
    for (const [name, pid] of Object.entries(this.pids)) cpu.set(name, procCpuSeconds(pid) ?? 0);
    this.windowStart = { at: nowMs(), cpu, machine: machineCpuSeconds(), self: process.cpuUsage() };
    this.inWindow = true;
  }

  private sample(): void {
    const at = nowMs();
    for (const f of this.figures.values()) {
      const { name, pid } = f;
      const mem = procMem(pid);
      if (mem) f.maxRssKb = Math.max(f.maxRssKb, mem.rssKb);
      const cpu = procCpuSeconds(pid);
      if (cpu === undefined) continue;
      const prev = this.last.get(name);
      if (this.inWindow && prev && at - prev.at > 200) f.maxCpuPct = Math.max(f.maxCpuPct, ((cpu - prev.cpu) / ((at - prev.at) / 1000)) * 100);
      this.last.set(name, { cpu, at });
    }
  }

  /** Closes the CPU window. */
  endWindow(): void {
    this.sample();
    this.inWindow = false;
    const start = this.windowStart;
    if (!start) return;
    const windowS = (nowMs() - start.at) / 1000;
    for (const f of this.figures.values()) {
      const cpu = procCpuSeconds(f.pid);
      if (cpu !== undefined && windowS > 0) f.avgCpuPct = ((cpu - (start.cpu.get(f.name) ?? cpu)) / windowS) * 100;
    }
    const m = machineCpuSeconds();
    const self = process.cpuUsage(start.self);
    const totalDelta = m.total - start.machine.total;
    this.window = {
      machineBusyPct: totalDelta > 0 ? ((m.busy - start.machine.busy) / totalDelta) * 100 * m.cores : NaN,
      cores: m.cores,
      selfCpuPct: windowS > 0 ? ((self.user + self.system) / 1e6 / windowS) * 100 : NaN,
      windowS,
    };
  }

  /** Stops sampling and reads each process's peak RSS (call before the processes exit). */
  finish(): MonitorFigures {
    if (this.inWindow) this.endWindow();
    if (this.timer) clearInterval(this.timer);
    this.sample();
    for (const f of this.figures.values()) f.hwmKb = procMem(f.pid)?.hwmKb;
    return { procs: [...this.figures.values()], ...(this.window ?? { machineBusyPct: NaN, cores: machineCpuSeconds().cores, selfCpuPct: NaN, windowS: 0 }) };
  }
}

/** Prints a per-process table: peak RSS and CPU over the window. */
export function printProcessTable(m: MonitorFigures, log: (s: string) => void = console.log): void {
  log(`  ${pad('process', 22)}${lpad('pid', 8)}${lpad('peak RSS (VmHWM)', 18)}${lpad('max RSS in run', 16)}${lpad('avg CPU', 10)}${lpad('max CPU/1s', 12)}`);
  for (const p of m.procs) {
    log(
      `  ${pad(p.name, 22)}${lpad(p.pid, 8)}${lpad(fmtMiB(p.hwmKb), 18)}${lpad(fmtMiB(p.maxRssKb), 16)}` +
        `${lpad(Number.isFinite(p.avgCpuPct) ? p.avgCpuPct.toFixed(0) + '%' : 'n/a', 10)}${lpad(p.maxCpuPct.toFixed(0) + '%', 12)}`,
    );
  }
  const tracked = m.procs.reduce((a, p) => a + (Number.isFinite(p.avgCpuPct) ? p.avgCpuPct : 0), 0);
  log(
    `  ${pad('benchmark (this process)', 30)}${lpad('', 34)}${lpad(m.selfCpuPct.toFixed(0) + '%', 10)}`,
  );
  log(
    `  machine: ${m.machineBusyPct.toFixed(0)}% busy of ${m.cores * 100}% over ${m.windowS.toFixed(0)} s ` +
      `(listed processes ${tracked.toFixed(0)}%, this benchmark ${m.selfCpuPct.toFixed(0)}%, everything else ${Math.max(0, m.machineBusyPct - tracked - m.selfCpuPct).toFixed(0)}%)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Topologies (tools/scripts/topology.js) and infrastructure checks

export interface AppProc {
  app: string;
  child: { pid?: number };
  stop(): Promise<void>;
}

export interface RunningTopology {
  url: string;
  apps: Record<string, AppProc>;
  stop(): Promise<void>;
}

const topology = require(path.join(ROOT, 'tools/scripts/topology.js')) as {
  startStandalone(o: object): Promise<RunningTopology>;
  startDistributed(o: object): Promise<RunningTopology>;
};

export const BENCH_PORTS = {
  standalone: envInt('BENCH_PORT_STANDALONE', 28902),
  distributed: envInt('BENCH_PORT_DISTRIBUTED', 28903),
  lineProtocolGrpc: envInt('BENCH_PORT_LP_GRPC', 25051),
  queryGrpc: envInt('BENCH_PORT_QUERY_GRPC', 25052),
};

const LOG_DIR = path.join(ROOT, '.data/logs/bench');

export async function startTopology(mode: 'standalone' | 'distributed', env: Record<string, string> = {}): Promise<RunningTopology> {
  for (const app of mode === 'standalone' ? ['standalone'] : ['gateway', 'parser-lineprotocol', 'query-service', 'storage-writer']) {
    if (!fs.existsSync(path.join(ROOT, 'dist/apps', app, 'src/main.js'))) throw new Error(`dist/apps/${app} is missing: run \`npm run build\` first`);
  }
  const port = mode === 'standalone' ? BENCH_PORTS.standalone : BENCH_PORTS.distributed;
  await assertPortFree(port);
  if (mode === 'standalone') return topology.startStandalone({ port, logDir: LOG_DIR, env });
  await assertPortFree(BENCH_PORTS.lineProtocolGrpc);
  await assertPortFree(BENCH_PORTS.queryGrpc);
  return topology.startDistributed({ port, lpPort: BENCH_PORTS.lineProtocolGrpc, queryPort: BENCH_PORTS.queryGrpc, logDir: LOG_DIR, env });
}

export function appPids(t: RunningTopology): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, p] of Object.entries(t.apps)) if (p.child.pid) out[name] = p.child.pid;
  return out;
}

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function assertPortFree(port: number): Promise<void> {
  if (await portOpen(port)) throw new Error(`port ${port} is already in use (another benchmark running? set BENCH_PORT_* to move)`);
}

export async function assertInfra(needKafka: boolean): Promise<void> {
  try {
    const r = await chQuery('SELECT 1');
    if (r.status !== 200) throw new Error(`status ${r.status}`);
  } catch (err) {
    throw new Error(`ClickHouse at ${CLICKHOUSE_URL} does not answer (${(err as Error).message}): run \`npm run infra:start\``);
  }
  if (needKafka) {
    const [host, port] = envStr('KAFKA_BROKERS', '127.0.0.1:9092').split(',')[0].split(':');
    if (!(await portOpen(Number(port), host))) throw new Error(`Kafka at ${host}:${port} is not listening: run \`npm run infra:start\``);
  }
}

/**
 * Storage writers of other topologies on this machine: they share the consumer group, so a
 * distributed run next to them splits partitions with them and its figures mean little.
 */
export function otherStorageWriters(own: number[] = []): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || own.includes(Number(entry))) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('run-app.js')) && cmd.includes('storage-writer')) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/** Stops the topologies still running when the process is interrupted. */
export function stopOnSignals(running: Set<RunningTopology>, cleanup?: () => Promise<void>): void {
  const handler = (sig: string) => {
    console.error(`\n${sig}: stopping the topology and cleaning up`);
    Promise.allSettled([...running].map((t) => t.stop()))
      .then(() => cleanup?.())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}
