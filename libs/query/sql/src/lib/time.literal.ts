/** Time literal helpers: timestamp strings and INTERVAL values, computed exactly with BigInt. */

export type TimeUnitName = 'ns' | 'us' | 'ms';

/** Nanoseconds per unit. */
export const NANOS_PER: Record<TimeUnitName, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n };

const NANOS_PER_DAY = 86_400_000_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): bigint {
  const y = BigInt(month <= 2 ? year - 1 : year);
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const m = BigInt(month);
  const doy = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + BigInt(day) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(days: bigint): { year: number; month: number; day: number } {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  return { year: Number(m <= 2n ? y + 1n : y), month: Number(m), day: Number(d) };
}

const daysInMonth = (year: number, month: number): number =>
  [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses the timestamp forms arrow accepts when DataFusion casts a string to a timestamp
 * (`2023-01-01`, `2023-01-01 01:10:00`, `2023-01-01T01:10:00.5Z`, `…+08:00`); no zone means UTC.
 * Returns nanoseconds since the epoch, or undefined if the text is not a timestamp.
 */
export function parseTimestampNanos(text: string): bigint | undefined {
  const m = TIMESTAMP_RE.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'));
  let offsetSeconds = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hh = Number(digits.slice(0, 2));
    const mm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hh > 23 || mm > 59) return undefined;
    offsetSeconds = (zone[0] === '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  }
  const seconds = daysFromCivil(year, month, day) * 86400n + BigInt(hour * 3600 + minute * 60 + second - offsetSeconds);
  return seconds * 1_000_000_000n + fraction;
}

/** An interval as DataFusion keeps it: months, days and nanoseconds, each signed. */
export interface IntervalValue {
  months: number;
  days: number;
  nanos: bigint;
}

const INTERVAL_UNITS: Record<string, { months?: number; days?: number; nanos?: bigint }> = {
  millennium: { months: 12000 },
  millenium: { months: 12000 },
  century: { months: 1200 },
  decade: { months: 120 },
  year: { months: 12 },
  quarter: { months: 3 },
  month: { months: 1 },
  week: { days: 7 },
  day: { days: 1 },
  hour: { nanos: 3_600_000_000_000n },
  minute: { nanos: 60_000_000_000n },
  second: { nanos: 1_000_000_000n },
  millisecond: { nanos: 1_000_000n },
  microsecond: { nanos: 1_000n },
  nanosecond: { nanos: 1n },
};

/**
 * Parses an interval text such as `1 hour`, `2 days 3 hours` or `1.5 minutes` (DataFusion's
 * parse_interval; a bare number means seconds). Returns undefined when the text is invalid.
 */
export function parseInterval(text: string): IntervalValue | undefined {
  const parts = text.trim().toLowerCase().split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const result: IntervalValue = { months: 0, days: 0, nanos: 0n };
  for (let i = 0; i < parts.length; i += 2) {
    const amountText = parts[i];
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(amountText)) return undefined;
    let unitName = parts[i + 1] ?? 'second';
    if (unitName.endsWith('s') && INTERVAL_UNITS[unitName.slice(0, -1)] !== undefined) unitName = unitName.slice(0, -1);
    const unit = INTERVAL_UNITS[unitName];
    if (unit === undefined) return undefined;
    const [whole, frac = ''] = amountText.replace(/^[+-]/, '').split('.');
    const sign = amountText.startsWith('-') ? -1n : 1n;
    // Fractions carry down into smaller units the way DataFusion does it (months → days → nanos).
    const scaled = (BigInt(whole === '' ? '0' : whole) * 10n ** 9n + BigInt(frac.padEnd(9, '0').slice(0, 9))) * sign;
    if (unit.months !== undefined) {
      const totalMonths = scaled * BigInt(unit.months);
      const monthsWhole = totalMonths / 1_000_000_000n;
      result.months += Number(monthsWhole);
      const remDays = ((totalMonths - monthsWhole * 1_000_000_000n) * 30n);
      const daysWhole = remDays / 1_000_000_000n;
      result.days += Number(daysWhole);
      result.nanos += ((remDays - daysWhole * 1_000_000_000n) * NANOS_PER_DAY) / 1_000_000_000n;
    } else if (unit.days !== undefined) {
      const totalDays = scaled * BigInt(unit.days);
      const daysWhole = totalDays / 1_000_000_000n;
      result.days += Number(daysWhole);
      result.nanos += ((totalDays - daysWhole * 1_000_000_000n) * NANOS_PER_DAY) / 1_000_000_000n;
    } else {
      result.nanos += (scaled * (unit.nanos ?? 0n)) / 1_000_000_000n;
    }
  }
  return result;
}

/** The interval's length in nanoseconds when it has no month part. */
export function fixedIntervalNanos(interval: IntervalValue): bigint | undefined {
  if (interval.months !== 0) return undefined;
  return BigInt(interval.days) * NANOS_PER_DAY + interval.nanos;
}

/** Adds (sign 1) or subtracts (sign -1) an interval to a timestamp in nanoseconds; months follow the calendar. */
export function addInterval(timestampNanos: bigint, interval: IntervalValue, sign: 1 | -1): bigint {
  let result = timestampNanos;
  if (interval.months !== 0) {
    const days = result >= 0n ? result / NANOS_PER_DAY : (result - NANOS_PER_DAY + 1n) / NANOS_PER_DAY;
    const within = result - days * NANOS_PER_DAY;
    const date = civilFromDays(days);
    const totalMonths = date.year * 12 + (date.month - 1) + sign * interval.months;
    const year = Math.floor(totalMonths / 12);
    const month = totalMonths - year * 12 + 1;
    const day = Math.min(date.day, daysInMonth(year, month));
    result = daysFromCivil(year, month, day) * NANOS_PER_DAY + within;
  }
  return result + BigInt(sign) * (BigInt(interval.days) * NANOS_PER_DAY + interval.nanos);
}

/** Converts nanoseconds to a coarser unit the way arrow casts do: truncating toward zero. */
export function nanosToUnit(nanos: bigint, unit: TimeUnitName): bigint {
  return nanos / NANOS_PER[unit];
}
