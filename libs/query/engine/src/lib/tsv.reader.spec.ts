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

  it("turns ClickHouse's exception text after the rows into an error, after the complete rows", async () => {
    const rows: unknown[] = [];
    const read = async (chunks: string[]) => {
      for await (const b of tsvRowBatches((async function* () { yield* chunks; })(), 2)) rows.push(b);
    };
    await expect(read(['1\ta\n2\tb\n3\tc\nCode: 394, e.displayText() = DB::Exception: Query was', ' cancelled, e.what() = DB::Exception\n'])).rejects.toMatchObject({
      chCode: 394,
      message: 'Code: 394, e.displayText() = DB::Exception: Query was cancelled, e.what() = DB::Exception',
    });
    expect(rows).toEqual([[['1', 'a'], ['2', 'b']], [['3', 'c']]]);
    await expect(collect(['Code: 153. DB::Exception: Division by zero. (ILLEGAL_DIVISION) (version 23.8.1)\n'], 2)).rejects.toMatchObject({ chCode: 153 });
  });

  it('keeps such text as data when more rows follow it', async () => {
    const text = 'Code: 1, e.displayText() = DB::Exception: x';
    expect(await collect([`${text}\nok\n`], 10)).toEqual([[[text], ['ok']]]);
    expect(await collect(['a\nb\nc'], 2)).toEqual([[['a'], ['b']], [['c']]]);
  });

  it('stops reading once the signal is aborted', async () => {
    const abort = new AbortController();
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield `${pulled}\n`;
      }
    }
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const b of tsvRowBatches(endless(), 1, abort.signal)) {
          seen.push(b);
          if (seen.length === 3) abort.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([[['1']], [['2']], [['3']]]);
  });
});
