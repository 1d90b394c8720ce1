import { decodeRowBatch, encodeRowBatch } from './row-batch.codec';
import { concatRowBatches, RowBatch, sliceRowBatch } from './row-batch';

function sample(): RowBatch {
  return {
    tenant: 'cnosdb',
    database: 'public',
    table: 'cpu',
    rowCount: 3,
    times: new BigInt64Array([1665212378000000000n, -1n, 9223372036854775807n]),
    tags: [
      { name: 'host', values: ['a', undefined, 'ünïcode\ttab'] },
      { name: 'empty', values: [undefined, undefined, undefined] },
    ],
    fields: [
      { name: 'f', type: 'DOUBLE', present: new Uint8Array([1, 0, 1]), values: new Float64Array([1.5, 0, -0.25]) },
      { name: 'i', type: 'BIGINT', present: new Uint8Array([1, 1, 1]), values: new BigInt64Array([-9223372036854775808n, 0n, 42n]) },
      { name: 'u', type: 'BIGINT UNSIGNED', present: new Uint8Array([0, 1, 0]), values: new BigUint64Array([0n, 18446744073709551615n, 0n]) },
      { name: 'b', type: 'BOOLEAN', present: new Uint8Array([1, 1, 0]), values: new Uint8Array([1, 0, 0]) },
      { name: 's', type: 'STRING', present: new Uint8Array([1, 0, 1]), values: ['x,"y"', '', ''] },
    ],
  };
}

describe('row batch codec', () => {
  it('round-trips every column type, absent values and int64 extremes exactly', () => {
    const decoded = decodeRowBatch(encodeRowBatch(sample()));
    expect(decoded.tenant).toBe('cnosdb');
    expect(decoded.table).toBe('cpu');
    expect(decoded.rowCount).toBe(3);
    expect([...decoded.times]).toEqual([1665212378000000000n, -1n, 9223372036854775807n]);
    expect(decoded.tags).toEqual([
      { name: 'host', values: ['a', undefined, 'ünïcode\ttab'] },
      { name: 'empty', values: [undefined, undefined, undefined] },
    ]);
    const [f, i, u, b, s] = decoded.fields;
    expect([f.type, [...f.present], [...(f.values as Float64Array)]]).toEqual(['DOUBLE', [1, 0, 1], [1.5, 0, -0.25]]);
    expect([...(i.values as BigInt64Array)]).toEqual([-9223372036854775808n, 0n, 42n]);
    expect([...u.present]).toEqual([0, 1, 0]);
    expect((u.values as BigUint64Array)[1]).toBe(18446744073709551615n);
    expect([...(b.values as Uint8Array)]).toEqual([1, 0, 0]);
    expect([...s.present]).toEqual([1, 0, 1]);
    expect((s.values as string[])[0]).toBe('x,"y"');
  });

  it('encodes a slice of a batch', () => {
    const decoded = decodeRowBatch(encodeRowBatch(sliceRowBatch(sample(), 1, 3)));
    expect(decoded.rowCount).toBe(2);
    expect([...decoded.times]).toEqual([-1n, 9223372036854775807n]);
    expect(decoded.tags[0].values).toEqual([undefined, 'ünïcode\ttab']);
  });

  it('writes each distinct tag value once, then a u32 index per row (version 2)', () => {
    const batch: RowBatch = {
      tenant: 't', database: 'd', table: 'm', rowCount: 4, times: new BigInt64Array([1n, 2n, 3n, 4n]),
      tags: [{ name: 'h', values: ['b', 'a', undefined, 'b'] }],
      fields: [],
    };
    const buf = encodeRowBatch(batch);
    expect(buf[4]).toBe(2);
    const header = JSON.stringify({ tenant: 't', database: 'd', table: 'm', tags: ['h'], fields: [] });
    const tagsAt = 4 + 1 + 4 + header.length + 4 + 4 * 8;
    const u32 = (...xs: number[]) => Buffer.concat(xs.map((x) => { const b = Buffer.alloc(4); b.writeUInt32LE(x); return b; }));
    const expected = Buffer.concat([u32(2), u32(1), Buffer.from('b'), u32(1), Buffer.from('a'), u32(0, 1, 0xffffffff, 0)]);
    expect(buf.subarray(tagsAt).toString('hex')).toBe(expected.toString('hex'));
    expect(decodeRowBatch(buf).tags[0].values).toEqual(['b', 'a', undefined, 'b']);
  });

  it('still reads version 1 messages (a string per row), written before an upgrade', () => {
    const header = Buffer.from(JSON.stringify({ tenant: 't', database: 'd', table: 'm', tags: ['h'], fields: [{ name: 'v', type: 'BOOLEAN' }] }));
    const u32 = (x: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(x); return b; };
    const v1 = Buffer.concat([
      Buffer.from('CNRB'), Buffer.from([1]), u32(header.length), header, u32(2),
      Buffer.from('0100000000000000' + '0200000000000000', 'hex'),
      u32(2), Buffer.from('h1'), u32(0xffffffff), // tag h: 'h1', absent
      Buffer.from([1, 1]), Buffer.from([1, 0]), // field v: present, values
    ]);
    const decoded = decodeRowBatch(v1);
    expect([...decoded.times]).toEqual([1n, 2n]);
    expect(decoded.tags[0].values).toEqual(['h1', undefined]);
    expect([...(decoded.fields[0].values as Uint8Array)]).toEqual([1, 0]);
  });

  it('rejects what is not a row batch', () => {
    expect(() => decodeRowBatch(Buffer.from('hello world'))).toThrow('not a row batch message');
  });
});

describe('concatRowBatches', () => {
  it('joins pieces of a table with the union of their columns, in row order', () => {
    const a: RowBatch = {
      tenant: 't', database: 'd', table: 'm', rowCount: 1, times: new BigInt64Array([1n]),
      tags: [{ name: 'h', values: ['x'] }],
      fields: [{ name: 'v', type: 'BIGINT', present: new Uint8Array([1]), values: new BigInt64Array([5n]) }],
    };
    const b: RowBatch = {
      tenant: 't', database: 'd', table: 'm', rowCount: 2, times: new BigInt64Array([2n, 3n]),
      tags: [{ name: 'r', values: ['e', undefined] }],
      fields: [
        { name: 's', type: 'STRING', present: new Uint8Array([1, 0]), values: ['hi', ''] },
        { name: 'v', type: 'BIGINT', present: new Uint8Array([0, 1]), values: new BigInt64Array([0n, 7n]) },
      ],
    };
    const c = concatRowBatches([a, b]);
    expect(c.rowCount).toBe(3);
    expect([...c.times]).toEqual([1n, 2n, 3n]);
    expect(c.tags).toEqual([{ name: 'h', values: ['x', undefined, undefined] }, { name: 'r', values: [undefined, 'e', undefined] }]);
    expect(c.fields.map((f) => [f.name, [...f.present]])).toEqual([['v', [1, 0, 1]], ['s', [0, 1, 0]]]);
    expect([...(c.fields[0].values as BigInt64Array)]).toEqual([5n, 0n, 7n]);
    expect((c.fields[1].values as string[])[1]).toBe('hi');
  });
});
