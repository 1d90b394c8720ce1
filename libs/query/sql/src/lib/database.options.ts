/**
 * CnosDB's database options: how CREATE/ALTER DATABASE values are read (CnosDuration,
 * CnosByteNumber, Precision, bool) and how DESCRIBE DATABASE prints them (humantime's
 * format_duration, byte_unit's appropriate unit). Pure functions, exact with BigInt.
 */
import { DatabaseOptionsAst } from './sql.ast';
import { SqlParseError } from './sql.errors';
import { rustFloat } from './datafusion.naming';

const NS_PER_SEC = 1_000_000_000n;
// humantime's calendar: a year is 365.25 days, a month 30.44 days.
const YEAR_SECS = 31_557_600n;
const MONTH_SECS = 2_630_016n;
const DAY_SECS = 86_400n;

const DURATION_UNITS: Record<string, bigint> = {
  nanos: 1n, nsec: 1n, ns: 1n,
  usec: 1_000n, us: 1_000n, 'µs': 1_000n,
  millis: 1_000_000n, msec: 1_000_000n, ms: 1_000_000n,
  seconds: NS_PER_SEC, second: NS_PER_SEC, secs: NS_PER_SEC, sec: NS_PER_SEC, s: NS_PER_SEC,
  minutes: 60n * NS_PER_SEC, minute: 60n * NS_PER_SEC, min: 60n * NS_PER_SEC, mins: 60n * NS_PER_SEC, m: 60n * NS_PER_SEC,
  hours: 3_600n * NS_PER_SEC, hour: 3_600n * NS_PER_SEC, hr: 3_600n * NS_PER_SEC, hrs: 3_600n * NS_PER_SEC, h: 3_600n * NS_PER_SEC,
  days: DAY_SECS * NS_PER_SEC, day: DAY_SECS * NS_PER_SEC, d: DAY_SECS * NS_PER_SEC,
  weeks: 7n * DAY_SECS * NS_PER_SEC, week: 7n * DAY_SECS * NS_PER_SEC, w: 7n * DAY_SECS * NS_PER_SEC,
  months: MONTH_SECS * NS_PER_SEC, month: MONTH_SECS * NS_PER_SEC, M: MONTH_SECS * NS_PER_SEC,
  years: YEAR_SECS * NS_PER_SEC, year: YEAR_SECS * NS_PER_SEC, y: YEAR_SECS * NS_PER_SEC,
};

const U64_MAX = (1n << 64n) - 1n;

/**
 * CnosDuration::new: a bare integer is days, `INF` (any case) is infinite, anything else is
 * humantime (`10d`, `2y1M`, `1h 30m`). Returns nanoseconds, null for INF, undefined if invalid.
 */
export function parseCnosDuration(text: string): bigint | null | undefined {
  if (/^\+?\d+$/.test(text)) {
    const days = BigInt(text);
    return days > U64_MAX ? undefined : days > U64_MAX / DAY_SECS ? null : days * DAY_SECS * NS_PER_SEC;
  }
  if (text.toUpperCase() === 'INF') return null;
  const s = text.trim();
  if (s === '') return undefined;
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    const num = /^\d+/.exec(s.slice(i));
    if (!num) return undefined;
    i += num[0].length;
    while (s[i] === ' ') i++;
    const unit = /^[a-zA-Zµ]+/.exec(s.slice(i));
    if (!unit) return undefined;
    const factor = DURATION_UNITS[unit[0]];
    if (factor === undefined) return undefined;
    i += unit[0].length;
    total += BigInt(num[0]) * factor;
    while (s[i] === ' ') i++;
  }
  // std::time::Duration holds u64 seconds.
  return total / NS_PER_SEC > U64_MAX ? undefined : total;
}

/** humantime::format_duration (and CnosDuration's `INF`). */
export function formatCnosDuration(nanos: bigint | null): string {
  if (nanos === null) return 'INF';
  const secs = nanos / NS_PER_SEC;
  const sub = nanos % NS_PER_SEC;
  if (secs === 0n && sub === 0n) return '0s';
  const years = secs / YEAR_SECS;
  const ydays = secs % YEAR_SECS;
  const months = ydays / MONTH_SECS;
  const mdays = ydays % MONTH_SECS;
  const days = mdays / DAY_SECS;
  const daySecs = mdays % DAY_SECS;
  const parts: string[] = [];
  const plural = (v: bigint, name: string) => v > 0n && parts.push(`${v}${name}${v > 1n ? 's' : ''}`);
  const item = (v: bigint, name: string) => v > 0n && parts.push(`${v}${name}`);
  plural(years, 'year');
  plural(months, 'month');
  plural(days, 'day');
  item(daySecs / 3600n, 'h');
  item((daySecs % 3600n) / 60n, 'm');
  item(daySecs % 60n, 's');
  item(sub / 1_000_000n, 'ms');
  item((sub / 1000n) % 1000n, 'us');
  item(sub % 1000n, 'ns');
  return parts.join(' ');
}

