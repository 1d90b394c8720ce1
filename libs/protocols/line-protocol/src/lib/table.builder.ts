import type { FieldColumn, FieldType, TagColumn } from '@cnosdb/contracts';

/** Rows of one measurement, column-oriented. */
export interface ParsedTable {
  table: string;
  rowCount: number;
  /** Exact int64 timestamps in the request precision, length == rowCount. */
  times: BigInt64Array;
  /** Tag columns in first-seen order (keys sorted within each line). */
  tags: TagColumn[];
  /** Field columns in first-seen order, arrays trimmed to rowCount. */
  fields: FieldColumn[];
}

// Field type codes used on the hot path.
export const T_F64 = 0;
export const T_I64 = 1;
export const T_U64 = 2;
export const T_BOOL = 3;
export const T_STRING = 4;

/** Type names as the conflict error spells them, by type code. */
export const TYPE_NAMES: readonly string[] = ['F64', 'I64', 'U64', 'BOOL', 'STRING'];
export const TAG_TYPE_NAME = 'TAG';

const FIELD_TYPES: readonly FieldType[] = ['DOUBLE', 'BIGINT', 'BIGINT UNSIGNED', 'BOOLEAN', 'STRING'];

const EMPTY_F64 = new Float64Array(0);
const EMPTY_BIG = new BigInt64Array(0);
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_STRS: string[] = [];

const INITIAL_CAPACITY = 16;

/** One tag column of a table; `ordinal` is its position among the table's tag columns. */
export class TagBuilder {
  constructor(
    readonly name: string,
    readonly ordinal: number,
  ) {}
}

/**
 * The decoded tags of a line (sorted, deduplicated). `byCol[ordinal]` is the value of a tag
 * column, undefined where the line lacks it (also past the end, for columns added later).
 */
export class TagSet {
  readonly byCol: (string | undefined)[] = [];

  constructor(cols: TagBuilder[], vals: string[]) {
    for (let k = 0; k < cols.length; k++) {
      const o = cols[k].ordinal;
      while (this.byCol.length < o) this.byCol.push(undefined);
      this.byCol[o] = vals[k];
    }
  }
}

/**
 * Growable typed storage of one field column. Every kind of storage is a property (empty when
 * unused) so that all builders share one hidden class and the hot path stays monomorphic.
 */
export class FieldBuilder {
  present: Uint8Array;
  f64: Float64Array = EMPTY_F64;
  big: BigInt64Array | BigUint64Array = EMPTY_BIG;
  /** Int32 view over `big`: element i is words 2*i+LO and 2*i+HI. */
  w32: Int32Array = EMPTY_I32;
  bools: Uint8Array = EMPTY_U8;
  strs: string[] = EMPTY_STRS;
  /** Line attempt that last wrote this column: a second value in the same line is a duplicate key. */
  lastSeq = 0;

  constructor(
    readonly name: string,
    readonly type: number,
    capacity: number,
  ) {
    this.present = new Uint8Array(capacity);
    this.allocate(capacity);
  }

  private allocate(capacity: number): void {
    switch (this.type) {
      case T_F64:
        this.f64 = new Float64Array(capacity);
        break;
      case T_I64:
        this.big = new BigInt64Array(capacity);
        this.w32 = new Int32Array(this.big.buffer);
        break;
      case T_U64:
        this.big = new BigUint64Array(capacity);
        this.w32 = new Int32Array(this.big.buffer);
        break;
      case T_BOOL:
        this.bools = new Uint8Array(capacity);
        break;
      default:
        this.strs = new Array<string>(capacity).fill('');
    }
  }

  grow(capacity: number): void {
    const present = new Uint8Array(capacity);
    present.set(this.present);
    this.present = present;
    switch (this.type) {
      case T_F64: {
        const a = new Float64Array(capacity);
        a.set(this.f64);
        this.f64 = a;
        break;
      }
      case T_I64:
      case T_U64: {
        const a = this.type === T_I64 ? new BigInt64Array(capacity) : new BigUint64Array(capacity);
        const w = new Int32Array(a.buffer);
        w.set(this.w32);
        this.big = a;
        this.w32 = w;
        break;
      }
      case T_BOOL: {
        const a = new Uint8Array(capacity);
        a.set(this.bools);
        this.bools = a;
        break;
      }
      default:
        for (let i = this.strs.length; i < capacity; i++) this.strs.push('');
    }
  }

  /** Forgets the value of row r (a line that turned out not to be committable as parsed). */
  clearRow(r: number): void {
    this.present[r] = 0;
    switch (this.type) {
      case T_F64:
        this.f64[r] = 0;
        break;
      case T_I64:
      case T_U64:
        this.w32[2 * r] = 0;
        this.w32[2 * r + 1] = 0;
        break;
      case T_BOOL:
        this.bools[r] = 0;
        break;
      default:
        this.strs[r] = '';
    }
  }

