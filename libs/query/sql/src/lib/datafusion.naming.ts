/**
 * DataFusion 27's way of printing names: the column headers of a result and the field lists in
 * its error messages (Expr::display_name / ScalarValue Debug / Column::quoted_flat_name).
 */
import { IntervalValue } from './time.literal';

/** DataFusion's quote_identifier: quote only when the name is not a plain lower-case identifier. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Column::quoted_flat_name, e.g. `t1.time` or `"Foo".bar`. */
export function quotedFlatName(qualifier: string[] | undefined, name: string): string {
  const q = qualifier === undefined || qualifier.length === 0 ? '' : `${qualifier.map(quoteIdentifier).join('.')}.`;
  return q + quoteIdentifier(name);
}

/** Column::flat_name, e.g. `t1.time`. */
export function flatName(qualifier: string[] | undefined, name: string): string {
  return qualifier === undefined || qualifier.length === 0 ? name : `${qualifier.join('.')}.${name}`;
}

/** Rust's `Display` for f64: shortest round-trip digits, never an exponent. */
export function rustFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= digits.length - 1) return sign + digits + '0'.repeat(exp - digits.length + 1);
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Name of an interval literal, following which ScalarValue variant DataFusion 27 builds. */
export function intervalName(interval: IntervalValue): string {
  if (interval.days === 0 && interval.nanos === 0n) return `IntervalYearMonth("${interval.months}")`;
  if (interval.months === 0 && interval.nanos % 1_000_000n === 0n) {
    const ms = interval.nanos / 1_000_000n;
    if (ms >= 0n && ms < 2n ** 32n) return `IntervalDayTime("${(BigInt(interval.days) << 32n) + ms}")`;
  }
  const u64 = (v: bigint, bits: bigint): bigint => BigInt.asUintN(Number(bits), v);
  const packed =
    (u64(BigInt(interval.months), 32n) << 96n) | (u64(BigInt(interval.days), 32n) << 64n) | u64(interval.nanos, 64n);
  return `IntervalMonthDayNano("${BigInt.asIntN(128, packed)}")`;
}
