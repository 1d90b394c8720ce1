import { FieldType } from '@cnosdb/contracts';

/** A column of a CnosDB table as the project stores it. */
export interface SchemaColumn {
  name: string;
  role: 'time' | 'tag' | 'field';
  /** Field type; tags are STRING, time is TIMESTAMP. */
  type: FieldType | 'TIMESTAMP';
}

/** A table's schema: time first, then tags and fields in creation order. */
export interface TableSchema {
  tenant: string;
  database: string;
  table: string;
  chDatabase: string;
  columns: SchemaColumn[];
}

const FIELD_TO_CH: Record<FieldType, string> = {
  BIGINT: 'Int64',
  'BIGINT UNSIGNED': 'UInt64',
  DOUBLE: 'Float64',
  BOOLEAN: 'UInt8',
  STRING: 'String',
};

/** ClickHouse column type that stores a field of this type (always Nullable: absent = NULL). */
export function chFieldType(type: FieldType): string {
  return `Nullable(${FIELD_TO_CH[type]})`;
}

/** Tags are plain Strings: '' means "no such tag", so they can be part of the sort key. */
export const CH_TAG_TYPE = 'String';

/** Reads a column's role and CnosDB type back from its ClickHouse type; undefined for hidden columns. */
export function columnFromClickHouse(name: string, chType: string): SchemaColumn | undefined {
  if (name.startsWith('__cnosdb_')) return undefined;
  if (name === 'time' && chType === 'Int64') return { name, role: 'time', type: 'TIMESTAMP' };
  if (chType === CH_TAG_TYPE) return { name, role: 'tag', type: 'STRING' };
  const m = /^Nullable\((\w+)\)$/.exec(chType);
  if (!m) return undefined;
  const entry = (Object.entries(FIELD_TO_CH) as [FieldType, string][]).find(([, ch]) => ch === m[1]);
  return entry ? { name, role: 'field', type: entry[0] } : undefined;
}

/** CnosDB's short type names used in type-conflict errors (I64, U64, F64, BOOL, STRING, TAG). */
export function shortTypeName(column: Pick<SchemaColumn, 'role' | 'type'>): string {
  if (column.role === 'tag') return 'TAG';
  switch (column.type) {
    case 'BIGINT':
      return 'I64';
    case 'BIGINT UNSIGNED':
      return 'U64';
    case 'DOUBLE':
      return 'F64';
    case 'BOOLEAN':
      return 'BOOL';
    case 'STRING':
      return 'STRING';
    default:
      return 'TIMESTAMP';
  }
}
