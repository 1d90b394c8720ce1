import { Transform, TransformCallback } from 'stream';
import { ByteQueue } from './byte-queue';

/** A corrupt, truncated or unsupported compressed stream. */
export class CompressionFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompressionFormatError';
  }
}

/**
 * Base of the frame decoders written here (zstd, snappy, lz4). Input is queued; `decode`
 * yields each decoded block as soon as the input holds it whole. Between blocks the decoder
 * waits while the reader is behind, so memory stays bounded by a block or two whatever the
 * compression ratio, as Node's zlib streams behave.
 */
export abstract class IncrementalDecoder extends Transform {
  protected readonly input = new ByteQueue();
  private paused?: () => void;

  /** Decodes what the queued input allows and returns when it needs more. */
  protected abstract decode(): Generator<Buffer, void, undefined>;

  /** End of input: yields what is left and throws if the stream stopped mid-frame. */
  protected abstract decodeRest(): Generator<Buffer, void, undefined>;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.input.push(chunk);
    this.run(this.decode(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run(this.decodeRest(), callback);
  }

  override _read(size: number): void {
    const paused = this.paused;
    this.paused = undefined;
    paused?.();
    // Transform's own _read releases a write it held back for backpressure, possibly the
    // one the step above just completed.
    super._read(size);
  }

  private run(blocks: Generator<Buffer, void, undefined>, callback: TransformCallback): void {
    const step = (): void => {
      try {
        for (;;) {
          const next = blocks.next();
          if (next.done) return callback();
          if (next.value.length > 0 && !this.push(next.value)) {
            this.paused = step;
            return;
          }
        }
      } catch (err) {
        callback(err instanceof Error ? err : new Error(String(err)));
      }
    };
    step();
  }
}
