import {
  formatTimestampCsv,
  formatTimestampDebug,
  splitTimestamp,
  splitTimestampText,
  timestampRangeError,
  type TimestampUnit,
} from './timestamp.formatter';

function csv(value: bigint, unit: TimestampUnit): string | undefined {
  const parts = splitTimestamp(value, unit);
  return parts && formatTimestampCsv(parts);
}

function debug(value: bigint, unit: TimestampUnit): string | undefined {
  const parts = splitTimestamp(value, unit);
  return parts && formatTimestampDebug(parts);
}

// setUTCFullYear, because Date.UTC maps years 0..99 to 1900..1999.
function ms(year: number, month = 1, day = 1): bigint {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return BigInt(date.getTime());
}

describe('timestamps', () => {
  it.each<[bigint, TimestampUnit, string, string]>([
    [1665212378000000000n, 'NANOSECOND', '2022-10-08T06:59:38.000000000', '2022-10-08T06:59:38'],
    [0n, 'NANOSECOND', '1970-01-01T00:00:00.000000000', '1970-01-01T00:00:00'],
    [1n, 'NANOSECOND', '1970-01-01T00:00:00.000000001', '1970-01-01T00:00:00.000000001'],
    [-1n, 'NANOSECOND', '1969-12-31T23:59:59.999999999', '1969-12-31T23:59:59.999999999'],
    [1690510331001000000n, 'NANOSECOND', '2023-07-28T02:12:11.001000000', '2023-07-28T02:12:11.001'],
    [1690510331000001000n, 'NANOSECOND', '2023-07-28T02:12:11.000001000', '2023-07-28T02:12:11.000001'],
    [1690510331000000010n, 'NANOSECOND', '2023-07-28T02:12:11.000000010', '2023-07-28T02:12:11.000000010'],
    [1690510331123456789n, 'NANOSECOND', '2023-07-28T02:12:11.123456789', '2023-07-28T02:12:11.123456789'],
    [-9223372036854775808n, 'NANOSECOND', '1677-09-21T00:12:43.145224192', '1677-09-21T00:12:43.145224192'],
    [9223372036854775807n, 'NANOSECOND', '2262-04-11T23:47:16.854775807', '2262-04-11T23:47:16.854775807'],
    [1690510331000001n, 'MICROSECOND', '2023-07-28T02:12:11.000001000', '2023-07-28T02:12:11.000001'],
    [1n, 'MICROSECOND', '1970-01-01T00:00:00.000001000', '1970-01-01T00:00:00.000001'],
    [-1n, 'MICROSECOND', '1969-12-31T23:59:59.999999000', '1969-12-31T23:59:59.999999'],
    [1690510331001n, 'MILLISECOND', '2023-07-28T02:12:11.001000000', '2023-07-28T02:12:11.001'],
    [1690510331000n, 'MILLISECOND', '2023-07-28T02:12:11.000000000', '2023-07-28T02:12:11'],
    [-1n, 'MILLISECOND', '1969-12-31T23:59:59.999000000', '1969-12-31T23:59:59.999'],
    [ms(999, 12, 31), 'MILLISECOND', '0999-12-31T00:00:00.000000000', '0999-12-31T00:00:00'],
    [ms(0, 3, 1), 'MILLISECOND', '0000-03-01T00:00:00.000000000', '0000-03-01T00:00:00'],
    [ms(-1, 12, 31), 'MILLISECOND', '-0001-12-31T00:00:00.000000000', '-0001-12-31T00:00:00'],
    [ms(-4, 2, 29), 'MILLISECOND', '-0004-02-29T00:00:00.000000000', '-0004-02-29T00:00:00'],
    [ms(-12345, 6, 7), 'MILLISECOND', '-12345-06-07T00:00:00.000000000', '-12345-06-07T00:00:00'],
    [ms(9999, 12, 31), 'MILLISECOND', '9999-12-31T00:00:00.000000000', '9999-12-31T00:00:00'],
    [ms(10000), 'MILLISECOND', '+10000-01-01T00:00:00.000000000', '+10000-01-01T00:00:00'],
    [ms(-262144) * 1000n, 'MICROSECOND', '-262144-01-01T00:00:00.000000000', '-262144-01-01T00:00:00'],
    [
      ms(262144) * 1000n - 1n,
      'MICROSECOND',
      '+262143-12-31T23:59:59.999999000',
      '+262143-12-31T23:59:59.999999',
    ],
  ])('%p %s → %s / %s', (value, unit, csvText, debugText) => {
    expect(csv(value, unit)).toBe(csvText);
    expect(debug(value, unit)).toBe(debugText);
  });

  it.each<[bigint, TimestampUnit]>([
    [ms(-262144) * 1000n - 1n, 'MICROSECOND'],
    [ms(262144) * 1000n, 'MICROSECOND'],
    [9223372036854775807n, 'MICROSECOND'],
    [-9223372036854775808n, 'MILLISECOND'],
  ])('%p %s is outside chrono', (value, unit) => {
    expect(splitTimestamp(value, unit)).toBeUndefined();
  });

  it('names the arrow type in the range error', () => {
    expect(timestampRangeError(9223372036854775807n, 'MICROSECOND')).toBe(
      'Cast error: Failed to convert 9223372036854775807 to datetime for Timestamp(Microsecond, None)',
    );
  });
});

describe('splitTimestampText (no BigInt)', () => {
  const units: TimestampUnit[] = ['NANOSECOND', 'MICROSECOND', 'MILLISECOND'];

  it('splits non-negative counts exactly as splitTimestamp does', () => {
    const values = [0n, 1n, 999n, 1000n, 86_399_999n, 1665212378000000000n, 1690510331123456789n, 9223372036854775807n, 253402300799999n, 999999999999999999n];
    let seed = 7n;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 63n;
      values.push(seed >> BigInt(i % 40));
    }
    for (const unit of units) {
      for (const value of values) {
        const text = splitTimestampText(String(value), unit);
        // Past 15 digits of seconds the text path declines and the BigInt path answers.
        if (text !== undefined) expect(text).toEqual(splitTimestamp(value, unit));
      }
    }
  });

  it('declines negative counts and non-digits, leaving them to the general path', () => {
    for (const text of ['-1', '', '1.5', '+1', '1e9']) expect(splitTimestampText(text, 'NANOSECOND')).toBeUndefined();
  });
});