const BYTE_PREFIX: Record<string, bigint> = {
  '': 1n,
  K: 1000n, KI: 1024n,
  M: 1000n ** 2n, MI: 1024n ** 2n,
  G: 1000n ** 3n, GI: 1024n ** 3n,
  T: 1000n ** 4n, TI: 1024n ** 4n,
  P: 1000n ** 5n, PI: 1024n ** 5n,
  E: 1000n ** 6n, EI: 1024n ** 6n,
};

/**
 * byte_unit's Byte::from_str: a decimal number, optional spaces, an optional unit such as
 * `K`, `KiB`, `MB`, `M`, `GiB`; a lower-case trailing `b` means bits. Undefined if invalid.
 */
export function parseByteNumber(text: string): bigint | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kKmMgGtTpPeE])(i)?)?([bB])?\s*$/.exec(text);
  if (!m) return undefined;
  const [, num, prefix = '', binary = '', bUnit = 'B'] = m;
  const factor = BYTE_PREFIX[prefix.toUpperCase() + (binary ? 'I' : '')];
  const [intPart, frac = ''] = num.split('.');
  const scale = 10n ** BigInt(frac.length);
  let bytes = (BigInt(intPart + frac) * factor) / scale;
  if (bUnit === 'b') bytes /= 8n;
  return bytes > U64_MAX ? undefined : bytes;
}

// Units in the order byte_unit walks them for UnitType::Both (largest first).
const BYTE_UNITS: [string, bigint][] = [
  ['EiB', 1024n ** 6n], ['EB', 1000n ** 6n],
  ['PiB', 1024n ** 5n], ['PB', 1000n ** 5n],
  ['TiB', 1024n ** 4n], ['TB', 1000n ** 4n],
  ['GiB', 1024n ** 3n], ['GB', 1000n ** 3n],
  ['MiB', 1024n ** 2n], ['MB', 1000n ** 2n],
  ['KiB', 1024n], ['KB', 1000n],
];

/** byte_unit's get_appropriate_unit(UnitType::Both), displayed with Rust's f64 formatting: `128 MiB`. */
export function formatByteNumber(bytes: bigint): string {
  for (const [name, size] of BYTE_UNITS) {
    if (bytes >= size) return `${rustFloat(Number(bytes) / Number(size))} ${name}`;
  }
  return `${bytes} B`;
}

/** A database's options, resolved and validated: what is stored and what DESCRIBE shows. */
export interface ResolvedDatabaseOptions {
  /** TTL in nanoseconds; null = INF. */
  ttlNanos?: bigint | null;
  shard?: number;
  vnodeDurationNanos?: bigint | null;
  replica?: number;
  precision?: 'ns' | 'us' | 'ms';
  maxMemcacheSize?: bigint;
  memcachePartitions?: number;
  walMaxFileSize?: bigint;
  walSync?: boolean;
  strictWrite?: boolean;
  maxCacheReaders?: number;
}

function duration(text: string): bigint | null {
  const v = parseCnosDuration(text);
  if (v === undefined) throw new SqlParseError(`${text} is not a valid duration or duration overflow`);
  return v;
}

function bytes(text: string): bigint {
  const v = parseByteNumber(text);
  if (v === undefined) throw new SqlParseError(`${text} is not a valid byte number`);
  return v;
}

function bool(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new SqlParseError(`${text} is not a valid bool value, use like 'true', 'false'`);
}

/**
 * The planner's checks of CREATE/ALTER DATABASE values (make_database_option/config); errors
 * are CnosDB's parser errors. Only the options written come back.
 */
export function resolveDatabaseOptions(ast: DatabaseOptionsAst): ResolvedDatabaseOptions {
  const out: ResolvedDatabaseOptions = {};
  if (ast.ttl !== undefined) out.ttlNanos = duration(ast.ttl);
  if (ast.shard !== undefined) out.shard = Number(ast.shard);
  if (ast.vnode_duration !== undefined) out.vnodeDurationNanos = duration(ast.vnode_duration);
  if (ast.replica !== undefined) out.replica = Number(ast.replica);
  if (ast.precision !== undefined) {
    const p = ast.precision.toLowerCase();
    if (p !== 'ms' && p !== 'us' && p !== 'ns') throw new SqlParseError(`${ast.precision} is not a valid precision, use like 'ms', 'us', 'ns'`);
    out.precision = p;
  }
  if (ast.max_memcache_size !== undefined) out.maxMemcacheSize = bytes(ast.max_memcache_size);
  if (ast.memcache_partitions !== undefined) out.memcachePartitions = Number(ast.memcache_partitions);
  if (ast.wal_max_file_size !== undefined) out.walMaxFileSize = bytes(ast.wal_max_file_size);
  if (ast.wal_sync !== undefined) out.walSync = bool(ast.wal_sync);
  if (ast.strict_write !== undefined) out.strictWrite = bool(ast.strict_write);
  if (ast.max_cache_readers !== undefined) out.maxCacheReaders = Number(ast.max_cache_readers);
  return out;
}
