import { Encoder } from '@toondepauw/node-zstd';
import { Decompress } from 'fzstd';
import { CompressionFormatError, IncrementalDecoder } from './incremental.decoder';
import { loadXxhash, Xxhash } from './xxhash';

// Zstandard frame format (RFC 8878). The frames are decoded by fzstd; this layer walks the
// frame and block headers itself so that it can feed fzstd one block at a time (bounded
// output per step), refuse windows that would need too much memory, and verify the content
// checksum, which fzstd skips.
const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX = 128 << 10;

/**
 * Largest window a request frame may declare: 8 MiB, what `zstd` levels 1-19 use at most.
 * fzstd holds the whole window and shifts it once per block, so larger windows (`--long`,
 * `--ultra`) would cost both memory and time per request.
 */
export const ZSTD_MAX_WINDOW = 8 << 20;

/** Default level of the reference `zstd` tool. */
const ENCODE_LEVEL = 3;

interface FrameRecord {
  checksum: boolean;
  contentSize?: number;
  blocks: number; // blocks scanned so far
  lastScanned: boolean;
  expected?: number; // the checksum field, once read
  emitted: number; // blocks fzstd has decoded
  bytes: number;
  hash?: ReturnType<Xxhash['create64']>;
}

type Expect = 'frame' | 'block' | 'checksum';

/** Streaming Zstandard decoder: concatenated and skippable frames, content checksum verified. */
export class ZstdDecoder extends IncrementalDecoder {
  private xxh!: Xxhash;
  private readonly fzstd = new Decompress((chunk) => this.onBlock(chunk));
  private readonly decoded: Buffer[] = [];
  private readonly frames: FrameRecord[] = [];
  private expect: Expect = 'frame';
  private skipping = 0;

  override _construct(callback: (error?: Error | null) => void): void {
    loadXxhash().then((api) => {
      this.xxh = api;
      callback();
    }, callback);
  }

  protected *decode(): Generator<Buffer, void, undefined> {
    for (;;) {
      if (this.skipping > 0) {
        this.skipping -= this.input.skip(this.skipping);
        if (this.skipping > 0) return;
      }
      const unit = this.nextUnit();
      if (!unit) return;
      this.feed(unit, false);
      yield* this.drain();
    }
  }

  protected *decodeRest(): Generator<Buffer, void, undefined> {
    yield* this.decode();
    if (this.expect !== 'frame' || this.skipping > 0 || this.input.length > 0) throw new CompressionFormatError('zstd: unexpected end of stream');
    this.feed(new Uint8Array(0), true);
    yield* this.drain();
    if (this.frames.length > 0) throw new CompressionFormatError('zstd: unexpected end of stream');
  }

