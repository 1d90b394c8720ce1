import { RowBatch } from '@cnosdb/contracts';
import { splitGroup } from './storage-writer.consumer';

function group(rowsPerMessage: number[]) {
  const parts = rowsPerMessage.map((rows, i) => ({
    batch: { tenant: 't', database: 'd', table: 'm', rowCount: rows, times: new BigInt64Array(rows), tags: [], fields: [] } as RowBatch,
    offset: String(i),
  }));
  return { table: 'x', columns: ['time'], blocks: parts.map((_, i) => Buffer.from([i])), rows: rowsPerMessage.reduce((a, b) => a + b, 0), parts };
}

describe('splitGroup', () => {
  it('keeps a small fetch as one INSERT', () => {
    expect(splitGroup(group([5000, 5000, 5000]))).toHaveLength(1);
  });

  it('splits a big fetch into two INSERTs of about equal rows, messages in order and with their blocks', () => {
    const pieces = splitGroup(group(Array(9).fill(5000)));
    expect(pieces.map((p) => p.rows)).toEqual([25000, 20000]);
    expect(pieces.map((p) => p.parts.map((x) => x.offset))).toEqual([['0', '1', '2', '3', '4'], ['5', '6', '7', '8']]);
    expect(pieces.map((p) => p.blocks.map((b) => b[0]))).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('never splits one message', () => {
    expect(splitGroup(group([100000]))).toHaveLength(1);
  });
});
