import * as fs from 'fs';
import * as http from 'http';
import { performance } from 'perf_hooks';
import { basicAuth, CnosClient, RawResponse, request, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

/*
 * Issue 4: "a result of 10 million rows streams with bounded memory in every format (csv
 * default; tsv, json, nd-json, table), chunked=true streams batches as they come".
 *
 * One table of N = 10 000 000 rows, made through the API (CREATE TABLE, so the schema manager
 * lays it out) and filled straight in ClickHouse with INSERT … SELECT FROM system.numbers:
 * writing 10 million rows through the API would take minutes and is not what is tested here.
 * Row i (0 ≤ i < N):
 *
 *   time = 2023-01-01T00:00:00Z + i × 100 ms  (10 rows a second: 12 day partitions, under the
 *                                              100 partitions ClickHouse takes in one INSERT)
 *   host = 'h' + (i mod 4)                    (the tag)
 *   n    = i                                  (a BIGINT field)
 *
 * `SELECT * FROM t ORDER BY time` then goes through POST /api/v1/sql in every format, with
 * chunked=true, and for CSV and JSON also without it (a body over 1 MiB is then spooled to a
 * temporary file and sent whole with its content-length); in distributed mode (gateway, gRPC
 * server stream, query service) CSV with chunked=true. ORDER BY makes the first and last rows
 * known (every table read is a last-write-wins GROUP BY, whose rows come in no set order). The
 * client holds nothing of the body: it checks the status, headers, the first and last bytes and
 * the exact byte count (all worked out from the formula above), and reads every row as it
 * passes, checking that row k has n = k and host = 'h' + (k mod 4), so all N rows are there,
 * once, in order.
 *
 * Bounded memory: the apps run with a 128 MiB JS heap, and each app's peak RSS (VmHWM, reset
 * before each request through /proc/<pid>/clear_refs) must stay under PEAK_RSS_LIMIT_MIB,
 * below the smallest body (390 MiB). Both catch a body that is held: with the spool replaced by
 * the in-memory body, the app died of its heap cap; with every piece also kept as a Buffer
 * (outside the JS heap), its peak RSS was 554 MiB.
 *
 * Why one narrow table (time, one tag, one field): the spec is CPU-bound. On a 2-core machine
 * one 10-million-row request costs about 30 CPU-seconds in ClickHouse (the GROUP BY and the
 * sort) and 25–45 in the app, so it takes 35–55 s (65–70 s distributed), and the spec 6½–6¾
 * minutes: 5¼–5½ for the seven standalone requests, 1¼ for the distributed one. Wider rows cost
 * more in both; requests side by side finish no sooner (measured: two at once took 69 s, one
 * after the other 73 s).
 */

jest.setTimeout(300_000);

const N = 10_000_000;
/** Rows per batch of the query path: with chunked=true, one JSON array or one table box each. */
const BATCH = 4096;
const BATCHES = Math.ceil(N / BATCH); // 2442, the last one of 1664 rows
/** Measured peaks are 130–180 MiB; the smallest body is 390 MiB. */
const PEAK_RSS_LIMIT_MIB = 300;
const SQL = 'SELECT * FROM t ORDER BY time';
const CLICKHOUSE = (process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123').replace(/\/$/, '');
/** A capped heap: a result buffered in JS would run the app out of memory at once. */
const CAPPED_HEAP = { NODE_OPTIONS: [process.env['NODE_OPTIONS'], '--max-old-space-size=128'].filter(Boolean).join(' ') };
const OK_EMPTY = { status: 200, text: '' };

type Format = 'csv' | 'tsv' | 'json' | 'nd-json' | 'table';

/*
 * Expected bodies, from the formula. Sizes: the digits of n over all rows are
 * 10·1 + 90·2 + 900·3 + … + 9 000 000·7 = 68 888 890. A CSV/TSV time has 9 fraction digits
 * (29 characters); a JSON/table time has none on whole seconds (i mod 10 = 0, 19 characters)
 * and 3 otherwise (23), together 19·N/10 + 23·9N/10 = 226 000 000.
 */
const DIGITS = 68_888_890;
const JSON_TIMES = 226_000_000;

const CSV = {
  head:
    'time,host,n\n' +
    '2023-01-01T00:00:00.000000000,h0,0\n' +
    '2023-01-01T00:00:00.100000000,h1,1\n' +
    '2023-01-01T00:00:00.200000000,h2,2\n',
  // Row 9 999 999 is 999 999.9 s = 11 d 13 h 46 min 39.9 s after the first.
  tail: '2023-01-12T13:46:39.800000000,h2,9999998\n2023-01-12T13:46:39.900000000,h3,9999999\n',
  // Header, then time (29) + ',' + host (2) + ',' + n + '\n' per row.
  bytes: 12 + 34 * N + DIGITS,
};
// ND-JSON row: {"time":"<time>","host":"hX","n":<n>}\n
const NDJSON_OBJECTS = 9 * N + JSON_TIMES + 10 * N + 2 * N + 6 * N + DIGITS + N; // without the newlines
const FIRST_OBJECTS = ['{"time":"2023-01-01T00:00:00","host":"h0","n":0}', '{"time":"2023-01-01T00:00:00.100","host":"h1","n":1}'];
const LAST_OBJECTS = ['{"time":"2023-01-12T13:46:39.800","host":"h2","n":9999998}', '{"time":"2023-01-12T13:46:39.900","host":"h3","n":9999999}'];

/**
 * A chunked table: one box per batch, each as wide as its own cells (time 23, host 4, n as
 * wide as its batch's last n), boxes back to back with no newline between them.
 */
function chunkedTableBytes(): number {
  let bytes = 0;
  for (let first = 0; first < N; first += BATCH) {
    const rows = Math.min(BATCH, N - first);
    const nWidth = String(first + rows - 1).length;
    // Lines `| <time> | <host> | <n> |` of 1 + (23 + 3) + (4 + 3) + (nWidth + 3) characters:
    // border, header, border, the rows, border, joined by newlines.
    bytes += (rows + 4) * (37 + nWidth) + rows + 3;
  }
  return bytes;
}

interface Expected {
  type: string;
  head: string;
  tail: string;
  bytes: number;
  /** JSON arrays or table boxes. */
  batches?: number;
}

function expected(format: Format, chunked: boolean): Expected {
  switch (format) {
    case 'csv':
      return { type: 'text/csv', ...CSV };
    case 'tsv':
      return { type: 'text/tsv', head: CSV.head.replace(/,/g, '\t'), tail: CSV.tail.replace(/,/g, '\t'), bytes: CSV.bytes };
    case 'nd-json':
      return {
        type: 'application/nd-json',
        head: FIRST_OBJECTS.map((o) => `${o}\n`).join(''),
        tail: LAST_OBJECTS.map((o) => `${o}\n`).join(''),
        bytes: NDJSON_OBJECTS + N,
      };
    case 'json':
      // One array: N − 1 commas and the brackets. Chunked, one array per batch: N − BATCHES
      // commas and 2 × BATCHES brackets.
      return {
        type: 'application/json',
        head: `[${FIRST_OBJECTS.join(',')},`,
        tail: `,${LAST_OBJECTS.join(',')}]`,
        bytes: chunked ? NDJSON_OBJECTS + N + BATCHES : NDJSON_OBJECTS + N - 1 + 2,
        batches: chunked ? BATCHES : 1,
      };
    case 'table':
      if (!chunked) throw new Error('not a case here');
      return {
        type: 'text/table',
        head: [
          '+-------------------------+------+------+',
          '| time                    | host | n    |',
          '+-------------------------+------+------+',
          '| 2023-01-01T00:00:00     | h0   | 0    |',
          '| 2023-01-01T00:00:00.100 | h1   | 1    |',
          '',
        ].join('\n'),
        // The last box holds rows 9 998 336 to 9 999 999: n is 7 wide. No newline at the end.
        tail: ['', '| 2023-01-12T13:46:39.800 | h2   | 9999998 |', '| 2023-01-12T13:46:39.900 | h3   | 9999999 |', '+-------------------------+------+---------+'].join('\n'),
        bytes: chunkedTableBytes(),
        batches: BATCHES,
      };
  }
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const BAR = 0x7c; // |
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACE = 0x7d; // }
const LETTER_H = 0x68;
const LETTER_T = 0x74;
const DIGIT_0 = 0x30;
const EDGE = 512;

/**
 * Reads a body as it arrives and keeps only figures: its size, its first and last EDGE bytes,
 * the rows (checking row k for n = k and host = 'h' + (k mod 4)) and the JSON arrays or table
 * boxes. Records are lines, or for JSON (one line) the text up to each object's `}`.
 */
class BodyCheck {
  bytes = 0;
  rows = 0;
  batches = 0;
  firstBadRow?: string;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private carry = Buffer.alloc(0);
  private headerSeen = false;
  private readonly terminator: number;

  constructor(private readonly format: Format) {
    this.terminator = format === 'json' ? CLOSE_BRACE : NEWLINE;
  }

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.head.length < EDGE) this.head = Buffer.concat([this.head, chunk.subarray(0, EDGE - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk.subarray(-EDGE)]).subarray(-EDGE);
    if (this.format === 'json') for (let i = chunk.indexOf(OPEN_BRACKET); i >= 0; i = chunk.indexOf(OPEN_BRACKET, i + 1)) this.batches++;
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let end = buf.indexOf(this.terminator); end >= 0; end = buf.indexOf(this.terminator, start)) {
      this.record(buf, start, end);
      start = end + 1;
    }
    // A copy: the part of a row still to come is all that is kept of the chunk.
    this.carry = Buffer.from(buf.subarray(start));
  }

  edges(headLength: number, tailLength: number): { head: string; tail: string } {
    return { head: this.head.subarray(0, headLength).toString('utf8'), tail: this.tail.subarray(-tailLength).toString('utf8') };
  }

  private record(buf: Buffer, start: number, end: number): void {
    if ((this.format === 'csv' || this.format === 'tsv') && !this.headerSeen) {
      this.headerSeen = true;
      return;
    }
    if (this.format === 'table') {
      if (buf[start] !== BAR) return; // a border
      if (buf[start + 2] === LETTER_T) {
        this.batches++; // `| time …`: the header of a box
        return;
      }
    }
    // n is the last number of the row: `…,7`, `…\t7`, `…"n":7` (up to the `}`), `…"n":7}`, `… | 7    |`.
    let p = end - 1;
    while (p > start && (buf[p] === SPACE || buf[p] === BAR || buf[p] === CLOSE_BRACE)) p--;
    let n = 0;
    let scale = 1;
    for (; p >= start && buf[p] >= DIGIT_0 && buf[p] <= DIGIT_0 + 9; p--, scale *= 10) n += (buf[p] - DIGIT_0) * scale;
    // The tag is the nearest `h` before it: `,h1,`, `"h1"`, `| h1   |`.
    const h = scale > 1 ? buf.lastIndexOf(LETTER_H, p) : -1;
    const ok = scale > 1 && n === this.rows && h >= start && buf[h + 1] === DIGIT_0 + (n % 4);
    if (!ok) this.firstBadRow ??= `row ${this.rows}: ${buf.toString('utf8', start, end)}`;
    this.rows++;
  }
}

interface Run {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: BodyCheck;
  firstByteMs: number;
  totalMs: number;
  /** Peak RSS of each app during the request, or since it started where the peak could not be reset. */
  peakRssMiB: Record<string, number>;
  peakSinceStart: boolean;
}

/** VmHWM of a process, in MiB. */
function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Sets a process's VmHWM back to its current RSS (Linux ≥ 4.0); false where that is refused. */
function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** POSTs the query and reads the response as it arrives, keeping only what BodyCheck keeps. */
function streamQuery(url: string, params: string, format: Format, accept: string | undefined, pids: Record<string, number>): Promise<Run> {
  const peakSinceStart = !Object.values(pids).every(resetPeakRss);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string> = { authorization: basicAuth('root'), 'content-length': String(Buffer.byteLength(SQL)) };
    if (accept) headers['accept'] = accept;
    const req = http.request(`${url}/api/v1/sql?${params}`, { method: 'POST', headers, agent: false }, (res) => {
      const body = new BodyCheck(format);
      let firstByteMs: number | undefined;
      res.on('data', (chunk: Buffer) => {
        firstByteMs ??= performance.now() - started;
        body.feed(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        const totalMs = performance.now() - started;
        const peaks: Record<string, number> = {};
        for (const [app, pid] of Object.entries(pids)) peaks[app] = Math.round(peakRssMiB(pid));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, firstByteMs: firstByteMs ?? totalMs, totalMs, peakRssMiB: peaks, peakSinceStart });
      });
    });
    req.on('error', reject);
    req.end(SQL);
  });
}

