import type { ResultColumn, ResultRow } from '@cnosdb/contracts';
import type { ResultFormat } from './accept.negotiation';
import { createRenderer, renderAll, renderPieces } from './result.renderer';

const FORMATS: ResultFormat[] = ['csv', 'tsv', 'json', 'nd-json', 'table'];

describe('the reference example (time,bar,foo,v)', () => {
  const columns: ResultColumn[] = [
    { name: 'time', type: 'TIMESTAMP(NANOSECOND)' },
    { name: 'bar', type: 'STRING' },
    { name: 'foo', type: 'STRING' },
    { name: 'v', type: 'DOUBLE' },
  ];
  const batches: ResultRow[][] = [[['1665212378000000000', 'b', 'a', '1']]];

  it.each<[ResultFormat, string]>([
    ['csv', 'time,bar,foo,v\n2022-10-08T06:59:38.000000000,b,a,1.0\n'],
    ['tsv', 'time\tbar\tfoo\tv\n2022-10-08T06:59:38.000000000\tb\ta\t1.0\n'],
    ['json', '[{"time":"2022-10-08T06:59:38","bar":"b","foo":"a","v":1.0}]'],
    ['nd-json', '{"time":"2022-10-08T06:59:38","bar":"b","foo":"a","v":1.0}\n'],
    [
      'table',
      [
        '+---------------------+-----+-----+-----+',
        '| time                | bar | foo | v   |',
        '+---------------------+-----+-----+-----+',
        '| 2022-10-08T06:59:38 | b   | a   | 1.0 |',
        '+---------------------+-----+-----+-----+',
      ].join('\n'),
    ],
  ])('%s', (format, body) => {
    expect(renderAll(format, columns, batches, false)).toBe(body);
    expect(renderAll(format, columns, batches, true)).toBe(body);
  });
});

describe('batch composition', () => {
  const columns: ResultColumn[] = [
    { name: 'n', type: 'BIGINT' },
    { name: 's', type: 'STRING' },
  ];
  const batches: ResultRow[][] = [
    [
      ['1', 'a'],
      ['22', 'bb'],
    ],
    [],
    [['333', null]],
  ];

  it.each<[ResultFormat, string, string[]]>([
    ['csv', 'n,s\n1,a\n22,bb\n333,\n', ['n,s\n1,a\n22,bb\n', '333,\n']],
    ['tsv', 'n\ts\n1\ta\n22\tbb\n333\t\n', ['n\ts\n1\ta\n22\tbb\n', '333\t\n']],
    [
      'json',
      '[{"n":1,"s":"a"},{"n":22,"s":"bb"},{"n":333}]',
      ['[{"n":1,"s":"a"},{"n":22,"s":"bb"}]', '[{"n":333}]'],
    ],
    [
      'nd-json',
      '{"n":1,"s":"a"}\n{"n":22,"s":"bb"}\n{"n":333}\n',
      ['{"n":1,"s":"a"}\n{"n":22,"s":"bb"}\n', '{"n":333}\n'],
    ],
    [
      'table',
      [
        '+-----+----+',
        '| n   | s  |',
        '+-----+----+',
        '| 1   | a  |',
        '| 22  | bb |',
        '| 333 |    |',
        '+-----+----+',
      ].join('\n'),
      [
        ['+----+----+', '| n  | s  |', '+----+----+', '| 1  | a  |', '| 22 | bb |', '+----+----+'].join('\n'),
        ['+-----+---+', '| n   | s |', '+-----+---+', '| 333 |   |', '+-----+---+'].join('\n'),
      ],
    ],
  ])('%s: one body, or one chunk per non-empty batch', (format, body, chunks) => {
    expect(renderAll(format, columns, batches, false)).toBe(body);
    expect(renderPieces(format, columns, batches, true)).toEqual(chunks);
    expect(renderAll(format, columns, batches, true)).toBe(chunks.join(''));
  });

  it('concatenates chunked JSON arrays and table boxes back to back, as CnosDB does', () => {
    expect(renderAll('json', columns, batches, true)).toBe(
      '[{"n":1,"s":"a"},{"n":22,"s":"bb"}][{"n":333}]',
    );
    expect(renderAll('table', columns, batches, true)).toContain('+----+----++-----+---+\n');
  });

  it('opens the JSON array at the first batch with rows, not at a leading empty batch', () => {
    expect(renderAll('json', columns, [[], [['1', 'a']], [], [['2', 'b']]], false)).toBe(
      '[{"n":1,"s":"a"},{"n":2,"s":"b"}]',
    );
    expect(renderAll('csv', columns, [[], [['1', 'a']]], false)).toBe('n,s\n1,a\n');
  });

  it('follows the documented protocol piece by piece', () => {
    const json = createRenderer('json', columns);
    expect(json.renderBatch([], true)).toBe('');
    expect(json.renderBatch([['1', 'a']], true)).toBe('[{"n":1,"s":"a"}');
    expect(json.renderBatch([['2', 'b']], false)).toBe(',{"n":2,"s":"b"}');
    expect(json.finish(true)).toBe(']');

    const chunkedJson = createRenderer('json', columns, { chunked: true });
    expect(chunkedJson.renderBatch([['1', 'a']], true)).toBe('[{"n":1,"s":"a"}]');
    expect(chunkedJson.renderBatch([['2', 'b']], false)).toBe('[{"n":2,"s":"b"}]');
    expect(chunkedJson.finish(true)).toBe('');

    const csv = createRenderer('csv', columns, { chunked: true });
    expect(csv.renderBatch([['1', 'a']], true)).toBe('n,s\n1,a\n');
    expect(csv.renderBatch([['2', 'b']], false)).toBe('2,b\n');
    expect(csv.finish(true)).toBe('');

    const table = createRenderer('table', columns);
    expect(table.renderBatch([['1', 'a']], true)).toBe('');
    expect(table.renderBatch([['22', 'b']], false)).toBe('');
    expect(table.finish(true)).toBe(
      ['+----+---+', '| n  | s |', '+----+---+', '| 1  | a |', '| 22 | b |', '+----+---+'].join('\n'),
    );
  });
});

describe('zero rows', () => {
  const columns: ResultColumn[] = [
    { name: 'time', type: 'TIMESTAMP(NANOSECOND)' },
    { name: 'v', type: 'DOUBLE' },
  ];

  it.each<[ResultFormat, string]>([
    ['csv', 'time,v\n'],
    ['tsv', 'time\tv\n'],
    ['json', '[]'],
    ['nd-json', ''],
    ['table', '+------+---+\n| time | v |\n+------+---+\n+------+---+'],
  ])('%s', (format, body) => {
    for (const chunked of [false, true]) {
      expect(renderAll(format, columns, [], chunked)).toBe(body);
      expect(renderAll(format, columns, [[]], chunked)).toBe(body);
      expect(renderAll(format, columns, [[], []], chunked)).toBe(body);
      expect(renderPieces(format, columns, [[]], chunked)).toEqual(body === '' ? [] : [body]);
    }
  });

  it('covers every format', () => {
    expect(FORMATS.map((f) => createRenderer(f, columns).finish(false))).toEqual([
      'time,v\n',
      'time\tv\n',
      '[]',
      '',
      '+------+---+\n| time | v |\n+------+---+\n+------+---+',
    ]);
  });
});
