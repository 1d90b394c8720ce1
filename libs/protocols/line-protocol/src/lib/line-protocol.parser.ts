import {
  FieldTypeConflictError,
  invalidFieldValue,
  invalidSyntax,
  timestampError,
  unexpectedEnd,
  unexpectedToken,
} from './line-protocol.errors';
import * as numberParse from './number-parse.util';
import * as tableBuilder from './table.builder';
import { ByteKey, FieldBuilder, KeyEntry, TableBuilder, TagBuilder, TagSet } from './table.builder';
import type { ParsedTable } from './table.builder';

// Imported bindings compile to getters on the module object; hot code reads these local copies.
const { F, HI, LO, POW10, W, parseF64, parseI64PrefixWords, parseI64Words, parseU64Words } = numberParse;
const { T_BOOL, T_F64, T_I64, T_STRING, T_U64, TAG_TYPE_NAME, TYPE_NAMES } = tableBuilder;

/*
 * Two parsers in one:
 *
 * - `smRun` is a byte-for-byte transcription of the state machine of CnosDB 2.4
 *   (common/protocol_parser/src/line_protocol/parser.rs): it decides what is accepted, what every
 *   value is and which error (text and byte offset) a bad body gets. It is resumable, so a line
 *   split across chunks is scanned once.
 * - `fastLine` handles the common shape (a measurement+tag-set spelling seen before, known field
 *   keys, plain numbers/strings/booleans, an optional plain timestamp). It never throws: on
 *   anything unusual it undoes its writes and hands the line to `smRun` from its first byte.
 *   Caches are keyed by exact bytes, so a hit decodes to exactly what `smRun` decoded.
 */

const BAIL = -1;
const MORE = -2;

const FNV_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Hashes are cut to 30 bits so that they stay small integers (cheap Map keys). */
const HASH_MASK = 0x3fffffff;

const TWO32 = 4294967296;

/** Bound on the series cache; it is simply emptied when full. */
const MAX_SERIES = 1 << 17;
const MAX_SERIES_BYTES = 32 << 20;
/** Carry-over buffer size kept after a long line was completed. */
const ACC_KEEP = 1 << 16;

// State machine states (CnosDB's ParseStatus, LineBegin handled by the driver).
const S_TABLE = 1;
const S_TAG_KEY = 2;
const S_TAG_VALUE = 3;
const S_FIELD_KEY = 4;
const S_FIELD_VALUE = 5;
const S_TIMESTAMP = 6;

/** A measurement + tag-set spelling seen before, resolved to its table and tag set. */
class SeriesEntry {
  /** Field keys of the last line of this series, in line order: the prediction for the next one. */
  guess: KeyEntry[] = [];
  /** The series of the line that followed this one last time: the prediction for the next line. */
  succ: SeriesEntry | undefined = undefined;

  constructor(
    readonly key: ByteKey,
    readonly table: TableBuilder,
    readonly tags: TagSet,
    public next: SeriesEntry | undefined,
  ) {}
}

/** A measurement+tag-set spelling decoded once, shared by all parsers of the process. */
class DecodedSeries {
  constructor(
    readonly key: ByteKey,
    readonly table: string,
    /** Sorted and deduplicated, as the state machine leaves them. */
    readonly tagKeys: string[],
    readonly tagVals: string[],
    public next: DecodedSeries | undefined,
  ) {}
}

/**
 * Process-wide cache of decoded spellings, so that a request whose series were seen by an
 * earlier request skips the state machine for them (a parser lives for one request). Writers
 * send their series over and over in cycles, where LRU-like eviction would keep nothing once the
 * cycle outgrows the cache; so a full cache admits no more entries and is only emptied after
 * many rejected admissions (the set of series changed).
 */
const SHARED_MAX_ENTRIES = 65536;
const SHARED_MAX_BYTES = 48 << 20;
const SHARED_RESET_AFTER_REJECTS = 4 * SHARED_MAX_ENTRIES;
const shared = new Map<number, DecodedSeries>();
let sharedEntries = 0;
let sharedBytes = 0;
let sharedRejects = 0;

function sharedGet(h: number, dv: DataView, buf: Buffer, s: number, e: number): DecodedSeries | undefined {
  let d = shared.get(h);
  while (d !== undefined && !(d.key.bytes.length === e - s && sameBytes(dv, buf, s, d.key))) d = d.next;
  return d;
}

function sharedPut(h: number, key: ByteKey, table: string, tagKeys: string[], tagVals: string[]): void {
  let d = shared.get(h);
  while (d !== undefined && !key.equals(d.key)) d = d.next;
  if (d !== undefined) return;
  if (sharedEntries >= SHARED_MAX_ENTRIES || sharedBytes >= SHARED_MAX_BYTES) {
    if (++sharedRejects < SHARED_RESET_AFTER_REJECTS) return;
    shared.clear();
    sharedEntries = 0;
    sharedBytes = 0;
    sharedRejects = 0;
  }
  shared.set(h, new DecodedSeries(key, table, tagKeys, tagVals, shared.get(h)));
  sharedEntries++;
  // Rough heap cost: the key copy and its views, the entry, its arrays and unshared strings.
  sharedBytes += 2 * key.bytes.length + 400 + 24 * tagKeys.length;
}

