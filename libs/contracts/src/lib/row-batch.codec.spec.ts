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