  /** Copies out the first n rows and clears them for the next batch. */
  take(n: number): FieldColumn {
    const present = this.present.slice(0, n);
    this.present.fill(0, 0, n);
    let values: FieldColumn['values'];
    switch (this.type) {
      case T_F64:
        values = this.f64.slice(0, n);
        this.f64.fill(0, 0, n);
        break;
      case T_I64:
      case T_U64:
        values = this.big.slice(0, n);
        this.w32.fill(0, 0, 2 * n);
        break;
      case T_BOOL:
        values = this.bools.slice(0, n);
        this.bools.fill(0, 0, n);
        break;
      default:
        values = this.strs.slice(0, n);
        this.strs.fill('', 0, n);
    }
    return { name: this.name, type: FIELD_TYPES[this.type], present, values };
  }
}

/**
 * A copy of some bytes in a 4-aligned buffer, also readable as native-endian 32-bit words (the
 * last len % 4 bytes only through `bytes`), for fast comparisons against DataView reads.
 */
export class ByteKey {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;

  constructor(src: Uint8Array, s: number, e: number) {
    const n = e - s;
    const ab = new ArrayBuffer((n + 3) & ~3);
    this.bytes = new Uint8Array(ab, 0, n);
    this.bytes.set(src.subarray(s, e));
    this.words = new Int32Array(ab, 0, n >> 2);
  }

  /** FNV-1a over the words, then the tail bytes, cut to 30 bits. */
  hash(): number {
    let h = 0x811c9dc5 | 0;
    const w = this.words;
    for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w[k], 0x01000193);
    const b = this.bytes;
    for (let k = w.length * 4; k < b.length; k++) h = Math.imul(h ^ b[k], 0x01000193);
    return h & 0x3fffffff;
  }

  equals(other: ByteKey): boolean {
    const a = this.bytes;
    const b = other.bytes;
    if (a.length !== b.length) return false;
    const wa = this.words;
    const wb = other.words;
    for (let k = 0; k < wa.length; k++) if (wa[k] !== wb[k]) return false;
    for (let k = wa.length * 4; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }
}

/** A raw field-key spelling (bytes before '=') already resolved to its column. */
export class KeyEntry {
  constructor(
    readonly key: ByteKey,
    readonly col: FieldBuilder,
    public next: KeyEntry | undefined,
  ) {}
}

/** Builders of one measurement. Column definitions outlive drains: they carry the request's schema. */
export class TableBuilder {
  rowCount = 0;
  capacity = INITIAL_CAPACITY;
  times = new BigInt64Array(INITIAL_CAPACITY);
  /** Int32 view over `times`. */
  t32 = new Int32Array(this.times.buffer);
  /** Tag set of each row of the batch. */
  rowTags: TagSet[] = [];
  readonly tagCols: TagBuilder[] = [];
  readonly fieldCols: FieldBuilder[] = [];
  readonly tagByName = new Map<string, TagBuilder>();
  readonly fieldByName = new Map<string, FieldBuilder>();
  /** Raw field-key bytes (FNV-1a hash) → column. */
  readonly keyCache = new Map<number, KeyEntry>();
  /** Field keys of the last fast-parsed line: the first guess for a new series of this table. */
  lastGuess: KeyEntry[] = [];

  constructor(
    readonly name: string,
    /** Position in the request's first-seen order of tables. */
    readonly index: number,
  ) {}

  /** Doubles the capacity of every column; returns the row index to write next. */
  grow(): number {
    const capacity = this.capacity * 2;
    const times = new BigInt64Array(capacity);
    times.set(this.times);
    this.times = times;
    this.t32 = new Int32Array(times.buffer);
    for (const f of this.fieldCols) f.grow(capacity);
    this.capacity = capacity;
    return this.rowCount;
  }

  addTag(name: string): TagBuilder {
    const tag = new TagBuilder(name, this.tagCols.length);
    this.tagCols.push(tag);
    this.tagByName.set(name, tag);
    return tag;
  }

  addField(name: string, type: number): FieldBuilder {
    const field = new FieldBuilder(name, type, this.capacity);
    this.fieldCols.push(field);
    this.fieldByName.set(name, field);
    return field;
  }

  /** Copies out the rows of the current batch (only columns used in it) and resets the rows. */
  take(): ParsedTable {
    const n = this.rowCount;
    const rowTags = this.rowTags;
    const tags: TagColumn[] = [];
    for (const t of this.tagCols) {
      const o = t.ordinal;
      const values = new Array<string | undefined>(n);
      let any = false;
      for (let r = 0; r < n; r++) {
        const v = rowTags[r].byCol[o];
        values[r] = v;
        if (v !== undefined) any = true;
      }
      if (any) tags.push({ name: t.name, values });
    }
    rowTags.length = 0;
    const fields: FieldColumn[] = [];
    for (const f of this.fieldCols) {
      if (f.present.subarray(0, n).indexOf(1) >= 0) fields.push(f.take(n));
    }
    const times = this.times.slice(0, n);
    this.rowCount = 0;
    return { table: this.name, rowCount: n, times, tags, fields };
  }
}
