/*
 * Line-protocol parser throughput on TSBS cpu-only lines (DESIGN section 9: >= 600k lines/s on
 * one core). Generates the body in memory (deterministic), feeds it in 1 MiB chunks with a
 * drain() after each push, as the parser service does, and prints per-run figures. The last line
 * is `lp-parse: <median> lines/s`.
 *
 * Run: node -r @swc-node/register -r tsconfig-paths/register tools/bench/lp-parse.bench.ts
 * Env: LP_LINES (default 1000000), LP_HOSTS (default 1000), LP_RUNS (default 7), LP_WARMUP (default 2),
 * LP_BATCH (default 5000: the size of the requests in the informational one-parser-per-request figure)
 */
import { LineProtocolParser } from '@cnosdb/protocols/line-protocol';

const LINES = Number(process.env.LP_LINES ?? 1_000_000);
const HOSTS = Number(process.env.LP_HOSTS ?? 1000);
const RUNS = Number(process.env.LP_RUNS ?? 7);
const WARMUP = Number(process.env.LP_WARMUP ?? 2);
const CHUNK = 1 << 20;
const BATCH = Number(process.env.LP_BATCH ?? 5000);

const REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];
const OSES = ['Ubuntu16.10', 'Ubuntu16.04LTS', 'Ubuntu15.10'];
const ARCHES = ['x64', 'x86'];
const TEAMS = ['SF', 'NYC', 'LON', 'CHI'];
const ENVS = ['production', 'staging', 'test'];
const FIELDS = [
  'usage_user',
  'usage_system',
  'usage_idle',
  'usage_nice',
  'usage_iowait',
  'usage_irq',
  'usage_softirq',
  'usage_steal',
  'usage_guest',
  'usage_guest_nice',
];

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(lines: number, hosts: number): Buffer {
  const rnd = prng(20160101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const tagSets: string[] = [];
  for (let h = 0; h < hosts; h++) {
    const region = pick(REGIONS);
    tagSets.push(
      `cpu,hostname=host_${h},region=${region},datacenter=${region}${pick(['a', 'b', 'c'])},` +
        `rack=${Math.floor(rnd() * 100)},os=${pick(OSES)},arch=${pick(ARCHES)},team=${pick(TEAMS)},` +
        `service=${Math.floor(rnd() * 20)},service_version=${Math.floor(rnd() * 2)},service_environment=${pick(ENVS)}`,
    );
  }
  const body = Buffer.allocUnsafe(lines * 400);
  let len = 0;
  let ts = 1451606400000000000n;
  for (let i = 0; i < lines; i++) {
    const h = i % hosts;
    if (i > 0 && h === 0) ts += 10_000_000_000n;
    let line = tagSets[h] + ' ';
    for (let f = 0; f < FIELDS.length; f++) {
      line += `${f === 0 ? '' : ','}${FIELDS[f]}=${Math.floor(rnd() * 100)}i`;
    }
    line += ` ${ts}\n`;
    len += body.write(line, len, 'latin1');
  }
  return body.subarray(0, len);
}

interface Timing {
  rows: number;
  ms: number;
  cpuMs: number;
}

function timed(fn: () => number): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const rows = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return { rows, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** One parser for the whole body, 1 MiB chunks, drain() after each push. */
function parseAll(body: Buffer): number {
  const parser = new LineProtocolParser({ defaultTime: 0n });
  let rows = 0;
  for (let off = 0; off < body.length; off += CHUNK) {
    parser.push(body.subarray(off, Math.min(off + CHUNK, body.length)));
    for (const t of parser.drain()) rows += t.rowCount;
  }
  parser.end();
  for (const t of parser.drain()) rows += t.rowCount;
  return rows;
}

/** One parser per request of `batch` lines, as the write path does (series seen before). */
function parseRequests(requests: Buffer[]): number {
  let rows = 0;
  for (const req of requests) {
    const parser = new LineProtocolParser({ defaultTime: 0n });
    parser.push(req);
    parser.end();
    for (const t of parser.drain()) rows += t.rowCount;
  }
  return rows;
}

function splitLines(body: Buffer, batch: number): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  let n = 0;
  for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) {
    if (++n === batch) {
      out.push(body.subarray(start, i + 1));
      start = i + 1;
      n = 0;
    }
  }
  if (start < body.length) out.push(body.subarray(start));
  return out;
}

function rate(rows: number, ms: number): number {
  return (rows / ms) * 1000;
}

function main(): void {
  const g0 = Date.now();
  const body = generate(LINES, HOSTS);
  const mb = body.length / 1e6;
  console.log(
    `generated ${LINES} lines, ${HOSTS} hosts, ${mb.toFixed(1)} MB (${(body.length / LINES).toFixed(1)} B/line) in ${Date.now() - g0} ms`,
  );
  for (let w = 0; w < WARMUP; w++) {
    const { rows, ms } = timed(() => parseAll(body));
    console.log(`warmup ${w + 1}: ${Math.round(rate(rows, ms))} lines/s`);
  }
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { rows, ms, cpuMs } = timed(() => parseAll(body));
    if (rows !== LINES) throw new Error(`parsed ${rows} rows, expected ${LINES}`);
    rates.push(rate(rows, ms));
    console.log(
      `run ${r + 1}: ${ms.toFixed(0)} ms, ${Math.round(rate(rows, ms))} lines/s, ${((mb / ms) * 1000).toFixed(1)} MB/s` +
        ` (process CPU ${cpuMs.toFixed(0)} ms: ${Math.round(rate(rows, cpuMs))} lines per CPU-second)`,
    );
  }
  const requests = splitLines(body, BATCH);
  const batchRates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const { rows, ms } = timed(() => parseRequests(requests));
    if (rows !== LINES) throw new Error(`parsed ${rows} rows, expected ${LINES}`);
    batchRates.push(rate(rows, ms));
  }
  console.log(
    `requests of ${BATCH} lines, one parser each: ${batchRates.map((x) => Math.round(x)).join(', ')} lines/s`,
  );
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`min ${Math.round(sorted[0])} lines/s, max ${Math.round(sorted[sorted.length - 1])} lines/s`);
  console.log(`lp-parse: ${Math.round(median)} lines/s`);
}

main();
