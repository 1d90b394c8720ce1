/**
 * The not yet decoded input of a streaming decoder: chunks as they arrived, read from the
 * front. Copies only when a read spans chunks.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // bytes of chunks[0] already consumed
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The byte at `offset` from the front; the caller checks `length` first. */
  byteAt(offset: number): number {
    let i = 0;
    let at = this.head + offset;
    while (at >= this.chunks[i].length) {
      at -= this.chunks[i].length;
      i++;
    }
    return this.chunks[i][at];
  }

  /** The first `n` bytes without consuming them (a view when they lie in one chunk). */
  peek(n: number): Buffer {
    if (n > this.total) throw new RangeError(`peek(${n}) past the ${this.total} queued bytes`);
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let start = this.head;
    for (const chunk of this.chunks) {
      const take = Math.min(n - filled, chunk.length - start);
      chunk.copy(out, filled, start, start + take);
      filled += take;
      start = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops up to `n` bytes from the front; returns how many were dropped. */
  skip(n: number): number {
    const dropped = Math.min(n, this.total);
    let left = dropped;
    while (left > 0) {
      const available = this.chunks[0].length - this.head;
      if (available > left) {
        this.head += left;
        break;
      }
      left -= available;
      this.chunks.shift();
      this.head = 0;
    }
    this.total -= dropped;
    return dropped;
  }
}
