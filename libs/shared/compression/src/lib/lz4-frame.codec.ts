import { compressFrameSync } from 'lz4-napi';
import { CompressionFormatError, IncrementalDecoder } from './incremental.decoder';
import { loadXxhash, Xxhash } from './xxhash';

// LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md).
const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_UNCOMPRESSED = 0x80000000;
const HISTORY = 65536; // how far back a match in a linked block may reach
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

interface FrameState {
  linked: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  contentSize?: bigint;
  blockMax: number;
  decoded: bigint;
  hash?: ReturnType<Xxhash['create32']>;
}

/** Streaming decoder of the LZ4 frame format (linked or independent blocks, all checksums verified). */
export class Lz4FrameDecoder extends IncrementalDecoder {
  private xxh!: Xxhash;
  private frame?: FrameState;
  private awaitingContentChecksum = false;
  private skipping = 0;
  private window = Buffer.alloc(0);
  private history = 0; // bytes of history at the start of `window` (linked blocks)

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
      if (this.awaitingContentChecksum) {
        if (this.input.length < 4) return;
        const expected = this.input.take(4).readUInt32LE(0);
        if (this.frame?.hash?.digest() !== expected) throw new CompressionFormatError('lz4: content checksum mismatch');
        this.endFrame();
        continue;
      }
      if (!this.frame) {
        if (!this.readFrameHeader()) return;
        continue;
      }
      if (this.input.length < 4) return;
      const word = this.input.peek(4).readUInt32LE(0);
      if (word === 0) {
        this.input.skip(4);
        if (this.frame.contentChecksum) this.awaitingContentChecksum = true;
        else this.endFrame();
        continue;
      }
      const stored = (word & BLOCK_UNCOMPRESSED) !== 0;
      const size = word & ~BLOCK_UNCOMPRESSED;
      if (size > this.frame.blockMax) throw new CompressionFormatError(`lz4: block of ${size} bytes exceeds the frame's ${this.frame.blockMax}`);
      const total = 4 + size + (this.frame.blockChecksum ? 4 : 0);
      if (this.input.length < total) return;
      const block = this.input.take(total);
      const data = block.subarray(4, 4 + size);
      if (this.frame.blockChecksum && this.xxh.h32Raw(data) !== block.readUInt32LE(4 + size)) throw new CompressionFormatError('lz4: block checksum mismatch');
      yield this.decodeBlock(data, stored);
    }
  }

  protected *decodeRest(): Generator<Buffer, void, undefined> {
    yield* this.decode();
    if (this.frame || this.skipping > 0 || this.input.length > 0) throw new CompressionFormatError('lz4: unexpected end of stream');
  }

  /** Parses a frame header or skippable frame header once whole; false if more input is needed. */
  private readFrameHeader(): boolean {
    if (this.input.length < 4) return false;
    const magic = this.input.peek(4).readUInt32LE(0);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (this.input.length < 8) return false;
      this.skipping = this.input.take(8).readUInt32LE(4);
      return true;
    }
    if (magic !== FRAME_MAGIC) throw new CompressionFormatError('lz4: invalid frame magic number');
    if (this.input.length < 7) return false;
    const flg = this.input.byteAt(4);
    const bd = this.input.byteAt(5);
    const length = 7 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
    if (this.input.length < length) return false;
    const header = this.input.take(length);
    const descriptor = header.subarray(4, length - 1);
    if (((this.xxh.h32Raw(descriptor) >>> 8) & 0xff) !== header[length - 1]) throw new CompressionFormatError('lz4: frame header checksum mismatch');
    if (flg >> 6 !== 1) throw new CompressionFormatError(`lz4: unsupported frame version ${flg >> 6}`);
    if (flg & 0x02 || bd & 0x8f) throw new CompressionFormatError('lz4: reserved bits set in the frame descriptor');
    if (flg & 0x01) throw new CompressionFormatError('lz4: frames that need a dictionary are not supported');
    const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
    if (blockMax === undefined) throw new CompressionFormatError('lz4: invalid block maximum size');
    const contentChecksum = (flg & 0x04) !== 0;
    this.frame = {
      linked: (flg & 0x20) === 0,
      blockChecksum: (flg & 0x10) !== 0,
      contentChecksum,
      contentSize: flg & 0x08 ? header.readBigUInt64LE(6) : undefined,
      blockMax,
      decoded: 0n,
      hash: contentChecksum ? this.xxh.create32() : undefined,
    };
    const windowSize = (this.frame.linked ? HISTORY : 0) + blockMax;
    if (this.window.length < windowSize) this.window = Buffer.allocUnsafe(windowSize);
    this.history = 0;
    return true;
  }

  private endFrame(): void {
    const frame = this.frame;
    this.frame = undefined;
    this.awaitingContentChecksum = false;
    if (frame?.contentSize !== undefined && frame.contentSize !== frame.decoded) {
      throw new CompressionFormatError(`lz4: frame declares ${frame.contentSize} bytes but holds ${frame.decoded}`);
    }
  }

  private decodeBlock(data: Buffer, stored: boolean): Buffer {
    const frame = this.frame as FrameState;
    const start = frame.linked ? this.history : 0;
    const limit = start + frame.blockMax;
    let end: number;
    if (stored) {
      data.copy(this.window, start);
      end = start + data.length;
    } else {
      end = decodeLz4Block(data, this.window, start, limit);
    }
    const out = Buffer.from(this.window.subarray(start, end));
    if (frame.linked) {
      if (end > HISTORY) {
        this.window.copyWithin(0, end - HISTORY, end);
        this.history = HISTORY;
      } else {
        this.history = end;
      }
    }
    frame.decoded += BigInt(out.length);
    frame.hash?.update(out);
    return out;
  }
}

