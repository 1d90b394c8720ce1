import { CnosError } from '@cnosdb/shared/errors';
import { encode } from './compression';
import { decodeBody } from './decode-body';

async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('decodeBody', () => {
  const text = Buffer.from('cpu,host=a usage=1 1\n'.repeat(5000));

  it.each(['gzip', 'deflate', 'br', 'zstd', 'snappy', 'lz4', 'identity'])('decodes %s arriving in small pieces', async (token) => {
    expect((await collect(decodeBody(pieces(encode(token, text), 777), token))).equals(text)).toBe(true);
  });

  it('answers a body that does not decode with 400 040013', async () => {
    const err = await collect(decodeBody(pieces(Buffer.from('not gzip at all'), 4), 'gzip')).catch((e) => e);
    expect(err).toBeInstanceOf(CnosError);
    expect([err.status, err.code]).toEqual([400, '040013']);
    expect(err.message).toMatch(/^Error decode request: /);
  });

  it('answers an unknown coding with 400 040005', async () => {
    const err = await collect(decodeBody(pieces(text, 100), 'compress')).catch((e) => e);
    expect([err.status, err.code, err.message]).toEqual([400, '040005', 'Invalid header: content encoding not support: compress']);
  });

  it("passes the source's own failure through unchanged (a size limit, a cancelled upload)", async () => {
    const failure = new Error('write cancelled by the client');
    const source = (async function* () {
      yield encode('gzip', text).subarray(0, 100);
      throw failure;
    })();
    await expect(collect(decodeBody(source, 'gzip'))).rejects.toBe(failure);
  });
});
