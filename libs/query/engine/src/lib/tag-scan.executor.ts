import { RequestContext, ResultColumn, ResultRow } from '@cnosdb/contracts';
import { Expr, FunctionArg, Ident, Query, ShowTagBodyAst, WithKeyAst } from '@cnosdb/query/sql';
import { CnosError } from '@cnosdb/shared/errors';
import { compareBytes } from './ddl.executor';
import { Namespace, StatementResult } from './namespace';
import { QueryRunner } from './insert.executor';
import { StatementErrors } from './statement.errors';

/**
 * SHOW SERIES and SHOW TAG VALUES: the distinct tag combinations of a table (after WHERE on
 * tags and time), as series keys `table,tag=value,…` (tags in schema order, NULL tags left
 * out) or as (key, value) pairs of the tags chosen by WITH KEY.
 */
export class TagScanExecutor {
  constructor(
    private readonly ns: Namespace,
    private readonly run: QueryRunner,
  ) {}

  async execute(ctx: RequestContext, body: ShowTagBodyAst, withKey?: WithKeyAst): Promise<StatementResult> {
    const database = body.database?.value ?? ctx.database;
    const { schema } = await this.ns.table({ tenant: ctx.tenant, database, table: body.table.value });
    for (const name of referencedColumns(body.where)) {
      const column = schema.columns.find((c) => c.name === name);
      if (!column) throw StatementErrors.columnNotExists(name, schema.table);
      if (column.role === 'field') throw StatementErrors.showSeriesWhereField(name);
    }
    const tags = schema.columns.filter((c) => c.role === 'tag').map((c) => c.name);
    const resultColumns: ResultColumn[] = withKey ? [{ name: 'key', type: 'STRING' }, { name: 'value', type: 'STRING' }] : [{ name: 'key', type: 'STRING' }];
    const order = orderBy(body, resultColumns.map((c) => c.name));
    const limit = constant(body.limit, 'LIMIT');
    const offset = constant(body.offset, 'OFFSET') ?? 0n;

    const ident = (value: string): Ident => ({ value, quoted: true });
    const projection: Query['body'] =
      tags.length > 0
        ? { kind: 'select', select: { distinct: true, projection: tags.map((t) => ({ kind: 'expr', expr: { kind: 'identifier', parts: [ident(t)] } })), from: [], groupBy: [] } }
        : { kind: 'select', select: { distinct: false, projection: [{ kind: 'expr', expr: { kind: 'function', name: [ident('count')], args: [{ kind: 'wildcard' }], distinct: false } }], from: [], groupBy: [] } };
    if (projection.kind !== 'select') throw new Error('unreachable');
    projection.select.from = [{ relation: { kind: 'table', name: [ident(database), ident(schema.table)] }, joins: [] }];
    if (body.where) projection.select.where = body.where;
    const { batches } = await this.run(ctx, { with: [], body: projection, orderBy: [] });

    let rows: ResultRow[] = [];
    const seen = new Set<string>();
    const add = (row: ResultRow) => {
      const key = JSON.stringify(row);
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(row);
      }
    };
    const chosen = withKey ? tags.filter((t) => keyMatches(withKey, t)) : [];
    for await (const batch of batches) {
      for (const r of batch) {
        if (tags.length === 0) {
          if (!withKey && Number(r[0]) > 0) add([schema.table]);
          continue;
        }
        if (!withKey) {
          const parts = tags.flatMap((t, i) => (r[i] === null ? [] : [`${t}=${r[i]}`]));
          add([[schema.table, ...parts].join(',')]);
        } else {
          for (const t of chosen) {
            const v = r[tags.indexOf(t)];
            if (v !== null) add([t, v]);
          }
        }
      }
    }
    rows.sort((a, b) => {
      for (const { index, asc } of order) {
        const c = compareBytes(a[index] ?? '', b[index] ?? '');
        if (c !== 0) return asc ? c : -c;
      }
      return 0;
    });
    const start = Number(offset);
    rows = limit === undefined ? rows.slice(start) : rows.slice(start, start + Number(limit));
    return { columns: resultColumns, rows };
  }
}

function keyMatches(w: WithKeyAst, tag: string): boolean {
  const keys = w.keys.map((k) => k.value);
  switch (w.op) {
    case '=':
    case 'IN':
      return keys.includes(tag);
    case '!=':
    case 'NOT IN':
      return !keys.includes(tag);
  }
}

/** ORDER BY over the result columns (default: all of them, ascending). */
function orderBy(body: ShowTagBodyAst, names: string[]): { index: number; asc: boolean }[] {
  if (body.orderBy.length === 0) return names.map((_, index) => ({ index, asc: true }));
  return body.orderBy.map((o) => {
    const e = o.expr;
    const name = e.kind === 'identifier' && e.parts.length === 1 ? e.parts[0].value : undefined;
    const index = name === undefined ? -1 : names.indexOf(name);
    if (index < 0) {
      const field = name ?? referencedColumns(e)[0] ?? '';
      throw new CnosError(422, '010001', `Datafusion: Schema error: No field named ${field}. Valid fields are ${names.join(', ')}.`);
    }
    return { index, asc: o.asc ?? true };
  });
}

/** LIMIT/OFFSET must be BIGINT constants, not negative. */
function constant(e: Expr | undefined, what: 'LIMIT' | 'OFFSET'): bigint | undefined {
  if (e === undefined) return undefined;
  let value: bigint | undefined;
  if (e.kind === 'literal' && e.value.type === 'number' && /^\d+$/.test(e.value.text)) value = BigInt(e.value.text);
  else if (e.kind === 'unary' && e.op === '-' && e.expr.kind === 'literal' && e.expr.value.type === 'number' && /^\d+$/.test(e.expr.value.text)) {
    value = -BigInt(e.expr.value.text);
  }
  if (value === undefined) throw what === 'LIMIT' ? StatementErrors.limitConstant() : StatementErrors.offsetConstant();
  if (value < 0n) throw what === 'LIMIT' ? StatementErrors.limitBelowZero(value) : StatementErrors.offsetBelowZero(value);
  return value;
}

/** Column names an expression refers to (not looking into subqueries). */
function referencedColumns(e: Expr | undefined): string[] {
  const out: string[] = [];
  const walk = (x: Expr | undefined): void => {
    if (x === undefined) return;
    switch (x.kind) {
      case 'identifier':
        out.push(x.parts[x.parts.length - 1].value);
        return;
      case 'unary':
      case 'nested':
      case 'isNull':
      case 'isBool':
      case 'cast':
        walk(x.expr);
        return;
      case 'interval':
        walk(x.value);
        return;
      case 'binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'inList':
        walk(x.expr);
        x.list.forEach(walk);
        return;
      case 'inSubquery':
        walk(x.expr);
        return;
      case 'between':
        [x.expr, x.low, x.high].forEach(walk);
        return;
      case 'like':
        walk(x.expr);
        walk(x.pattern);
        return;
      case 'case':
        [x.operand, x.else, ...x.whens.flatMap((w) => [w.when, w.then])].forEach(walk);
        return;
      case 'function':
        x.args.forEach((a: FunctionArg) => (a.kind === 'expr' ? walk(a.expr) : undefined));
        return;
      default:
        return;
    }
  };
  walk(e);
  return [...new Set(out)];
}
