import * as http from 'http';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import { createDecoder, encode, SUPPORTED_ENCODINGS } from '@cnosdb/shared/compression';
import { basicAuth, CnosClient, RawResponse, request, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

const MODES = ['standalone', 'distributed'] as const;
const AUTH = basicAuth('root');

/** Decodes a response body: zlib for gzip/deflate/br, the shared lib for the frame formats. */
async function decompress(token: string, body: Buffer): Promise<string> {
  switch (token) {
    case 'identity':
      return body.toString('utf8');
    case 'gzip':
      return zlib.gunzipSync(body).toString('utf8');
    case 'deflate':
      return zlib.inflateRawSync(body).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(body).toString('utf8');
  }
  const parts: Buffer[] = [];
  const decoder = createDecoder(token);
  decoder.end(body);
  for await (const chunk of decoder) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** POSTs a body produced on the fly, gzip-compressed, with chunked transfer encoding. */
function streamGzip(url: string, lines: Iterable<string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { authorization: AUTH, 'content-encoding': 'gzip' }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(Readable.from(lines), zlib.createGzip(), req).catch(reject);
  });
}

describe.each(MODES)('compression (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;

  beforeAll(async () => {
    topology = await startTopology(mode);
    client = new CnosClient(topology.url);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    request(`${topology.url}${path}`, { method: 'POST', headers: { authorization: AUTH, ...headers }, body });

  describe.each(SUPPORTED_ENCODINGS)('%s', (token) => {
    it('a compressed write, then a compressed query answered in the same coding', async () => {
      const t = uniqueName(`enc_${token}`);
      const lines = `${t},host=a v=1 1700000000000000000\n${t},host=b v=2.5 1700000000000000001\n${t},host=a v=3 1700000000000000002\n`;
      const write = await post('/api/v1/write?db=public', encode(token, Buffer.from(lines)), { 'content-encoding': token });
      expect(write.status).toBe(200);
      expect(write.text).toBe('');

      const query = await post('/api/v1/sql?db=public', encode(token, Buffer.from(`SELECT * FROM ${t} ORDER BY time`)), {
        'content-encoding': token,
        'accept-encoding': token,
      });
      expect(query.status).toBe(200);
      expect(query.headers['content-type']).toBe('text/csv');
      expect(query.headers['content-encoding']).toBe(token);
      expect(await decompress(token, query.body)).toBe(
        'time,host,v\n2023-11-14T22:13:20.000000000,a,1.0\n2023-11-14T22:13:20.000000001,b,2.5\n2023-11-14T22:13:20.000000002,a,3.0\n',
      );
    });

    it('chunked=true compresses the streamed result', async () => {
      const t = uniqueName(`chunk_${token}`);
      expect((await client.write(`${t},host=a v=1 1700000000000000000\n${t},host=b v=2 1700000000000000001`)).status).toBe(200);
      const query = await client.sql(`SELECT host, v FROM ${t} ORDER BY time`, 'db=public&chunked=true', {
        'accept-encoding': token,
        accept: 'application/json',
      });
      expect(query.status).toBe(200);
      expect(query.headers['content-encoding']).toBe(token);
      expect(await decompress(token, query.body)).toBe('[{"host":"a","v":1.0},{"host":"b","v":2.0}]');
    });
  });

  describe('negotiation and errors', () => {
    it('Accept-Encoding: the first supported token wins', async () => {
      const res = await client.sql('SELECT 1 AS one', 'db=public', { 'accept-encoding': 'x-unknown, deflate, gzip' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('deflate');
      expect(zlib.inflateRawSync(res.body).toString()).toBe('one\n1\n');
    });

    it('no Accept-Encoding: no Content-Encoding on the answer', async () => {
      const res = await client.sql('SELECT 1 AS one');
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.text).toBe('one\n1\n');
    });

    it('Accept-Encoding with no supported token is 400 040005', async () => {
      const res = await client.sql('SELECT 1', 'db=public', { 'accept-encoding': '*' });
      expect(res.status).toBe(400);
      expect(res.text).toBe(
        '{"error_code":"040005","error_message":"Invalid header: accept encoding not support: *, only support: gzip, deflate, br, zstd, snappy, lz4, identity"}',
      );
    });

    it.each([
      ['/api/v1/write?db=public', 'GZIP'],
      ['/api/v1/write?db=public', 'gzip, br'],
      ['/api/v1/write?db=public', 'compress'],
      ['/api/v1/sql?db=public', 'x-snappy'],
      ['/api/v1/sql?db=public', ''],
    ])('%s with Content-Encoding %p is 400 040005', async (path, value) => {
      const res = await post(path, 'cpu v=1', { 'content-encoding': value });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(`{"error_code":"040005","error_message":"Invalid header: content encoding not support: ${value}"}`);
    });

    const notCompressed = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('cpu,host=a v=1 1\n')]);
    it.each([
      ['gzip', 'incorrect header check'],
      ['deflate', 'invalid block type'],
      ['br', 'Decompression failed'],
      ['zstd', 'zstd: unknown frame magic number'],
      ['snappy', 'snappy: invalid stream identifier'],
      ['lz4', 'lz4: invalid frame magic number'],
    ])('a write body that is not %s is 400 040013', async (token, detail) => {
      const res = await post('/api/v1/write?db=public', notCompressed, { 'content-encoding': token });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(`{"error_code":"040013","error_message":"Error decode request: ${detail}"}`);
    });

    it.each([
      ['gzip', 'unexpected end of file'],
      ['zstd', 'zstd: unexpected end of stream'],
      ['snappy', 'snappy: unexpected end of stream'],
      ['lz4', 'lz4: unexpected end of stream'],
    ])('a truncated %s write is 400 040013 and stores nothing', async (token, detail) => {
      const t = uniqueName(`trunc_${token}`);
      const body = encode(token, Buffer.from(Array.from({ length: 2000 }, (_, i) => `${t},host=h${i % 3} v=${i} ${i + 1}`).join('\n')));
      const res = await post('/api/v1/write?db=public', body.subarray(0, body.length - 7), { 'content-encoding': token });
      expect(res.status).toBe(400);
      expect(res.text).toBe(`{"error_code":"040013","error_message":"Error decode request: ${detail}"}`);
      const query = await client.sql(`SELECT count(*) AS n FROM ${t}`);
      expect(query.status).toBe(422);
    });

    it('a sql body that is not gzip is 400 040013', async () => {
      const res = await post('/api/v1/sql?db=public', Buffer.from('SELECT 1'), { 'content-encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.text).toBe('{"error_code":"040013","error_message":"Error decode request: incorrect header check"}');
    });
  });

  it('streams a gzip write of over 50 MiB (decompressed) sent with chunked transfer encoding', async () => {
    // Four series; the long table name makes the lines long without making the rows large.
    const t = uniqueName('compression_streamed_gzip_upload_over_fifty_mebibytes');
    const target = 50 * 1024 * 1024;
    let rows = 0;
    let bytes = 0;
    function* batches(): Generator<string> {
      while (bytes < target) {
        let batch = '';
        for (let i = 0; i < 5000; i++, rows++) batch += `${t},host=h${rows % 4} v=${rows}i ${1700000000000000000 + rows * 1000}\n`;
        bytes += Buffer.byteLength(batch);
        yield batch;
      }
    }
    const res = await streamGzip(`${topology.url}/api/v1/write?db=public`, batches());
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(bytes).toBeGreaterThanOrEqual(target);
    const query = await client.sql(`SELECT count(*) AS n, count(DISTINCT host) AS hosts, max(v) AS top FROM ${t}`);
    expect(query.status).toBe(200);
    expect(query.text).toBe(`n,hosts,top\n${rows},4,${rows - 1}\n`);
  });
});
