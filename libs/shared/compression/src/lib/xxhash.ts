import xxhash from 'xxhash-wasm';

/** xxHash32/64 (WebAssembly), the checksums of the lz4 and zstd frame formats. */
export type Xxhash = Awaited<ReturnType<typeof xxhash>>;

let loaded: Promise<Xxhash> | undefined;

/** Instantiates the WebAssembly module once per process. */
export function loadXxhash(): Promise<Xxhash> {
  loaded ??= xxhash();
  return loaded;
}
