import { FIELD_TYPES, FieldColumn, FieldType, RowBatch, TagColumn } from './row-batch';

/**
 * Kafka message format for a RowBatch, version 2. Binary and column-oriented so that a batch
 * of thousands of rows is one message and numeric columns are copied, not converted:
 *
 *   "CNRB" | u8 version | u32 header length | header JSON | u32 rowCount | times (i64 LE × n)
 *   then per tag column: tag values; per field column: presence bitmap + values.
 *   string: u32 byte length (0xFFFFFFFF = absent) + UTF-8 bytes.
 *   tag values, version 2: u32 distinct count + that many strings, then per row the u32 index
 *     of its value (0xFFFFFFFF = absent). Tag values repeat across rows (series), so each is
 *     encoded, sent and decoded once per batch.
 *   tag values, version 1: per row a string. Still read, so messages written before an
 *     upgrade are stored after it.
 *
 * The header JSON names tenant, database, table and the columns with their types, so a
 * consumer never needs a schema registry to read a message.
 */
const MAGIC = 0x42524e43; // "CNRB" little-endian
export const ROW_BATCH_FORMAT_VERSION = 2;
const ABSENT = 0xffffffff;

interface Header {
  tenant: string;
  database: string;
  table: string;
  tags: string[];
  fields: { name: string; type: FieldType }[];
}

class Writer {
  private buf: Buffer;
  pos = 0;
  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(initial, 64));
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  string(s: string | undefined): void {
    if (s === undefined) return this.u32(ABSENT);
    const len = Buffer.byteLength(s);
    this.ensure(4 + len);
    this.buf.writeUInt32LE(len, this.pos);
    this.buf.write(s, this.pos + 4, 'utf8');
    this.pos += 4 + len;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  u8(): number {
    return this.buf[this.pos++];
  }
  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  /** Copies n bytes into a fresh, 8-byte aligned buffer so typed arrays can view it. */
  aligned(n: number): ArrayBuffer {
    const out = new ArrayBuffer(n);
    new Uint8Array(out).set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }
  string(): string | undefined {
    const len = this.u32();
    if (len === ABSENT) return undefined;
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function writeTagValues(w: Writer, values: (string | undefined)[], n: number): void {
  const index = new Map<string, number>();
  const distinct: string[] = [];
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === undefined) {
      rows[i] = ABSENT;
      continue;
    }
    let k = index.get(v);
    if (k === undefined) {
      k = distinct.length;
      index.set(v, k);
      distinct.push(v);
    }
    rows[i] = k;
  }
  w.u32(distinct.length);
  for (const v of distinct) w.string(v);
  w.bytes(bytesOf(rows));
}

function readTagValues(r: Reader, n: number, version: number): (string | undefined)[] {
  const values = new Array<string | undefined>(n);
  if (version === 1) {
    for (let i = 0; i < n; i++) values[i] = r.string();
    return values;
  }
  const distinct = new Array<string>(r.u32());
  for (let k = 0; k < distinct.length; k++) distinct[k] = r.string() ?? '';
  const rows = new Uint32Array(r.aligned(n * 4));
  for (let i = 0; i < n; i++) {
    const k = rows[i];
    if (k === ABSENT) continue;
    if (k >= distinct.length) throw new Error(`tag value index ${k} out of range`);
    values[i] = distinct[k];
  }
  return values;
}

/** Encodes a batch as one Kafka message value. */
export function encodeRowBatch(batch: RowBatch): Buffer {
  const n = batch.rowCount;
  const header: Header = {
    tenant: batch.tenant,
    database: batch.database,
    table: batch.table,
    tags: batch.tags.map((t) => t.name),
    fields: batch.fields.map((f) => ({ name: f.name, type: f.type })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const w = new Writer(64 + headerBytes.length + n * 8 * (1 + batch.fields.length));
  w.u32(MAGIC);
  w.u8(ROW_BATCH_FORMAT_VERSION);
  w.u32(headerBytes.length);
  w.bytes(headerBytes);
  w.u32(n);
  w.bytes(bytesOf(batch.times.subarray(0, n)));
  for (const tag of batch.tags) writeTagValues(w, tag.values, n);
  for (const field of batch.fields) {
    w.bytes(field.present.subarray(0, n));
    if (field.type === 'STRING') {
      const values = field.values as string[];
      for (let i = 0; i < n; i++) w.string(field.present[i] ? values[i] : undefined);
    } else {
      w.bytes(bytesOf((field.values as Float64Array | BigInt64Array | BigUint64Array | Uint8Array).subarray(0, n)));
    }
  }
  return w.result();
}

/** Decodes a Kafka message value; throws on anything that is not a version-1 or -2 row batch. */
export function decodeRowBatch(buf: Buffer): RowBatch {
  const r = new Reader(buf);
  if (buf.length < 9 || r.u32() !== MAGIC) throw new Error('not a row batch message');
  const version = r.u8();
  if (version !== 1 && version !== 2) throw new Error(`unsupported row batch version ${version}`);
  const headerLen = r.u32();
  const header = JSON.parse(buf.toString('utf8', r.pos, r.pos + headerLen)) as Header;
  r.pos += headerLen;
  const n = r.u32();
  const times = new BigInt64Array(r.aligned(n * 8));
  const tags: TagColumn[] = header.tags.map((name) => ({ name, values: readTagValues(r, n, version) }));
  const fields: FieldColumn[] = header.fields.map(({ name, type }) => {
    if (!FIELD_TYPES.includes(type)) throw new Error(`unknown field type ${type}`);
    const present = new Uint8Array(r.aligned(n));
    let values: FieldColumn['values'];
    switch (type) {
      case 'STRING': {
        const strings = new Array<string>(n);
        for (let i = 0; i < n; i++) strings[i] = r.string() ?? '';
        values = strings;
        break;
      }
      case 'DOUBLE':
        values = new Float64Array(r.aligned(n * 8));
        break;
      case 'BIGINT':
        values = new BigInt64Array(r.aligned(n * 8));
        break;
      case 'BIGINT UNSIGNED':
        values = new BigUint64Array(r.aligned(n * 8));
        break;
      case 'BOOLEAN':
        values = new Uint8Array(r.aligned(n));
        break;
    }
    return { name, type, present, values };
  });
  return { tenant: header.tenant, database: header.database, table: header.table, rowCount: n, times, tags, fields };
}
