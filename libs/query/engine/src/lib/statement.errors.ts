import { CnosError, Errors } from '@cnosdb/shared/errors';

/**
 * CnosDB's errors for DDL, INSERT and SHOW statements (codes: module 01 = query, 03 = meta;
 * texts from query_server/spi/src/lib.rs and meta/src/error.rs). All are 422.
 */
export const StatementErrors = {
  semantic: (detail: string) => new CnosError(422, '010003', `Semantic error: ${detail}`),
  notImplemented: (what: string) => new CnosError(422, '010005', `This feature is not implemented: ${what}`),
  columnCannotBeNull: (column: string) => new CnosError(422, '010023', `Column ${column} cannot be null.`),
  sameColumnName: (column: string) => new CnosError(422, '010027', `Semantic error: Field or Tag have the same name ${column}`),
  // The double space is CnosDB's own (ColumnAlreadyExists' display attribute).
  columnAlreadyExists: (column: string, table: string) => new CnosError(422, '010028', `Semantic error:  column ${column} already exists in table ${table}`),
  columnNotExists: (column: string, table: string) => new CnosError(422, '010029', `Semantic error: Column ${column} not exists in table ${table}`),
  dropTag: (column: string) => new CnosError(422, '010030', `Semantic error: Can't drop tag column ${column}.`),
  atLeastOneField: () => new CnosError(422, '010032', 'Semantic error: There must be at least one field column.'),
  atLeastOneTag: () => new CnosError(422, '010033', 'Semantic error: There must be at least one tag column. '),
  tagNotSupportCompression: () => new CnosError(422, '010034', 'Semantic error: Tag does not support compression'),
  timeColumnAlter: () => new CnosError(422, '010035', 'Semantic error: Column time does not support modification'),
  offsetBelowZero: (n: bigint) => new CnosError(422, '010003', `Semantic error: OFFSET must be >= 0, '${n}' was provided.`),
  offsetConstant: () => new CnosError(422, '010003', 'Semantic error: The OFFSET clause must be a constant of BIGINT type'),
  limitBelowZero: (n: bigint) => new CnosError(422, '010039', `Semantic error: Limit must be >= 0, '${n}' was provided.`),
  limitConstant: () => new CnosError(422, '010040', 'Semantic error: The LIMIT clause must be a constant of BIGINT type'),
  dataType: (dataType: string, column: string) => new CnosError(422, '010041', `Semantic error: Unexpected data type ${dataType} of ${column}, `),
  encodingType: (encoding: string, dataType: string) => new CnosError(422, '010042', `Semantic error: Unsupported encoding type ${encoding} for ${dataType}`),
  missingInsertColumn: (column: string, fields: string[]) =>
    new CnosError(422, '010044', `Semantic error: Insert column '${column}' does not exist in target table, expect ${fields.join(',')}`),
  mismatchColumns: () => new CnosError(422, '010045', 'Semantic error: Insert columns and Source columns not match'),
  showSeriesWhereField: (column: string) => new CnosError(422, '010046', `Semantic error: SHOW SERIES does not support where clause contains field ${column}`),
  forbidDropDatabase: (name: string) => new CnosError(422, '010065', `Database "${name}" forbid drop`),
  databaseAlreadyExists: (name: string) => new CnosError(422, '030018', `Database ${JSON.stringify(name)} already exists`),
  tableAlreadyExists: (table: string) => new CnosError(422, '030020', `Table ${table} already exists.`),
  arrowCast: (detail: string) => new CnosError(422, '010002', `Arrow: Cast error: ${detail}`),
  databaseNotFound: Errors.databaseNotFound,
  tableNotFound: Errors.tableNotFound,
};
