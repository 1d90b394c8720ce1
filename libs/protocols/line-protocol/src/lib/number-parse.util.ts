/**
 * Exact integer and float parsing straight from bytes, without a BigInt per digit.
 *
 * 64-bit integers come out as two 32-bit words in `W` (W[0] low, W[1] high), ready to be stored
 * through an Int32Array view over a BigInt64Array/BigUint64Array buffer. The accepted syntax is
 * that of the Rust crates CnosDB uses: atoi_simd 0.15 (`parse`, `parse_pos`, `parse_any`: an
 * optional '-' for signed types only, no '+', no surrounding space, at most 19 (i64) or 20 (u64)
 * digits) and fast-float 0.2 (`parse`: the whole input must be a float).
 */

/** Result words of the last successful integer parse: [low, high], two's complement. */
export const W = new Int32Array(2);

/** Result of the last successful float parse. */
export const F = new Float64Array(1);

/** Index of the low / high 32-bit word of element i in an Int32Array view: 2*i+LO, 2*i+HI. */
export const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
export const HI = 1 - LO;

const I64_MAX = digitsOf('9223372036854775807');
const I64_MIN_ABS = digitsOf('9223372036854775808');
const U64_MAX = digitsOf('18446744073709551615');

function digitsOf(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

/** Exact powers of ten representable in a double (10^0 .. 10^22). */
export const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = p[i - 1] * 10;
  return p;
})();

const TWO32 = 4294967296;

/** True when the n digits at s are <= limit (same length), compared as decimal strings. */
function withinLimit(buf: Uint8Array, s: number, limit: Uint8Array): boolean {
  for (let k = 0; k < limit.length; k++) {
    const d = buf[s + k];
    const l = limit[k];
    if (d !== l) return d < l;
  }
  return true;
}

/**
 * Writes the words of the (already validated, in range) decimal digits [s, e) into W, negated if
 * `neg`. Up to 15 digits fit a double exactly; longer numbers are split as a * 1e9 + b and
 * recombined in 16-bit limbs so that every intermediate stays below 2^53.
 */
export function digitsToWords(buf: Uint8Array, s: number, e: number, neg: boolean): void {
  const n = e - s;
  if (n <= 15) {
    let v = 0;
    for (let k = s; k < e; k++) v = v * 10 + (buf[k] - 48);
    if (neg) v = -v;
    W[0] = v;
    W[1] = Math.floor(v / TWO32);
    return;
  }
  const m = e - 9;
  let a = 0;
  for (let k = s; k < m; k++) a = a * 10 + (buf[k] - 48);
  let b = 0;
  for (let k = m; k < e; k++) b = b * 10 + (buf[k] - 48);
  const aH = Math.floor(a / 65536);
  const aL = a - aH * 65536;
  const x = aL * 1e9 + b;
  const y = aH * 1e9;
  const yH = Math.floor(y / 65536);
  const yL = y - yH * 65536;
  const sum = yL * 65536 + x;
  const sH = Math.floor(sum / TWO32);
  let lo = sum - sH * TWO32;
  let hi = yH + sH;
  if (neg) {
    if (lo === 0) {
      hi = -hi;
    } else {
      lo = TWO32 - lo;
      hi = ~hi;
    }
  }
  W[0] = lo;
  W[1] = hi;
}

/** atoi_simd::parse::<i64>: optional '-', then 1..19 digits and nothing else, within range. */
export function parseI64Words(buf: Uint8Array, s: number, e: number): boolean {
  let neg = false;
  if (s < e && buf[s] === 45) {
    neg = true;
    s++;
  }
  const n = e - s;
  if (n <= 0 || n > 19) return false;
  for (let k = s; k < e; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return false;
  }
  if (n === 19 && !withinLimit(buf, s, neg ? I64_MIN_ABS : I64_MAX)) return false;
  digitsToWords(buf, s, e, neg);
  return true;
}

/** atoi_simd::parse_pos::<u64>: 1..20 digits and nothing else (no sign), within range. */
export function parseU64Words(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n <= 0 || n > 20) return false;
  for (let k = s; k < e; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return false;
  }
  if (n === 20 && !withinLimit(buf, s, U64_MAX)) return false;
  digitsToWords(buf, s, e, false);
  return true;
}

/**
 * atoi_simd::parse_any::<i64>: optional '-', then the longest run of digits (at least one);
 * whatever follows the digits is ignored.
 */
export function parseI64PrefixWords(buf: Uint8Array, s: number, e: number): boolean {
  let j = s;
  if (j < e && buf[j] === 45) j++;
  let k = j;
  while (k < e) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) break;
    k++;
  }
  return k > j && parseI64Words(buf, s, k);
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchesIgnoreCase(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if (lowerAscii(buf[s + k]) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * fast_float::parse::<f64> over the whole of [s, e): `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`
 * or `[+-]?(nan|inf|infinity)` in any case. Writes F[0]; false when the input is not a float.
 */
export function parseF64(buf: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  let j = s;
  let neg = false;
  const c0 = buf[j];
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    j++;
    if (j === e) return false;
  }
  const c1 = buf[j];
  if (c1 === 110 || c1 === 78 || c1 === 105 || c1 === 73) {
    if (matchesIgnoreCase(buf, j, e, 'nan')) {
      F[0] = NaN;
      return true;
    }
    if (matchesIgnoreCase(buf, j, e, 'inf') || matchesIgnoreCase(buf, j, e, 'infinity')) {
      F[0] = neg ? -Infinity : Infinity;
      return true;
    }
    return false;
  }
  let mant = 0;
  let nDigits = 0;
  while (j < e) {
    const d = buf[j] - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    nDigits++;
    j++;
  }
  let nFrac = 0;
  if (j < e && buf[j] === 46) {
    j++;
    while (j < e) {
      const d = buf[j] - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      nFrac++;
      j++;
    }
  }
  if (nDigits + nFrac === 0) return false;
  let hasExp = false;
  if (j < e && (buf[j] === 101 || buf[j] === 69)) {
    hasExp = true;
    j++;
    if (j < e && (buf[j] === 43 || buf[j] === 45)) j++;
    const ds = j;
    while (j < e) {
      const d = buf[j] - 48;
      if (d < 0 || d > 9) break;
      j++;
    }
    if (j === ds) return false;
  }
  if (j !== e) return false;
  if (!hasExp && nDigits + nFrac <= 15) {
    // Clinger's fast path: an exact mantissa below 2^53 divided by an exact power of ten is
    // correctly rounded, so it equals what a full decimal-to-double conversion gives.
    const v = nFrac === 0 ? mant : mant / POW10[nFrac];
    F[0] = neg ? -v : v;
    return true;
  }
  F[0] = Number(buf.toString('latin1', s, e));
  return true;
}
