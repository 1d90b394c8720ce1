/**
 * An error the HTTP client must see as-is: status, CnosDB's 6-digit code and message.
 * Thrown anywhere below the gateway; the gateway renders it as
 * {"error_code":"<code>","error_message":"<message>"}.
 */
export class CnosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CnosError';
  }

  /** The error body exactly as CnosDB serialises it (compact, fields in this order). */
  toBody(): string {
    return JSON.stringify({ error_code: this.code, error_message: this.message });
  }
}

/** Constructors for the CnosDB errors this project emits, so codes and texts live in one place. */
export const Errors = {
  missingAuthorization: () => new CnosError(400, '000000', 'Missing request header "authorization"'),
  malformedBasicAuth: (raw: string) => new CnosError(400, '040006', `Parse auth, malformed basic auth encoding: ${raw}`),
  accessDenied: (user: string) =>
    new CnosError(401, '010016', `Auth error: Access denied for user '${user}' (using xxx) username or password invalid`),
  invalidHeader: (detail: string) => new CnosError(400, '040005', `Invalid header: ${detail}`),
  unsupportedContentEncoding: (token: string) => new CnosError(400, '040005', `Invalid header: content encoding not support: ${token}`),
  invalidParameter: (detail: string) => new CnosError(400, '040005', detail),
  decodeRequest: (detail: string) => new CnosError(400, '040013', `Error decode request: ${detail}`),
  invalidUtf8: (detail: string) => new CnosError(422, '040015', `Invalid utf-8 sequence: ${detail}`),
  parseLineProtocol: (detail: string) => new CnosError(422, '040004', `Error parsing message: ${detail}`),
  typeConflict: (column: string, found: string, expected: string) =>
    new CnosError(422, '020004', `DataSchemaError: Column '${column}' type error, found ${found} expected ${expected}`),
  timestampOverflow: () => new CnosError(422, '050014', 'timestamp overflow'),
  databaseNotFound: (db: string) => new CnosError(422, '030017', `Database not found: ${JSON.stringify(db)}`),
  tableNotFound: (tenant: string, db: string, table: string) =>
    new CnosError(422, '030019', `Table not found: ${JSON.stringify(`${tenant}.${db}.${table}`)}`),
  sqlParser: (detail: string) => new CnosError(422, '010009', `sql parser error: ${detail}`),
  multiStatement: (n: number, sql: string) => new CnosError(422, '010013', `Multi-statement not allow, found num:${n}, sql:${sql}`),
  datafusion: (detail: string) => new CnosError(422, '010001', `Datafusion: ${detail}`),
  unsupported: (what: string) => new CnosError(422, '010001', `Datafusion: This feature is not implemented: ${what}`),
  queryTimeout: () => new CnosError(500, '010005', 'Query timeout'),
  unavailable: (what: string) => new CnosError(503, '000000', `Service unavailable: ${what}`),
  internal: (detail: string) => new CnosError(500, '000000', detail),
};

/** Turns anything thrown into a CnosError; unknown errors become a 500 that names their message. */
export function toCnosError(err: unknown): CnosError {
  if (err instanceof CnosError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return Errors.internal(`Internal error: ${message}`);
}
