import { FieldType } from '@cnosdb/contracts';
import { ColumnDefAst } from '@cnosdb/query/sql';
import { StatementErrors } from './statement.errors';

const INTEGER_CODECS = ['DEFAULT', 'NULL', 'DELTA', 'QUANTILE'];
/** models::codec: the encodings each type accepts. */
const CODECS_BY_TYPE: Record<string, string[]> = {
  TIMESTAMP: INTEGER_CODECS,
  BIGINT: INTEGER_CODECS,
  'BIGINT UNSIGNED': INTEGER_CODECS,
  DOUBLE: ['DEFAULT', 'NULL', 'GORILLA', 'QUANTILE'],
  STRING: ['DEFAULT', 'NULL', 'GZIP', 'BZIP', 'ZSTD', 'SNAPPY', 'ZLIB'],
  BOOLEAN: ['DEFAULT', 'NULL', 'BITPACK'],
};

/** Rust `Debug` of models::codec::Encoding (as CnosDB's error messages print it). */
export function encodingDebugName(codec: string): string {
  return codec === 'BITPACK' ? 'BitPack' : codec.charAt(0) + codec.slice(1).toLowerCase();
}

/** CnosDB's short type names (ColumnType::as_str), used when ALTER … SET CODEC rejects an encoding. */
export const SHORT_TYPE: Record<FieldType, string> = {
  BIGINT: 'I64',
  'BIGINT UNSIGNED': 'U64',
  DOUBLE: 'F64',
  BOOLEAN: 'BOOL',
  STRING: 'STRING',
};

export function codecAllowed(type: string, codec: string, custom = false): boolean {
  return (CODECS_BY_TYPE[custom ? 'STRING' : type] ?? []).includes(codec);
}

/** A column of CREATE TABLE / ADD FIELD after the planner's checks. */
export type CheckedColumn = { name: string; role: 'tag' } | { name: string; role: 'field'; type: FieldType; codec: string } | { name: string; role: 'time' };

/**
 * column_opt_to_table_column: the codec must suit the type (checked first, so an unknown
 * sqlparser type fails on its DEFAULT codec), then the type must be one CnosDB stores;
 * TIMESTAMP makes a (second) time column.
 */
export function checkColumn(def: ColumnDefAst): CheckedColumn {
  const name = def.name.value;
  if (def.kind === 'tag') return { name, role: 'tag' };
  const codec = def.codec ?? 'DEFAULT';
  const type = def.dataType.name;
  if (!codecAllowed(type, codec, def.dataType.custom)) throw StatementErrors.encodingType(encodingDebugName(codec), type);
  if (type === 'TIMESTAMP') return { name, role: 'time' };
  if (def.dataType.custom || !(type in SHORT_TYPE)) throw StatementErrors.dataType(type, name);
  return { name, role: 'field', type: type as FieldType, codec };
}
