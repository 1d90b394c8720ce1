import { flatName, intervalName, quoteIdentifier, quotedFlatName, rustFloat } from './datafusion.naming';
import { IntervalValue, addInterval, civilFromDays, daysFromCivil, parseInterval, parseTimestampNanos } from './time.literal';

const ts = (text: string): bigint => {
  const v = parseTimestampNanos(text);
  if (v === undefined) throw new Error(`bad timestamp ${text}`);
  return v;
};
const iv = (text: string): IntervalValue => {
  const v = parseInterval(text);
  if (v === undefined) throw new Error(`bad interval ${text}`);
  return v;
};

describe('parseTimestampNanos', () => {
  it.each([
    ['2023-01-01', 1672531200000000000n],
    ['2023-01-01 01:10:00', 1672535400000000000n],
    ['2023-01-01T01:10:00Z', 1672535400000000000n],
    ['2023-01-01T01:10:00.5Z', 1672535400500000000n],
    ['2023-01-01T01:10:00.000000001', 1672535400000000001n],
    ['2023-01-01T09:10:00+08:00', 1672535400000000000n],
    ['1969-12-31T23:59:59Z', -1000000000n],
  ])('%s', (text, nanos) => {
    expect(parseTimestampNanos(text)).toBe(nanos);
  });

  it('rejects invalid dates', () => {
    expect(parseTimestampNanos('2023-02-30')).toBeUndefined();
    expect(parseTimestampNanos('yesterday')).toBeUndefined();
    expect(parseTimestampNanos('2023-01-01 25:00:00')).toBeUndefined();
  });

  it('round-trips civil dates', () => {
    for (const d of [-719468n, -1n, 0n, 19358n, 2932896n]) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
    }
  });
});

describe('intervals', () => {
  it('parses DataFusion interval texts', () => {
    expect(parseInterval('1 hour')).toEqual({ months: 0, days: 0, nanos: 3_600_000_000_000n });
    expect(parseInterval('2 days 3 hours')).toEqual({ months: 0, days: 2, nanos: 10_800_000_000_000n });
    expect(parseInterval('1.5 minutes')).toEqual({ months: 0, days: 0, nanos: 90_000_000_000n });
    expect(parseInterval('1 year')).toEqual({ months: 12, days: 0, nanos: 0n });
    expect(parseInterval('10')).toEqual({ months: 0, days: 0, nanos: 10_000_000_000n });
    expect(parseInterval('1 fortnight')).toBeUndefined();
  });

  it('adds months along the calendar', () => {
    const jan31 = ts('2023-01-31T12:00:00Z');
    expect(addInterval(jan31, { months: 1, days: 0, nanos: 0n }, 1)).toBe(ts('2023-02-28T12:00:00Z'));
    expect(addInterval(jan31, { months: 0, days: 1, nanos: 1n }, -1)).toBe(ts('2023-01-30T11:59:59.999999999Z'));
  });

  it('names interval literals like DataFusion 27', () => {
    expect(intervalName(iv('1 hour'))).toBe('IntervalDayTime("3600000")');
    expect(intervalName(iv('1 day'))).toBe('IntervalDayTime("4294967296")');
    expect(intervalName(iv('2 months'))).toBe('IntervalYearMonth("2")');
    expect(intervalName(iv('1 nanosecond'))).toBe('IntervalMonthDayNano("1")');
  });
});

describe('DataFusion naming', () => {
  it('quotes identifiers only when needed', () => {
    expect(quoteIdentifier('time')).toBe('time');
    expect(quoteIdentifier('Foo')).toBe('"Foo"');
    expect(quoteIdentifier('a b"c')).toBe('"a b""c"');
    expect(quotedFlatName(['t1'], 'Bar')).toBe('t1."Bar"');
    expect(flatName(['public', 'air'], 'Bar')).toBe('public.air.Bar');
  });

  it('prints floats like Rust', () => {
    expect(rustFloat(1)).toBe('1');
    expect(rustFloat(1.5)).toBe('1.5');
    expect(rustFloat(1e21)).toBe('1000000000000000000000');
    expect(rustFloat(1.5e-7)).toBe('0.00000015');
    expect(rustFloat(-2.5)).toBe('-2.5');
  });
});
