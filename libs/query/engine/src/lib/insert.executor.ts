import { allocateFieldValues, FieldType, RequestContext, ResultColumn, ResultRow, RowBatch, RowSink, RowSinkTransaction } from '@cnosdb/contracts';
import { Expr, Query, Statement } from '@cnosdb/query/sql';
import { CnosError } from '@cnosdb/shared/errors';
import { DatabaseInfo, TableSchema } from '@cnosdb/storage/clickhouse';
import { Namespace, resolveTableName } from './namespace';
import { StatementErrors } from './statement.errors';
import { castField, castTag, castTime, SourceValue } from './value.cast';

type Insert = Extract<Statement, { kind: 'insert' }>;

/** Rows per RowBatch handed to the sink, so INSERT … SELECT streams with bounded memory. */
const ROWS_PER_PUBLISH = 10_000;

/** Runs a SELECT (or constant expressions) for INSERT: its result schema and its rows in batches. */
export type QueryRunner = (ctx: RequestContext, query: Query) => Promise<{ columns: ResultColumn[]; batches: AsyncIterable<ResultRow[]> }>;

interface Target {
  name: string;
  role: 'time' | 'tag' | 'field';
  type?: FieldType;
}

/**
 * INSERT INTO t [(cols)] VALUES … | SELECT …: values are cast to the column types as CnosDB
 * (DataFusion) casts them, then published through the deployment's RowSink, the same durable
 * path line-protocol writes take, so versions (last write wins) stay consistent.
 */
export class InsertExecutor {
  constructor(
    private readonly ns: Namespace,
    private readonly sink: RowSink,
    private readonly run: QueryRunner,
  ) {}

  /** Prepares the statement (all checks) and returns a function that writes the rows and resolves to their count. */
  async prepare(ctx: RequestContext, st: Insert): Promise<() => Promise<number>> {
    const name = resolveTableName(ctx, st.table);
    const { db, schema } = await this.ns.table(name);
    const all = schema.columns.map((c) => c.name);
    const explicit = st.columns.map((c) => c.value);
    for (const c of explicit) if (!all.includes(c)) throw StatementErrors.missingInsertColumn(c, all);
    const names = explicit.length > 0 ? explicit : all;
    const targets: Target[] = names.map((n) => {
      const c = schema.columns.find((x) => x.name === n);
      if (!c) throw StatementErrors.missingInsertColumn(n, all);
      return c.role === 'field' ? { name: n, role: 'field', type: c.type as FieldType } : { name: n, role: c.role };
    });

    if (st.source.kind === 'values') {
      const rows = st.source.rows;
      const width = rows[0]?.length ?? 0;
      rows.forEach((r, i) => {
        if (r.length !== width) {
          throw new CnosError(422, '010001', `Datafusion: Error during planning: Inconsistent data length across values list: got ${r.length} values in row ${i} but expected ${width}`);
        }
      });
      checkWidth(explicit.length, width, all.length, names.length);
      const values = await this.evaluateValues(ctx, rows);
      return async () => this.write(db, schema, targets, (async function* () {
        yield values;
      })());
    }
    const { columns, batches } = await this.run(ctx, st.source.query);
    checkWidth(explicit.length, columns.length, all.length, names.length);
    const converted = (async function* () {
      for await (const batch of batches) yield batch.map((row) => row.map((text, i): SourceValue => ({ type: columns[i].type, text })));
    })();
    return async () => this.write(db, schema, targets, converted);
  }

  /** VALUES rows as source values: literals directly, other expressions computed by ClickHouse. */
  private async evaluateValues(ctx: RequestContext, rows: Expr[][]): Promise<SourceValue[][]> {
    const out: SourceValue[][] = [];
    for (const row of rows) {
      const literals = row.map(literalValue);
      if (literals.every((v): v is SourceValue => v !== undefined)) {
        out.push(literals);
        continue;
      }
      const query: Query = {
        with: [],
        body: { kind: 'select', select: { distinct: false, projection: row.map((expr) => ({ kind: 'expr', expr })), from: [], groupBy: [] } },
        orderBy: [],
      };
      const { columns, batches } = await this.run(ctx, query);
      for await (const batch of batches) for (const r of batch) out.push(r.map((text, i) => ({ type: columns[i].type, text })));
    }
    return out;
  }

