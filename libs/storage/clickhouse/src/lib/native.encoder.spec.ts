import { batchToNative } from './native.encoder';

/** A Native string: one-byte varint length (all names here are short) + bytes. */
const str = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const le64 = (hex: string) => Buffer.from(hex.replace(/ /g, ''), 'hex');

describe('batchToNative', () => {
  it('writes a Native block: counts, then name, type and values per column, nulls as a null map', () => {
    const { columns, block } = batchToNative(
      {
        tenant: 'cnosdb',
        database: 'public',
        table: 't',
        rowCount: 2,
        times: new BigInt64Array([1n, -2n]),
        tags: [{ name: 'host', values: ['a', undefined] }],
        fields: [
          { name: 'v', type: 'DOUBLE', present: new Uint8Array([1, 0]), values: new Float64Array([1.5, 0]) },
          { name: 's', type: 'STRING', present: new Uint8Array([0, 1]), values: ['ignored', 'é'] },
          { name: 'b', type: 'BOOLEAN', present: new Uint8Array([1, 1]), values: new Uint8Array([1, 0]) },
        ],
      },
      0xffffffffn,
    );
    expect(columns).toEqual(['time', '`host`', '`v`', '`s`', '`b`', '__cnosdb_version']);
    const expected = Buffer.concat([
      Buffer.from([6, 2]), // 6 columns, 2 rows
      str('time'), str('Int64'), le64('0100000000000000 feffffffffffffff'),
      str('host'), str('String'), Buffer.from([1, 0x61, 0]), // 'a', '' (no tag)
      str('v'), str('Nullable(Float64)'), Buffer.from([0, 1]), le64('000000000000f83f 0000000000000000'),
      str('s'), str('Nullable(String)'), Buffer.from([1, 0]), Buffer.from([0, 2, 0xc3, 0xa9]),
      str('b'), str('Nullable(UInt8)'), Buffer.from([0, 0]), Buffer.from([1, 0]),
      // versions 2^32-1 and 2^32: the carry into the high word
      str('__cnosdb_version'), str('UInt64'), le64('ffffffff00000000 0000000001000000'),
    ]);
    expect(block.toString('hex')).toBe(expected.toString('hex'));
  });

  it('writes lengths of 128 bytes and more as multi-byte varints', () => {
    const long = 'x'.repeat(300);
    const { block } = batchToNative(
      { tenant: 'c', database: 'd', table: 't', rowCount: 1, times: new BigInt64Array([0n]), tags: [{ name: 'k', values: [long] }], fields: [] },
      0n,
    );
    const at = block.indexOf(Buffer.from('String')) + 'String'.length;
    expect([...block.subarray(at, at + 2)]).toEqual([0xac, 0x02]); // 300 = 0b10_0101100
    expect(block.subarray(at + 2, at + 302).toString()).toBe(long);
  });
});
