import { WritePrecision } from '@cnosdb/contracts';
import { Errors } from '@cnosdb/shared/errors';

const NS_PER_UNIT: Record<WritePrecision, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** The current time in the given unit. */
export function nowIn(precision: WritePrecision): bigint {
  const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  return ns / NS_PER_UNIT[precision];
}

/**
 * Converts timestamps in place from the request's unit to the database's: divides
 * (truncating toward zero) when the database is coarser, multiplies when it is finer and
 * answers 050014 `timestamp overflow` when a value does not fit in int64.
 */
export function convertPrecision(times: BigInt64Array, from: WritePrecision, to: WritePrecision): void {
  const f = NS_PER_UNIT[from];
  const t = NS_PER_UNIT[to];
  if (f === t) return;
  if (t > f) {
    const div = t / f;
    for (let i = 0; i < times.length; i++) times[i] = times[i] / div;
    return;
  }
  const mul = f / t;
  const max = INT64_MAX / mul;
  const min = INT64_MIN / mul;
  for (let i = 0; i < times.length; i++) {
    const v = times[i];
    if (v > max || v < min) throw Errors.timestampOverflow();
    times[i] = v * mul;
  }
}
