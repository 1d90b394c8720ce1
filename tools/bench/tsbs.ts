/*
 * TSBS cpu-only style data, generated on the fly and deterministically: row i of the
 * infinite sequence is host (i % hosts) at time start + floor(i / hosts) * step, with 10 tags
 * (hostname, region, datacenter, rack, os, arch, team, service, service_version,
 * service_environment) and 10 integer fields (usage_user … usage_guest_nice, 0–99), about 345
 * bytes a line as line protocol. The same rows render as line protocol (for our API) or as
 * TabSeparated (for ClickHouse's own insert), so both sides load exactly the same data.
 */

export const TSBS_START_NS = 1451606400n * 1_000_000_000n; // 2016-01-01T00:00:00Z, TSBS's default start
export const TSBS_STEP_NS = 10_000_000_000n; // 10 s

const REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];
const OSES = ['Ubuntu16.10', 'Ubuntu16.04LTS', 'Ubuntu15.10'];
const ARCHES = ['x64', 'x86'];
const TEAMS = ['SF', 'NYC', 'LON', 'CHI'];
const ENVS = ['production', 'staging', 'test'];

export const TSBS_TAGS = ['hostname', 'region', 'datacenter', 'rack', 'os', 'arch', 'team', 'service', 'service_version', 'service_environment'] as const;
export const TSBS_FIELDS = [
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
] as const;

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TsbsOptions {
  hosts: number;
  /** Measurement (table) name. */
  measurement?: string;
  startNs?: bigint;
  stepNs?: bigint;
  seed?: number;
}

export class TsbsCpu {
  readonly hosts: number;
  readonly measurement: string;
  readonly startNs: bigint;
  readonly stepNs: bigint;
  /** Tag values per host, in TSBS_TAGS order. */
  readonly tagValues: string[][];
  private readonly lpPrefix: string[];
  private readonly tsvPrefix: string[];
  private readonly startSec: number;
  private readonly stepSec: number;

  constructor(opts: TsbsOptions) {
    this.hosts = opts.hosts;
    this.measurement = opts.measurement ?? 'cpu';
    this.startNs = opts.startNs ?? TSBS_START_NS;
    this.stepNs = opts.stepNs ?? TSBS_STEP_NS;
    if (this.startNs % 1_000_000_000n !== 0n || this.stepNs % 1_000_000_000n !== 0n) throw new Error('start and step must be whole seconds');
    this.startSec = Number(this.startNs / 1_000_000_000n);
    this.stepSec = Number(this.stepNs / 1_000_000_000n);
    const rnd = prng(opts.seed ?? 20160101);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    this.tagValues = [];
    for (let h = 0; h < this.hosts; h++) {
      const region = pick(REGIONS);
      this.tagValues.push([
        `host_${h}`,
        region,
        `${region}${pick(['a', 'b', 'c'])}`,
        String(Math.floor(rnd() * 100)),
        pick(OSES),
        pick(ARCHES),
        pick(TEAMS),
        String(Math.floor(rnd() * 20)),
        String(Math.floor(rnd() * 2)),
        pick(ENVS),
      ]);
    }
    this.lpPrefix = this.tagValues.map((v) => `${this.measurement},` + TSBS_TAGS.map((t, i) => `${t}=${v[i]}`).join(',') + ' ');
    this.tsvPrefix = this.tagValues.map((v) => '\t' + v.join('\t'));
  }

  /** Host index and timestamp (ns) of row i. */
  rowKey(i: number): { host: number; hostname: string; timeNs: bigint } {
    const host = i % this.hosts;
    return { host, hostname: this.tagValues[host][0], timeNs: this.startNs + BigInt(Math.floor(i / this.hosts)) * this.stepNs };
  }

  /** Nanosecond timestamp of row i as decimal text (whole seconds, so no BigInt on the hot path). */
  private timeText(i: number): string {
    return `${this.startSec + Math.floor(i / this.hosts) * this.stepSec}000000000`;
  }

  /** The 10 field values of row i (deterministic in i). */
  private fieldValues(i: number, out: number[]): void {
    // One mixing step per row, then a cheap xorshift per field.
    let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35;
    for (let f = 0; f < 10; f++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[f] = (x >>> 0) % 100;
    }
  }

  /** Rows [from, from + count) as line protocol (one line each, newline-terminated). */
  lineProtocol(from: number, count: number): string {
    const parts: string[] = new Array(count);
    const v = new Array<number>(10);
    for (let k = 0; k < count; k++) {
      const i = from + k;
      this.fieldValues(i, v);
      parts[k] =
        this.lpPrefix[i % this.hosts] +
        `usage_user=${v[0]}i,usage_system=${v[1]}i,usage_idle=${v[2]}i,usage_nice=${v[3]}i,usage_iowait=${v[4]}i,` +
        `usage_irq=${v[5]}i,usage_softirq=${v[6]}i,usage_steal=${v[7]}i,usage_guest=${v[8]}i,usage_guest_nice=${v[9]}i ` +
        this.timeText(i) +
        '\n';
    }
    return parts.join('');
  }

  /** Rows [from, from + count) as TabSeparated: time, the 10 tags, the 10 fields, then `version` + i. */
  tsv(from: number, count: number, version = 1): string {
    const parts: string[] = new Array(count);
    const v = new Array<number>(10);
    for (let k = 0; k < count; k++) {
      const i = from + k;
      this.fieldValues(i, v);
      parts[k] = this.timeText(i) + this.tsvPrefix[i % this.hosts] + '\t' + v.join('\t') + '\t' + (version + i) + '\n';
    }
    return parts.join('');
  }
}
