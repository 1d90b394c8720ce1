import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Readable, Transform, Writable } from 'stream';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import { createDecoder, encode } from './compression';
import { isSupportedEncoding, SUPPORTED_ENCODINGS, UnsupportedEncodingError } from './encodings';
import { CompressionFormatError } from './incremental.decoder';
import { loadXxhash } from './xxhash';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '../fixtures');
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as {
  samples: Record<string, string>;
  fixtures: { file: string; encoding: string; sample: string | null; note: string }[];
};
const fixture = (file: string) => fs.readFileSync(path.join(FIXTURES, file));

// The same recipes as fixtures/generate-fixtures.py.
function textSample(): Buffer {
  let s = '';
  for (let i = 0; i < 1500; i++) {
    s += `cpu,host=h${i % 7},region=r${i % 3} usage=${i % 97}.${i % 10},idle=${i % 100}i ${1700000000000000000n + BigInt(i) * 1000n}\n`;
  }
  return Buffer.from(s);
}
function randomBytes(n: number, seed = 0x9e3779b9): Buffer {
  let x = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
const SAMPLES: Record<string, Buffer> = { text: textSample(), noise: randomBytes(5000) };
const sampleOf = (spec: string) => Buffer.concat(spec.split('+').map((s) => SAMPLES[s]));

function* pieces(input: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < input.length; i += size) yield input.subarray(i, i + size);
}

/** Runs `input` through a decoder in pieces of `pieceSize` bytes and collects the output. */
async function decode(token: string, input: Buffer, pieceSize = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(pieces(input, pieceSize)),
    createDecoder(token),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

const COMPRESSING = SUPPORTED_ENCODINGS.filter((t) => t !== 'identity');

describe('SUPPORTED_ENCODINGS', () => {
  it("lists CnosDB's tokens in the order of its Encoding enum", () => {
    expect(SUPPORTED_ENCODINGS).toEqual(['gzip', 'deflate', 'br', 'zstd', 'snappy', 'lz4', 'identity']);
  });

  it.each(['GZIP', 'Gzip', 'gzip, br', ' gzip', 'x-gzip', 'compress', '*', ''])('does not accept %p', (token) => {
    expect(isSupportedEncoding(token)).toBe(false);
    expect(() => createDecoder(token)).toThrow(UnsupportedEncodingError);
    expect(() => encode(token, Buffer.from('x'))).toThrow(UnsupportedEncodingError);
  });
});

describe('round trips', () => {
  const bodies: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['line protocol', SAMPLES.text],
    ['incompressible', randomBytes(200_000, 7)],
    ['3 MiB of line protocol', Buffer.concat(Array.from({ length: 30 }, () => SAMPLES.text))],
  ];

  describe.each(SUPPORTED_ENCODINGS)('%s', (token) => {
    it.each(bodies)('%s', async (_name, body) => {
      const encoded = encode(token, body);
      expect((await decode(token, encoded)).equals(body)).toBe(true);
    });

    it('decodes input split at every byte', async () => {
      const body = SAMPLES.text.subarray(0, 3000);
      expect((await decode(token, encode(token, body), 1)).equals(body)).toBe(true);
    });

    it('decodes input split at odd sizes', async () => {
      const body = Buffer.concat([SAMPLES.text, SAMPLES.noise, SAMPLES.text]);
      const encoded = encode(token, body);
      for (const size of [7, 4093, 65537]) expect((await decode(token, encoded, size)).equals(body)).toBe(true);
    });
  });

  it('identity passes bytes through untouched', () => {
    const body = Buffer.from('abc');
    expect(encode('identity', body)).toBe(body);
  });

  it('deflate is raw deflate, gzip carries the gzip header', () => {
    const body = Buffer.from('cpu v=1\n');
    expect(zlib.inflateRawSync(encode('deflate', body)).equals(body)).toBe(true);
    expect(encode('gzip', body).subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true);
  });

  it('snappy and lz4 produce their frame formats', () => {
    expect(encode('snappy', Buffer.from('x')).subarray(0, 10).toString('latin1')).toBe('\xff\x06\x00\x00sNaPpY');
    expect(encode('lz4', Buffer.from('x')).readUInt32LE(0)).toBe(0x184d2204);
    expect(encode('zstd', Buffer.from('x')).readUInt32LE(0)).toBe(0xfd2fb528);
  });
});

