import { Precision } from '@cnosdb/contracts';
import { Errors } from '@cnosdb/shared/errors';

const PER_SECOND: Record<Precision, bigint> = { ns: 1_000_000_000n, us: 1_000_000n, ms: 1000n };
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** The current time in the given precision. */
export function nowIn(precision: Precision): bigint {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  if (precision === 'ns') return micros * 1000n;
  if (precision === 'us') return micros;
  return micros / 1000n;
}

/**
 * Converts timestamps in place from the request's precision to the database's: divides
 * (truncating) when the database is coarser, multiplies when it is finer and answers
 * 050014 `timestamp overflow` when a value does not fit in int64.
 */
export function convertPrecision(times: BigInt64Array, from: Precision, to: Precision): void {
  if (from === to) return;
  const f = PER_SECOND[from];
  const t = PER_SECOND[to];
  if (t < f) {
    const div = f / t;
    for (let i = 0; i < times.length; i++) times[i] = times[i] / div;
    return;
  }
  const mul = t / f;
  const max = INT64_MAX / mul;
  const min = INT64_MIN / mul;
  for (let i = 0; i < times.length; i++) {
    const v = times[i];
    if (v > max || v < min) throw Errors.timestampOverflow();
    times[i] = v * mul;
  }
}

