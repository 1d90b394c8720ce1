import {
  F,
  HI,
  LO,
  W,
  parseF64,
  parseI64PrefixWords,
  parseI64Words,
  parseU64Words,
} from './number-parse.util';

function b(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** The int64 the words in W denote, read through a BigInt64Array as the builders do. */
function i64(): bigint {
  const a = new BigInt64Array(1);
  const w = new Int32Array(a.buffer);
  w[LO] = W[0];
  w[HI] = W[1];
  return a[0];
}

function u64(): bigint {
  const a = new BigUint64Array(1);
  const w = new Int32Array(a.buffer);
  w[LO] = W[0];
  w[HI] = W[1];
  return a[0];
}

function parsesI64(s: string): bigint | undefined {
  const buf = b(s);
  return parseI64Words(buf, 0, buf.length) ? i64() : undefined;
}

function parsesU64(s: string): bigint | undefined {
  const buf = b(s);
  return parseU64Words(buf, 0, buf.length) ? u64() : undefined;
}

function parsesF64(s: string): number | undefined {
  const buf = b(s);
  return parseF64(buf, 0, buf.length) ? F[0] : undefined;
}

/** Deterministic 64-bit random values (xorshift). */
function* randomBigInts(count: number): Generator<bigint> {
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < count; i++) {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    // Vary the magnitude so that every digit count is covered.
    yield x >> BigInt(i % 64);
  }
}

describe('parseI64Words (atoi_simd::parse::<i64>)', () => {
  it('parses the range edges exactly', () => {
    expect(parsesI64('0')).toBe(0n);
    expect(parsesI64('-0')).toBe(0n);
    expect(parsesI64('1')).toBe(1n);
    expect(parsesI64('-1')).toBe(-1n);
    expect(parsesI64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parsesI64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parsesI64('1451606400000000000')).toBe(1451606400000000000n);
    expect(parsesI64('-1451606400000000001')).toBe(-1451606400000000001n);
    expect(parsesI64('4294967296')).toBe(4294967296n);
    expect(parsesI64('-4294967296')).toBe(-4294967296n);
    expect(parsesI64('999999999999999')).toBe(999999999999999n);
    expect(parsesI64('9999999999999999')).toBe(9999999999999999n);
    expect(parsesI64('0000000000000000001')).toBe(1n);
  });

  it('rejects overflow, signs other than a leading minus, and non-digits', () => {
    expect(parsesI64('9223372036854775808')).toBeUndefined();
    expect(parsesI64('-9223372036854775809')).toBeUndefined();
    expect(parsesI64('10000000000000000000')).toBeUndefined();
    expect(parsesI64('00000000000000000001')).toBeUndefined();
    expect(parsesI64('+1')).toBeUndefined();
    expect(parsesI64('-')).toBeUndefined();
    expect(parsesI64('')).toBeUndefined();
    expect(parsesI64('--1')).toBeUndefined();
    expect(parsesI64('1a')).toBeUndefined();
    expect(parsesI64(' 1')).toBeUndefined();
    expect(parsesI64('1.0')).toBeUndefined();
  });

  it('matches BigInt for many values of every length', () => {
    for (const x of randomBigInts(2000)) {
      const v = BigInt.asIntN(64, x);
      expect(parsesI64(v.toString())).toBe(v);
      expect(parsesI64((-v).toString())).toBe(v === -9223372036854775808n ? undefined : -v);
    }
  });
});

describe('parseU64Words (atoi_simd::parse_pos::<u64>)', () => {
  it('parses the range edges exactly', () => {
    expect(parsesU64('0')).toBe(0n);
    expect(parsesU64('18446744073709551615')).toBe(18446744073709551615n);
    expect(parsesU64('9223372036854775808')).toBe(9223372036854775808n);
    expect(parsesU64('4294967295')).toBe(4294967295n);
  });

  it('rejects signs, overflow and non-digits', () => {
    expect(parsesU64('18446744073709551616')).toBeUndefined();
    expect(parsesU64('100000000000000000000')).toBeUndefined();
    expect(parsesU64('-1')).toBeUndefined();
    expect(parsesU64('+1')).toBeUndefined();
    expect(parsesU64('')).toBeUndefined();
    expect(parsesU64('1u')).toBeUndefined();
  });

  it('matches BigInt for many values', () => {
    for (const x of randomBigInts(2000)) {
      expect(parsesU64(x.toString())).toBe(x);
    }
  });
});

describe('parseI64PrefixWords (atoi_simd::parse_any::<i64>)', () => {
  it('parses the leading digits and ignores the rest', () => {
    const buf = b('123abc');
    expect(parseI64PrefixWords(buf, 0, buf.length)).toBe(true);
    expect(i64()).toBe(123n);
    const neg = b('-42 x');
    expect(parseI64PrefixWords(neg, 0, neg.length)).toBe(true);
    expect(i64()).toBe(-42n);
  });

  it('fails without a digit or on overflow', () => {
    for (const s of ['abc', '-', '-x1', '\n', '99999999999999999999x']) {
      const buf = b(s);
      expect(parseI64PrefixWords(buf, 0, buf.length)).toBe(false);
    }
  });
});

describe('parseF64 (fast_float::parse::<f64>)', () => {
  it('parses plain, signed, fractional and exponent forms', () => {
    expect(parsesF64('1')).toBe(1);
    expect(parsesF64('-1')).toBe(-1);
    expect(parsesF64('+2')).toBe(2);
    expect(parsesF64('1.5')).toBe(1.5);
    expect(parsesF64('1.')).toBe(1);
    expect(parsesF64('-.5')).toBe(-0.5);
    expect(parsesF64('+.5e1')).toBe(5);
    expect(parsesF64('-1e3')).toBe(-1000);
    expect(parsesF64('1E-2')).toBe(0.01);
    expect(parsesF64('1e+2')).toBe(100);
    expect(parsesF64('007')).toBe(7);
    expect(Object.is(parsesF64('-0'), -0)).toBe(true);
    expect(parsesF64('0.1')).toBe(0.1);
    expect(parsesF64('123456789012345678901234567890')).toBe(1.2345678901234568e29);
    expect(parsesF64('0.30000000000000004')).toBe(0.30000000000000004);
    expect(parsesF64('1e400')).toBe(Infinity);
    expect(parsesF64('1e-400')).toBe(0);
  });

  it('parses signed or bare inf and nan in any case', () => {
    expect(parsesF64('-inf')).toBe(-Infinity);
    expect(parsesF64('+Infinity')).toBe(Infinity);
    expect(parsesF64('-INF')).toBe(-Infinity);
    expect(parsesF64('+nan')).toBeNaN();
    expect(parsesF64('-NaN')).toBeNaN();
  });

  it('rejects anything that is not a whole float', () => {
    for (const s of ['', '+', '-', '.', '1e', '1e+', '1.2.3', '0x10', '1_000', ' 1', '1 ', '1f', '-infinit', '+nanx', '1i']) {
      expect(parsesF64(s)).toBeUndefined();
    }
  });

  it('agrees with Number() on decimal strings, short and long', () => {
    const samples = ['3.14159', '2.718281828459045', '0.000001', '123456.789', '-98765.4321', '9007199254740993', '1.7976931348623157e308'];
    for (const s of samples) expect(parsesF64(s)).toBe(Number(s));
    let seed = 12345;
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const intPart = seed % 100000;
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const frac = String(seed).padStart(10, '0').slice(0, 1 + (i % 10));
      const s = `${i % 2 ? '-' : ''}${intPart}.${frac}`;
      expect(parsesF64(s)).toBe(Number(s));
    }
  });
});
