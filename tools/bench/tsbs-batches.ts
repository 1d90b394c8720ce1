/*
 * Gzip-compressed TSBS line-protocol batches: batch k holds rows [k * size, (k + 1) * size) of
 * the TsbsCpu sequence, compressed as the TSBS loader sends them (gzip, level 6 by default).
 *
 * Generating and compressing a 5k-line batch costs ~40 ms of CPU, which at 100k rows/s would
 * take most of a core from the system under test on a 2-core machine. So, as tsbs_generate_data
 * does for the data, the batches are prepared ahead of the timed run and cached on disk
 * (os.tmpdir()/cnosdb-bench/, reused by later runs); the loader only reads them. A run that
 * needs more batches than prepared generates the rest live and says so.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { apiWriteGzip, fmtInt, nowMs } from './bench-util';
import { TsbsCpu } from './tsbs';

const gzip = promisify(zlib.gzip);

export function gzipBatch(gen: TsbsCpu, from: number, count: number, level: number): Promise<Buffer> {
  return gzip(Buffer.from(gen.lineProtocol(from, count), 'latin1'), { level });
}

/** Record format: 4-byte little-endian length, then the gzip bytes; batch k is record k. */
export class BatchCache {
  readonly file: string;
  private offsets: number[] = [];
  private lengths: number[] = [];
  private fd?: number;
  /** Batches the run had to generate live because the cache was too short. */
  liveBatches = 0;

  constructor(
    readonly gen: TsbsCpu,
    readonly batchSize: number,
    readonly level: number,
    dir = path.join(os.tmpdir(), 'cnosdb-bench'),
  ) {
    fs.mkdirSync(dir, { recursive: true });
    // v1: bump when TsbsCpu's output changes.
    this.file = path.join(dir, `tsbs-cpu-v1-h${gen.hosts}-b${batchSize}-z${level}.bin`);
  }

  get size(): number {
    return this.offsets.length;
  }

  /** Makes sure the first `batches` batches are on disk (appending what is missing). */
  async ensure(batches: number, log: (s: string) => void = console.log): Promise<void> {
    this.scan();
    if (this.offsets.length >= batches) {
      log(`batch cache: ${this.file} has ${fmtInt(this.offsets.length)} batches (${fmtInt(this.offsets.length * this.batchSize)} rows), ${fmtInt(batches)} needed`);
    } else {
      const have = this.offsets.length;
      log(`batch cache: generating ${fmtInt(batches - have)} more batches of ${this.batchSize} lines (gzip level ${this.level}) into ${this.file} …`);
      const t0 = nowMs();
      const fd = fs.openSync(this.file, 'a');
      let pos = fs.fstatSync(fd).size;
      const inFlight: Promise<Buffer>[] = [];
      let next = have;
      const depth = Math.max(2, os.cpus().length * 2);
      let lastLog = t0;
      while (next < batches || inFlight.length > 0) {
        while (next < batches && inFlight.length < depth) {
          inFlight.push(gzipBatch(this.gen, next * this.batchSize, this.batchSize, this.level));
          next++;
        }
        const gz = await (inFlight.shift() as Promise<Buffer>);
        const head = Buffer.alloc(4);
        head.writeUInt32LE(gz.length, 0);
        fs.writeSync(fd, head);
        fs.writeSync(fd, gz);
        this.offsets.push(pos + 4);
        this.lengths.push(gz.length);
        pos += 4 + gz.length;
        if (nowMs() - lastLog > 10_000) {
          lastLog = nowMs();
          log(`  … ${fmtInt(this.offsets.length)} / ${fmtInt(batches)} batches`);
        }
      }
      fs.closeSync(fd);
      log(`batch cache: ${fmtInt(batches - have)} batches generated in ${((nowMs() - t0) / 1000).toFixed(1)} s (${(pos / 1e6).toFixed(0)} MB on disk)`);
    }
    this.fd = fs.openSync(this.file, 'r');
  }

  /** Reads the record index; drops a truncated tail left by an interrupted run. */
  private scan(): void {
    this.offsets = [];
    this.lengths = [];
    if (!fs.existsSync(this.file)) return;
    const fd = fs.openSync(this.file, 'r+');
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(4);
    let pos = 0;
    while (pos + 4 <= size) {
      fs.readSync(fd, head, 0, 4, pos);
      const len = head.readUInt32LE(0);
      if (pos + 4 + len > size) break;
      this.offsets.push(pos + 4);
      this.lengths.push(len);
      pos += 4 + len;
    }
    if (pos < size) fs.ftruncateSync(fd, pos);
    fs.closeSync(fd);
  }

  /** Batch k's gzip body: from the cache, or generated now if the cache is too short. */
  async get(k: number): Promise<Buffer> {
    const fd = this.fd;
    if (k < this.offsets.length && fd !== undefined) {
      const buf = Buffer.allocUnsafe(this.lengths[k]);
      await new Promise<void>((resolve, reject) => fs.read(fd, buf, 0, buf.length, this.offsets[k], (err) => (err ? reject(err) : resolve())));
      return buf;
    }
    this.liveBatches++;
    return gzipBatch(this.gen, k * this.batchSize, this.batchSize, this.level);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Loads rows [0, rows) through /api/v1/write with `workers` concurrent requests, generating
 * batches on the fly (setup for the query benchmark; not timed as a benchmark).
 */
export async function loadThroughApi(
  baseUrl: string,
  db: string,
  gen: TsbsCpu,
  rows: number,
  batchSize: number,
  workers: number,
  level = 1,
): Promise<{ ms: number }> {
  const t0 = nowMs();
  let next = 0;
  const batches = Math.ceil(rows / batchSize);
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= batches) return;
      const from = k * batchSize;
      const gz = await gzipBatch(gen, from, Math.min(batchSize, rows - from), level);
      const r = await apiWriteGzip(baseUrl, gz, db);
      if (r.status !== 200) throw new Error(`write of batch ${k} answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { ms: nowMs() - t0 };
}
