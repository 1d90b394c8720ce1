import { ResultRow } from '@cnosdb/contracts';
import { GapfillPlan, GapfillSortKey } from '@cnosdb/query/sql';

/**
 * Fills the gaps of a `time_window_gapfill` result. The rows arrive sorted by their group
 * columns, then by window start; for each group this emits one row per window from
 * `plan.first` to `plan.last` (rows outside that grid are kept too). Added rows carry the
 * group's values, NULL aggregates, and locf / interpolate columns filled as CnosDB does:
 * locf repeats the last non-NULL value, interpolate draws a straight line between the
 * neighbouring non-NULL values (and leaves the ends NULL).
 */
export async function* gapfillRows(batches: AsyncIterable<ResultRow[]>, plan: GapfillPlan, rowsPerBatch: number): AsyncGenerator<ResultRow[]> {
  if (plan.sort === undefined && plan.limit === undefined && plan.offset === undefined) {
    yield* filledRows(batches, plan, rowsPerBatch);
    return;
  }
  // The query's ORDER BY / LIMIT apply to the filled rows, so those are collected first.
  const all: ResultRow[] = [];
  for await (const rows of filledRows(batches, plan, rowsPerBatch)) all.push(...rows);
  if (plan.sort !== undefined) {
    const keys = plan.sort;
    all.sort((a, b) => {
      for (const key of keys) {
        const c = compareCells(a[key.index], b[key.index], key);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const from = Number(plan.offset ?? 0n);
  const to = plan.limit === undefined ? all.length : from + Number(plan.limit);
  const page = all.slice(from, to);
  for (let i = 0; i < page.length; i += rowsPerBatch) yield page.slice(i, i + rowsPerBatch);
}

function compareCells(a: string | null, b: string | null, key: GapfillSortKey): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === key.nullsFirst ? -1 : 1;
  }
  let c: number;
  if (key.compare === 'integer') {
    const x = BigInt(a);
    const y = BigInt(b);
    c = x < y ? -1 : x > y ? 1 : 0;
  } else if (key.compare === 'float') {
    const x = parseDouble(a);
    const y = parseDouble(b);
    c = x < y ? -1 : x > y ? 1 : 0;
  } else {
    c = a < b ? -1 : a > b ? 1 : 0;
  }
  return key.asc ? c : -c;
}

/** A canonical DOUBLE cell ("inf", "-inf" and "nan" included). */
function parseDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

async function* filledRows(batches: AsyncIterable<ResultRow[]>, plan: GapfillPlan, rowsPerBatch: number): AsyncGenerator<ResultRow[]> {
  const timeIndex = plan.fills.indexOf('time');
  const groupIndexes = plan.fills.flatMap((f, i) => (f === 'group' ? [i] : []));
  const groupKey = (row: ResultRow): string => JSON.stringify(groupIndexes.map((i) => row[i]));

  let group: ResultRow[] = [];
  let key: string | undefined;
  let out: ResultRow[] = [];
  const flush = function* (): Generator<ResultRow[]> {
    if (group.length > 0) out.push(...fillGroup(group, plan, timeIndex));
    group = [];
    while (out.length >= rowsPerBatch) yield out.splice(0, rowsPerBatch);
  };

  for await (const rows of batches) {
    for (const row of rows) {
      const k = groupKey(row);
      if (k !== key) {
        yield* flush();
        key = k;
      }
      group.push(row);
    }
  }
  yield* flush();
  if (out.length > 0) yield out;
  out = [];
}

function fillGroup(rows: ResultRow[], plan: GapfillPlan, timeIndex: number): ResultRow[] {
  const byTime = new Map<string, ResultRow>();
  for (const row of rows) byTime.set(row[timeIndex] ?? '', row);
  const times: bigint[] = [];
  for (let t = plan.first; t <= plan.last; t += plan.step) times.push(t);
  for (const row of rows) {
    const t = BigInt(row[timeIndex] ?? '0');
    if (t < plan.first || t > plan.last || (t - plan.first) % plan.step !== 0n) times.push(t);
  }
  times.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const template = rows[0];
  const filled: ResultRow[] = times.map((t) => {
    const existing = byTime.get(t.toString());
    if (existing !== undefined) return [...existing];
    return plan.fills.map((fill, i) => (fill === 'time' ? t.toString() : fill === 'group' ? template[i] : null));
  });

  plan.fills.forEach((fill, col) => {
    if (fill === 'locf') {
      let last: string | null = null;
      for (const row of filled) {
        if (row[col] === null) row[col] = last;
        else last = row[col];
      }
    } else if (fill === 'interpolate') {
      interpolate(filled, times, col, plan.integer[col]);
    }
  });
  return filled;
}

/** Linear interpolation of column `col` at the NULL cells between two non-NULL ones. */
function interpolate(rows: ResultRow[], times: bigint[], col: number, integer: boolean): void {
  let prev = -1;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i][col] === null) continue;
    if (prev >= 0 && i - prev > 1) {
      const x0 = times[prev];
      const x1 = times[i];
      const y0 = rows[prev][col] as string;
      const y1 = rows[i][col] as string;
      for (let j = prev + 1; j < i; j++) {
        const x = times[j];
        if (integer) {
          const a = BigInt(y0);
          const b = BigInt(y1);
          rows[j][col] = (a + ((b - a) * (x - x0)) / (x1 - x0)).toString();
        } else {
          const a = parseDouble(y0);
          const b = parseDouble(y1);
          rows[j][col] = String(a + ((b - a) * Number(x - x0)) / Number(x1 - x0));
        }
      }
    }
    prev = i;
  }
}
