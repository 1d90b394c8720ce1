export { LineProtocolParser } from './lib/line-protocol.parser';
export type { ParsedTable } from './lib/table.builder';
export { LineProtocolError, FieldTypeConflictError } from './lib/line-protocol.errors';