/**
 * Decodes one LZ4 block into `dst` from `start`; matches may reach back to `dst[0]`
 * (the history of linked blocks). Returns where the output ends. Bounds-checked: corrupt
 * input throws instead of reading or writing out of range.
 */
export function decodeLz4Block(src: Uint8Array, dst: Uint8Array, start: number, limit: number): number {
  const srcEnd = src.length;
  let s = 0;
  let d = start;
  for (;;) {
    if (s >= srcEnd) throw new CompressionFormatError('lz4: truncated block');
    const token = src[s++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= srcEnd) throw new CompressionFormatError('lz4: truncated block');
        b = src[s++];
        literals += b;
      } while (b === 255);
    }
    if (literals > srcEnd - s) throw new CompressionFormatError('lz4: literals run past the end of the block');
    if (literals > limit - d) throw new CompressionFormatError('lz4: block decodes past the maximum block size');
    if (literals < 32) {
      for (let i = 0; i < literals; i++) dst[d + i] = src[s + i];
    } else {
      dst.set(src.subarray(s, s + literals), d);
    }
    s += literals;
    d += literals;
    if (s === srcEnd) return d; // the last sequence has literals only
    if (srcEnd - s < 2) throw new CompressionFormatError('lz4: truncated block');
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > d) throw new CompressionFormatError('lz4: invalid match offset');
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        if (s >= srcEnd) throw new CompressionFormatError('lz4: truncated block');
        b = src[s++];
        length += b;
      } while (b === 255);
    }
    length += 4;
    if (length > limit - d) throw new CompressionFormatError('lz4: block decodes past the maximum block size');
    let m = d - offset;
    if (offset >= length && length >= 32) {
      dst.copyWithin(d, m, m + length);
      d += length;
    } else {
      const stop = d + length;
      while (d < stop) dst[d++] = dst[m++];
    }
  }
}

/** One LZ4 frame holding `body` (lz4_flex via lz4-napi: independent 4 MiB blocks). */
export function encodeLz4Frame(body: Buffer): Buffer {
  return compressFrameSync(body);
}
