/**
 * Syntax error with sqlparser-rs (0.35) wording, e.g. `Expected end of statement, found: x`.
 * The HTTP layer reports it as code 010009 with the prefix `sql parser error: `.
 */
export class SqlParseError extends Error {
  override readonly name = 'SqlParseError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A query that parses but cannot be planned. `message` is CnosDB's complete error_message
 * (for example `Datafusion: Schema error: No field named x. Valid fields are t.time.`) and
 * `code` its six-digit error_code.
 */
export class SqlSemanticError extends Error {
  override readonly name: string = 'SqlSemanticError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Error codes used by this library (CnosDB's numbering, see the HTTP reference 2.4). */
export const SqlErrorCode = {
  datafusion: '010001',
  notImplemented: '010005',
  tableNotFound: '030019',
} as const;

/** A DataFusion planning error as CnosDB reports it (code 010001). */
export function planError(detail: string): SqlSemanticError {
  return new SqlSemanticError(`Datafusion: Error during planning: ${detail}`, SqlErrorCode.datafusion);
}

/** A DataFusion schema error as CnosDB reports it (code 010001). */
export function schemaError(detail: string): SqlSemanticError {
  return new SqlSemanticError(`Datafusion: Schema error: ${detail}`, SqlErrorCode.datafusion);
}

/** Something CnosDB accepts that this translator does not support yet (code 010005). */
export function notImplemented(what: string): SqlSemanticError {
  return new SqlSemanticError(`This feature is not implemented: ${what}`, SqlErrorCode.notImplemented);
}

/**
 * A FROM clause names a table the catalog does not know. Only the caller knows the request's
 * tenant and database, so it builds the final text with `TableNotFoundError.messageFor`.
 */
export class TableNotFoundError extends SqlSemanticError {
  override readonly name = 'TableNotFoundError';
  constructor(
    readonly table: string,
    readonly database?: string,
    readonly tenant?: string,
  ) {
    super(`Table not found: "${[tenant, database, table].filter((p) => p !== undefined).join('.')}"`, SqlErrorCode.tableNotFound);
  }

  /** CnosDB's text, e.g. `Table not found: "cnosdb.public.air"`; explicit qualifiers in the SQL win. */
  messageFor(defaultTenant: string, defaultDatabase: string): string {
    return `Table not found: "${this.tenant ?? defaultTenant}.${this.database ?? defaultDatabase}.${this.table}"`;
  }
}