  /**
   * Publishes the rows. What fits one batch is published as one; more goes through a sink
   * transaction, so a failure half-way (a value that cannot be cast) leaves nothing behind.
   */
  private async write(db: DatabaseInfo, schema: TableSchema, targets: Target[], source: AsyncIterable<SourceValue[][]>): Promise<number> {
    let total = 0;
    let pending: SourceValue[][] = [];
    let tx: RowSinkTransaction | undefined;
    const flush = async (last: boolean) => {
      if (pending.length === 0) return;
      const batch = toBatch(db, schema.table, targets, pending);
      if (last && !tx) await this.sink.publish([batch]);
      else await (tx ??= await this.sink.begin()).publish([batch]);
      total += pending.length;
      pending = [];
    };
    try {
      for await (const rows of source) {
        for (const row of rows) {
          pending.push(row);
          if (pending.length >= ROWS_PER_PUBLISH) await flush(false);
        }
      }
      await flush(true);
      await tx?.commit();
    } catch (err) {
      await tx?.abort().catch(() => undefined);
      throw err;
    }
    return total;
  }
}

/** semantic_check of CnosDB's insert planning. */
function checkWidth(explicitCount: number, sourceCount: number, tableCount: number, insertCount: number): void {
  if (insertCount > sourceCount) throw StatementErrors.mismatchColumns();
  if (explicitCount === 0 && sourceCount !== tableCount) throw StatementErrors.mismatchColumns();
}

function toBatch(db: DatabaseInfo, table: string, targets: Target[], rows: SourceValue[][]): RowBatch {
  const n = rows.length;
  const times = new BigInt64Array(n);
  const timeIndex = targets.findIndex((t) => t.role === 'time');
  const tags: RowBatch['tags'] = [];
  const fields: RowBatch['fields'] = [];
  const setters: ((row: number, v: SourceValue) => void)[] = targets.map((t) => {
    if (t.role === 'time') return (i, v) => (times[i] = castTime(v, db.options.precision));
    if (t.role === 'tag') {
      const col = { name: t.name, values: new Array<string | undefined>(n) };
      tags.push(col);
      return (i, v) => (col.values[i] = castTag(v));
    }
    const type = t.type ?? 'STRING';
    const col = { name: t.name, type, present: new Uint8Array(n), values: allocateFieldValues(type, n) };
    fields.push(col);
    return (i, v) => {
      const value = castField(v, type);
      if (value === undefined) return;
      col.present[i] = 1;
      if (type === 'BOOLEAN') (col.values as Uint8Array)[i] = value ? 1 : 0;
      else if (type === 'STRING') (col.values as string[])[i] = value as string;
      else if (type === 'DOUBLE') (col.values as Float64Array)[i] = value as number;
      else if (type === 'BIGINT') (col.values as BigInt64Array)[i] = value as bigint;
      else (col.values as BigUint64Array)[i] = value as bigint;
    };
  });
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (timeIndex < 0) throw StatementErrors.columnCannotBeNull('time');
    for (let j = 0; j < targets.length; j++) setters[j](i, row[j]);
  }
  return { tenant: db.tenant, database: db.name, table, rowCount: n, times, tags, fields };
}

/** An INSERT literal as written, or undefined when the expression needs evaluating. */
function literalValue(e: Expr): SourceValue | undefined {
  if (e.kind === 'nested') return literalValue(e.expr);
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+') && e.expr.kind === 'literal' && e.expr.value.type === 'number') {
    const v = literalValue(e.expr);
    return v && { type: v.type, text: e.op === '-' ? `-${v.text}` : v.text };
  }
  if (e.kind !== 'literal') return undefined;
  const v = e.value;
  switch (v.type) {
    case 'number':
      return { type: /^\d+$/.test(v.text) ? 'INT' : 'DOUBLE', text: v.text };
    case 'string':
      return { type: 'STRING', text: v.value };
    case 'boolean':
      return { type: 'BOOLEAN', text: String(v.value) };
    case 'null':
      return { type: 'NULL', text: null };
  }
}
