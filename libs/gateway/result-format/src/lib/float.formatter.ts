/**
 * Float64 text as the two Rust formatters behind CnosDB's bodies print it:
 * - arrow-cast 42 display (CSV, TSV, table) writes with lexical-core 0.8 default options;
 * - arrow-json 42 builds serde_json values, and serde_json prints f64 with ryu.
 * Both print the shortest digits that read back to the same double, as JS does, so only the
 * layout (where the point goes, when to switch to an exponent) differs and is rebuilt here.
 */

const PLAIN_DOUBLE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

interface ShortestDecimal {
  /** Significant digits, no leading/trailing zeros (e.g. "15" for 1.5e300). */
  digits: string;
  /** Power of ten of the first digit (value = d.ddd × 10^exponent). */
  exponent: number;
}

// toExponential() without an argument yields the shortest round-trip digits, the same set
// ryu and lexical's Dragonbox pick.
function shortestDecimal(magnitude: number): ShortestDecimal {
  const text = magnitude.toExponential();
  const e = text.indexOf('e');
  return { digits: text.slice(0, e).replace('.', ''), exponent: Number(text.slice(e + 1)) };
}

function positional(digits: string, exponent: number): string {
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerDigits = exponent + 1;
  if (integerDigits >= digits.length) {
    return `${digits}${'0'.repeat(integerDigits - digits.length)}.0`;
  }
  return `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
}

function withFraction(plain: string): string {
  return plain.indexOf('.') < 0 ? `${plain}.0` : plain;
}

function signOf(value: number): string {
  return value < 0 || Object.is(value, -0) ? '-' : '';
}

/**
 * lexical-core 0.8 `write` with default options (arrow-cast 42 Float64 display): always a
 * fraction (`1.0`, `79.0`), plain notation for exponents -5..=9, otherwise `d.ddde±x` with at
 * least one fraction digit (`1.0e20`, `1.0e-7`, `1.5e300`); `NaN`, `inf`, `-inf`, `-0.0`.
 */
export function formatFloatDisplay(value: number): string {
  // Exponents -5..=9 are plain notation with the shortest digits, as JS prints them (it
  // switches to exponents only outside 1e-7..1e21), plus the forced fraction: the common case
  // without building the digits.
  const abs = Math.abs(value);
  if (abs >= 1e-5 && abs < 1e10) return withFraction(String(value));
  if (Number.isNaN(value)) return 'NaN';
  const sign = signOf(value);
  if (!Number.isFinite(value)) return `${sign}inf`;
  if (value === 0) return `${sign}0.0`;
  const { digits, exponent } = shortestDecimal(Math.abs(value));
  if (exponent < -5 || exponent > 9) {
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}e${exponent}`;
  }
  return sign + positional(digits, exponent);
}

/**
 * serde_json's f64 text (ryu `format_finite`): plain notation for exponents -5..=15
 * (`1.0`, `10.5`, `0.00001`, `1000000000000000.0`), otherwise `de±x` / `d.ddde±x` with no
 * forced fraction (`1e16`, `1e20`, `1e-7`, `1.5e300`). NaN and ±inf have no JSON number;
 * arrow-json then skips the key, so this returns undefined for them.
 */
export function formatFloatJson(value: number): string | undefined {
  // Plain range (exponents -5..=15) as JS prints it, plus the fraction serde_json forces.
  const abs = Math.abs(value);
  if (abs >= 1e-5 && abs < 1e16) return withFraction(String(value));
  if (!Number.isFinite(value)) return undefined;
  const sign = signOf(value);
  if (value === 0) return `${sign}0.0`;
  const { digits, exponent } = shortestDecimal(Math.abs(value));
  if (exponent >= -5 && exponent <= 15) return sign + positional(digits, exponent);
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${fraction}e${exponent}`;
}

/**
 * arrow-json 42's Float32 value: unlike a Float64 it reaches serde_json rounded to three
 * decimals (`f64::round(v as f64 * 1000.0) / 1000.0`), so 1.2345679 is `1.235` and 0.0001 is
 * `0.0`; NaN and ±inf have no JSON number (undefined). `value` is read as the f32 it stands for.
 */
export function formatFloat32Json(value: number): string | undefined {
  const scaled = Math.fround(value) * 1000;
  // f64::round takes halves away from zero; Math.round takes them up.
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return formatFloatJson(rounded / 1000);
}

/**
 * Reads a DOUBLE cell's canonical text (a decimal/exponent literal, or inf/-inf/nan in any
 * case); undefined when the text is not a number at all.
 */
export function parseDouble(text: string): number | undefined {
  // ClickHouse's ordinary cells ("12.5", "-3", "1e-7") first, without trimming or case folding.
  if (PLAIN_DOUBLE.test(text)) return Number(text);
  switch (text.trim().toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  // Number('') is 0 and Number('0x1f') is 31: neither is a canonical double.
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}