describe('reference vectors (fixtures/generate-fixtures.py)', () => {
  it('regenerates the same samples as the generator', () => {
    for (const [name, sha] of Object.entries(manifest.samples)) {
      expect(createHash('sha256').update(SAMPLES[name]).digest('hex')).toBe(sha);
    }
  });

  const vectors = manifest.fixtures.filter((f) => f.sample !== null).map((f) => [f.file, f.encoding, f.sample as string, f.note] as const);

  it('covers every compressing token', () => {
    expect(new Set(vectors.map((v) => v[1]))).toEqual(new Set(COMPRESSING));
  });

  it.each(vectors)('%s (%s) decodes to its sample: %s, %s', async (file, token, sample) => {
    const expected = sampleOf(sample);
    const input = fixture(file);
    expect((await decode(token, input)).equals(expected)).toBe(true);
    expect((await decode(token, input, 3)).equals(expected)).toBe(true);
  });

  it('refuses a zstd frame whose window exceeds 8 MiB', async () => {
    await expect(decode('zstd', fixture('window-128m.zst'))).rejects.toThrow('zstd: frame window of 134217728 bytes exceeds the 8388608 byte limit');
  });
});

describe('corrupt input', () => {
  // Leading 0xff bytes: no gzip/zstd/lz4 magic, an invalid raw deflate block type, no snappy identifier.
  const garbage = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('cpu,host=a usage=1 1\n this is not compressed at all')]);

  it.each(COMPRESSING)('%s: bytes that are not in the format are an error', async (token) => {
    await expect(decode(token, garbage)).rejects.toThrow();
  });

  it.each(COMPRESSING)('%s: a truncated stream is an error', async (token) => {
    const encoded = encode(token, SAMPLES.text);
    await expect(decode(token, encoded.subarray(0, encoded.length - 5))).rejects.toThrow();
    await expect(decode(token, encoded.subarray(0, Math.floor(encoded.length / 2)), 100)).rejects.toThrow();
  });

  const flip = (buf: Buffer, at: number) => {
    const copy = Buffer.from(buf);
    copy[at] ^= 0x01;
    return copy;
  };

  it('gzip: a flipped bit fails the CRC', async () => {
    const encoded = encode('gzip', SAMPLES.text);
    await expect(decode('gzip', flip(encoded, encoded.length - 6))).rejects.toThrow();
  });

  it('snappy: a flipped bit in an uncompressed chunk fails its CRC-32C', async () => {
    await expect(decode('snappy', flip(fixture('noise.sz'), 2000))).rejects.toThrow('snappy: checksum mismatch');
  });

  it('zstd: a wrong content checksum is an error', async () => {
    const input = fixture('text-checksum.zst');
    await expect(decode('zstd', flip(input, input.length - 1))).rejects.toThrow('zstd: content checksum mismatch');
  });

  it('lz4: a flipped bit fails the block checksum', async () => {
    await expect(decode('lz4', flip(fixture('text-linked.lz4'), 5000))).rejects.toThrow('lz4: block checksum mismatch');
  });

  it('lz4: a wrong content checksum is an error', async () => {
    const input = fixture('text-linked.lz4');
    await expect(decode('lz4', flip(input, input.length - 1))).rejects.toThrow('lz4: content checksum mismatch');
  });

  it('lz4: a wrong header checksum is an error', async () => {
    await expect(decode('lz4', flip(fixture('text-linked.lz4'), 6))).rejects.toThrow(CompressionFormatError);
  });

  it('errors are CompressionFormatError for the frame formats', async () => {
    for (const token of ['zstd', 'snappy', 'lz4']) await expect(decode(token, garbage)).rejects.toThrow(CompressionFormatError);
  });
});

describe('snappy framing details', () => {
  const ID = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
  const chunk = (type: number, data: Buffer) => {
    const header = Buffer.alloc(4);
    header[0] = type;
    header.writeUIntLE(data.length, 1, 3);
    return Buffer.concat([header, data]);
  };

  it('skips padding and reserved skippable chunks, accepts a repeated stream identifier', async () => {
    const a = encode('snappy', Buffer.from('first\n'));
    const b = encode('snappy', Buffer.from('second\n'));
    const input = Buffer.concat([a, chunk(0xfe, Buffer.alloc(100)), chunk(0x80, Buffer.from('anything')), b]);
    expect((await decode('snappy', input, 5)).toString()).toBe('first\nsecond\n');
  });

  it('requires the stream identifier first', async () => {
    const body = encode('snappy', Buffer.from('x')).subarray(ID.length);
    await expect(decode('snappy', body)).rejects.toThrow('snappy: stream does not start with the stream identifier');
  });

  it('refuses reserved unskippable chunks', async () => {
    await expect(decode('snappy', Buffer.concat([ID, chunk(0x02, Buffer.alloc(4))]))).rejects.toThrow('unskippable chunk type 0x2');
  });
});

