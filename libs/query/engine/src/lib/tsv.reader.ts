import { ResultRow } from '@cnosdb/contracts';
import { ClickHouseServerError } from '@cnosdb/storage/clickhouse';

const UNESCAPE: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

/** Decodes one ClickHouse TabSeparated field: `\N` is NULL, backslash escapes are undone. */
export function decodeTsvField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
}

/** Splits a TabSeparated line (without its newline) into cells. */
export function decodeTsvLine(line: string): ResultRow {
  return line.split('\t').map(decodeTsvField);
}

/**
 * The text ClickHouse appends to a response when it fails after it had started sending rows
 * (the status line was 200 already): `Code: 394, e.displayText() = DB::Exception: …` on 18.16,
 * `Code: 394. DB::Exception: …` on current servers. It is always the last line.
 */
const TRAILING_EXCEPTION = /^Code: (\d+)(?:, e\.displayText\(\) = |\. )DB::Exception: /;

/**
 * Turns a stream of TabSeparated text chunks (split anywhere) into batches of rows of at
 * most `batchSize`, so results of any size flow through with bounded memory. A last line that
 * is ClickHouse's exception text ends the batches with a ClickHouseServerError rather than a row.
 * Once `signal` is aborted (timeout, client gone) no more rows are read: ClickHouse may go on
 * sending a killed query's rows for a long time.
 */
export async function* tsvRowBatches(chunks: AsyncIterable<string>, batchSize: number, signal?: AbortSignal): AsyncGenerator<ResultRow[]> {
  let carry = '';
  let batch: ResultRow[] = [];
  // Each line is held back until the next one arrives: only the very last line can be
  // ClickHouse's exception text (a one-column string result may hold such text as data).
  let last: string | undefined;
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (last !== undefined) batch.push(decodeTsvLine(last));
      last = text.slice(start, nl);
      start = nl + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) {
    if (last !== undefined) batch.push(decodeTsvLine(last));
    last = carry;
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (last !== undefined) {
    const exception = TRAILING_EXCEPTION.exec(last);
    if (exception) {
      // The rows before it are complete; the result is not.
      if (batch.length > 0) yield batch;
      throw new ClickHouseServerError(last, Number(exception[1]));
    }
    batch.push(decodeTsvLine(last));
  }
  if (batch.length > 0) yield batch;
}
