import { CnosError } from '@cnosdb/shared/errors';
import { convertPrecision, nowIn } from './precision';

describe('convertPrecision', () => {
  it('multiplies to a finer database precision', () => {
    const t = new BigInt64Array([1667456411000001n, -5n]);
    convertPrecision(t, 'us', 'ns');
    expect([...t]).toEqual([1667456411000001000n, -5000n]);
  });

  it('divides, truncating toward zero, to a coarser one', () => {
    const t = new BigInt64Array([1667456411999999999n, -1999999n]);
    convertPrecision(t, 'ns', 'ms');
    expect([...t]).toEqual([1667456411999n, -1n]);
  });

  it('answers 050014 timestamp overflow when the value does not fit', () => {
    const t = new BigInt64Array([9223372036855n]);
    try {
      convertPrecision(t, 'ms', 'ns');
      throw new Error('no error');
    } catch (err) {
      expect((err as CnosError).toBody()).toBe('{"error_code":"050014","error_message":"timestamp overflow"}');
      expect((err as CnosError).status).toBe(422);
    }
  });

  it('nowIn returns the current time in each unit', () => {
    const ms = BigInt(Date.now());
    expect(Number(nowIn('ms') - ms)).toBeLessThan(1000);
    expect(Number(nowIn('us') / 1000n - ms)).toBeLessThan(1000);
    expect(Number(nowIn('ns') / 1000000n - ms)).toBeLessThan(1000);
  });
});

describe('convertPrecision from InfluxDB units', () => {
  it('converts seconds, minutes and hours to the database unit', () => {
    const t = new BigInt64Array([1700000000n]);
    convertPrecision(t, 's', 'ns');
    expect(t[0]).toBe(1700000000000000000n);
    const m = new BigInt64Array([2n]);
    convertPrecision(m, 'm', 'ms');
    expect(m[0]).toBe(120000n);
    const h = new BigInt64Array([1n]);
    convertPrecision(h, 'h', 'us');
    expect(h[0]).toBe(3600000000n);
  });
});
