import { FieldType, Precision, ResultType } from '@cnosdb/contracts';
import { parseTimestampNanos } from '@cnosdb/query/sql';
import { CnosError } from '@cnosdb/shared/errors';
import { StatementErrors } from './statement.errors';

/**
 * A value on its way into a table: an INSERT literal (`INT` or, for a Float64 literal,
 * `DOUBLE` number text as written, `STRING`, `BOOLEAN`, `NULL`) or a query result cell in its
 * ResultType's canonical text.
 */
export interface SourceValue {
  type: ResultType | 'INT' | 'NULL';
  text: string | null;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const NANOS: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n };
const UNIT_OF_TYPE: Record<string, Precision> = { 'TIMESTAMP(NANOSECOND)': 'ns', 'TIMESTAMP(MICROSECOND)': 'us', 'TIMESTAMP(MILLISECOND)': 'ms' };
const ARROW_UNIT: Record<Precision, string> = { ns: 'Nanosecond', us: 'Microsecond', ms: 'Millisecond' };
const ARROW_TYPE: Record<string, string> = {
  INT: 'Int64',
  BIGINT: 'Int64',
  'BIGINT UNSIGNED': 'UInt64',
  DOUBLE: 'Float64',
  FLOAT: 'Float32',
  BOOLEAN: 'Boolean',
  STRING: 'Utf8',
};

function unsupportedCast(from: SourceValue['type'], to: string): CnosError {
  const source = UNIT_OF_TYPE[from] ? `Timestamp(${ARROW_UNIT[UNIT_OF_TYPE[from]]}, None)` : ARROW_TYPE[from] ?? from;
  return new CnosError(422, '010001', `Datafusion: This feature is not implemented: Unsupported CAST from ${source} to ${to}`);
}

function convertUnit(value: bigint, from: Precision, to: Precision): bigint {
  return from === to ? value : (value * NANOS[from]) / NANOS[to];
}

/** The time of a row in the database's precision (DataFusion's cast to Timestamp(unit)). */
export function castTime(v: SourceValue, precision: Precision): bigint {
  if (v.text === null || v.type === 'NULL') throw StatementErrors.columnCannotBeNull('time');
  const unit = UNIT_OF_TYPE[v.type];
  if (unit) return convertUnit(BigInt(v.text), unit, precision);
  switch (v.type) {
    case 'INT':
    case 'BIGINT':
    case 'BIGINT UNSIGNED': {
      const n = BigInt(v.text);
      if (n < INT64_MIN || n > INT64_MAX) throw StatementErrors.arrowCast(`Can't cast value ${v.text} to type Int64`);
      return n;
    }
    case 'STRING': {
      const nanos = parseTimestampNanos(v.text.trim());
      if (nanos === undefined) throw new CnosError(422, '010002', `Arrow: Parser error: Error parsing timestamp from '${v.text}': error parsing date`);
      return nanos / NANOS[precision];
    }
    default:
      throw unsupportedCast(v.type, `Timestamp(${ARROW_UNIT[precision]}, None)`);
  }
}

/** A tag value; undefined for NULL (and for '', which this storage cannot tell from NULL). */
export function castTag(v: SourceValue): string | undefined {
  if (v.text === null || v.type === 'NULL') return undefined;
  const text = v.type === 'INT' ? BigInt(v.text).toString() : v.type === 'FLOAT' || v.type === 'DOUBLE' ? floatText(Number(v.text)) : v.text;
  return text === '' ? undefined : text;
}

/** A field value in its column's type (arrow's cast with DataFusion's options), or undefined for NULL. */
export function castField(v: SourceValue, type: FieldType): bigint | number | string | boolean | undefined {
  if (v.text === null || v.type === 'NULL') return undefined;
  const text = v.text;
  const number = v.type === 'INT' || v.type === 'BIGINT' || v.type === 'BIGINT UNSIGNED' || UNIT_OF_TYPE[v.type] !== undefined;
  const float = v.type === 'FLOAT' || v.type === 'DOUBLE';
  // A FLOAT cell holds the Float32's shortest digits; as a number it is the Float32 itself.
  const floatValue = (): number => (v.type === 'FLOAT' ? Math.fround(Number(text)) : Number(text));
  switch (type) {
    case 'STRING':
      return float ? floatText(Number(text)) : number ? BigInt(text).toString() : text;
    case 'DOUBLE': {
      if (float) return floatValue();
      if (number) return Number(text);
      if (v.type === 'BOOLEAN') return text === 'true' ? 1 : 0;
      const f = parseRustFloat(text);
      if (f === undefined) throw StatementErrors.arrowCast(`Cannot cast string '${text}' to value of Float64 type`);
      return f;
    }
    case 'BIGINT':
    case 'BIGINT UNSIGNED': {
      const unsigned = type === 'BIGINT UNSIGNED';
      const target = unsigned ? 'UInt64' : 'Int64';
      let n: bigint;
      if (number) n = BigInt(text);
      else if (float) {
        const f = floatValue();
        if (!Number.isFinite(f)) throw StatementErrors.arrowCast(`Can't cast value ${text} to type ${target}`);
        n = BigInt(Math.trunc(f));
      } else if (v.type === 'BOOLEAN') n = text === 'true' ? 1n : 0n;
      else {
        if (!/^[+-]?\d+$/.test(text.trim())) throw StatementErrors.arrowCast(`Cannot cast string '${text}' to value of ${target} type`);
        n = BigInt(text.trim());
      }
      if (unsigned ? n < 0n || n > UINT64_MAX : n < INT64_MIN || n > INT64_MAX) throw StatementErrors.arrowCast(`Can't cast value ${text} to type ${target}`);
      return n;
    }
    case 'BOOLEAN': {
      if (v.type === 'BOOLEAN') return text === 'true';
      if (number) return BigInt(text) !== 0n;
      if (float) return Number(text) !== 0;
      const s = text.trim().toLowerCase();
      if (['true', 't', 'yes', 'y', 'on', '1'].includes(s)) return true;
      if (['false', 'f', 'no', 'n', 'off', '0'].includes(s)) return false;
      throw StatementErrors.arrowCast(`Cannot cast value '${text}' to value of Boolean type`);
    }
  }
}

/** Rust's f64 FromStr: decimal or exponent forms, inf/infinity/nan in any case. */
function parseRustFloat(text: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  const s = text.toLowerCase().replace(/^\+/, '');
  if (s === 'inf' || s === 'infinity') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  return undefined;
}

function floatText(f: number): string {
  return Number.isInteger(f) ? `${f}.0` : String(f);
}
