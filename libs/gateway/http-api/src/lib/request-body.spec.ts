import { randomBytes } from 'crypto';
import { IncomingMessage } from 'http';
import { Readable } from 'stream';
import { encode } from '@cnosdb/shared/compression';
import { CnosError } from '@cnosdb/shared/errors';
import { checkContentEncoding, PayloadTooLargeError, readWholeBody, requestBody } from './request-body';

/** A request whose body arrives in the given chunks. */
function fakeRequest(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const req = Readable.from(chunks, { objectMode: false }) as unknown as IncomingMessage;
  req.headers = headers;
  return req;
}

function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('checkContentEncoding', () => {
  it.each(['gzip', 'deflate', 'br', 'zstd', 'snappy', 'lz4', 'identity'])('accepts %s', (token) => {
    expect(checkContentEncoding(fakeRequest([], { 'content-encoding': token }))).toBe(token);
  });

  it('treats a missing header as identity', () => {
    expect(checkContentEncoding(fakeRequest([]))).toBe('identity');
  });

  it.each(['GZIP', 'gzip, br', 'x-gzip', ''])('rejects %p with 400 040005', (token) => {
    try {
      checkContentEncoding(fakeRequest([], { 'content-encoding': token }));
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(CnosError);
      expect((err as CnosError).status).toBe(400);
      expect((err as CnosError).toBody()).toBe(`{"error_code":"040005","error_message":"Invalid header: content encoding not support: ${token}"}`);
    }
  });
});

describe('requestBody', () => {
  const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => `cpu,host=h${i % 3} v=${i} ${i}`).join('\n'));

  it.each(['gzip', 'deflate', 'br', 'zstd', 'snappy', 'lz4', 'identity'])('decodes %s as it streams', async (token) => {
    const decoded = await readWholeBody(fakeRequest(pieces(encode(token, body), 1000)), 1 << 20, token);
    expect(decoded.equals(body)).toBe(true);
  });

  it('a body that does not decode is 400 040013', async () => {
    const err = await readWholeBody(fakeRequest([Buffer.from('not zstd')]), 1 << 20, 'zstd').catch((e) => e);
    expect(err).toBeInstanceOf(CnosError);
    expect((err as CnosError).toBody()).toBe('{"error_code":"040013","error_message":"Error decode request: zstd: unknown frame magic number"}');
  });

  it('counts the compressed bytes against the limit', async () => {
    const encoded = encode('gzip', body);
    expect((await readWholeBody(fakeRequest(pieces(encoded, 100)), encoded.length, 'gzip')).equals(body)).toBe(true);
    await expect(readWholeBody(fakeRequest(pieces(encoded, 100)), encoded.length - 1, 'gzip')).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('a reader that stops early leaves the request open and drops the rest of the upload', async () => {
    const noise = randomBytes(4 << 20);
    for (const token of ['identity', 'gzip', 'zstd']) {
      const req = fakeRequest(pieces(encode(token, noise), 500));
      for await (const chunk of requestBody(req, 16 << 20, token)) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      expect(req.destroyed).toBe(false);
      await new Promise((r) => req.once('end', r)); // the rest is read and dropped
    }
  });
});
