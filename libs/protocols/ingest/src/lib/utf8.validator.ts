import { isUtf8 } from 'buffer';

/**
 * Checks that a body streamed in chunks is valid UTF-8 (CnosDB answers 422 040015
 * otherwise), holding back at most the 3 bytes of a character split across chunks.
 */
export class Utf8Validator {
  private carry = Buffer.alloc(0);
  private offset = 0;

  /** Throws Utf8Error with Rust's wording if the bytes so far cannot be UTF-8. */
  push(chunk: Buffer): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completePrefixLength(data);
    const head = data.subarray(0, cut);
    if (!isUtf8(head)) throw new Utf8Error(describeInvalid(head, this.offset));
    this.offset += cut;
    this.carry = Buffer.from(data.subarray(cut));
  }

  /** Throws if the body ended inside a character. */
  end(): void {
    if (this.carry.length > 0) {
      if (!isUtf8(this.carry)) throw new Utf8Error(describeInvalid(this.carry, this.offset));
    }
  }
}

export class Utf8Error extends Error {}

/** Length of the prefix that ends on a character boundary (a trailing partial character is cut off). */
function completePrefixLength(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = b[n - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Rust's Utf8Error text for the first bad sequence: "invalid utf-8 sequence of N bytes from index I". */
function describeInvalid(b: Buffer, base: number): string {
  let i = 0;
  while (i < b.length) {
    const byte = b[i];
    const need = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (need === 0) return `invalid utf-8 sequence of 1 bytes from index ${base + i}`;
    if (i + need > b.length) return `incomplete utf-8 byte sequence from index ${base + i}`;
    if (!isUtf8(b.subarray(i, i + need))) {
      let good = 1;
      while (good < need && (b[i + good] & 0xc0) === 0x80) good++;
      return `invalid utf-8 sequence of ${good} bytes from index ${base + i}`;
    }
    i += need;
  }
  return `invalid utf-8 sequence from index ${base}`;
}
