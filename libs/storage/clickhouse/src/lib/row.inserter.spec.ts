import { batchToTsv } from './row.inserter';

describe('batchToTsv', () => {
  it('renders time, tags, fields and versions as TabSeparated with NULLs and escapes', () => {
    const { columns, tsv } = batchToTsv(
      {
        tenant: 'cnosdb',
        database: 'public',
        table: 't',
        rowCount: 2,
        times: new BigInt64Array([1n, 2n]),
        tags: [{ name: 'host', values: ['a\tb', undefined] }],
        fields: [
          { name: 'v', type: 'DOUBLE', present: new Uint8Array([1, 0]), values: new Float64Array([1e21, 0]) },
          { name: 's', type: 'STRING', present: new Uint8Array([1, 1]), values: ['x\ny', 'back\\slash'] },
          { name: 'b', type: 'BOOLEAN', present: new Uint8Array([0, 1]), values: new Uint8Array([0, 1]) },
        ],
      },
      100n,
    );
    expect(columns).toEqual(['time', '`host`', '`v`', '`s`', '`b`', '__cnosdb_version']);
    expect(tsv).toBe('1\ta\\tb\t1e+21\tx\\ny\t\\N\t100\n2\t\t\\N\tback\\\\slash\t1\t101\n');
  });
});
