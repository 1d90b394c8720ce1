/** CnosDB field types, spelled as CnosDB's DESCRIBE TABLE spells them. */
export type FieldType = 'BIGINT' | 'BIGINT UNSIGNED' | 'DOUBLE' | 'BOOLEAN' | 'STRING';

export const FIELD_TYPES: readonly FieldType[] = ['BIGINT', 'BIGINT UNSIGNED', 'DOUBLE', 'BOOLEAN', 'STRING'];

/** Timestamp precision of a database (and of CnosDB write requests). */
export type Precision = 'ns' | 'us' | 'ms';

/** Timestamp unit of a write request: CnosDB's three, plus InfluxDB v1's coarser units. */
export type WritePrecision = Precision | 's' | 'm' | 'h';

/** A tag column: one value per row, undefined where the row has no such tag. */
export interface TagColumn {
  name: string;
  values: (string | undefined)[];
}

/** Typed storage for a field column; one slot per row. */
export type FieldValues = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | string[];

/** A field column: `present[i]` is 1 where row i has a value. */
export interface FieldColumn {
  name: string;
  type: FieldType;
  present: Uint8Array;
  /** DOUBLE: Float64Array, BIGINT: BigInt64Array, BIGINT UNSIGNED: BigUint64Array, BOOLEAN: Uint8Array (0/1), STRING: string[] */
  values: FieldValues;
}

/**
 * Rows for one table, column-oriented: the unit that parsers produce, Kafka carries and the
 * storage writer inserts. Row order is write order; a later row wins a field merge.
 */
export interface RowBatch {
  tenant: string;
  database: string;
  table: string;
  rowCount: number;
  /** Times in the database's precision. */
  times: BigInt64Array;
  tags: TagColumn[];
  fields: FieldColumn[];
}

/** Allocates the typed storage for `n` values of a field type. */
export function allocateFieldValues(type: FieldType, n: number): FieldValues {
  switch (type) {
    case 'DOUBLE':
      return new Float64Array(n);
    case 'BIGINT':
      return new BigInt64Array(n);
    case 'BIGINT UNSIGNED':
      return new BigUint64Array(n);
    case 'BOOLEAN':
      return new Uint8Array(n);
    case 'STRING':
      return new Array<string>(n).fill('');
  }
}

/** Rows [start, end) of a batch, sharing the underlying storage where it can. */
export function sliceRowBatch(batch: RowBatch, start: number, end: number): RowBatch {
  return {
    tenant: batch.tenant,
    database: batch.database,
    table: batch.table,
    rowCount: end - start,
    times: batch.times.subarray(start, end),
    tags: batch.tags.map((t) => ({ name: t.name, values: t.values.slice(start, end) })),
    fields: batch.fields.map((f) => ({
      name: f.name,
      type: f.type,
      present: f.present.subarray(start, end),
      values: Array.isArray(f.values) ? f.values.slice(start, end) : f.values.subarray(start, end),
    })),
  };
}

/**
 * Concatenates batches of one table into one (columns are the union; a row lacking a
 * column gets no tag / no value), keeping row order. The parser yields a piece per network
 * chunk; one batch per table means one Kafka message or one INSERT instead of dozens.
 */
export function concatRowBatches(batches: RowBatch[]): RowBatch {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const rowCount = batches.reduce((n, b) => n + b.rowCount, 0);
  const times = new BigInt64Array(rowCount);
  const tagNames: string[] = [];
  const fieldTypes = new Map<string, FieldType>();
  for (const b of batches) {
    for (const t of b.tags) if (!tagNames.includes(t.name)) tagNames.push(t.name);
    for (const f of b.fields) if (!fieldTypes.has(f.name)) fieldTypes.set(f.name, f.type);
  }
  const tags: TagColumn[] = tagNames.map((name) => ({ name, values: new Array<string | undefined>(rowCount) }));
  const fields: FieldColumn[] = [...fieldTypes].map(([name, type]) => ({ name, type, present: new Uint8Array(rowCount), values: allocateFieldValues(type, rowCount) }));
  const tagIndex = new Map(tags.map((t, i) => [t.name, i]));
  const fieldIndex = new Map(fields.map((f, i) => [f.name, i]));
  let offset = 0;
  for (const b of batches) {
    times.set(b.times.subarray(0, b.rowCount), offset);
    for (const t of b.tags) {
      const target = tags[tagIndex.get(t.name)!].values;
      for (let i = 0; i < b.rowCount; i++) target[offset + i] = t.values[i];
    }
    for (const f of b.fields) {
      const target = fields[fieldIndex.get(f.name)!];
      if (target.type !== f.type) throw new Error(`field ${f.name} has two types in one table: ${target.type}, ${f.type}`);
      target.present.set(f.present.subarray(0, b.rowCount), offset);
      if (Array.isArray(f.values)) {
        const dst = target.values as string[];
        for (let i = 0; i < b.rowCount; i++) dst[offset + i] = f.values[i];
      } else {
        (target.values as Float64Array).set((f.values as Float64Array).subarray(0, b.rowCount), offset);
      }
    }
    offset += b.rowCount;
  }
  return { tenant: first.tenant, database: first.database, table: first.table, rowCount, times, tags, fields };
}
