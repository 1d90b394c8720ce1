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
