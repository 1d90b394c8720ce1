/**
 * CnosDB's `time_window` / `time_window_gapfill`: window arguments and the gap-filling plan
 * that the query engine applies to the rows ClickHouse returns (ClickHouse 18.16 has neither
 * WITH FILL nor window functions, so filling happens after the query).
 */
import { SqlSemanticError } from './sql.errors';
import { IntervalValue } from './time.literal';

const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
// CnosDB's limit for window and slide durations: (0s, 365d].
const MAX_WINDOW_NANOS = 365n * NANOS_PER_DAY;
// CnosDB counts a month as 30 days when an interval argument has months.
const NANOS_PER_MONTH = 30n * NANOS_PER_DAY;

/** Largest number of windows one row may fall into (CnosDB's planning limit). */
export const MAX_OVERLAPPING_WINDOWS = 100n;

const DURATION_UNIT_MS: Record<string, bigint> = { d: 86_400_000n, h: 3_600_000n, m: 60_000n, s: 1_000n, ms: 1n };

/** A time_window parameter error: QueryError::InvalidTimeWindowParam (code 58 of the query module). */
export function invalidTimeWindowParam(reason: string): SqlSemanticError {
  return new SqlSemanticError(`Invalid TimeWindow parameter : ${reason}`, '010058');
}

/**
 * A CnosDB duration string as time_window takes it (`10ms`, `1.5h`, `3d`): a number and one of
 * d, h, m, s, ms. The value must be a whole number of milliseconds. Returns nanoseconds.
 */
export function parseWindowDuration(text: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*(d|h|m|s|ms)\s*$/.exec(text);
  if (!m) throw invalidTimeWindowParam(`Invalid duration: ${text}`);
  const unitMs = DURATION_UNIT_MS[m[3]];
  const fraction = m[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(m[1]) * scale + BigInt(fraction === '' ? '0' : fraction)) * unitMs;
  if (scaled % scale !== 0n) throw invalidTimeWindowParam(`Invalid duration: ${text}`);
  return (scaled / scale) * NANOS_PER_MS;
}

/** An interval argument in nanoseconds (months count 30 days, as in CnosDB). */
export function intervalWindowNanos(value: IntervalValue): bigint {
  return BigInt(value.months) * NANOS_PER_MONTH + BigInt(value.days) * NANOS_PER_DAY + value.nanos;
}

/** Checks CnosDB's (0s, 365d] bound (it compares whole milliseconds). */
export function checkWindowDuration(nanos: bigint): bigint {
  const ms = nanos / NANOS_PER_MS;
  if (ms === 0n || nanos < 0n || nanos > MAX_WINDOW_NANOS + NANOS_PER_MS - 1n) {
    const secs = nanos < 0n ? 0n : nanos / 1_000_000_000n;
    throw invalidTimeWindowParam(`Max duration is (0s, 365d], but found ${secs}s`);
  }
  return nanos;
}

/** How a column of a gap-filled result gets its value in the rows that gap filling adds. */
export type GapfillFill = 'time' | 'group' | 'null' | 'locf' | 'interpolate';

/**
 * What the engine needs to fill the gaps of a `time_window_gapfill` query. The ClickHouse query
 * returns rows sorted by the group columns, then by the window start; for every group the
 * engine emits one row per window from `first` to `last` (step `step`), all in the time
 * column's unit.
 */
export interface GapfillPlan {
  /** One entry per output column. */
  fills: GapfillFill[];
  /** Output column types, to interpolate integers and floats correctly. */
  integer: boolean[];
  first: bigint;
  last: bigint;
  step: bigint;
  /** The query's ORDER BY, applied after filling (else rows stay in group, window order). */
  sort?: GapfillSortKey[];
  /** The query's LIMIT / OFFSET, applied after filling and sorting. */
  limit?: bigint;
  offset?: bigint;
}

/** One ORDER BY term over an output column; `compare` says how its canonical text orders. */
export interface GapfillSortKey {
  index: number;
  asc: boolean;
  nullsFirst: boolean;
  compare: 'integer' | 'float' | 'text';
}

/** Floor division that also works for negative numbers. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * The first and last window start that gap filling covers for the time range [lower, upper]
 * (inclusive): windows start at origin + k * slide; the first one is the earliest that still
 * contains `lower`, the last the latest that starts at or before `upper`.
 */
export function gapfillRange(lower: bigint, upper: bigint, window: bigint, slide: bigint, origin: bigint): { first: bigint; last: bigint } {
  // Smallest start > lower - window, i.e. >= lower - window + 1.
  const from = lower - window + 1n;
  const first = origin + floorDiv(from - origin + slide - 1n, slide) * slide;
  const last = origin + floorDiv(upper - origin, slide) * slide;
  return { first, last };
}
