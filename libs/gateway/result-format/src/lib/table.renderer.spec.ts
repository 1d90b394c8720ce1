import type { ResultColumn } from '@cnosdb/contracts';
import { displayWidth } from './display-width.util';
import { createRenderer, renderAll } from './result.renderer';
import { endBody } from './result-renderer.types';
import { renderTable, TableRenderer } from './table.renderer';

describe('renderTable', () => {
  it('matches the arrow pretty_format_batches doc example', () => {
    expect(
      renderTable(
        ['a', 'b'],
        [
          ['1', 'a'],
          ['2', 'b'],
          ['3', ''],
          ['4', 'd'],
          ['5', 'e'],
        ],
      ),
    ).toBe(
      [
        '+---+---+',
        '| a | b |',
        '+---+---+',
        '| 1 | a |',
        '| 2 | b |',
        '| 3 |   |',
        '| 4 | d |',
        '| 5 | e |',
        '+---+---+',
      ].join('\n'),
    );
  });

  it('draws the header separator even without rows', () => {
    expect(renderTable(['a', 'b'], [])).toBe('+---+---+\n| a | b |\n+---+---+\n+---+---+');
  });

  it('spreads a cell with newlines over several lines', () => {
    expect(renderTable(['name', 'n'], [['a\nbb', '1'], ['', '100']])).toBe(
      [
        '+------+-----+',
        '| name | n   |',
        '+------+-----+',
        '| a    | 1   |',
        '| bb   |     |',
        '|      | 100 |',
        '+------+-----+',
      ].join('\n'),
    );
  });

  it('measures wide characters as two columns', () => {
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(renderTable(['s'], [['中文'], ['ab']])).toBe(
      ['+------+', '| s    |', '+------+', '| 中文 |', '| ab   |', '+------+'].join('\n'),
    );
  });
});

describe('table bodies', () => {
  it('renders cells with arrow display rules (Debug timestamps, lexical floats, blank nulls)', () => {
    const columns: ResultColumn[] = [
      { name: 'time', type: 'TIMESTAMP(MILLISECOND)' },
      { name: 'v', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
      { name: 'ok', type: 'BOOLEAN' },
    ];
    const rows = [
      ['1690510331001', '1e20', '-5', 'true'],
      ['0', '79', null, null],
      ['-1', 'nan', '123456789', 'false'],
    ];
    expect(renderAll('table', columns, [rows], false)).toBe(
      [
        '+-------------------------+--------+-----------+-------+',
        '| time                    | v      | n         | ok    |',
        '+-------------------------+--------+-----------+-------+',
        '| 2023-07-28T02:12:11.001 | 1.0e20 | -5        | true  |',
        '| 1970-01-01T00:00:00     | 79.0   |           |       |',
        '| 1969-12-31T23:59:59.999 | NaN    | 123456789 | false |',
        '+-------------------------+--------+-----------+-------+',
      ].join('\n'),
    );
  });
});

describe('non-chunked table of a large result', () => {
  const columns: ResultColumn[] = [
    { name: 'n', type: 'BIGINT' },
    { name: 's', type: 'STRING' },
  ];
  // Enough cell text to go past the in-memory limit (1 MiB) several times; cells with
  // backslashes, tabs and newlines travel through the spool file unchanged.
  const batches = Array.from({ length: 30 }, (_, b) =>
    Array.from({ length: 4096 }, (_, i) => {
      const n = b * 4096 + i;
      return [String(n), n % 1000 === 7 ? `a\\b\tc\nline ${n}` : `value ${'x'.repeat(n % 13)}`];
    }),
  );

  it('spills rows to disk and streams the same box renderTable draws', async () => {
    const renderer = createRenderer('table', columns, { chunked: false }) as TableRenderer;
    // The table renderer draws nothing before the end, so it has no use for `first`.
    for (const rows of batches) expect(renderer.renderBatch(rows)).toBe('');
    expect(renderer.spilled).toBe(true);
    const pieces: string[] = [];
    for await (const piece of endBody(renderer, true)) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    const header = columns.map((c) => c.name);
    const cells = batches.flat().map((row) => [row[0] as string, row[1] as string]);
    expect(pieces.join('')).toBe(renderTable(header, cells));
  });

  it('a small result stays in memory and finish() returns the box', () => {
    const renderer = createRenderer('table', columns, { chunked: false }) as TableRenderer;
    renderer.renderBatch([['1', 'a']]);
    expect(renderer.spilled).toBe(false);
    expect(renderer.finish(true)).toBe(['+---+---+', '| n | s |', '+---+---+', '| 1 | a |', '+---+---+'].join('\n'));
  });
});
