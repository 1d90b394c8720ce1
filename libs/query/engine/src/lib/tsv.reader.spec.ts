import { decodeTsvLine, tsvRowBatches } from './tsv.reader';

async function collect(chunks: string[], size: number) {
  const out = [];
  for await (const b of tsvRowBatches((async function* () { yield* chunks; })(), size)) out.push(b);
  return out;
}

describe('TabSeparated reader', () => {
  it('decodes NULL and escapes', () => {
    expect(decodeTsvLine('a\\tb\t\\N\tx\\\\y\\nz\t')).toEqual(['a\tb', null, 'x\\y\nz', '']);
  });

  it('reassembles lines split across chunks and batches them', async () => {
    const batches = await collect(['1\ta\n2\t', 'b\n3', '\tc\n'], 2);
    expect(batches).toEqual([
      [['1', 'a'], ['2', 'b']],
      [['3', 'c']],
    ]);
  });
});
