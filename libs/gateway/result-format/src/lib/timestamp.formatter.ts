/** Units a TIMESTAMP(...) column can carry. */
export type TimestampUnit = 'NANOSECOND' | 'MICROSECOND' | 'MILLISECOND';

/** A timestamp broken into proleptic-Gregorian UTC fields, as chrono's NaiveDateTime holds it. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}

const UNITS_PER_SECOND: Record<TimestampUnit, bigint> = {
  NANOSECOND: 1_000_000_000n,
  MICROSECOND: 1_000_000n,
  MILLISECOND: 1_000n,
};

const ARROW_UNIT_NAME: Record<TimestampUnit, string> = {
  NANOSECOND: 'Nanosecond',
  MICROSECOND: 'Microsecond',
  MILLISECOND: 'Millisecond',
};

// chrono 0.4: MIN_YEAR = i32::MIN >> 13, MAX_YEAR = i32::MAX >> 13.
const MIN_YEAR = -262_144;
const MAX_YEAR = 262_143;

/**
 * Splits an epoch count (integer text) in `unit` into date-time fields the way arrow 42's
 * `as_datetime` does (`div_euclid`/`rem_euclid`, so -1 ns is 1969-12-31T23:59:59.999999999).
 * Returns undefined outside chrono's range (only reachable with µs/ms values), where arrow
 * fails with the error text from {@link timestampRangeError}.
 */
export function splitTimestamp(value: bigint, unit: TimestampUnit): DateTimeParts | undefined {
  const perSecond = UNITS_PER_SECOND[unit];
  const seconds = floorDiv(value, perSecond);
  const nanosecond = Number(floorMod(value, perSecond) * (1_000_000_000n / perSecond));
  const days = Number(floorDiv(seconds, 86_400n));
  const secondOfDay = Number(floorMod(seconds, 86_400n));
  return fromDays(days, secondOfDay, nanosecond);
}

const FRACTION_DIGITS: Record<TimestampUnit, number> = { NANOSECOND: 9, MICROSECOND: 6, MILLISECOND: 3 };

/**
 * splitTimestamp for the text of a non-negative epoch count without BigInt (the common case,
 * and BigInt arithmetic dominated rendering large results); undefined when the text is not
 * such a count with at most 15 digits of seconds (exact in a double), so that the caller
 * takes the general path.
 */
export function splitTimestampText(text: string, unit: TimestampUnit): DateTimeParts | undefined {
  const digits = FRACTION_DIGITS[unit];
  if (text.length > digits + 15 || !UNSIGNED.test(text)) return undefined;
  const cut = text.length - digits;
  const seconds = cut > 0 ? Number(text.slice(0, cut)) : 0;
  const nanosecond = Number(cut > 0 ? text.slice(cut) : text) * 10 ** (9 - digits);
  return fromDays(Math.floor(seconds / 86_400), seconds % 86_400, nanosecond);
}

const UNSIGNED = /^\d+$/;

function fromDays(days: number, secondOfDay: number, nanosecond: number): DateTimeParts | undefined {
  const { year, month, day } = civilFromDays(days);
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
    nanosecond,
  };
}

/** arrow 42's error text for a timestamp chrono cannot represent. */
export function timestampRangeError(value: bigint, unit: TimestampUnit): string {
  return `Cast error: Failed to convert ${value} to datetime for Timestamp(${ARROW_UNIT_NAME[unit]}, None)`;
}

/**
 * arrow-csv 42's default timestamp format `%FT%H:%M:%S.%9f`: always nine fraction digits,
 * no zone (`2022-10-08T06:59:38.000000000`).
 */
export function formatTimestampCsv(parts: DateTimeParts): string {
  return `${dateAndTime(parts)}.${pad(parts.nanosecond, 9)}`;
}

/**
 * chrono's `Debug` for NaiveDateTime, which arrow-cast 42 uses when no format is set (JSON and
 * table): the fraction is left out when zero, else 3, 6 or 9 digits (`…:11`, `…:11.001`,
 * `…:11.000001`, `…:00.000000001`).
 */
export function formatTimestampDebug(parts: DateTimeParts): string {
  const base = dateAndTime(parts);
  const ns = parts.nanosecond;
  if (ns === 0) return base;
  if (ns % 1_000_000 === 0) return `${base}.${pad(ns / 1_000_000, 3)}`;
  if (ns % 1_000 === 0) return `${base}.${pad(ns / 1_000, 6)}`;
  return `${base}.${pad(ns, 9)}`;
}

function dateAndTime(p: DateTimeParts): string {
  return (
    `${formatYear(p.year)}-${pad(p.month, 2)}-${pad(p.day, 2)}` +
    `T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`
  );
}

// chrono writes years outside 0..=9999 with an explicit sign, zero-padded to 4 digits
// (`{:+05}`): -1 → "-0001", 10000 → "+10000". Both `%Y`/`%F` and Debug do this.
function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 4)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

// Howard Hinnant's civil_from_days; exact for any day count below 2^53.
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
