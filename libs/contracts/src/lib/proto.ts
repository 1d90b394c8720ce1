import * as path from 'path';

/** Directory holding the .proto files; the build copies it next to the compiled lib. */
export const PROTO_DIR = path.resolve(__dirname, '../../proto');

export const PROTO_FILES = {
  lineProtocol: 'cnosdb/v1/line_protocol.proto',
  query: 'cnosdb/v1/query.proto',
} as const;
