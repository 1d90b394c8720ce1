import { chDatabaseName, parseChDatabaseName, quoteIdent, quoteString } from './naming';

describe('ClickHouse naming', () => {
  it('maps (tenant, db) reversibly and without collisions', () => {
    expect(chDatabaseName('cnosdb', 'public')).toBe('cnosdb.public');
    expect(chDatabaseName('a.b', 'c')).not.toBe(chDatabaseName('a', 'b.c'));
    for (const [t, d] of [['a.b', 'c'], ['x%2E', 'y.%'], ['cnosdb', 'public']]) {
      expect(parseChDatabaseName(chDatabaseName(t, d))).toEqual({ tenant: t, database: d });
    }
  });

  it('quotes identifiers and strings', () => {
    expect(quoteIdent('we`ird\\')).toBe('`we\\`ird\\\\`');
    expect(quoteString("it's")).toBe("'it\\'s'");
  });
});
