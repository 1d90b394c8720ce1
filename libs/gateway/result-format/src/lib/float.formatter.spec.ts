import { formatFloatDisplay, formatFloatJson, parseDouble } from './float.formatter';

describe('formatFloatDisplay (arrow-cast 42 / lexical-core)', () => {
  it.each<[number, string]>([
    [1, '1.0'],
    [79, '79.0'],
    [0.1, '0.1'],
    [10.5, '10.5'],
    [-2.5, '-2.5'],
    [123.456, '123.456'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e9, '1000000000.0'],
    [1234567890.5, '1234567890.5'],
    [1e10, '1.0e10'],
    [12345678901.5, '1.23456789015e10'],
    [1e20, '1.0e20'],
    [-1e20, '-1.0e20'],
    [1e-5, '0.00001'],
    [1.5e-5, '0.000015'],
    [1e-6, '1.0e-6'],
    [1e-7, '1.0e-7'],
    [1.5e300, '1.5e300'],
    [5e-324, '5.0e-324'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [0.30000000000000004, '0.30000000000000004'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'NaN'],
  ])('%p → %s', (value, text) => {
    expect(formatFloatDisplay(value)).toBe(text);
  });
});

describe('formatFloatJson (serde_json / ryu)', () => {
  it.each<[number, string]>([
    [1, '1.0'],
    [10.5, '10.5'],
    [0.1, '0.1'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e15, '1000000000000000.0'],
    [123456789012345.6, '123456789012345.6'],
    [1e16, '1e16'],
    [1.2345678901234568e17, '1.2345678901234568e17'],
    [1e20, '1e20'],
    [-1e20, '-1e20'],
    [1e-5, '0.00001'],
    [1e-6, '1e-6'],
    [1e-7, '1e-7'],
    [2.5e-7, '2.5e-7'],
    [1.5e300, '1.5e300'],
    [5e-324, '5e-324'],
  ])('%p → %s', (value, text) => {
    expect(formatFloatJson(value)).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity])('%p has no JSON number', (value) => {
    expect(formatFloatJson(value)).toBeUndefined();
  });
});

describe('parseDouble', () => {
  it.each<[string, number]>([
    ['1', 1],
    ['-0.5', -0.5],
    ['1e20', 1e20],
    ['1.5E-7', 1.5e-7],
    ['.5', 0.5],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
  ])('%p → %p', (text, value) => {
    expect(parseDouble(text)).toBe(value);
  });

  it('reads nan in any case', () => {
    expect(parseDouble('nan')).toBeNaN();
    expect(parseDouble('NaN')).toBeNaN();
  });

  it.each(['', 'abc', '0x10', '1,5', '--1'])('%p is not a double', (text) => {
    expect(parseDouble(text)).toBeUndefined();
  });
});

describe('round trip', () => {
  it('reads back every formatted double exactly', () => {
    const view = new DataView(new ArrayBuffer(8));
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    for (let i = 0; i < 20_000; i++) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      const value = view.getFloat64(0);
      if (!Number.isFinite(value)) continue;
      expect(Number(formatFloatDisplay(value))).toBe(value);
      expect(Number(formatFloatJson(value))).toBe(value);
    }
  });
});

describe('plain-notation fast path', () => {
  // The layout rules written out from the shortest digits, independently of the formatter.
  const layout = (value: number): string => {
    const [mantissa, exp] = Math.abs(value).toExponential().split('e');
    const digits = mantissa.replace('.', '');
    const exponent = Number(exp);
    const sign = value < 0 ? '-' : '';
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (exponent + 1 >= digits.length) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  };

  it.each([1e-5, 1.5e-5, 0.1, 1, 79, 123.456, 999999999.5, 9999999999.999998, 1e9, -0.5, -1e-5])('%p', (value) => {
    expect(formatFloatDisplay(value)).toBe(layout(value));
    expect(formatFloatJson(value)).toBe(layout(value));
  });

  it('JSON keeps plain notation up to exponent 15', () => {
    expect(formatFloatJson(2 ** 53)).toBe('9007199254740992.0');
    expect(formatFloatDisplay(2 ** 53)).toBe('9.007199254740992e15');
  });

  it('agrees with the digit layout across the plain range', () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const value = (next() < 0.5 ? -1 : 1) * 10 ** (next() * 21 - 5) * (1 + next());
      const exponent = Math.floor(Math.log10(Math.abs(value)));
      if (exponent >= -5 && exponent <= 9) expect(formatFloatDisplay(value)).toBe(layout(value));
      if (exponent >= -5 && exponent <= 15) expect(formatFloatJson(value)).toBe(layout(value));
    }
  });
});
