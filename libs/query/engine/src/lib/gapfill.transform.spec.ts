import { ResultRow } from '@cnosdb/contracts';
import { GapfillPlan } from '@cnosdb/query/sql';
import { gapfillRows } from './gapfill.transform';

async function* batches(...list: ResultRow[][]): AsyncGenerator<ResultRow[]> {
  for (const b of list) yield b;
}

async function collect(it: AsyncIterable<ResultRow[]>): Promise<ResultRow[][]> {
  const out: ResultRow[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

// columns: tag, window start, raw, locf, interpolate, count
const plan: GapfillPlan = {
  fills: ['group', 'time', 'null', 'locf', 'interpolate', 'null'],
  integer: [false, false, false, false, false, true],
  first: 0n,
  last: 40n,
  step: 10n,
};

describe('gapfillRows', () => {
  it('adds the missing windows of each group and fills locf / interpolate columns', async () => {
    const rows: ResultRow[] = [
      ['a', '10', '1', '1', '1', '2'],
      ['a', '40', '4', '4', '4', '1'],
      ['b', '0', '7', '7', '7', '1'],
    ];
    // The groups arrive split across batches; groups never interleave.
    const out = await collect(gapfillRows(batches(rows.slice(0, 1), rows.slice(1)), plan, 100));
    expect(out.flat()).toEqual([
      ['a', '0', null, null, null, null],
      ['a', '10', '1', '1', '1', '2'],
      ['a', '20', null, '1', '2', null],
      ['a', '30', null, '1', '3', null],
      ['a', '40', '4', '4', '4', '1'],
      ['b', '0', '7', '7', '7', '1'],
      ['b', '10', null, '7', null, null],
      ['b', '20', null, '7', null, null],
      ['b', '30', null, '7', null, null],
      ['b', '40', null, '7', null, null],
    ]);
  });

  it('interpolates integers in integer arithmetic and emits batches of the requested size', async () => {
    const ints: GapfillPlan = { fills: ['time', 'interpolate'], integer: [false, true], first: 0n, last: 30n, step: 10n };
    const out = await collect(gapfillRows(batches([['0', '1'], ['30', '2']]), ints, 3));
    expect(out).toEqual([
      [['0', '1'], ['10', '1'], ['20', '1']],
      [['30', '2']],
    ]);
  });

  it('applies the query\'s ORDER BY, OFFSET and LIMIT to the filled rows', async () => {
    const sorted: GapfillPlan = {
      ...plan,
      sort: [
        { index: 1, asc: false, nullsFirst: true, compare: 'integer' },
        { index: 0, asc: true, nullsFirst: false, compare: 'text' },
      ],
      offset: 1n,
      limit: 3n,
    };
    const rows: ResultRow[] = [
      ['a', '10', '1', '1', '1', '2'],
      ['b', '0', '7', '7', '7', '1'],
    ];
    const out = await collect(gapfillRows(batches(rows), sorted, 2));
    expect(out).toEqual([
      [
        ['b', '40', null, '7', null, null],
        ['a', '30', null, '1', null, null],
      ],
      [['b', '30', null, '7', null, null]],
    ]);
  });

  it('emits nothing for an empty result', async () => {
    expect(await collect(gapfillRows(batches(), plan, 10))).toEqual([]);
  });
});