async function clickhouse(sql: string): Promise<void> {
  const res = await request(`${CLICKHOUSE}/`, { method: 'POST', body: sql });
  if (res.status !== 200) throw new Error(`ClickHouse: ${res.status} ${res.text}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const result = (res: RawResponse) => ({ status: res.status, text: res.text });

/** Figures of every run, printed at the end. */
const figures: string[] = [];

describe('a 10-million-row result streams with bounded memory', () => {
  const tenant = uniqueName('stream');
  const db = 'db1';
  const params = `tenant=${tenant}&db=${db}`;
  let standalone: Topology;

  beforeAll(async () => {
    standalone = await startTopology('standalone', CAPPED_HEAP);
    const client = new CnosClient(standalone.url);
    expect(result(await client.sql(`CREATE DATABASE ${db}`, `tenant=${tenant}`))).toEqual(OK_EMPTY);
    expect(result(await client.sql('CREATE TABLE t (n BIGINT, TAGS(host))', params))).toEqual(OK_EMPTY);
    await clickhouse(
      `INSERT INTO \`${tenant}.${db}\`.t (time, host, n, __cnosdb_version) ` +
        `SELECT 1672531200000000000 + number * 100000000, concat('h', toString(number % 4)), toInt64(number), 1 FROM system.numbers LIMIT ${N}`,
    );
  }, 120_000);

  afterAll(async () => {
    if (standalone) {
      const drop = () => new CnosClient(standalone.url).sql(`DROP DATABASE ${db}`, `tenant=${tenant}`);
      let dropped = await drop().catch(() => undefined);
      if (!dropped) {
        // The app died (one that does not stream runs out of its capped heap): drop through a new one.
        await standalone.stop();
        standalone = await startTopology('standalone');
        dropped = await drop();
      }
      expect(result(dropped)).toEqual(OK_EMPTY);
      await standalone.stop();
    }
    if (figures.length > 0) console.log(`sql-stream: ${N} rows per request\n${figures.join('\n')}`);
  });

  /** Streams the query and asserts everything about the response but memory; returns the run. */
  async function check(topology: Topology, apps: string[] | undefined, format: Format, chunked: boolean): Promise<Run> {
    const pids = topology.pids();
    const watched = apps ? Object.fromEntries(apps.map((a) => [a, pids[a]])) : pids;
    // CSV is the default format: no Accept header.
    const accept = format === 'csv' ? undefined : { tsv: 'text/tsv', json: 'application/json', 'nd-json': 'application/nd-json', table: 'text/table' }[format];
    const run = await streamQuery(topology.url, `${params}${chunked ? '&chunked=true' : ''}`, format, accept, watched).catch(async (err: Error) => {
      // Say so when an app died (an app out of memory aborts a moment after the connection drops).
      for (let wait = 0; wait < 50 && Object.keys(watched).every((app) => topology.pids()[app] !== undefined); wait++) await sleep(100);
      const gone = Object.keys(watched).filter((app) => topology.pids()[app] === undefined);
      throw gone.length > 0 ? new Error(`${err.message}: ${gone.join(', ')} exited during the request (out of memory? see .data/logs/e2e/)`) : err;
    });
    const want = expected(format, chunked);
    figures.push(
      `  ${topology.mode} ${format}${chunked ? ' chunked' : ''}: ${(run.totalMs / 1000).toFixed(1)} s (first byte ${(run.firstByteMs / 1000).toFixed(1)} s), ` +
        `${run.body.bytes} bytes, peak RSS ${Object.entries(run.peakRssMiB)
          .map(([app, mib]) => `${app} ${mib} MiB`)
          .join(', ')}${run.peakSinceStart ? ' (since the app started)' : ''}`,
    );
    expect({
      status: run.status,
      type: run.headers['content-type'],
      transfer: run.headers['transfer-encoding'],
      length: run.headers['content-length'],
      ...run.body.edges(want.head.length, want.tail.length),
      bytes: run.body.bytes,
      rows: run.body.rows,
      firstBadRow: run.body.firstBadRow,
      ...(want.batches === undefined ? {} : { batches: run.body.batches }),
    }).toEqual({
      status: 200,
      type: want.type,
      transfer: chunked ? 'chunked' : undefined,
      // Without chunked the body is sent whole: its content-length is what arrived.
      length: chunked ? undefined : String(run.body.bytes),
      head: want.head,
      tail: want.tail,
      bytes: want.bytes,
      rows: N,
      firstBadRow: undefined,
      ...(want.batches === undefined ? {} : { batches: want.batches }),
    });
    // Batches as they come: with chunked=true the body starts once ClickHouse has sorted the
    // rows (10–16 s) and then flows while they are rendered; it is not assembled first.
    if (chunked) expect(run.firstByteMs).toBeLessThan(run.totalMs / 2);
    const over = Object.entries(run.peakRssMiB).filter(([, mib]) => !(mib < PEAK_RSS_LIMIT_MIB));
    expect(over.map(([app, mib]) => `${app}: peak RSS ${mib} MiB, limit ${PEAK_RSS_LIMIT_MIB} MiB`)).toEqual([]);
    return run;
  }

  describe('standalone', () => {
    const cases: [Format, boolean][] = [
      ['csv', true],
      ['tsv', true],
      ['json', true],
      ['nd-json', true],
      ['table', true],
      ['csv', false],
      ['json', false],
    ];
    it.each(cases)('%s, chunked=%s: every row, exact bytes, peak RSS bounded', async (format, chunked) => {
      await check(standalone, undefined, format, chunked);
    });
  });

  describe('distributed (gateway → gRPC server stream → query service)', () => {
    let distributed: Topology;

    beforeAll(async () => {
      distributed = await startTopology('distributed', CAPPED_HEAP);
    }, 120_000);

    afterAll(async () => {
      await distributed?.stop();
    });

    it('csv, chunked=true: every row, exact bytes, peak RSS of gateway and query service bounded', async () => {
      await check(distributed, ['gateway', 'query-service'], 'csv', true);
    });
  });
});
