import { crc32c } from '@node-rs/crc32';
import { compressSync, uncompressSync } from 'snappy';
import { CompressionFormatError, IncrementalDecoder } from './incremental.decoder';

// Snappy framing format (https://github.com/google/snappy/blob/main/framing_format.txt):
// chunks of [type:1][length:3 LE][data], the stream identifier first; data chunks carry a
// masked CRC-32C of the uncompressed bytes and at most 65536 uncompressed bytes.
const STREAM_IDENTIFIER = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const CHUNK_STREAM_IDENTIFIER = 0xff;
const CHUNK_COMPRESSED = 0x00;
const CHUNK_UNCOMPRESSED = 0x01;
const MAX_UNCOMPRESSED = 65536;
// snappy's MaxCompressedLength(65536) plus the 4-byte checksum: no valid chunk is larger.
const MAX_COMPRESSED_CHUNK = 32 + MAX_UNCOMPRESSED + Math.floor(MAX_UNCOMPRESSED / 6) + 4;

/** CRC-32C masked as the framing format prescribes. */
function maskedCrc(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Streaming decoder of the snappy frame format. */
export class SnappyFrameDecoder extends IncrementalDecoder {
  private started = false;
  private skipping = 0; // bytes of a skippable chunk still to drop

  protected *decode(): Generator<Buffer, void, undefined> {
    for (;;) {
      if (this.skipping > 0) {
        this.skipping -= this.input.skip(this.skipping);
        if (this.skipping > 0) return;
      }
      if (this.input.length < 4) return;
      const header = this.input.peek(4);
      const type = header[0];
      const length = header.readUIntLE(1, 3);
      if (!this.started && type !== CHUNK_STREAM_IDENTIFIER) throw new CompressionFormatError('snappy: stream does not start with the stream identifier');
      if (type === CHUNK_STREAM_IDENTIFIER) {
        if (length !== 6) throw new CompressionFormatError('snappy: invalid stream identifier');
        if (this.input.length < 10) return;
        if (!this.input.take(10).equals(STREAM_IDENTIFIER)) throw new CompressionFormatError('snappy: invalid stream identifier');
        this.started = true;
      } else if (type === CHUNK_COMPRESSED || type === CHUNK_UNCOMPRESSED) {
        const limit = type === CHUNK_COMPRESSED ? MAX_COMPRESSED_CHUNK : MAX_UNCOMPRESSED + 4;
        if (length < 4 || length > limit) throw new CompressionFormatError(`snappy: invalid chunk length ${length}`);
        if (this.input.length < 4 + length) return;
        const chunk = this.input.take(4 + length);
        const expected = chunk.readUInt32LE(4);
        const payload = chunk.subarray(8);
        const data = type === CHUNK_COMPRESSED ? uncompressBlock(payload) : Buffer.from(payload);
        if (maskedCrc(data) !== expected) throw new CompressionFormatError('snappy: checksum mismatch');
        yield data;
      } else if (type <= 0x7f) {
        throw new CompressionFormatError(`snappy: unsupported unskippable chunk type 0x${type.toString(16)}`);
      } else {
        // 0x80-0xfd reserved skippable, 0xfe padding: dropped unread.
        this.input.skip(4);
        this.skipping = length;
      }
    }
  }

  protected *decodeRest(): Generator<Buffer, void, undefined> {
    yield* this.decode();
    if (this.skipping > 0 || this.input.length > 0) throw new CompressionFormatError('snappy: unexpected end of stream');
  }
}

function uncompressBlock(block: Buffer): Buffer {
  // The block starts with its uncompressed length as a varint: refuse oversized blocks
  // before the codec allocates for them.
  let size = 0;
  let shift = 0;
  let i = 0;
  for (;; i++) {
    if (i >= block.length || i >= 5) throw new CompressionFormatError('snappy: invalid block length');
    size += (block[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if ((block[i] & 0x80) === 0) break;
  }
  if (size > MAX_UNCOMPRESSED) throw new CompressionFormatError(`snappy: block of ${size} bytes exceeds 65536`);
  try {
    return uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw new CompressionFormatError(`snappy: ${(err as Error).message.replace(/^snappy:\s*/, '')}`);
  }
}

/** The snappy frame format of `body`: the stream identifier, then one chunk per 64 KiB. */
export function encodeSnappyFrame(body: Buffer): Buffer {
  const parts: Buffer[] = [STREAM_IDENTIFIER];
  for (let offset = 0; offset < body.length; offset += MAX_UNCOMPRESSED) {
    const data = body.subarray(offset, offset + MAX_UNCOMPRESSED);
    const compressed = compressSync(data);
    // As the reference encoder does: keep the compressed form only if it saves at least 1/8.
    const useCompressed = compressed.length < data.length - (data.length >> 3);
    const payload = useCompressed ? compressed : data;
    const header = Buffer.allocUnsafe(8);
    header[0] = useCompressed ? CHUNK_COMPRESSED : CHUNK_UNCOMPRESSED;
    header.writeUIntLE(payload.length + 4, 1, 3);
    header.writeUInt32LE(maskedCrc(data), 4);
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}
