/** A syntax or value error in a line-protocol body; the message is CnosDB's parser text. */
export class LineProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineProtocolError';
  }
}

/**
 * The same column seen with two types within one request (types spelled I64, U64, F64, BOOL,
 * STRING, TAG); message as CnosDB's schema check words it.
 */
export class FieldTypeConflictError extends Error {
  constructor(
    readonly column: string,
    readonly found: string,
    readonly expected: string,
  ) {
    super(`Column '${column}' type error, found ${found} expected ${expected}`);
    this.name = 'FieldTypeConflictError';
  }
}

export function unexpectedToken(pos: number, byte: number): LineProtocolError {
  // CnosDB prints the offending byte as a char (`byte as char`), i.e. Latin-1.
  return new LineProtocolError(`unexpect token '${String.fromCharCode(byte)}' at ${pos}`);
}

export function unexpectedEnd(pos: number): LineProtocolError {
  return new LineProtocolError(`unexpect end line start at '${pos}'`);
}

export function invalidFieldValue(content: string): LineProtocolError {
  return new LineProtocolError(`invalid field value: '${content}'`);
}

export function timestampError(pos: number): LineProtocolError {
  return new LineProtocolError(`fail to parse timestamp at ${pos}`);
}

export function invalidSyntax(): LineProtocolError {
  return new LineProtocolError('invalid line protocol syntax');
}