describe('lz4 and zstd header checks', () => {
  it('lz4: refuses frames that need a dictionary', async () => {
    const xxh = await loadXxhash();
    // magic, FLG (version 1, independent blocks, DictID), BD (64 KiB), dictionary id 7, header checksum
    const descriptor = Buffer.from([0x61, 0x40, 0x07, 0x00, 0x00, 0x00]);
    const frame = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), descriptor, Buffer.from([(xxh.h32Raw(descriptor) >>> 8) & 0xff, 0, 0, 0, 0])]);
    await expect(decode('lz4', frame)).rejects.toThrow('lz4: frames that need a dictionary are not supported');
    frame[10] ^= 0xff;
    await expect(decode('lz4', frame)).rejects.toThrow('lz4: frame header checksum mismatch');
  });

  it('zstd: refuses frames that need a dictionary', async () => {
    // magic, FHD (dictionary id: 1 byte, single segment, 1-byte content size), dict id 7, size 0, one empty raw last block
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x21, 0x07, 0x00, 0x01, 0x00, 0x00]);
    await expect(decode('zstd', frame)).rejects.toThrow('zstd: frames that need a dictionary are not supported');
  });

  it('zstd: refuses the reserved block type', async () => {
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x07, 0x00, 0x00]);
    await expect(decode('zstd', frame)).rejects.toThrow('zstd: reserved block type');
  });

  it('zstd: decodes a hand-made empty frame and an RLE block', async () => {
    const empty = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00]);
    // single segment, content size 5, RLE last block of 5 x 'a'
    const rle = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x2b, 0x00, 0x00, 0x61]);
    expect((await decode('zstd', Buffer.concat([empty, rle, empty]), 1)).toString()).toBe('aaaaa');
  });

  it('zstd: a frame whose content size disagrees with its blocks is an error', async () => {
    const rle = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x06, 0x2b, 0x00, 0x00, 0x61]);
    await expect(decode('zstd', rle)).rejects.toThrow('zstd: frame declares 6 bytes but holds 5');
  });
});

describe('bounded memory', () => {
  const MiB = 1 << 20;

  /** Reads slowly and records the largest chunk and the most output ever buffered in the decoder. */
  async function drainSlowly(decoder: Transform, input: Buffer, pieceSize: number) {
    let total = 0;
    let largestChunk = 0;
    let mostBuffered = 0;
    await pipeline(
      Readable.from(pieces(input, pieceSize)),
      decoder,
      new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _e, cb) {
          total += chunk.length;
          largestChunk = Math.max(largestChunk, chunk.length);
          mostBuffered = Math.max(mostBuffered, decoder.readableLength);
          setImmediate(cb);
        },
      }),
    );
    return { total, largestChunk, mostBuffered };
  }

  it.each(['zstd', 'snappy', 'lz4', 'gzip'])('%s: 150 MiB pass through chunk by chunk', async (token) => {
    // 150 concatenated 1 MiB streams (all four formats allow concatenation).
    const block = Buffer.concat(Array.from({ length: Math.ceil(MiB / SAMPLES.text.length) }, () => SAMPLES.text)).subarray(0, MiB);
    const encodedBlock = encode(token, block);
    const input = Buffer.concat(Array.from({ length: 150 }, () => encodedBlock));
    const stats = await drainSlowly(createDecoder(token), input, 64 * 1024);
    expect(stats.total).toBe(150 * MiB);
    expect(stats.largestChunk).toBeLessThanOrEqual(MiB);
    expect(stats.mostBuffered).toBeLessThanOrEqual(2 * MiB);
  });

  it.each(['zstd', 'snappy', 'lz4'])('%s: a highly compressed body written at once is released block by block', async (token) => {
    const zeros = Buffer.alloc(64 * MiB);
    const input = encode(token, zeros);
    const stats = await drainSlowly(createDecoder(token), input, input.length);
    expect(stats.total).toBe(64 * MiB);
    expect(stats.mostBuffered).toBeLessThanOrEqual(8 * MiB);
  });
});