/** A field value decoded by the state machine, waiting for its line to complete. */
interface PendingField {
  key: string;
  type: number;
  num: number;
  lo: number;
  hi: number;
  str: string;
  /** Raw key bytes, relative to the line start. */
  keyStart: number;
  keyEnd: number;
}

function isValueEnd(c: number): boolean {
  return c === 44 || c === 32 || c === 10 || c === 13;
}

function isAsciiWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12;
}

/** Word reads in native order, so that they compare with Int32Array views of copied bytes. */
const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function equalBytes(buf: Uint8Array, at: number, key: Uint8Array): boolean {
  const n = key.length;
  for (let k = 0; k < n; k++) {
    if (buf[at + k] !== key[k]) return false;
  }
  return true;
}

function hashBytes(buf: Buffer, s: number, e: number): number {
  let h = FNV_BASIS;
  for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], FNV_PRIME);
  return h & HASH_MASK;
}

/** The hash ByteKey.hash() gives for a copy of [s, e), read four bytes at a time. */
function hashSegment(dv: DataView, buf: Buffer, s: number, e: number): number {
  let h = FNV_BASIS;
  let k = s;
  for (; k + 4 <= e; k += 4) h = Math.imul(h ^ dv.getInt32(k, NATIVE_LE), FNV_PRIME);
  for (; k < e; k++) h = Math.imul(h ^ buf[k], FNV_PRIME);
  return h & HASH_MASK;
}

/** True when the n bytes at i equal the key (n == key length). */
function sameBytes(dv: DataView, buf: Buffer, i: number, key: ByteKey): boolean {
  const words = key.words;
  const nw = words.length;
  for (let w = 0; w < nw; w++) {
    if (dv.getInt32(i + 4 * w, NATIVE_LE) !== words[w]) return false;
  }
  const bytes = key.bytes;
  for (let k = nw * 4; k < bytes.length; k++) {
    if (buf[i + k] !== bytes[k]) return false;
  }
  return true;
}

/** True when the bytes at i are this key spelling followed by '='. */
function sameKey(dv: DataView, buf: Buffer, i: number, end: number, ke: KeyEntry): boolean {
  const n = ke.key.bytes.length;
  if (i + n >= end || buf[i + n] !== 61) return false;
  return sameBytes(dv, buf, i, ke.key);
}

function sameSegment(dv: DataView, buf: Buffer, s: number, e: number, se: SeriesEntry): boolean {
  return se.key.bytes.length === e - s && sameBytes(dv, buf, s, se.key);
}

/**
 * Rust's str ordering (UTF-8 bytes). UTF-16 code-unit order agrees with it except where a
 * surrogate (U+D800..DFFF) meets U+E000..FFFF, so only then compare the UTF-8 bytes.
 */
function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(k), 'utf8'), Buffer.from(b.slice(k), 'utf8'));
  }
  return a.length - b.length;
}

function isAscii(str: string): boolean {
  for (let k = 0; k < str.length; k++) {
    if (str.charCodeAt(k) >= 0x80) return false;
  }
  return true;
}

/** Stable sort by key (insertion sort: lines have few keys), then keep the first of equal keys. */
function sortDedup<T extends { key: string }>(items: T[]): T[] {
  const n = items.length;
  let ascii = true;
  for (let i = 0; i < n && ascii; i++) ascii = isAscii(items[i].key);
  for (let i = 1; i < n; i++) {
    const x = items[i];
    const xk = x.key;
    let j = i - 1;
    // ASCII keys: JS string order is byte order, and the native comparison is cheaper.
    while (j >= 0 && (ascii ? items[j].key > xk : compareKeys(items[j].key, xk) > 0)) {
      items[j + 1] = items[j];
      j--;
    }
    items[j + 1] = x;
  }
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (m === 0 || items[i].key !== items[m - 1].key) items[m++] = items[i];
  }
  items.length = m;
  return items;
}