  /** The next whole header, block or checksum from the input; undefined if more input is needed. */
  private nextUnit(): Buffer | undefined {
    const input = this.input;
    if (this.expect === 'frame') {
      if (input.length < 4) return undefined;
      const magic = input.peek(4).readUInt32LE(0);
      if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
        if (input.length < 8) return undefined;
        this.skipping = input.take(8).readUInt32LE(4);
        return Buffer.alloc(0);
      }
      if (magic !== FRAME_MAGIC) throw new CompressionFormatError('zstd: unknown frame magic number');
      if (input.length < 5) return undefined;
      const fhd = input.byteAt(4);
      const singleSegment = (fhd & 0x20) !== 0;
      const dictIdSize = [0, 1, 2, 4][fhd & 0x03];
      const fcsFlag = fhd >> 6;
      const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
      const length = 5 + (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
      if (input.length < length) return undefined;
      const header = input.take(length);
      if (fhd & 0x08) throw new CompressionFormatError('zstd: reserved bit set in the frame header');
      let at = singleSegment ? 5 : 6;
      if (dictIdSize > 0 && header.readUIntLE(at, dictIdSize) !== 0) throw new CompressionFormatError('zstd: frames that need a dictionary are not supported');
      at += dictIdSize;
      let contentSize: number | undefined;
      if (fcsSize === 8) contentSize = Number(header.readBigUInt64LE(at));
      else if (fcsSize > 0) contentSize = header.readUIntLE(at, fcsSize) + (fcsSize === 2 ? 256 : 0);
      let window: number;
      if (singleSegment) {
        window = contentSize as number;
      } else {
        const base = 2 ** (10 + (header[5] >> 3));
        window = base + (base / 8) * (header[5] & 0x07);
      }
      if (window > ZSTD_MAX_WINDOW) throw new CompressionFormatError(`zstd: frame window of ${window} bytes exceeds the ${ZSTD_MAX_WINDOW} byte limit`);
      const checksum = (fhd & 0x04) !== 0;
      this.frames.push({ checksum, contentSize, blocks: 0, lastScanned: false, emitted: 0, bytes: 0, hash: checksum ? this.xxh.create64() : undefined });
      this.expect = 'block';
      return header;
    }
    const frame = this.frames[this.frames.length - 1];
    if (this.expect === 'checksum') {
      if (input.length < 4) return undefined;
      const field = input.take(4);
      frame.expected = field.readUInt32LE(0);
      this.expect = 'frame';
      return field;
    }
    if (input.length < 3) return undefined;
    const word = input.byteAt(0) | (input.byteAt(1) << 8) | (input.byteAt(2) << 16);
    const type = (word >> 1) & 0x03;
    const size = word >>> 3;
    if (type === 3) throw new CompressionFormatError('zstd: reserved block type');
    if (size > BLOCK_MAX) throw new CompressionFormatError(`zstd: block of ${size} bytes exceeds 128 KiB`);
    const length = 3 + (type === 1 ? 1 : size);
    if (input.length < length) return undefined;
    frame.blocks++;
    if (word & 1) {
      frame.lastScanned = true;
      this.expect = frame.checksum ? 'checksum' : 'frame';
    }
    return input.take(length);
  }

  private feed(unit: Uint8Array, final: boolean): void {
    if (unit.length === 0 && !final) return;
    try {
      this.fzstd.push(unit, final);
    } catch (err) {
      throw new CompressionFormatError(`zstd: ${(err as Error).message}`);
    }
  }

  private onBlock(chunk: Uint8Array): void {
    // fzstd reports each block in order; the oldest frame with blocks still to decode owns it.
    // (At the very start of a frame fzstd may wait for 18 bytes, so its output can lag the
    // units fed.) The final empty call at the end of input belongs to no frame.
    const frame = this.frames.find((f) => !(f.lastScanned && f.emitted === f.blocks));
    if (!frame) return;
    frame.emitted++;
    frame.bytes += chunk.length;
    frame.hash?.update(chunk);
    if (chunk.length > 0) this.decoded.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }

  /** Yields what fzstd decoded and closes the frames that are complete. */
  private *drain(): Generator<Buffer, void, undefined> {
    while (this.decoded.length > 0) yield this.decoded.shift() as Buffer;
    for (;;) {
      const frame = this.frames[0];
      if (!frame || !frame.lastScanned || frame.emitted < frame.blocks) return;
      if (frame.checksum) {
        if (frame.expected === undefined) return;
        const digest = (frame.hash as NonNullable<FrameRecord['hash']>).digest();
        if (Number(digest & 0xffffffffn) !== frame.expected) {
          throw new CompressionFormatError('zstd: content checksum mismatch');
        }
      }
      if (frame.contentSize !== undefined && frame.contentSize !== frame.bytes) {
        throw new CompressionFormatError(`zstd: frame declares ${frame.contentSize} bytes but holds ${frame.bytes}`);
      }
      this.frames.shift();
    }
  }
}

/** One Zstandard frame holding `body` (libzstd via @toondepauw/node-zstd, level 3). */
export function encodeZstd(body: Buffer): Buffer {
  return new Encoder(ENCODE_LEVEL).encodeSync(body);
}
