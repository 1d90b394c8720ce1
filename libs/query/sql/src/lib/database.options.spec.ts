import { formatByteNumber, formatCnosDuration, parseByteNumber, parseCnosDuration, resolveDatabaseOptions } from './database.options';
import { SqlParseError } from './sql.errors';

const S = 1_000_000_000n;
const DAY = 86_400n * S;

describe('CnosDB durations (CnosDuration: days, INF, humantime)', () => {
  it('reads bare integers as days, INF in any case, humantime otherwise', () => {
    expect(parseCnosDuration('10')).toBe(10n * DAY);
    expect(parseCnosDuration('inf')).toBeNull();
    expect(parseCnosDuration('INF')).toBeNull();
    expect(parseCnosDuration('10d')).toBe(10n * DAY);
    expect(parseCnosDuration('2y1M')).toBe((2n * 31_557_600n + 2_630_016n) * S);
    expect(parseCnosDuration('1h 30m')).toBe(5_400n * S);
    expect(parseCnosDuration('1M')).toBe(2_630_016n * S);
    expect(parseCnosDuration('1m')).toBe(60n * S);
    expect(parseCnosDuration('10x')).toBeUndefined();
    expect(parseCnosDuration('d')).toBeUndefined();
    expect(parseCnosDuration('')).toBeUndefined();
  });

  it('prints as humantime::format_duration (CnosDB test values)', () => {
    expect(formatCnosDuration(null)).toBe('INF');
    expect(formatCnosDuration(10n * DAY)).toBe('10days');
    expect(formatCnosDuration(1n * DAY)).toBe('1day');
    expect(formatCnosDuration(31_557_600n * S)).toBe('1year');
    expect(formatCnosDuration(parseCnosDuration('2y1M') ?? null)).toBe('2years 1month');
    expect(formatCnosDuration(parseCnosDuration('100d') ?? null)).toBe('3months 8days 16h 19m 12s');
    expect(formatCnosDuration(parseCnosDuration('1000d') ?? null)).toBe('2years 8months 25days 23h 31m 12s');
    expect(formatCnosDuration(parseCnosDuration('2d2h') ?? null)).toBe('2days 2h');
    expect(formatCnosDuration(1_500_000n)).toBe('1ms 500us');
    expect(formatCnosDuration(0n)).toBe('0s');
  });
});

describe('CnosDB byte sizes (byte_unit)', () => {
  it('reads decimal and binary units', () => {
    expect(parseByteNumber('128MiB')).toBe(128n * 1024n * 1024n);
    expect(parseByteNumber('300M')).toBe(300_000_000n);
    expect(parseByteNumber('1 KiB')).toBe(1024n);
    expect(parseByteNumber('1.5 KB')).toBe(1500n);
    expect(parseByteNumber('2048')).toBe(2048n);
    expect(parseByteNumber('12 apples')).toBeUndefined();
  });

  it('prints the largest unit not above the value, f64 as Rust prints it', () => {
    expect(formatByteNumber(128n * 1024n * 1024n)).toBe('128 MiB');
    expect(formatByteNumber(300_000_000n)).toBe('286.102294921875 MiB');
    expect(formatByteNumber(512n * 1024n ** 3n)).toBe('512 GiB');
    expect(formatByteNumber(1024n)).toBe('1 KiB');
    expect(formatByteNumber(1000n)).toBe('1 KB');
    expect(formatByteNumber(100n)).toBe('100 B');
  });
});

describe('resolveDatabaseOptions', () => {
  it('validates each written option as CnosDB’s planner does', () => {
    expect(resolveDatabaseOptions({ ttl: '10d', shard: '5', precision: 'US', wal_sync: 'true' })).toEqual({
      ttlNanos: 10n * DAY,
      shard: 5,
      precision: 'us',
      walSync: true,
    });
    const error = (o: Parameters<typeof resolveDatabaseOptions>[0]) => {
      try {
        resolveDatabaseOptions(o);
      } catch (err) {
        expect(err).toBeInstanceOf(SqlParseError);
        return (err as Error).message;
      }
      return undefined;
    };
    expect(error({ ttl: '10x' })).toBe('10x is not a valid duration or duration overflow');
    expect(error({ precision: 's' })).toBe("s is not a valid precision, use like 'ms', 'us', 'ns'");
    expect(error({ max_memcache_size: 'lots' })).toBe('lots is not a valid byte number');
    expect(error({ strict_write: 'TRUE' })).toBe("TRUE is not a valid bool value, use like 'true', 'false'");
  });
});