let scratch = Buffer.allocUnsafe(256);
function scratchOf(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

const INTERN_SIZE = 4096;
const INTERN_MAX_LEN = 48;
const internBytes: (Buffer | undefined)[] = new Array<Buffer | undefined>(INTERN_SIZE).fill(undefined);
const internStrs: string[] = new Array<string>(INTERN_SIZE).fill('');

/**
 * UTF-8 text of [s, e); short texts go through a small direct-mapped cache, since names and tag
 * values repeat from line to line and a decode is an allocation and a native call.
 */
function decode(buf: Buffer, s: number, e: number): string {
  const n = e - s;
  if (n > INTERN_MAX_LEN || n === 0) return n === 0 ? '' : buf.toString('utf8', s, e);
  const slot = hashBytes(buf, s, e) & (INTERN_SIZE - 1);
  const cached = internBytes[slot];
  if (cached !== undefined && cached.length === n && equalBytes(buf, s, cached)) return internStrs[slot];
  const str = buf.toString('utf8', s, e);
  internBytes[slot] = Buffer.from(buf.subarray(s, e));
  internStrs[slot] = str;
  return str;
}

/** CnosDB's `escape`: drops the backslash before ',', ' ' and '='; an unescaped one is an error. */
function unescapeKey(buf: Buffer, s: number, e: number, needUnescape: boolean): string {
  if (!needUnescape || s >= e) return decode(buf, s, e);
  const out = scratchOf(e - s);
  let n = 0;
  for (let k = s; k < e - 1; k++) {
    const v1 = buf[k];
    const v2 = buf[k + 1];
    if (v2 === 44 || v2 === 32 || v2 === 61) {
      if (v1 !== 92) throw invalidSyntax();
      continue;
    }
    out[n++] = v1;
  }
  out[n++] = buf[e - 1];
  return out.toString('utf8', 0, n);
}

/** CnosDB's `escaped_field_value`: `\"` and `\\` inside a quoted string lose their backslash. */
function unescapeString(buf: Buffer, s: number, e: number): string {
  if (s >= e) return '';
  const out = scratchOf(e - s);
  let n = 0;
  let inUnescape = false;
  for (let k = s; k < e - 1; k++) {
    const v1 = buf[k];
    const v2 = buf[k + 1];
    if (v1 === 92 && (v2 === 34 || v2 === 92)) {
      if (inUnescape && v2 === 34) throw invalidFieldValue(buf.toString('utf8', s, e));
      if (!inUnescape) {
        inUnescape = true;
        continue;
      }
    }
    out[n++] = v1;
    inUnescape = false;
  }
  out[n++] = buf[e - 1];
  return out.toString('utf8', 0, n);
}

function isBoolWord(buf: Buffer, s: number, e: number): boolean {
  switch (e - s) {
    case 1:
      return true;
    case 4: {
      const w = buf.toString('latin1', s, e);
      return w === 'true' || w === 'True' || w === 'TRUE';
    }
    case 5: {
      const w = buf.toString('latin1', s, e);
      return w === 'false' || w === 'False' || w === 'FALSE';
    }
    default:
      return false;
  }
}

/**
 * Scans a plain field value at v (number, `"string"` without backslashes, boolean) that is
 * followed by a value terminator; returns the terminator's index, or -1 to let the state machine
 * decide. When `write` is set, the value must have the column's type (else -1) and is stored in
 * row r of the column.
 */
function fastValue(buf: Buffer, v: number, end: number, col: FieldBuilder, r: number, write: boolean): number {
  let c = buf[v];
  if ((c >= 48 && c <= 57) || c === 45) {
    const neg = c === 45;
    let j = neg ? v + 1 : v;
    const ds = j;
    let acc = 0;
    while (j < end) {
      const d = buf[j] - 48;
      if (d < 0 || d > 9) break;
      acc = acc * 10 + d;
      j++;
    }
    const nd = j - ds;
    if (j >= end || nd === 0) return -1;
    c = buf[j];
    if (c === 105) {
      const q = j + 1;
      if (q >= end || !isValueEnd(buf[q])) return -1;
      let lo: number;
      let hi: number;
      if (nd <= 9) {
        // |acc| < 2^32: the high word is only the sign.
        lo = neg ? -acc : acc;
        hi = neg && acc !== 0 ? -1 : 0;
      } else if (nd <= 15) {
        const x = neg ? -acc : acc;
        lo = x;
        hi = Math.floor(x / TWO32);
      } else {
        if (!parseI64Words(buf, v, j)) return -1;
        lo = W[0];
        hi = W[1];
      }
      if (write) {
        if (col.type !== T_I64) return -1;
        const w = col.w32;
        w[2 * r + LO] = lo;
        w[2 * r + HI] = hi;
        col.present[r] = 1;
      }
      return q;
    }
    if (isValueEnd(c)) {
      let x: number;
      if (nd > 15) {
        if (!parseF64(buf, v, j)) return -1;
        x = F[0];
      } else {
        x = neg ? -acc : acc;
      }
      if (write) {
        if (col.type !== T_F64) return -1;
        col.f64[r] = x;
        col.present[r] = 1;
      }
      return j;
    }
    if (c === 46) {
      j++;
      const fs = j;
      while (j < end) {
        const d = buf[j] - 48;
        if (d < 0 || d > 9) break;
        acc = acc * 10 + d;
        j++;
      }
      if (j >= end || !isValueEnd(buf[j])) return -1;
      const nf = j - fs;
      let x: number;
      if (nd + nf > 15) {
        if (!parseF64(buf, v, j)) return -1;
        x = F[0];
      } else {
        x = acc / POW10[nf];
        if (neg) x = -x;
      }
      if (write) {
        if (col.type !== T_F64) return -1;
        col.f64[r] = x;
        col.present[r] = 1;
      }
      return j;
    }
    if (c === 117) {
      const q = j + 1;
      if (neg || q >= end || !isValueEnd(buf[q])) return -1;
      let lo: number;
      let hi: number;
      if (nd <= 15) {
        lo = acc;
        hi = nd <= 9 ? 0 : Math.floor(acc / TWO32);
      } else {
        if (!parseU64Words(buf, v, j)) return -1;
        lo = W[0];
        hi = W[1];
      }
      if (write) {
        if (col.type !== T_U64) return -1;
        const w = col.w32;
        w[2 * r + LO] = lo;
        w[2 * r + HI] = hi;
        col.present[r] = 1;
      }
      return q;
    }
    return -1;
  }
  if (c === 34) {
    let j = v + 1;
    while (j < end) {
      c = buf[j];
      if (c === 34) break;
      if (c === 92) return -1;
      j++;
    }
    const q = j + 1;
    if (q >= end || !isValueEnd(buf[q])) return -1;
    if (write) {
      if (col.type !== T_STRING) return -1;
      col.strs[r] = buf.toString('utf8', v + 1, j);
      col.present[r] = 1;
    }
    return q;
  }
  if (c === 116 || c === 84 || c === 102 || c === 70) {
    let j = v + 1;
    while (j < end && !isValueEnd(buf[j])) {
      if (j - v >= 5) return -1;
      j++;
    }
    if (j >= end || !isBoolWord(buf, v, j)) return -1;
    if (write) {
      if (col.type !== T_BOOL) return -1;
      col.bools[r] = c === 116 || c === 84 ? 1 : 0;
      col.present[r] = 1;
    }
    return j;
  }
  return -1;
}

/**
 * Streaming, exact parser of CnosDB line protocol into column-oriented tables.
 * Feed chunks with push(), finish with end(), take results with drain().
 * After an error the parser is unusable (the request fails as a whole).
 */
export class LineProtocolParser {
  private _lines = 0;
  private readonly defLo: number;
  private readonly defHi: number;

  private readonly tables: TableBuilder[] = [];
  /** Tables with rows in the current batch. */
  private dirty: TableBuilder[] = [];
  private readonly tableByName = new Map<string, TableBuilder>();
  private readonly series = new Map<number, SeriesEntry>();
  private seriesCount = 0;
  private seriesBytes = 0;

  /** Absolute offset (in the whole body) of the next chunk's first byte. */
  private base = 0;
  private inComment = false;
  /** The incomplete line carried over between chunks, from its first byte. */
  private acc = Buffer.allocUnsafe(4096);
  private accLen = 0;
  private accAbs = 0;
  private pending = false;
  private ended = false;
  private failure: unknown = undefined;

  private seq = 0;
  private prevSeries: SeriesEntry | undefined = undefined;
  private readonly lineKeys: KeyEntry[] = [];
  private readonly lastTs = Buffer.alloc(24);
  private readonly lastTsWords = new Int32Array(6);
  private lastTsLen = 0;
  private lastTsLo = 0;
  private lastTsHi = 0;

  // State machine registers; positions are relative to the line start while a line is pending.
  private smState = S_TABLE;
  private smSkip = false;
  private smEsc = false;
  private smQuotes = false;
  private smKeyS = 0;
  private smKeyE = -1;
  private smKeyEsc = false;
  private smValS = 0;
  private smValEsc = false;
  private smPos = 0;
  private smSegEnd = -1;
  private smTable = '';
  private smTags: { key: string; val: string }[] = [];
  private smFields: PendingField[] = [];

  constructor(opts: { defaultTime: bigint }) {
    const t = BigInt.asIntN(64, opts.defaultTime);
    this.defLo = Number(BigInt.asIntN(32, t));
    this.defHi = Number(BigInt.asIntN(32, t >> 32n));
  }

  /** Lines parsed so far (data lines, not comments or blank lines). */
  get lines(): number {
    return this._lines;
  }

  /** Parses every complete line in chunk (after the carried-over partial line); keeps the tail. */
  push(chunk: Buffer): void {
    this.check();
    try {
      this.pushChunk(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** Parses the final line even without a trailing newline. */
  end(): void {
    this.check();
    this.ended = true;
    try {
      if (this.pending) {
        this.pending = false;
        this.smRun(this.acc, 0, this.smPos, this.accLen, this.accAbs, true);
        this.accLen = 0;
      }
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** Takes the tables parsed so far (first-seen order) and resets the row builders. */
  drain(): ParsedTable[] {
    const dirty = this.dirty;
    this.dirty = [];
    dirty.sort((a, b) => a.index - b.index);
    return dirty.map((t) => t.take());
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error('LineProtocolParser: end() was already called');
  }

  private pushChunk(chunk: Buffer): void {
    const n = chunk.length;
    let start = 0;
    if (this.pending) {
      // Append only as much as the pending line needs (doubling), then go on in the chunk itself.
      let taken = 0;
      for (;;) {
        const want = Math.min(n - taken, Math.max(this.accLen, 16384));
        this.append(chunk, taken, taken + want);
        taken += want;
        const next = this.smRun(this.acc, 0, this.smPos, this.accLen, this.accAbs, false);
        if (next !== MORE) {
          start = next - (this.accLen - taken);
          this.pending = false;
          this.accLen = 0;
          if (this.acc.length > ACC_KEEP) this.acc = Buffer.allocUnsafe(ACC_KEEP);
          break;
        }
        if (taken === n) {
          this.base += n;
          return;
        }
      }
    }
    const stop = this.run(chunk, new DataView(chunk.buffer, chunk.byteOffset, n), start, n, this.base);
    if (stop < n) {
      this.accLen = 0;
      this.append(chunk, stop, n);
      this.accAbs = this.base + stop;
      this.pending = true;
    }
    this.base += n;
  }

  private append(src: Buffer, s: number, e: number): void {
    const need = this.accLen + (e - s);
    if (need > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.acc.length * 2));
      this.acc.copy(grown, 0, 0, this.accLen);
      this.acc = grown;
    }
    src.copy(this.acc, this.accLen, s, e);
    this.accLen = need;
  }

  /** Parses lines from i; returns the start of an incomplete line, or end. */
  private run(buf: Buffer, dv: DataView, i: number, end: number, abs: number): number {
    while (i < end) {
      if (this.inComment) {
        while (i < end) {
          const c = buf[i];
          if (c === 10 || c === 13) break;
          i++;
        }
        if (i >= end) return end;
        this.inComment = false;
        i++;
        continue;
      }
      const c = buf[i];
      if (isAsciiWhitespace(c)) {
        i++;
        continue;
      }
      if (c === 35) {
        this.inComment = true;
        i++;
        continue;
      }
      let next = this.fastLine(buf, dv, i, end);
      if (next === BAIL) {
        this.smReset();
        next = this.smRun(buf, i, i + 1, end, abs + i, false);
        if (next === MORE) return i;
      }
      i = next;
    }
    return end;
  }

  /** True when the bytes at ts are those of the last parsed timestamp. */
  private sameTimestamp(dv: DataView, buf: Buffer, ts: number, n: number): boolean {
    const words = this.lastTsWords;
    const nw = n >> 2;
    for (let w = 0; w < nw; w++) {
      if (dv.getInt32(ts + 4 * w, NATIVE_LE) !== words[w]) return false;
    }
    const last = this.lastTs;
    for (let k = nw * 4; k < n; k++) {
      if (buf[ts + k] !== last[k]) return false;
    }
    return true;
  }

  /** Clears what the fast path wrote for row r in this attempt (keys[0..nf)). */
  private undo(keys: KeyEntry[], nf: number, r: number, seq: number): number {
    for (let k = 0; k < nf; k++) {
      const col = keys[k].col;
      if (col.lastSeq === seq) {
        col.lastSeq = 0;
        col.clearRow(r);
      }
    }
    return BAIL;
  }

  /** The common case; returns the index after the line, or BAIL. Never throws. */
  private fastLine(buf: Buffer, dv: DataView, ls: number, end: number): number {
    // A cached measurement+tag-set spelling contains no space byte, so it ends at the first space;
    // that space is never past the end of the line, so the search costs at most the line.
    let i = buf.indexOf(32, ls);
    if (i < 0 || i >= end) return BAIL;
    // Writers emit their series in a stable order: try the series that followed last time.
    const prev = this.prevSeries;
    let se = prev === undefined ? undefined : prev.succ;
    if (se === undefined || !sameSegment(dv, buf, ls, i, se)) {
      const h = hashSegment(dv, buf, ls, i);
      se = this.series.get(h);
      while (se !== undefined && !sameSegment(dv, buf, ls, i, se)) se = se.next;
      if (se === undefined) {
        const d = sharedGet(h, dv, buf, ls, i);
        if (d === undefined) return BAIL;
        se = this.adopt(d, h);
        if (se === undefined) return BAIL;
      }
      if (prev !== undefined) prev.succ = se;
    }

    const table = se.table;
    const r = table.rowCount === table.capacity ? table.grow() : table.rowCount;
    const seq = ++this.seq;
    i++;
    while (i < end && buf[i] === 32) i++;
    if (i >= end) return BAIL;

    const guess = se.guess;
    let keys = guess;
    let nf = 0;
    let tsLo = this.defLo;
    let tsHi = this.defHi;
    let next: number;
    for (;;) {
      // Field key at i. CnosDB takes a key's first byte as is after the separating space but
      // parses it after a comma; the readings differ only for '=' and '\\', which no cached
      // spelling starts with.
      const k0 = buf[i];
      if (k0 === 61 || k0 === 92) return this.undo(keys, nf, r, seq);
      let ke: KeyEntry | undefined = keys === guess && nf < guess.length ? guess[nf] : undefined;
      let v: number;
      if (ke !== undefined && sameKey(dv, buf, i, end, ke)) {
        v = i + ke.key.bytes.length + 1;
      } else {
        if (keys === guess) {
          keys = this.lineKeys;
          for (let k = 0; k < nf; k++) keys[k] = guess[k];
        }
        let kh = Math.imul(FNV_BASIS ^ k0, FNV_PRIME);
        let j = i + 1;
        for (; j < end; j++) {
          const c = buf[j];
          if (c === 61) break;
          if (c === 92) return this.undo(keys, nf, r, seq);
          kh = Math.imul(kh ^ c, FNV_PRIME);
        }
        if (j >= end) return this.undo(keys, nf, r, seq);
        const kl = j - i;
        ke = table.keyCache.get(kh & HASH_MASK);
        while (ke !== undefined && !(ke.key.bytes.length === kl && equalBytes(buf, i, ke.key.bytes))) ke = ke.next;
        if (ke === undefined) return this.undo(keys, nf, r, seq);
        keys[nf] = ke;
        v = j + 1;
      }
      nf++;
      if (v >= end) return this.undo(keys, nf, r, seq);
      const col = ke.col;
      const first = col.lastSeq !== seq;
      const q = fastValue(buf, v, end, col, r, first);
      if (q < 0) return this.undo(keys, nf, r, seq);
      // A repeated key in a line: the first value wins (CnosDB dedups after sorting, stably).
      if (first) col.lastSeq = seq;
      const t = buf[q];
      if (t === 44) {
        i = q + 1;
        if (i >= end) return this.undo(keys, nf, r, seq);
        continue;
      }
      if (t !== 32) {
        next = q + 1;
        break;
      }
      // Timestamp: its first byte is taken as is, then up to ASCII whitespace.
      let j = q + 1;
      while (j < end && buf[j] === 32) j++;
      if (j >= end) return this.undo(keys, nf, r, seq);
      const ts = j;
      if (isAsciiWhitespace(buf[j])) return this.undo(keys, nf, r, seq);
      j++;
      while (j < end && !isAsciiWhitespace(buf[j])) j++;
      if (j >= end) return this.undo(keys, nf, r, seq);
      const tl = j - ts;
      if (tl === this.lastTsLen && this.sameTimestamp(dv, buf, ts, tl)) {
        tsLo = this.lastTsLo;
        tsHi = this.lastTsHi;
      } else {
        if (!parseI64Words(buf, ts, j)) return this.undo(keys, nf, r, seq);
        tsLo = W[0];
        tsHi = W[1];
        if (tl <= this.lastTs.length) {
          buf.copy(this.lastTs, 0, ts, j);
          for (let w = 0; w < tl >> 2; w++) this.lastTsWords[w] = dv.getInt32(ts + 4 * w, NATIVE_LE);
          this.lastTsLen = tl;
          this.lastTsLo = tsLo;
          this.lastTsHi = tsHi;
        }
      }
      next = j + 1;
      break;
    }

    const t32 = table.t32;
    t32[2 * r + LO] = tsLo;
    t32[2 * r + HI] = tsHi;
    table.rowTags[r] = se.tags;
    table.rowCount = r + 1;
    if (r === 0) this.dirty.push(table);
    this._lines++;
    this.prevSeries = se;
    if (keys !== guess || nf !== guess.length) se.guess = keys.slice(0, nf);
    table.lastGuess = se.guess;
    return next;
  }

  /**
   * Brings a spelling decoded by an earlier parser into this request: its table and tag columns
   * (created in sorted order, as the state machine would). Undefined when a tag name is a field
   * of the table: the state machine then reports the conflict where CnosDB does.
   */
  private adopt(d: DecodedSeries, h: number): SeriesEntry | undefined {
    const table = this.tableOf(d.table);
    const keys = d.tagKeys;
    const cols: TagBuilder[] = [];
    for (let k = 0; k < keys.length; k++) {
      let col = table.tagByName.get(keys[k]);
      if (col === undefined) {
        if (table.fieldByName.has(keys[k])) return undefined;
        col = table.addTag(keys[k]);
      }
      cols.push(col);
    }
    return this.cacheSeries(h, d.key, table, new TagSet(cols, d.tagVals));
  }

  private smReset(): void {
    this.smState = S_TABLE;
    this.smSkip = false;
    this.smEsc = false;
    this.smQuotes = false;
    this.smKeyS = 0;
    this.smKeyE = -1;
    this.smKeyEsc = false;
    this.smValS = 0;
    this.smValEsc = false;
    this.smPos = 0;
    this.smSegEnd = -1;
    this.smTable = '';
    this.smTags = [];
    this.smFields = [];
  }

  /**
   * CnosDB's state machine over one line that starts at ls (its first byte is the first byte of
   * the measurement), resuming at `from`. Returns the index after the line, or MORE when the
   * data ran out and `final` is false (the registers are saved relative to ls). `lineAbs` is the
   * line's offset in the whole body, for error positions.
   */
  private smRun(buf: Buffer, ls: number, from: number, end: number, lineAbs: number, final: boolean): number {
    const off = lineAbs - ls;
    let st = this.smState;
    let skip = this.smSkip;
    let esc = this.smEsc;
    let quotes = this.smQuotes;
    let keyS = ls + this.smKeyS;
    let keyE = this.smKeyE < 0 ? -1 : ls + this.smKeyE;
    let keyEsc = this.smKeyEsc;
    let valS = ls + this.smValS;
    let valEsc = this.smValEsc;
    for (let i = from; i < end; i++) {
      const c = buf[i];
      switch (st) {
        case S_TABLE:
          if (skip) {
            if (c !== 32) {
              skip = false;
              keyS = i;
              keyE = -1;
              keyEsc = false;
              st = S_FIELD_KEY;
            }
          } else if (esc) {
            if (!(c === 44 || c === 32 || c === 92 || c === 34 || c === 39)) throw unexpectedToken(i + off, c);
            esc = false;
          } else if (c === 92) {
            esc = true;
            keyEsc = true;
          } else if (c === 44) {
            this.smTable = unescapeKey(buf, keyS, i, keyEsc);
            keyS = i + 1;
            keyE = -1;
            keyEsc = false;
            st = S_TAG_KEY;
          } else if (c === 32) {
            this.smTable = unescapeKey(buf, keyS, i, keyEsc);
            this.smSegEnd = i - ls;
            skip = true;
          }
          break;
        case S_TAG_KEY:
        case S_FIELD_KEY:
          if (esc) {
            if (!(c === 44 || c === 32 || c === 61 || c === 92 || c === 34 || c === 39)) throw unexpectedToken(i + off, c);
            esc = false;
          } else if (c === 92) {
            esc = true;
            keyEsc = true;
          } else if (c === 61) {
            keyE = i;
            valS = i + 1;
            valEsc = false;
            st = st === S_TAG_KEY ? S_TAG_VALUE : S_FIELD_VALUE;
          }
          break;
        case S_TAG_VALUE:
          if (skip) {
            if (c !== 32) {
              skip = false;
              keyS = i;
              keyE = -1;
              keyEsc = false;
              st = S_FIELD_KEY;
            }
          } else if (esc) {
            if (!(c === 44 || c === 32 || c === 61 || c === 92 || c === 34 || c === 39)) throw unexpectedToken(i + off, c);
            esc = false;
          } else if (c === 92) {
            esc = true;
            valEsc = true;
          } else if (c === 44 || c === 32) {
            const key = unescapeKey(buf, keyS, keyE, keyEsc);
            const val = unescapeKey(buf, valS, i, valEsc);
            this.smTags.push({ key, val });
            if (c === 44) {
              keyS = i + 1;
              keyE = -1;
              keyEsc = false;
              st = S_TAG_KEY;
            } else {
              this.smSegEnd = i - ls;
              skip = true;
            }
          }
          break;
        case S_FIELD_VALUE:
          if (skip) {
            if (c !== 32) {
              skip = false;
              keyS = i;
              keyE = -1;
              keyEsc = false;
              st = S_TIMESTAMP;
            }
          } else if (esc) {
            if (!(c === 39 || c === 34 || c === 92)) throw unexpectedToken(i + off, c);
            esc = false;
          } else if (c === 34) {
            quotes = !quotes;
          } else if (c === 92) {
            esc = true;
            valEsc = true;
          } else if (!quotes && (c === 44 || c === 32 || c === 13 || c === 10)) {
            this.smField(buf, ls, keyS, keyE, keyEsc, valS, i, valEsc);
            if (c === 44) {
              keyS = i + 1;
              keyE = -1;
              keyEsc = false;
              st = S_FIELD_KEY;
            } else if (c === 32) {
              keyS = i;
              keyE = -1;
              keyEsc = false;
              skip = true;
            } else {
              this.smCommit(buf, ls, this.defLo, this.defHi);
              return i + 1;
            }
          }
          break;
        default:
          // S_TIMESTAMP
          if (isAsciiWhitespace(c)) {
            if (!parseI64Words(buf, keyS, i)) throw timestampError(i + off);
            this.smCommit(buf, ls, W[0], W[1]);
            return i + 1;
          }
      }
    }

    if (!final) {
      this.smState = st;
      this.smSkip = skip;
      this.smEsc = esc;
      this.smQuotes = quotes;
      this.smKeyS = keyS - ls;
      this.smKeyE = keyE < 0 ? -1 : keyE - ls;
      this.smKeyEsc = keyEsc;
      this.smValS = valS - ls;
      this.smValEsc = valEsc;
      this.smPos = end - ls;
      return MORE;
    }
    // End of the body.
    if (st === S_TIMESTAMP) {
      if (!parseI64PrefixWords(buf, keyS, end)) throw timestampError(keyS + off);
      this.smCommit(buf, ls, W[0], W[1]);
      return end;
    }
    if (st === S_FIELD_VALUE) {
      if (quotes) throw unexpectedEnd(valS + off);
      // CnosDB keeps the last field only when its key and value are both non-empty.
      if (keyE > keyS && end > valS) this.smField(buf, ls, keyS, keyE, keyEsc, valS, end, valEsc);
      this.smCommit(buf, ls, this.defLo, this.defHi);
      return end;
    }
    throw unexpectedEnd(keyS + off);
  }

  /** CnosDB's `escape(key)` then `parse_field_value(value)`. */
  private smField(
    buf: Buffer,
    ls: number,
    keyS: number,
    keyE: number,
    keyEsc: boolean,
    valS: number,
    valE: number,
    valEsc: boolean,
  ): void {
    const key = unescapeKey(buf, keyS, keyE, keyEsc);
    const f: PendingField = { key, type: T_F64, num: 0, lo: 0, hi: 0, str: '', keyStart: keyS - ls, keyEnd: keyE - ls };
    // An empty value makes CnosDB index out of bounds (a panic); reject it as an invalid value.
    if (valS >= valE) throw invalidFieldValue('');
    const c = buf[valS];
    const raw = (): string => buf.toString('utf8', valS, valE);
    if (c === 116 || c === 84 || c === 102 || c === 70) {
      if (!isBoolWord(buf, valS, valE)) throw invalidFieldValue(raw());
      f.type = T_BOOL;
      f.num = c === 116 || c === 84 ? 1 : 0;
    } else if (c === 34) {
      if (valE - valS < 2 || buf[valE - 1] !== 34) throw invalidFieldValue(raw());
      f.type = T_STRING;
      f.str = valEsc ? unescapeString(buf, valS + 1, valE - 1) : buf.toString('utf8', valS + 1, valE - 1);
    } else if (c === 43 || c === 45 || (c >= 48 && c <= 57)) {
      const last = buf[valE - 1];
      if (last === 105) {
        if (!parseI64Words(buf, valS, valE - 1)) throw invalidFieldValue(raw());
        f.type = T_I64;
        f.lo = W[0];
        f.hi = W[1];
      } else if (last === 117) {
        if (!parseU64Words(buf, valS, valE - 1)) throw invalidFieldValue(raw());
        f.type = T_U64;
        f.lo = W[0];
        f.hi = W[1];
      } else {
        if (!parseF64(buf, valS, valE)) throw invalidFieldValue(raw());
        f.type = T_F64;
        f.num = F[0];
      }
    } else {
      throw invalidFieldValue(raw());
    }
    this.smFields.push(f);
  }

  private tableOf(name: string): TableBuilder {
    let t = this.tableByName.get(name);
    if (t === undefined) {
      t = new TableBuilder(name, this.tables.length);
      this.tableByName.set(name, t);
      this.tables.push(t);
    }
    return t;
  }

  /** Sorts and dedups the line, checks it against the request's schema, writes the row, caches. */
  private smCommit(buf: Buffer, ls: number, tsLo: number, tsHi: number): void {
    const tags = sortDedup(this.smTags);
    const fields = sortDedup(this.smFields.slice());
    const table = this.tableOf(this.smTable);

    const tagCols: TagBuilder[] = [];
    const tagVals: string[] = [];
    for (const { key: k, val: v } of tags) {
      let col = table.tagByName.get(k);
      if (col === undefined) {
        const field = table.fieldByName.get(k);
        if (field !== undefined) throw new FieldTypeConflictError(k, TAG_TYPE_NAME, TYPE_NAMES[field.type]);
        col = table.addTag(k);
      }
      tagCols.push(col);
      tagVals.push(v);
    }
    const fieldCols: FieldBuilder[] = [];
    for (const f of fields) {
      let col = table.fieldByName.get(f.key);
      if (col === undefined) {
        if (table.tagByName.has(f.key)) throw new FieldTypeConflictError(f.key, TYPE_NAMES[f.type], TAG_TYPE_NAME);
        col = table.addField(f.key, f.type);
      } else if (col.type !== f.type) {
        throw new FieldTypeConflictError(f.key, TYPE_NAMES[f.type], TYPE_NAMES[col.type]);
      }
      fieldCols.push(col);
    }

    const r = table.rowCount === table.capacity ? table.grow() : table.rowCount;
    const t32 = table.t32;
    t32[2 * r + LO] = tsLo;
    t32[2 * r + HI] = tsHi;
    const tagSet = new TagSet(tagCols, tagVals);
    table.rowTags[r] = tagSet;
    if (r === 0) this.dirty.push(table);
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      const col = fieldCols[k];
      switch (f.type) {
        case T_F64:
          col.f64[r] = f.num;
          break;
        case T_I64:
        case T_U64:
          col.w32[2 * r + LO] = f.lo;
          col.w32[2 * r + HI] = f.hi;
          break;
        case T_BOOL:
          col.bools[r] = f.num;
          break;
        default:
          col.strs[r] = f.str;
      }
      col.present[r] = 1;
    }
    table.rowCount = r + 1;
    this._lines++;

    // Remember the raw spellings so the next line like this one takes the fast path.
    for (const f of this.smFields) {
      const col = table.fieldByName.get(f.key) as FieldBuilder;
      this.cacheKey(table, buf, ls + f.keyStart, ls + f.keyEnd, col);
    }
    const segEnd = this.smSegEnd;
    if (segEnd > 0 && buf.indexOf(32, ls) === ls + segEnd) {
      const key = new ByteKey(buf, ls, ls + segEnd);
      const h = key.hash();
      const keys: string[] = [];
      for (const t of tags) keys.push(t.key);
      sharedPut(h, key, table.name, keys, tagVals);
      this.cacheSeries(h, key, table, tagSet);
    }
    this.smReset();
  }

  private cacheKey(table: TableBuilder, buf: Buffer, s: number, e: number, col: FieldBuilder): void {
    // Spellings starting with '=' or '\\' decode differently after a space and after a comma.
    if (e <= s || buf[s] === 61 || buf[s] === 92) return;
    const h = hashBytes(buf, s, e);
    const head = table.keyCache.get(h);
    for (let k = head; k !== undefined; k = k.next) {
      if (k.key.bytes.length === e - s && equalBytes(buf, s, k.key.bytes)) return;
    }
    table.keyCache.set(h, new KeyEntry(new ByteKey(buf, s, e), col, head));
  }

  /** Adds a spelling to this parser's series cache (unless present); returns its entry. */
  private cacheSeries(h: number, key: ByteKey, table: TableBuilder, tags: TagSet): SeriesEntry {
    const head = this.series.get(h);
    for (let k = head; k !== undefined; k = k.next) {
      if (key.equals(k.key)) return k;
    }
    if (this.seriesCount >= MAX_SERIES || this.seriesBytes >= MAX_SERIES_BYTES) {
      this.series.clear();
      this.prevSeries = undefined;
      this.seriesCount = 0;
      this.seriesBytes = 0;
    }
    const entry = new SeriesEntry(key, table, tags, this.series.get(h));
    // A new series of a known table most likely has the table's usual field keys.
    entry.guess = table.lastGuess;
    this.series.set(h, entry);
    this.seriesCount++;
    this.seriesBytes += key.bytes.length + 128;
    return entry;
  }
}
