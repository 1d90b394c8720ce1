import { ResultRow } from '@cnosdb/contracts';

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
 * Turns a stream of TabSeparated text chunks (split anywhere) into batches of rows of at
 * most `batchSize`, so results of any size flow through with bounded memory.
 */
export async function* tsvRowBatches(chunks: AsyncIterable<string>, batchSize: number): AsyncGenerator<ResultRow[]> {
  let carry = '';
  let batch: ResultRow[] = [];
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      batch.push(decodeTsvLine(text.slice(start, nl)));
      start = nl + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) batch.push(decodeTsvLine(carry));
  if (batch.length > 0) yield batch;
}
