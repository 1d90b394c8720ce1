import { CnosError } from '@cnosdb/shared/errors';
import { literalSource } from './information-schema';
import { castField, castTag, castTime } from './value.cast';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CnosError);
    return `${(err as CnosError).code} ${(err as CnosError).message}`;
  }
  throw new Error('expected an error');
};

describe('INSERT casts (DataFusion/arrow semantics)', () => {
  it('reads times as integers in the database precision, strings as timestamps, units converted', () => {
    expect(castTime({ type: 'INT', text: '1667456411001' }, 'ms')).toBe(1667456411001n);
    expect(castTime({ type: 'STRING', text: '2023-01-01 01:10:00' }, 'ns')).toBe(1672535400000000000n);
    expect(castTime({ type: 'STRING', text: '2023-01-01T01:10:00.123456789Z' }, 'ms')).toBe(1672535400123n);
    expect(castTime({ type: 'TIMESTAMP(MICROSECOND)', text: '5' }, 'ns')).toBe(5000n);
    expect(message(() => castTime({ type: 'DOUBLE', text: '0.1' }, 'us'))).toBe(
      '010001 Datafusion: This feature is not implemented: Unsupported CAST from Float64 to Timestamp(Microsecond, None)',
    );
    expect(message(() => castTime({ type: 'FLOAT', text: '0.1' }, 'us'))).toBe(
      '010001 Datafusion: This feature is not implemented: Unsupported CAST from Float32 to Timestamp(Microsecond, None)',
    );
    expect(message(() => castTime({ type: 'NULL', text: null }, 'ns'))).toBe('010023 Column time cannot be null.');
  });

  it('casts fields to their column type or fails with arrow’s message', () => {
    expect(castField({ type: 'INT', text: '79' }, 'DOUBLE')).toBe(79);
    expect(castField({ type: 'STRING', text: '1e3' }, 'DOUBLE')).toBe(1000);
    expect(castField({ type: 'DOUBLE', text: '1.9' }, 'BIGINT')).toBe(1n);
    expect(castField({ type: 'STRING', text: 'true' }, 'BOOLEAN')).toBe(true);
    expect(castField({ type: 'INT', text: '-5' }, 'STRING')).toBe('-5');
    expect(castField({ type: 'NULL', text: null }, 'BIGINT')).toBeUndefined();
    expect(message(() => castField({ type: 'INT', text: '-1234' }, 'BIGINT UNSIGNED'))).toBe("010002 Arrow: Cast error: Can't cast value -1234 to type UInt64");
    expect(message(() => castField({ type: 'STRING', text: 'failed' }, 'DOUBLE'))).toBe("010002 Arrow: Cast error: Cannot cast string 'failed' to value of Float64 type");
    expect(message(() => castField({ type: 'INT', text: '9223372036854775808' }, 'BIGINT'))).toBe(
      "010002 Arrow: Cast error: Can't cast value 9223372036854775808 to type Int64",
    );
  });

  it('widens a FLOAT (Float32) cell to the Float32 it stands for, and prints its own digits', () => {
    // 1.2345679 is the shortest text of the Float32 nearest 1.23456789, 1.2345678806304932.
    expect(castField({ type: 'FLOAT', text: '1.2345679' }, 'DOUBLE')).toBe(1.2345678806304932);
    // 1.234568e9 stands for the Float32 1234567936.
    expect(castField({ type: 'FLOAT', text: '1234568000' }, 'BIGINT')).toBe(1234567936n);
    expect(castField({ type: 'FLOAT', text: '1.2345679' }, 'STRING')).toBe('1.2345679');
    expect(castTag({ type: 'FLOAT', text: '0.1' })).toBe('0.1');
  });

  it('turns tag values into strings; NULL and empty are no tag', () => {
    expect(castTag({ type: 'INT', text: '007' })).toBe('7');
    expect(castTag({ type: 'STRING', text: '' })).toBeUndefined();
    expect(castTag({ type: 'NULL', text: null })).toBeUndefined();
  });
});

describe('information_schema literal source', () => {
  it('renders rows as a typed ARRAY JOIN, and an empty table as a typed empty select', () => {
    const columns = [
      { name: 'n', type: 'STRING' as const },
      { name: 'p', type: 'BIGINT UNSIGNED' as const },
      { name: 'b', type: 'BOOLEAN' as const },
    ];
    expect(literalSource(columns, [["it's", 3, true]])).toBe(
      "(SELECT tupleElement(r, 1) AS `n`, tupleElement(r, 2) AS `p`, tupleElement(r, 3) AS `b` FROM system.one ARRAY JOIN [('it\\'s', toUInt64(3), toUInt8(1))] AS r)",
    );
    expect(literalSource(columns, [])).toBe("(SELECT '' AS `n`, toUInt64(0) AS `p`, toUInt8(0) AS `b` FROM system.one WHERE 0)");
  });
});
