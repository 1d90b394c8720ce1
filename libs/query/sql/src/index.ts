export * from './lib/sql.ast';
export type { Catalog, CatalogColumn, CatalogTable, TableRef } from './lib/sql.catalog';
export { SqlErrorCode, SqlParseError, SqlSemanticError, TableNotFoundError } from './lib/sql.errors';
export { parseExpression, parseStatement, parseStatements } from './lib/sql.parser';
export { splitStatements } from './lib/statement.splitter';
export type { Token } from './lib/sql.tokenizer';
export { tokenize } from './lib/sql.tokenizer';
export type { TranslateOptions, TranslatedSelect } from './lib/select.translator';
export { referencedTableRefs, referencedTables, translateSelect } from './lib/select.translator';
