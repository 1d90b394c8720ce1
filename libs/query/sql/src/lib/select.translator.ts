import { ResultColumn, ResultType, TimestampResultType, WindowResultType } from '@cnosdb/contracts';
import { Expr, FunctionArg, Ident, Query, Select, SetExpr, Statement, TableFactor, TableWithJoins } from './sql.ast';
import { Catalog, CatalogTable, TableRef } from './sql.catalog';
import { SqlErrorCode, SqlSemanticError, TableNotFoundError, notImplemented, planError, schemaError } from './sql.errors';
import { flatName, intervalName, quoteIdentifier, quotedFlatName, rustFloat } from './datafusion.naming';
import {
  IntervalValue,
  NANOS_PER,
  TimeUnitName,
  addInterval,
  fixedIntervalNanos,
  parseInterval,
  parseTimestampNanos,
} from './time.literal';
import {
  GapfillFill,
  GapfillPlan,
  GapfillSortKey,
  MAX_OVERLAPPING_WINDOWS,
  checkWindowDuration,
  floorDiv,
  gapfillRange,
  intervalWindowNanos,
  invalidTimeWindowParam,
  parseWindowDuration,
} from './time.window';

/** What `translateSelect` produces: ClickHouse SQL and the CnosDB result schema. */
export interface TranslatedSelect {
  /** One ClickHouse statement (no FORMAT clause); every column comes out as canonical text, NULL as `\N`. */
  sql: string;
  columns: ResultColumn[];
  /** Set for `time_window_gapfill` queries: the engine fills the gaps between the rows. */
  gapfill?: GapfillPlan;
}

/** Translation options. */
export interface TranslateOptions {
  /** The query's start time in nanoseconds since the epoch, used for now(); defaults to the current time. */
  now?: bigint;
}

// ---------------------------------------------------------------------------------------------
// Types and small helpers

/** Column types inside the translator: the result types plus the two DataFusion-only ones. */
type SqlType = ResultType | 'NULL' | 'INTERVAL';

const UNIT_TYPE: Record<TimeUnitName, TimestampResultType> = {
  ns: 'TIMESTAMP(NANOSECOND)',
  us: 'TIMESTAMP(MICROSECOND)',
  ms: 'TIMESTAMP(MILLISECOND)',
};

function tsUnit(t: SqlType): TimeUnitName | undefined {
  switch (t) {
    case 'TIMESTAMP(NANOSECOND)':
      return 'ns';
    case 'TIMESTAMP(MICROSECOND)':
      return 'us';
    case 'TIMESTAMP(MILLISECOND)':
      return 'ms';
    default:
      return undefined;
  }
}

/** The struct type of time_window over a time column of `unit`. */
function windowType(unit: TimeUnitName): WindowResultType {
  const ts = UNIT_TYPE[unit];
  return `STRUCT(start ${ts}, end ${ts})` as WindowResultType;
}

function windowUnit(t: SqlType): TimeUnitName | undefined {
  const m = /^STRUCT\(start (TIMESTAMP\(\w+\)),/.exec(t);
  return m === null ? undefined : tsUnit(m[1] as SqlType);
}

const isInt = (t: SqlType): boolean => t === 'BIGINT' || t === 'BIGINT UNSIGNED';
const isFloat = (t: SqlType): boolean => t === 'DOUBLE' || t === 'FLOAT';
const isNumeric = (t: SqlType): boolean => isInt(t) || isFloat(t);

/**
 * DataFusion's common type of numeric operands (arithmetic, comparisons, CASE, UNION): Float64
 * with anything, else Float32 with any integer, else UInt64 only among unsigned integers.
 */
function numericType(types: SqlType[]): SqlType {
  if (types.includes('DOUBLE')) return 'DOUBLE';
  if (types.includes('FLOAT')) return 'FLOAT';
  return types.every((t) => t === 'BIGINT UNSIGNED') ? 'BIGINT UNSIGNED' : 'BIGINT';
}

// ClickHouse's conversion to each numeric type.
const TO_NUMERIC: Record<string, string> = { BIGINT: 'toInt64', 'BIGINT UNSIGNED': 'toUInt64', DOUBLE: 'toFloat64', FLOAT: 'toFloat32' };

// DataFusion coerces two timestamps to the coarser unit.
const coarser = (a: TimeUnitName, b: TimeUnitName): TimeUnitName => (NANOS_PER[a] >= NANOS_PER[b] ? a : b);

/** Arrow's name for a type, as DataFusion prints it in error messages. */
function arrowName(t: SqlType): string {
  switch (t) {
    case 'BIGINT':
      return 'Int64';
    case 'BIGINT UNSIGNED':
      return 'UInt64';
    case 'DOUBLE':
      return 'Float64';
    case 'FLOAT':
      return 'Float32';
    case 'STRING':
      return 'Utf8';
    case 'BOOLEAN':
      return 'Boolean';
    case 'NULL':
      return 'Null';
    case 'INTERVAL':
      return 'Interval(MonthDayNano)';
    case 'LIST(STRING)':
      return 'List(Utf8)';
    default: {
      const wu = windowUnit(t);
      if (wu !== undefined) return `Struct([start, end])`;
      const unit = tsUnit(t);
      return `Timestamp(${unit === 'ns' ? 'Nanosecond' : unit === 'us' ? 'Microsecond' : 'Millisecond'}, None)`;
    }
  }
}

/** A ClickHouse identifier: always backquoted, backquotes and backslashes escaped. */
export function chIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** A ClickHouse string literal. */
export function chString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

function floatSql(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  // String(-0) is "0": keep the sign of -0.0, which atan2 and the display can tell apart.
  if (Object.is(value, -0)) return '-0.0';
  const s = String(value);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

// Beyond this the ClickHouse literal is UInt64/Int64 and has no common type with Float64.
const SMALL_INT = 2n ** 31n;

// OFFSET without LIMIT: ClickHouse 18.16 overflows on start + length near 2^63.
const UNLIMITED = '1000000000000000000';

type Const =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'timestamp'; value: bigint }
  | { kind: 'interval'; value: IntervalValue };

/** A column visible to expressions of one SELECT level. */
interface ScopeColumn {
  qualifier?: string[];
  name: string;
  type: SqlType;
  nullable: boolean;
  /** How the current level refers to it (a unique alias such as `c3`). */
  sql: string;
  used: boolean;
  /** The column this one re-exposes (joins make copies with other nullability). */
  source?: ScopeColumn;
  /** Set for columns of a stored table: its role and the raw ClickHouse column. */
  base?: { role: 'time' | 'tag' | 'field'; raw: string };
}

function markUsed(col: ScopeColumn): void {
  for (let c: ScopeColumn | undefined = col; c !== undefined; c = c.source) c.used = true;
}

/** A translated expression. */
interface TExpr {
  sql: string;
  type: SqlType;
  nullable: boolean;
  /** DataFusion's display name (create_name). */
  name: string;
  constant?: Const;
  column?: ScopeColumn;
  /** Column names used outside aggregates and not covered by a GROUP BY key. */
  uncovered: string[];
  aggregate: boolean;
  cols: ScopeColumn[];
  /** Only time/tag columns of a stored table and constants: may run before the merge. */
  pushable: boolean;
  /** Rust `Debug` of the logical expression, used by DataFusion for IN-list names. */
  debug?: string;
  /** Set on a time_window_gapfill call: its window geometry in the time column's unit. */
  gapfill?: GapfillWindow;
  /** Set on locf(...) / interpolate(...): how gap filling fills this column. */
  fill?: 'locf' | 'interpolate';
}

interface GapfillWindow {
  time: ScopeColumn;
  unit: TimeUnitName;
  window: bigint;
  slide: bigint;
  origin: bigint;
}

function leaf(sql: string, type: SqlType, name: string, extra: Partial<TExpr> = {}): TExpr {
  return { sql, type, nullable: false, name, uncovered: [], aggregate: false, cols: [], pushable: true, ...extra };
}

/** Combines the bookkeeping of child expressions into a new node. */
function node(children: TExpr[], sql: string, type: SqlType, name: string, extra: Partial<TExpr> = {}): TExpr {
  return {
    sql,
    type,
    name,
    nullable: children.some((c) => c.nullable),
    uncovered: children.flatMap((c) => c.uncovered),
    aggregate: children.some((c) => c.aggregate),
    cols: children.flatMap((c) => c.cols),
    pushable: children.every((c) => c.pushable),
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Translation state

class State {
  private counter = 0;
  usesJoin = false;

  constructor(
    readonly catalog: Catalog,
    readonly now: bigint,
  ) {}

  /** A fresh alias, unique in the whole statement and unlike any name in `avoid`. */
  fresh(avoid?: Set<string>): string {
    for (;;) {
      const alias = `c${this.counter++}`;
      if (avoid === undefined || !avoid.has(alias)) return alias;
    }
  }
}

interface Level {
  state: State;
  ctes: Map<string, Query>;
  scope: ScopeColumn[];
}

interface Mode {
  /** Inside a WHERE/HAVING/ON AND-chain, where NULL and false mean the same. */
  filter: boolean;
  /** Translating for the merge query's WHERE: refer to raw table columns. */
  inner: boolean;
  allowAggregates: boolean;
  clause: string;
  /** GROUP BY keys by display name, for aggregate queries. */
  keys?: Map<string, TExpr>;
  inAggArg: boolean;
  /** SELECT aliases usable in this clause (HAVING, GROUP BY). */
  aliases?: Map<string, Expr>;
}

const plainMode = (clause: string): Mode => ({ filter: false, inner: false, allowAggregates: false, clause, inAggArg: false });

/** An output column of a (sub)query. */
interface OutColumn {
  qualifier?: string[];
  name: string;
  type: SqlType;
  nullable: boolean;
  alias: string;
}

interface QueryOut {
  /** A complete SELECT (or UNION ALL chain), not parenthesized. */
  sql: string;
  columns: OutColumn[];
  gapfill?: GapfillPlan;
}

/** Something that can stand in a FROM clause; rendering waits until column usage is known. */
interface FromRel {
  render(): string;
  columns: ScopeColumn[];
}

// ---------------------------------------------------------------------------------------------
// Stored tables: the merged (last write wins per field) view

type BaseColumn = ScopeColumn & { base: NonNullable<ScopeColumn['base']> };

class BaseTable implements FromRel {
  readonly columns: BaseColumn[];
  readonly pushed: string[] = [];

  constructor(
    readonly table: CatalogTable,
    qualifier: string[],
    state: State,
  ) {
    const avoid = new Set(table.columns.map((c) => c.name));
    this.columns = table.columns.map((c) => ({
      qualifier,
      name: c.name,
      type: c.role === 'time' ? UNIT_TYPE[table.precision] : c.type,
      nullable: c.role !== 'time',
      sql: state.fresh(avoid),
      used: c.role === 'time',
      base: { role: c.role, raw: chIdent(c.name) },
    }));
  }

  render(): string {
    const { source, minTime } = this.table;
    const select = this.columns
      .filter((c) => c.used)
      .map((c) => {
        const { raw, role } = c.base;
        const field = source !== undefined ? raw : `argMax(${raw}, ${chIdent('__cnosdb_version')})`;
        const value = role === 'time' ? raw : role === 'tag' ? `nullIf(${raw}, '')` : field;
        return `${value} AS ${c.sql}`;
      });
    const conditions = minTime === undefined ? this.pushed : [`${chIdent('time')} >= ${minTime}`, ...this.pushed];
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    if (source !== undefined) return `(SELECT ${select.length > 0 ? select.join(', ') : '1 AS _unused'} FROM ${source}${where})`;
    const groupBy = this.columns.filter((c) => c.base.role !== 'field').map((c) => c.base.raw);
    return (
      `(SELECT ${select.join(', ')} FROM ${chIdent(this.table.chDatabase)}.${chIdent(this.table.chTable)}` +
      `${where} GROUP BY ${groupBy.join(', ')})`
    );
  }
}

/** A translated subquery (derived table, CTE) used in FROM. */
function derivedRel(out: QueryOut, qualifier: string[] | undefined): FromRel {
  const columns: ScopeColumn[] = out.columns.map((c) => ({
    qualifier: qualifier ?? c.qualifier,
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    sql: c.alias,
    used: true,
  }));
  return { render: () => `(${out.sql})`, columns };
}

// ---------------------------------------------------------------------------------------------
// Expressions

const AGGREGATES = new Set([
  'count', 'sum', 'avg', 'mean', 'min', 'max', 'first', 'last', 'stddev', 'stddev_samp', 'stddev_pop', 'var',
  'var_samp', 'var_pop', 'variance', 'variance_samp', 'variance_pop', 'median', 'approx_median', 'approx_percentile_cont',
]);

function functionName(e: Extract<Expr, { kind: 'function' }>): string | undefined {
  return e.name.length === 1 ? e.name[0].value : undefined;
}

/** Whether an expression calls an aggregate function (not looking into subqueries). */
function containsAggregate(e: Expr | undefined): boolean {
  if (e === undefined) return false;
  switch (e.kind) {
    case 'function':
      if (AGGREGATES.has(functionName(e) ?? '')) return true;
      return e.args.some((a) => a.kind === 'expr' && containsAggregate(a.expr));
    case 'unary':
    case 'nested':
    case 'isNull':
    case 'isBool':
    case 'cast':
      return containsAggregate(e.expr);
    case 'interval':
      return containsAggregate(e.value);
    case 'binary':
      return containsAggregate(e.left) || containsAggregate(e.right);
    case 'inList':
      return containsAggregate(e.expr) || e.list.some(containsAggregate);
    case 'inSubquery':
      return containsAggregate(e.expr);
    case 'between':
      return containsAggregate(e.expr) || containsAggregate(e.low) || containsAggregate(e.high);
    case 'like':
      return containsAggregate(e.expr) || containsAggregate(e.pattern);
    case 'case':
      return (
        containsAggregate(e.operand) || containsAggregate(e.else) || e.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then))
      );
    default:
      return false;
  }
}

function splitConjuncts(e: Expr | undefined): Expr[] {
  if (e === undefined) return [];
  if (e.kind === 'binary' && e.op === 'AND') return [...splitConjuncts(e.left), ...splitConjuncts(e.right)];
  if (e.kind === 'nested') {
    const inner = splitConjuncts(e.expr);
    return inner.length > 1 ? inner : [e];
  }
  return [e];
}

function timestampParseError(text: string): SqlSemanticError {
  return new SqlSemanticError(`Arrow: Parser error: Error parsing timestamp from '${text}': error parsing date`, '010002');
}

function literalDebug(name: string): string {
  return `Literal(${name})`;
}

function columnDebug(col: ScopeColumn): string {
  const q = col.qualifier;
  const relation =
    q === undefined || q.length === 0
      ? 'None'
      : q.length === 1
        ? `Some(Bare { table: "${q[0]}" })`
        : q.length === 2
          ? `Some(Partial { schema: "${q[0]}", table: "${q[1]}" })`
          : `Some(Full { catalog: "${q[0]}", schema: "${q[1]}", table: "${q[2]}" })`;
  return `Column(Column { relation: ${relation}, name: "${col.name}" })`;
}

class ExprTranslator {
  /** Display names of the aggregate calls met so far (DataFusion lists them in errors). */
  readonly aggregates: string[] = [];

  constructor(private readonly lv: Level) {}

  private get state(): State {
    return this.lv.state;
  }

  translate(e: Expr, m: Mode): TExpr {
    const r = this.translateNode(e, m);
    const key = m.inAggArg ? undefined : m.keys?.get(r.name);
    // The whole expression is a GROUP BY key: use the key's SQL so ClickHouse sees the same text.
    return key === undefined ? r : { ...r, sql: key.sql, uncovered: [] };
  }

  private translateNode(e: Expr, m: Mode): TExpr {
    switch (e.kind) {
      case 'identifier':
        return this.identifier(e.parts, m);
      case 'literal':
        return this.literal(e.value);
      case 'nested':
        return this.translate(e.expr, m);
      case 'typedString':
        return this.typedString(e.dataType.name, e.value);
      case 'interval':
        return this.interval(e);
      case 'unary':
        return this.unary(e, m);
      case 'binary':
        return this.binary(e.op, e.left, e.right, m);
      case 'isNull': {
        const x = this.translate(e.expr, { ...m, filter: false });
        if (m.inner && x.column?.base?.role === 'tag') {
          // Inside the merge query a missing tag is the empty string.
          const raw = x.column.base.raw;
          return node([x], `(${raw} ${e.negated ? '!=' : '='} '')`, 'BOOLEAN', `${x.name} IS ${e.negated ? 'NOT ' : ''}NULL`, { nullable: false });
        }
        const name = `${x.name} IS ${e.negated ? 'NOT ' : ''}NULL`;
        return node([x], `${e.negated ? 'isNotNull' : 'isNull'}(${x.sql})`, 'BOOLEAN', name, { nullable: false });
      }
      case 'isBool': {
        const x = this.translate(e.expr, { ...m, filter: false });
        this.requireBoolean(x, 'IS');
        // IS [NOT] TRUE/FALSE never returns NULL: decide what NULL counts as, then compare.
        const nullAs = e.value === e.negated ? 1 : 0;
        const target = e.value ? (e.negated ? 0 : 1) : e.negated ? 1 : 0;
        const sql = `(ifNull(${x.sql}, ${nullAs}) = ${target})`;
        const name = `${x.name} IS ${e.negated ? 'NOT ' : ''}${e.value ? 'TRUE' : 'FALSE'}`;
        return node([x], sql, 'BOOLEAN', name, { nullable: false });
      }
      case 'inList':
        return this.inList(e, m);
      case 'inSubquery': {
        const x = this.translate(e.expr, { ...m, filter: false });
        const sub = translateQuery(e.subquery, { ...this.lv, scope: [] }, false);
        if (sub.columns.length !== 1) throw planError('IN subquery should return exactly one column');
        const sql = `(${x.sql} ${e.negated ? 'NOT IN' : 'IN'} (${sub.sql}))`;
        return node([x], sql, 'BOOLEAN', e.negated ? 'NOT IN' : 'IN', { pushable: false });
      }
      case 'between': {
        const x = this.translate(e.expr, { ...m, filter: false });
        const low = this.translate(e.low, { ...m, filter: false });
        const high = this.translate(e.high, { ...m, filter: false });
        const [xs, ls] = this.comparable(x, low, '>=');
        const [xs2, hs] = this.comparable(x, high, '<=');
        const sql = xs === xs2 ? `(${xs} BETWEEN ${ls} AND ${hs})` : `(${xs} >= ${ls} AND ${xs2} <= ${hs})`;
        const name = `${x.name} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${low.name} AND ${high.name}`;
        return node([x, low, high], e.negated ? `(NOT ${sql})` : sql, 'BOOLEAN', name);
      }
      case 'like': {
        if (e.escape !== undefined) throw notImplemented('LIKE ... ESCAPE');
        const x = this.translate(e.expr, { ...m, filter: false });
        const p = this.translate(e.pattern, { ...m, filter: false });
        for (const side of [x, p]) {
          if (side.type !== 'STRING' && side.type !== 'NULL') {
            throw planError(`There isn't a common type to coerce ${arrowName(x.type)} and ${arrowName(p.type)} in LIKE expression`);
          }
        }
        const [xs, ps] = e.caseInsensitive ? [`lowerUTF8(${x.sql})`, `lowerUTF8(${p.sql})`] : [x.sql, p.sql];
        const sql = `${e.negated ? 'notLike' : 'like'}(${xs}, ${ps})`;
        const op = `${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
        // DataFusion formats LIKE names with a fourth, empty, placeholder: hence the trailing space.
        return node([x, p], sql, 'BOOLEAN', `${x.name} ${op} ${p.name} `);
      }
      case 'case':
        return this.caseExpr(e, m);
      case 'cast':
        return this.cast(e, m);
      case 'function':
        return this.functionCall(e, m);
      case 'subquery': {
        const sub = translateQuery(e.query, { ...this.lv, scope: [] }, false);
        if (sub.columns.length !== 1) throw planError('Scalar subquery should only return one column');
        const c = sub.columns[0];
        return leaf(`(${sub.sql})`, c.type, c.name, { nullable: true, pushable: false });
      }
      case 'exists':
        throw notImplemented('EXISTS subqueries');
    }
  }

  // ---- leaves ------------------------------------------------------------------------------

  private identifier(parts: Ident[], m: Mode): TExpr {
    const names = parts.map((p) => p.value);
    const name = names[names.length - 1];
    const qualifier = names.slice(0, -1);
    const scope = this.lv.scope;
    const matches = scope.filter((c) => c.name === name && (qualifier.length === 0 || qualifierMatches(c.qualifier, qualifier)));
    if (matches.length === 0) {
      const alias = qualifier.length === 0 ? m.aliases?.get(name) : undefined;
      if (alias !== undefined) return this.translate(alias, { ...m, aliases: undefined });
      const field = this.windowField(parts, m);
      if (field !== undefined) return field;
      throw fieldNotFound(qualifier, name, scope);
    }
    if (matches.length > 1) {
      if (qualifier.length === 0) throw schemaError(`Ambiguous reference to unqualified field ${quoteIdentifier(name)}`);
      throw schemaError(`Schema contains duplicate qualified field name ${quotedFlatName(qualifier, name)}`);
    }
    return this.columnExpr(matches[0], m);
  }

  /** `w.start` / `w.end` on a time_window struct column. */
  private windowField(parts: Ident[], m: Mode): TExpr | undefined {
    const field = parts[parts.length - 1].value;
    if (parts.length < 2 || (field !== 'start' && field !== 'end')) return undefined;
    let struct: TExpr;
    try {
      struct = this.identifier(parts.slice(0, -1), m);
    } catch {
      return undefined;
    }
    const unit = windowUnit(struct.type);
    if (unit === undefined) return undefined;
    const sql = `tupleElement(${struct.sql}, ${field === 'start' ? 1 : 2})`;
    return { ...struct, sql, type: UNIT_TYPE[unit], name: `${struct.name}[${field}]`, column: undefined, debug: undefined };
  }

  columnExpr(col: ScopeColumn, m: Mode): TExpr {
    markUsed(col);
    const name = flatName(col.qualifier, col.name);
    let sql = col.sql;
    if (m.inner && col.base !== undefined) {
      sql = col.base.role === 'tag' ? `nullIf(${col.base.raw}, '')` : col.base.raw;
    }
    return {
      sql,
      type: col.type,
      nullable: col.nullable,
      name,
      column: col,
      uncovered: m.keys !== undefined && !m.inAggArg ? [name] : [],
      aggregate: false,
      cols: [col],
      pushable: col.base !== undefined && col.base.role !== 'field',
      debug: columnDebug(col),
    };
  }

  private literal(v: Extract<Expr, { kind: 'literal' }>['value'], negative = false): TExpr {
    switch (v.type) {
      case 'number':
        return numberLiteral(v.text, negative);
      case 'string': {
        const name = `Utf8("${v.value}")`;
        return leaf(chString(v.value), 'STRING', name, { constant: { kind: 'string', value: v.value }, debug: literalDebug(name) });
      }
      case 'boolean': {
        const name = `Boolean(${v.value})`;
        return leaf(v.value ? '1' : '0', 'BOOLEAN', name, { constant: { kind: 'bool', value: v.value }, debug: literalDebug(name) });
      }
      case 'null':
        return leaf('NULL', 'NULL', 'NULL', { nullable: true, constant: { kind: 'null' }, debug: literalDebug('NULL') });
    }
  }

  private typedString(typeName: string, value: string): TExpr {
    const name = `Utf8("${value}")`;
    if (typeName === 'TIMESTAMP') {
      const nanos = parseTimestampNanos(value);
      if (nanos === undefined) throw timestampParseError(value);
      return leaf(nanos.toString(), UNIT_TYPE.ns, name, { constant: { kind: 'timestamp', value: nanos } });
    }
    const s = this.literal({ type: 'string', value });
    return this.castTo(s, castTarget(typeName), typeName);
  }

  private interval(e: Extract<Expr, { kind: 'interval' }>): TExpr {
    const inner = e.value.kind === 'nested' ? e.value.expr : e.value;
    if (inner.kind !== 'literal' || (inner.value.type !== 'string' && inner.value.type !== 'number')) {
      throw notImplemented('Unsupported interval argument. Expected string literal');
    }
    const base = inner.value.type === 'string' ? inner.value.value : inner.value.text;
    const text = e.unit === undefined ? base : `${base} ${e.unit.toLowerCase()}`;
    const value = parseInterval(text);
    if (value === undefined) throw planError(`Invalid input syntax for type interval: "${text}"`);
    return leaf('', 'INTERVAL', intervalName(value), { constant: { kind: 'interval', value } });
  }

  // ---- operators -----------------------------------------------------------------------------

  private unary(e: Extract<Expr, { kind: 'unary' }>, m: Mode): TExpr {
    if (e.op === 'NOT') {
      const x = this.translate(e.expr, { ...m, filter: false });
      this.requireBoolean(x, 'NOT');
      return node([x], `(NOT ${x.sql})`, 'BOOLEAN', `NOT ${x.name}`);
    }
    if (e.expr.kind === 'literal' && e.expr.value.type === 'number') {
      return e.op === '-' ? this.literal(e.expr.value, true) : this.literal(e.expr.value);
    }
    const x = this.translate(e.expr, m);
    if (e.op === '+') return x;
    if (x.constant?.kind === 'interval') {
      const v = x.constant.value;
      const neg = { months: -v.months, days: -v.days, nanos: -v.nanos };
      return leaf('', 'INTERVAL', `(- ${x.name})`, { constant: { kind: 'interval', value: neg } });
    }
    if (!isNumeric(x.type) && x.type !== 'NULL') {
      throw planError(`Negation only supports numeric, interval and timestamp types`);
    }
    return node([x], `negate(${x.sql})`, x.type === 'BIGINT UNSIGNED' ? 'BIGINT' : x.type, `(- ${x.name})`);
  }

  private requireBoolean(x: TExpr, op: string): void {
    if (x.type !== 'BOOLEAN' && x.type !== 'NULL') {
      throw planError(`Cannot infer common argument type for logical boolean operation ${arrowName(x.type)} ${op} Boolean`);
    }
  }

  private binary(op: Extract<Expr, { kind: 'binary' }>['op'], le: Expr, re: Expr, m: Mode): TExpr {
    if (op === 'AND' || op === 'OR') {
      const childMode = { ...m, filter: m.filter };
      const l = this.translate(le, childMode);
      const r = this.translate(re, childMode);
      for (const side of [l, r]) {
        if (side.type !== 'BOOLEAN' && side.type !== 'NULL') {
          throw planError(`Cannot infer common argument type for logical boolean operation ${arrowName(l.type)} ${op} ${arrowName(r.type)}`);
        }
      }
      const name = `${l.name} ${op} ${r.name}`;
      let sql: string;
      if (m.filter || (!l.nullable && !r.nullable)) {
        sql = `(${l.sql} ${op} ${r.sql})`;
      } else if (op === 'AND') {
        // ClickHouse 18.16 gives NULL for `NULL AND 0`; SQL says false.
        sql = `multiIf(${l.sql} = 0 OR ${r.sql} = 0, 0, isNull(${l.sql}) OR isNull(${r.sql}), NULL, 1)`;
      } else {
        // ClickHouse 18.16 gives 0 for `NULL OR 0`; SQL says NULL.
        sql = `multiIf(${l.sql} = 1 OR ${r.sql} = 1, 1, isNull(${l.sql}) OR isNull(${r.sql}), NULL, 0)`;
      }
      return node([l, r], sql, 'BOOLEAN', name);
    }

    const childMode = { ...m, filter: false };
    const l = this.translate(le, childMode);
    const r = this.translate(re, childMode);
    const name = `${l.name} ${op} ${r.name}`;

    switch (op) {
      case '=':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (m.inner && (op === '=' || op === '!=')) {
          const raw = rawTagComparison(l, r, op);
          if (raw !== undefined) return node([l, r], raw, 'BOOLEAN', name);
        }
        const [ls, rs] = this.comparable(l, r, op);
        return node([l, r], `(${ls} ${op} ${rs})`, 'BOOLEAN', name);
      }
      case '||': {
        for (const side of [l, r]) {
          if (side.type === 'INTERVAL') throw planError(`Cannot coerce arithmetic expression ${arrowName(l.type)} || ${arrowName(r.type)} to valid types`);
        }
        return node([l, r], `concat(${this.convert(l, 'STRING')}, ${this.convert(r, 'STRING')})`, 'STRING', name);
      }
      default:
        return this.arithmetic(op, l, r, name);
    }
  }

  private arithmetic(op: '+' | '-' | '*' | '/' | '%', l: TExpr, r: TExpr, name: string): TExpr {
    const lu = tsUnit(l.type);
    const ru = tsUnit(r.type);
    if (l.type === 'INTERVAL' || r.type === 'INTERVAL') {
      const ts = lu !== undefined ? l : ru !== undefined ? r : undefined;
      const iv = l.type === 'INTERVAL' ? l : r;
      if (ts === undefined || (op !== '+' && op !== '-') || (op === '-' && iv === l)) {
        throw planError(`Cannot coerce arithmetic expression ${arrowName(l.type)} ${op} ${arrowName(r.type)} to valid types`);
      }
      const unit = tsUnit(ts.type) ?? 'ns';
      const interval = (iv.constant as { kind: 'interval'; value: IntervalValue }).value;
      const sign = op === '+' ? 1 : -1;
      if (ts.constant?.kind === 'timestamp') {
        const nanos = addInterval(ts.constant.value * NANOS_PER[unit], interval, sign);
        const value = nanos / NANOS_PER[unit];
        return node([ts], value.toString(), ts.type, name, { constant: { kind: 'timestamp', value } });
      }
      const fixed = fixedIntervalNanos(interval);
      if (fixed === undefined) throw notImplemented('adding month or year intervals to a column');
      const step = fixed / NANOS_PER[unit];
      return node([ts], `(${ts.sql} ${op} ${step})`, ts.type, name);
    }
    if (lu !== undefined || ru !== undefined) {
      if (lu !== undefined && ru !== undefined && op === '-') throw notImplemented('subtracting timestamps');
      throw planError(`Cannot coerce arithmetic expression ${arrowName(l.type)} ${op} ${arrowName(r.type)} to valid types`);
    }
    if ((!isNumeric(l.type) && l.type !== 'NULL') || (!isNumeric(r.type) && r.type !== 'NULL')) {
      throw planError(`Cannot coerce arithmetic expression ${arrowName(l.type)} ${op} ${arrowName(r.type)} to valid types`);
    }
    const types = [l.type, r.type].filter((t) => t !== 'NULL');
    const type: SqlType = types.length === 0 ? 'NULL' : numericType(types);
    // DataFusion casts both operands to Float32 and computes in it; ClickHouse computes
    // Float32 in Float64, which rounded back to Float32 gives the same +, -, *, /.
    const [ls, rs] = type === 'FLOAT' ? [this.convert(l, 'FLOAT'), this.convert(r, 'FLOAT')] : [l.sql, r.sql];
    let sql: string;
    if (op === '/') {
      sql = isFloat(type) ? `(${ls} / ${rs})` : `intDiv(${ls}, ${rs})`;
    } else if (op === '%') {
      // ClickHouse 18.16 truncates float operands of `%` to integers.
      sql = isFloat(type) ? `(${ls} - ${rs} * trunc(${ls} / ${rs}))` : `(${ls} % ${rs})`;
    } else {
      sql = `(${ls} ${op} ${rs})`;
    }
    // ClickHouse widens UInt64 - UInt64 to Int64; DataFusion keeps UInt64.
    if (type === 'BIGINT UNSIGNED' && op === '-') sql = `toUInt64${sql}`;
    if (type === 'FLOAT') sql = `toFloat32${sql}`;
    return node([l, r], sql, type, name);
  }

  /** Coerces two operands for a comparison the way DataFusion does; returns their SQL. */
  comparable(l: TExpr, r: TExpr, op: string): [string, string] {
    if (l.type === 'NULL' || r.type === 'NULL') return [l.sql, r.sql];
    const lu = tsUnit(l.type);
    const ru = tsUnit(r.type);
    if (lu !== undefined && ru !== undefined) {
      const unit = coarser(lu, ru);
      return [this.convert(l, UNIT_TYPE[unit]), this.convert(r, UNIT_TYPE[unit])];
    }
    if (lu !== undefined || ru !== undefined) {
      const [ts, other] = lu !== undefined ? [l, r] : [r, l];
      if (other.type !== 'STRING' && !isInt(other.type)) {
        throw planError(`Cannot infer common argument type for comparison operation ${arrowName(l.type)} ${op} ${arrowName(r.type)}`);
      }
      const otherSql = this.convert(other, ts.type);
      return lu !== undefined ? [ts.sql, otherSql] : [otherSql, ts.sql];
    }
    if (isNumeric(l.type) && isNumeric(r.type)) {
      // A Float32 against an integer compares as Float32 (16777217 equals 16777216 there);
      // ClickHouse would compare the exact values.
      if (numericType([l.type, r.type]) === 'FLOAT') return [this.convert(l, 'FLOAT'), this.convert(r, 'FLOAT')];
      return [l.sql, r.sql];
    }
    if (l.type === r.type) return [l.sql, r.sql];
    if (l.type === 'STRING' && isNumeric(r.type)) return [l.sql, this.convert(r, 'STRING')];
    if (r.type === 'STRING' && isNumeric(l.type)) return [this.convert(l, 'STRING'), r.sql];
    throw planError(`Cannot infer common argument type for comparison operation ${arrowName(l.type)} ${op} ${arrowName(r.type)}`);
  }

  /** SQL for `e` converted to `target` (DataFusion's implicit cast). */
  convert(e: TExpr, target: SqlType): string {
    if (e.type === target) return e.sql;
    if (e.type === 'NULL') return 'NULL';
    const tu = tsUnit(target);
    if (tu !== undefined) {
      const eu = tsUnit(e.type);
      if (eu !== undefined) {
        if (e.constant?.kind === 'timestamp') return ((e.constant.value * NANOS_PER[eu]) / NANOS_PER[tu]).toString();
        return NANOS_PER[eu] > NANOS_PER[tu]
          ? `(${e.sql} * ${NANOS_PER[eu] / NANOS_PER[tu]})`
          : `intDiv(${e.sql}, ${NANOS_PER[tu] / NANOS_PER[eu]})`;
      }
      if (e.type === 'STRING') {
        if (e.constant?.kind !== 'string') throw notImplemented('casting a string column to a timestamp');
        const nanos = parseTimestampNanos(e.constant.value);
        if (nanos === undefined) throw timestampParseError(e.constant.value);
        return (nanos / NANOS_PER[tu]).toString();
      }
      // An integer against a timestamp counts units of that timestamp.
      if (isInt(e.type)) return e.sql;
      throw notImplemented(`casting ${arrowName(e.type)} to ${arrowName(target)}`);
    }
    switch (target) {
      case 'DOUBLE':
        if (e.constant?.kind === 'int' && e.constant.value < SMALL_INT && e.constant.value > -SMALL_INT) return e.sql;
        return `toFloat64(${e.sql})`;
      case 'FLOAT':
        // Always explicit: ClickHouse's common type of Float32 and an Int32/UInt32 constant is
        // Float64 (in multiIf, say), which would print Float64 digits.
        return `toFloat32(${e.sql})`;
      case 'BIGINT':
        return `toInt64(${e.sql})`;
      case 'BIGINT UNSIGNED':
        return `toUInt64(${e.sql})`;
      case 'STRING':
        if (e.constant?.kind === 'int') return chString(e.constant.value.toString());
        if (e.type === 'BOOLEAN') return `arrayElement(['false', 'true'], ${e.sql} + 1)`;
        if (tsUnit(e.type) !== undefined) throw notImplemented('casting a timestamp to a string');
        return `toString(${e.sql})`;
      case 'BOOLEAN':
        if (isNumeric(e.type)) return `(${e.sql} != 0)`;
        if (e.type === 'STRING') {
          return `multiIf(lowerUTF8(${e.sql}) IN ('true', 't', 'yes', 'y', '1'), 1, lowerUTF8(${e.sql}) IN ('false', 'f', 'no', 'n', '0'), 0, NULL)`;
        }
        break;
    }
    throw notImplemented(`casting ${arrowName(e.type)} to ${arrowName(target)}`);
  }

  private inList(e: Extract<Expr, { kind: 'inList' }>, m: Mode): TExpr {
    const x = this.translate(e.expr, { ...m, filter: false });
    const items = e.list.map((i) => this.translate(i, { ...m, filter: false }));
    const listDebug = `Map { iter: Iter([${items.map((i) => i.debug ?? i.name).join(', ')}]) }`;
    const name = `${x.name} ${e.negated ? 'NOT IN' : 'IN'} (${listDebug})`;
    if (m.inner) {
      const raw = rawTagIn(x, items, e.negated);
      if (raw !== undefined) return node([x, ...items], raw, 'BOOLEAN', name);
    }
    const pairs = items.map((i) => this.comparable(x, i, '='));
    let sql: string;
    if (items.every((i) => i.constant !== undefined)) {
      sql = `(${pairs[0][0]} ${e.negated ? 'NOT IN' : 'IN'} (${pairs.map((p) => p[1]).join(', ')}))`;
    } else {
      const joined = pairs.map(([a, b]) => `${a} ${e.negated ? '!=' : '='} ${b}`).join(e.negated ? ' AND ' : ' OR ');
      sql = `(${joined})`;
    }
    // ClickHouse answers 0 for NULL IN (...); SQL answers NULL, which matters outside filters.
    if (x.nullable && !m.filter) sql = `if(isNull(${x.sql}), NULL, ${sql})`;
    return node([x, ...items], sql, 'BOOLEAN', name);
  }

  private caseExpr(e: Extract<Expr, { kind: 'case' }>, m: Mode): TExpr {
    const sub = { ...m, filter: false };
    const operand = e.operand === undefined ? undefined : this.translate(e.operand, sub);
    const whens = e.whens.map((w) => ({ when: this.translate(w.when, sub), then: this.translate(w.then, sub) }));
    const elseExpr = e.else === undefined ? undefined : this.translate(e.else, sub);
    const results = [...whens.map((w) => w.then), ...(elseExpr === undefined ? [] : [elseExpr])];
    const type = commonType(results.map((r) => r.type), 'CASE');
    const args: string[] = [];
    for (const w of whens) {
      if (operand !== undefined) {
        const [a, b] = this.comparable(operand, w.when, '=');
        args.push(`${a} = ${b}`);
      } else {
        this.requireBoolean(w.when, 'CASE WHEN');
        args.push(w.when.sql);
      }
      args.push(this.convert(w.then, type));
    }
    args.push(elseExpr === undefined ? 'NULL' : this.convert(elseExpr, type));
    let name = 'CASE ';
    if (operand !== undefined) name += `${operand.name} `;
    for (const w of whens) name += `WHEN ${w.when.name} THEN ${w.then.name} `;
    if (elseExpr !== undefined) name += `ELSE ${elseExpr.name} `;
    name += 'END';
    const children = [...(operand === undefined ? [] : [operand]), ...whens.flatMap((w) => [w.when, w.then]), ...(elseExpr === undefined ? [] : [elseExpr])];
    return node(children, `multiIf(${args.join(', ')})`, type, name, {
      nullable: elseExpr === undefined || results.some((r) => r.nullable),
    });
  }

  private cast(e: Extract<Expr, { kind: 'cast' }>, m: Mode): TExpr {
    if (e.style === 'try_cast') throw notImplemented('TRY_CAST');
    const x = this.translate(e.expr, m);
    return this.castTo(x, castTarget(e.dataType.name), e.dataType.name);
  }

  /** Explicit CAST: DataFusion keeps the operand's name. */
  private castTo(x: TExpr, target: SqlType | undefined, typeName: string): TExpr {
    if (target === undefined) throw notImplemented(`Unsupported SQL type ${typeName}`);
    if (x.type === target) return x;
    if (target === UNIT_TYPE.ns && tsUnit(x.type) === undefined && x.type === 'STRING' && x.constant?.kind === 'string') {
      const nanos = parseTimestampNanos(x.constant.value);
      if (nanos === undefined) throw timestampParseError(x.constant.value);
      return { ...x, sql: nanos.toString(), type: target, constant: { kind: 'timestamp', value: nanos } };
    }
    let sql: string;
    if (tsUnit(x.type) !== undefined && isNumeric(target)) {
      sql = target === 'BIGINT' ? x.sql : `${TO_NUMERIC[target]}(${x.sql})`;
    } else if (isFloat(x.type) && target === 'BIGINT') {
      sql = `toInt64(${x.sql})`;
    } else if (x.type === 'STRING' && isNumeric(target)) {
      sql = `${TO_NUMERIC[target]}(${x.sql})`;
    } else {
      sql = this.convert(x, target);
    }
    return { ...x, sql, type: target, constant: undefined, column: undefined, debug: undefined };
  }

  // ---- functions ------------------------------------------------------------------------------

  private functionCall(e: Extract<Expr, { kind: 'function' }>, m: Mode): TExpr {
    const fname = functionName(e);
    if (fname === undefined) throw planError(`Invalid function '${e.name.map((p) => p.value).join('.')}'`);
    if (e.over === true) throw notImplemented('window functions');
    if (AGGREGATES.has(fname)) return this.aggregate(fname, e, m);
    if (e.distinct) throw planError(`DISTINCT is only supported for aggregate functions`);
    if (e.args.some((a) => a.kind === 'wildcard')) throw planError(`Invalid function '${fname}'`);
    const args = e.args.map((a) => this.translate((a as Extract<FunctionArg, { kind: 'expr' }>).expr, { ...m, filter: false }));
    return scalarFunction(this, fname, args, this.state.now);
  }

  private aggregate(fname: string, e: Extract<Expr, { kind: 'function' }>, m: Mode): TExpr {
    if (!m.allowAggregates) {
      throw planError(
        m.clause === 'WHERE'
          ? 'Aggregate functions are not allowed in the WHERE clause. Consider using HAVING instead'
          : `Aggregate functions are not allowed in ${m.clause}`,
      );
    }
    if (m.inAggArg) throw planError('Aggregate function calls cannot be nested');
    const argMode: Mode = { ...m, filter: false, inAggArg: true };
    const star = e.args.length === 1 && e.args[0].kind === 'wildcard';
    const args = star ? [] : e.args.map((a) => {
      if (a.kind === 'wildcard') throw planError(`Invalid function '${fname}'`);
      return this.translate(a.expr, argMode);
    });
    const argName = (list: TExpr[]): string => `${e.distinct ? 'DISTINCT ' : ''}${list.map((a) => a.name).join(',')}`;
    const agg = (sql: string, type: SqlType, name: string, nullable: boolean): TExpr => {
      if (!this.aggregates.includes(name)) this.aggregates.push(name);
      return { ...node(args, sql, type, name), nullable, uncovered: [], aggregate: true, pushable: false };
    };
    // Empty input must give NULL as in DataFusion; ClickHouse does that only for Nullable arguments.
    const nullableArg = (a: TExpr): string => (a.nullable ? a.sql : `toNullable(${a.sql})`);
    // DataFusion sums, averages and takes variances of a Float32 as Float64 (ClickHouse's
    // varSamp of a Float32 would stay Float32).
    const asDouble = (a: TExpr): TExpr => (a.type === 'FLOAT' ? { ...a, sql: this.convert(a, 'DOUBLE'), type: 'DOUBLE' } : a);

    switch (fname) {
      case 'count': {
        if (star) return agg('count()', 'BIGINT', 'COUNT(UInt8(1))', false);
        if (args.length === 0) throw planError('The function Count expects at least one argument');
        if (args.length > 1) throw notImplemented('COUNT with several arguments');
        const sql = e.distinct ? `uniqExact(${args[0].sql})` : `count(${args[0].sql})`;
        return agg(sql, 'BIGINT', `COUNT(${argName(args)})`, false);
      }
      case 'sum':
      case 'avg':
      case 'mean': {
        if (args.length !== 1) throw planError(`The function ${fname === 'sum' ? 'Sum' : 'Avg'} expects 1 arguments, but ${args.length} were provided`);
        if (!isNumeric(args[0].type) && args[0].type !== 'NULL') {
          throw planError(`The function ${fname === 'sum' ? 'Sum' : 'Avg'} does not support inputs of type ${arrowName(args[0].type)}.`);
        }
        const a = asDouble(args[0]);
        const chFn = fname === 'sum' ? 'sum' : 'avg';
        // ClickHouse 18.16 has no -Distinct combinator: aggregate the set of distinct values.
        const sql = e.distinct
          ? `if(count(${a.sql}) = 0, NULL, arrayReduce('${chFn}', groupUniqArray(${a.sql})))`
          : `${chFn}(${nullableArg(a)})`;
        const type: SqlType = fname === 'sum' ? (a.type === 'NULL' ? 'BIGINT' : a.type) : 'DOUBLE';
        return agg(sql, type, `${fname === 'sum' ? 'SUM' : 'AVG'}(${argName(args)})`, true);
      }
      case 'min':
      case 'max': {
        if (args.length !== 1) throw planError(`The function ${fname === 'min' ? 'Min' : 'Max'} expects 1 arguments, but ${args.length} were provided`);
        const a = args[0];
        if (a.type === 'INTERVAL') throw notImplemented(`${fname} of an interval`);
        return agg(`${fname}(${nullableArg(a)})`, a.type, `${fname.toUpperCase()}(${argName(args)})`, true);
      }
      case 'first':
      case 'last': {
        if (e.distinct) throw planError(`DISTINCT is not supported by ${fname}`);
        if (args.length !== 2) throw planError(`The function ${fname} expects 2 arguments, but ${args.length} were provided`);
        const [time, value] = args;
        if (tsUnit(time.type) === undefined) throw planError(`The first argument of ${fname} must be a timestamp`);
        const fn = fname === 'first' ? 'argMin' : 'argMax';
        return agg(`${fn}(${nullableArg(value)}, ${time.sql})`, value.type, `${fname}(${argName(args)})`, true);
      }
      case 'median':
      case 'approx_median':
      case 'approx_percentile_cont': {
        const percentile = fname === 'approx_percentile_cont';
        const upper = fname.toUpperCase();
        if (args.length !== (percentile ? 2 : 1)) {
          throw planError(`The function ${upper} expects ${percentile ? 2 : 1} arguments, but ${args.length} were provided`);
        }
        const a = args[0];
        if (!isNumeric(a.type)) throw planError(`The function ${upper} does not support inputs of type ${arrowName(a.type)}.`);
        if (percentile) {
          const p = args[1];
          const value = p.constant?.kind === 'float' ? p.constant.value : p.constant?.kind === 'int' ? Number(p.constant.value) : undefined;
          if (value === undefined || value < 0 || value > 1) {
            throw planError(`Percentile value must be between 0.0 and 1.0 inclusive, ${p.name} is invalid`);
          }
          // A t-digest as in DataFusion; small inputs give the exact interpolated value in both.
          const q = `quantileTDigest(${value})(${nullableArg(a)})`;
          const sql = isInt(a.type) ? `if(count(${a.sql}) = 0, NULL, toInt64(${q}))` : q;
          return agg(sql, a.type, `${upper}(${argName(args)})`, true);
        }
        if (fname === 'approx_median') {
          const q = `quantileTDigest(0.5)(${nullableArg(a)})`;
          return agg(isInt(a.type) ? `if(count(${a.sql}) = 0, NULL, toInt64(${q}))` : q, a.type, `${upper}(${argName(args)})`, true);
        }
        // DataFusion's median is exact: the middle value, or the mean of the two middle values
        // (integer division for integer inputs). Sorting the group's values does exactly that.
        const sorted = `arraySort(groupArray(${a.sql}))`;
        const n = `length(${sorted})`;
        const lo = `arrayElement(${sorted}, intDiv(${n} + 1, 2))`;
        const hi = `arrayElement(${sorted}, intDiv(${n}, 2) + 1)`;
        const middle = isInt(a.type) ? `intDiv(${lo} + ${hi}, 2)` : a.type === 'FLOAT' ? `toFloat32((${lo} + ${hi}) / 2)` : `((${lo} + ${hi}) / 2)`;
        const sql = `if(${n} = 0, NULL, if(${n} % 2 = 1, ${lo}, ${middle}))`;
        return agg(sql, a.type, `${upper}(${argName(args)})`, true);
      }
      default: {
        // Variance family; DataFusion's STDDEV/VARIANCE are the sample versions.
        if (args.length !== 1 || !isNumeric(args[0].type)) throw planError(`Invalid arguments for function ${fname}`);
        const pop = fname.endsWith('_pop');
        const isStd = fname.startsWith('stddev');
        const chFn = `${isStd ? 'stddev' : 'var'}${pop ? 'Pop' : 'Samp'}`;
        const dfName = `${isStd ? 'STDDEV' : 'VARIANCE'}${pop ? 'POP' : ''}`;
        const a = asDouble(args[0]);
        // DataFusion answers NULL where the sample statistic is undefined (one value); ClickHouse nan.
        const sql = pop ? `${chFn}(${nullableArg(a)})` : `if(count(${a.sql}) < 2, NULL, ${chFn}(${nullableArg(a)}))`;
        return agg(sql, 'DOUBLE', `${dfName}(${argName(args)})`, true);
      }
    }
  }
}

function qualifierMatches(field: string[] | undefined, wanted: string[]): boolean {
  if (field === undefined) return false;
  // DataFusion's resolved_eq: compare only the parts both references spell out.
  const n = Math.min(field.length, wanted.length);
  for (let i = 1; i <= n; i++) if (field[field.length - i] !== wanted[wanted.length - i]) return false;
  return true;
}

function fieldNotFound(qualifier: string[], name: string, scope: ScopeColumn[]): SqlSemanticError {
  const valid = scope.map((c) => quotedFlatName(c.qualifier, c.name));
  const field = quotedFlatName(qualifier.length > 0 ? qualifier : undefined, name);
  return schemaError(`No field named ${field}${valid.length > 0 ? `. Valid fields are ${valid.join(', ')}` : ''}.`);
}

function numberLiteral(text: string, negative: boolean): TExpr {
  const full = negative ? `-${text}` : text;
  if (/^\d+$/.test(text)) {
    const v = BigInt(full);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) {
      const name = `Int64(${v})`;
      return leaf(v.toString(), 'BIGINT', name, { constant: { kind: 'int', value: v }, debug: literalDebug(name) });
    }
    if (!negative && v < 2n ** 64n) {
      const name = `UInt64(${v})`;
      return leaf(v.toString(), 'BIGINT UNSIGNED', name, { constant: { kind: 'int', value: v }, debug: literalDebug(name) });
    }
  }
  const f = Number(full);
  const name = `Float64(${rustFloat(f)})`;
  return leaf(floatSql(f), 'DOUBLE', name, { constant: { kind: 'float', value: f }, debug: literalDebug(name) });
}

/** Inside the merge query, `tag = 'x'` can test the raw column directly so the sort key prunes. */
function rawTagComparison(l: TExpr, r: TExpr, op: '=' | '!='): string | undefined {
  const [col, lit] = l.column?.base?.role === 'tag' ? [l, r] : r.column?.base?.role === 'tag' ? [r, l] : [undefined, undefined];
  const raw = col?.column?.base?.raw;
  if (raw === undefined || lit === undefined || lit.constant?.kind !== 'string' || lit.constant.value === '') return undefined;
  return op === '=' ? `(${raw} = ${lit.sql})` : `(${raw} != ${lit.sql} AND ${raw} != '')`;
}

function rawTagIn(x: TExpr, items: TExpr[], negated: boolean): string | undefined {
  if (x.column?.base?.role !== 'tag') return undefined;
  if (!items.every((i) => i.constant?.kind === 'string' && i.constant.value !== '')) return undefined;
  const raw = x.column.base.raw;
  const list = items.map((i) => i.sql).join(', ');
  return negated ? `(${raw} NOT IN (${list}) AND ${raw} != '')` : `(${raw} IN (${list}))`;
}

function castTarget(typeName: string): SqlType | undefined {
  switch (typeName) {
    case 'BIGINT':
    case 'INT':
    case 'SMALLINT':
    case 'TINYINT':
      return 'BIGINT';
    case 'BIGINT UNSIGNED':
    case 'INT UNSIGNED':
    case 'SMALLINT UNSIGNED':
    case 'TINYINT UNSIGNED':
      return 'BIGINT UNSIGNED';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'FLOAT':
    case 'REAL':
      return 'FLOAT';
    case 'VARCHAR':
    case 'TEXT':
    case 'STRING':
      return 'STRING';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TIMESTAMP':
      return UNIT_TYPE.ns;
    default:
      return undefined;
  }
}

/** DataFusion's common type for CASE results, COALESCE arguments and UNION columns. */
function commonType(types: SqlType[], what: string): SqlType {
  const present = types.filter((t) => t !== 'NULL');
  if (present.length === 0) return 'NULL';
  if (present.every((t) => t === present[0])) return present[0];
  if (present.every(isNumeric)) return numericType(present);
  const units = present.map(tsUnit);
  if (units.every((u) => u !== undefined)) return UNIT_TYPE[(units as TimeUnitName[]).reduce(coarser)];
  if (present.every((t) => t === 'STRING' || isNumeric(t))) return 'STRING';
  throw planError(`${what} has incompatible types: ${present.map(arrowName).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Scalar functions (DataFusion name → ClickHouse 18.16 SQL)

function scalarFunction(t: ExprTranslator, fname: string, args: TExpr[], now: bigint): TExpr {
  const name = `${canonicalFunctionName(fname)}(${args.map((a) => a.name).join(',')})`;
  const arity = (...allowed: number[]): void => {
    if (!allowed.includes(args.length)) {
      throw planError(`No function matches the given name and argument types '${fname}(${args.map((a) => arrowName(a.type)).join(', ')})'`);
    }
  };
  const numeric = (i: number): string => {
    const a = args[i];
    if (!isNumeric(a.type) && a.type !== 'NULL') {
      throw planError(`No function matches the given name and argument types '${fname}(${args.map((x) => arrowName(x.type)).join(', ')})'`);
    }
    return a.sql;
  };
  const str = (i: number): string => {
    const a = args[i];
    return a.type === 'STRING' || a.type === 'NULL' ? a.sql : t.convert(a, 'STRING');
  };
  const make = (sql: string, type: SqlType, extra: Partial<TExpr> = {}): TExpr => node(args, sql, type, name, extra);
  // A Float64 computation whose result DataFusion types as Float32 when `float32`: round it to
  // Float32 so that ClickHouse prints the Float32's digits.
  const floatResult = (sql: string, float32: boolean): TExpr => (float32 ? make(`toFloat32(${sql})`, 'FLOAT') : make(sql, 'DOUBLE'));
  // The math functions list their Float64 signature first (integers and NULL take it), so
  // only a Float32 argument, with no Float64 one, keeps the result Float32.
  const float32Arg = (): boolean => args.some((a) => a.type === 'FLOAT') && !args.some((a) => a.type === 'DOUBLE');
  // log and atan2 list Float32 first: integers and NULL take it, only a Float64 argument does not.
  const float32First = (): boolean => !args.some((a) => a.type === 'DOUBLE');

  const math1: Record<string, string> = {
    sqrt: 'sqrt', cbrt: 'cbrt', exp: 'exp', ln: 'log', log10: 'log10', log2: 'log2', sin: 'sin', cos: 'cos', tan: 'tan',
    asin: 'asin', acos: 'acos', atan: 'atan', ceil: 'ceil', floor: 'floor', trunc: 'trunc',
  };
  if (math1[fname] !== undefined) {
    arity(1);
    return floatResult(`${math1[fname]}(toFloat64(${numeric(0)}))`, float32Arg());
  }

  switch (fname) {
    case 'abs':
      arity(1);
      return make(`abs(${numeric(0)})`, args[0].type === 'NULL' ? 'NULL' : args[0].type);
    case 'round':
      arity(1, 2);
      if (args.length === 2 && args[1].constant?.kind !== 'int') throw notImplemented('round with a non-constant precision');
      return floatResult(`round(toFloat64(${numeric(0)})${args.length === 2 ? `, ${args[1].sql}` : ''})`, float32Arg());
    case 'log':
      // DataFusion's one-argument log is base 10; two arguments are (base, x). Its signatures
      // list Float32 before Float64 (as atan2's do), so integers and NULL coerce to Float32
      // and only a Float64 argument makes the result a Float64 (log(100) is the Float32 2).
      arity(1, 2);
      return args.length === 1
        ? floatResult(`log10(toFloat64(${numeric(0)}))`, float32First())
        : floatResult(`(log(toFloat64(${numeric(1)})) / log(toFloat64(${numeric(0)})))`, float32First());
    case 'power':
    case 'pow': {
      arity(2);
      const ints = isInt(args[0].type) && isInt(args[1].type);
      const sql = `pow(${numeric(0)}, ${numeric(1)})`;
      return make(ints ? `toInt64(${sql})` : sql, ints ? 'BIGINT' : 'DOUBLE');
    }
    case 'signum':
      arity(1);
      return floatResult(`toFloat64(multiIf(${numeric(0)} > 0, 1, ${args[0].sql} < 0, -1, 0))`, float32Arg());
    case 'pi':
      arity(0);
      return make('pi()', 'DOUBLE');
    case 'lower':
    case 'upper':
      arity(1);
      return make(`${fname}UTF8(${str(0)})`, 'STRING');
    case 'character_length':
    case 'char_length':
    case 'length':
      arity(1);
      return make(`toInt64(lengthUTF8(${str(0)}))`, 'BIGINT');
    case 'octet_length':
      arity(1);
      return make(`toInt64(length(${str(0)}))`, 'BIGINT');
    case 'concat':
      if (args.length === 0) throw planError('The function concat expects at least one argument');
      // DataFusion's concat skips NULL arguments.
      return make(`concat(${args.map((_, i) => `ifNull(${str(i)}, '')`).join(', ')}${args.length === 1 ? ", ''" : ''})`, 'STRING', {
        nullable: false,
      });
    case 'substr':
    case 'substring': {
      arity(2, 3);
      // PostgreSQL semantics: positions before 1 count but yield nothing; no length = to the
      // end. ClickHouse 18.16's substringUTF8 wants both as constants.
      const start = intConstant(args[1], fname);
      const from = start > 1n ? start : 1n;
      const end = args.length === 3 ? start + intConstant(args[2], fname) : undefined;
      const length = end === undefined ? 4294967295n : end > from ? end - from : 0n;
      return make(`substringUTF8(${str(0)}, ${from}, ${length})`, 'STRING');
    }
    case 'left': {
      arity(2);
      const n = intConstant(args[1], fname);
      return make(n <= 0n ? `if(isNull(${str(0)}), NULL, '')` : `substringUTF8(${str(0)}, 1, ${n})`, 'STRING');
    }
    case 'replace':
      arity(3);
      return make(`replaceAll(${str(0)}, ${str(1)}, ${str(2)})`, 'STRING');
    case 'reverse':
      arity(1);
      return make(`reverseUTF8(${str(0)})`, 'STRING');
    case 'strpos':
    case 'instr':
      arity(2);
      return make(`toInt64(positionUTF8(${str(0)}, ${str(1)}))`, 'BIGINT');
    case 'starts_with':
      arity(2);
      return make(`startsWith(${str(0)}, ${str(1)})`, 'BOOLEAN');
    case 'trim':
    case 'btrim':
      arity(1);
      return make(`replaceRegexpAll(${str(0)}, '^ +| +$', '')`, 'STRING');
    case 'ltrim':
      arity(1);
      return make(`replaceRegexpOne(${str(0)}, '^ +', '')`, 'STRING');
    case 'rtrim':
      arity(1);
      return make(`replaceRegexpOne(${str(0)}, ' +$', '')`, 'STRING');
    case 'md5':
      arity(1);
      return make(`lower(hex(MD5(${str(0)})))`, 'STRING');
    case 'coalesce': {
      if (args.length === 0) throw planError('The function coalesce expects at least one argument');
      const type = commonType(args.map((a) => a.type), 'coalesce');
      return make(`coalesce(${args.map((a) => t.convert(a, type)).join(', ')})`, type, { nullable: args.every((a) => a.nullable) });
    }
    case 'nullif': {
      arity(2);
      const [a, b] = t.comparable(args[0], args[1], '=');
      // Both arguments take their common type, so an integer against a Float32 comes out Float32.
      const types = [args[0].type, args[1].type];
      const float32 = types.every(isNumeric) && numericType(types) === 'FLOAT';
      return make(`nullIf(${a}, ${b})`, float32 ? 'FLOAT' : args[0].type, { nullable: true });
    }
    case 'now':
      arity(0);
      return leaf(now.toString(), UNIT_TYPE.ns, 'now()', { constant: { kind: 'timestamp', value: now } });
    case 'date_bin':
      return dateBin(args, name);
    case 'date_trunc':
    case 'datetrunc':
      return dateTrunc(args, name);
    case 'time_window':
      return timeWindow(args, name, false);
    case 'time_window_gapfill':
      return timeWindow(args, name, true);
    case 'locf':
    case 'interpolate':
      // Only marks the column: the engine fills it after the query (see GapfillPlan).
      arity(1);
      if (!args[0].aggregate) throw planError(`${fname} must be called on an aggregate column in a gap-filling query`);
      return { ...args[0], name, fill: fname, column: undefined, debug: undefined };
    case 'date_part':
    case 'datepart':
      return datePart(args, name);
    case 'to_timestamp':
    case 'to_timestamp_millis':
    case 'to_timestamp_micros':
    case 'to_timestamp_seconds':
    case 'from_unixtime':
      return toTimestamp(fname, args, name);
    case 'concat_ws': {
      if (args.length < 2) throw planError('concat_ws was called with 1 arguments. It requires at least 2.');
      if (args[0].constant?.kind !== 'string') throw notImplemented('concat_ws with a non-constant separator');
      // DataFusion skips NULL values: join the one-element arrays of the non-NULL ones. (No
      // lambdas: ClickHouse 18.16 cannot use them in GROUP BY keys.)
      const parts = args.slice(1).flatMap((a, i) => {
        if (a.type === 'NULL') return [];
        const v = str(i + 1);
        return [a.nullable ? `if(isNull(${v}), emptyArrayString(), [assumeNotNull(${v})])` : `[${v}]`];
      });
      const list = parts.length === 0 ? 'emptyArrayString()' : parts.length === 1 ? parts[0] : `arrayConcat(${parts.join(', ')})`;
      return make(`arrayStringConcat(${list}, ${args[0].sql})`, 'STRING', { nullable: false });
    }
    case 'repeat': {
      arity(2);
      const repeated = `arrayStringConcat(arrayResize(emptyArrayString(), toUInt64(greatest(${numeric(1)}, 0)), assumeNotNull(${str(0)})))`;
      return make(args[0].nullable ? `if(isNull(${str(0)}), NULL, ${repeated})` : repeated, 'STRING');
    }
    case 'right': {
      arity(2);
      const n = intConstant(args[1], fname);
      return make(n <= 0n ? `if(isNull(${str(0)}), NULL, '')` : `reverseUTF8(substringUTF8(reverseUTF8(${str(0)}), 1, ${n}))`, 'STRING');
    }
    case 'split_part': {
      arity(3);
      // splitByString's array cannot be Nullable: split the non-NULL string, then put NULL back.
      const part = `arrayElement(splitByString(assumeNotNull(${str(1)}), assumeNotNull(${str(0)})), ${numeric(2)})`;
      const nullable = args.filter((a) => a.nullable).map((a) => `isNull(${a.sql})`);
      return make(nullable.length > 0 ? `if(${nullable.join(' OR ')}, NULL, ${part})` : part, 'STRING');
    }
    case 'to_hex':
      arity(1);
      // ClickHouse pads to whole bytes; DataFusion prints no leading zeros (two's complement for negatives).
      return make(`replaceRegexpOne(lower(hex(toUInt64(${numeric(0)}))), '^0+(.)', '\\\\1')`, 'STRING');
    case 'ascii':
      arity(1);
      return make(`toInt64(if(length(${str(0)}) = 0, 0, reinterpretAsUInt8(substring(${str(0)}, 1, 1))))`, 'BIGINT');
    case 'lpad':
    case 'rpad': {
      arity(2, 3);
      const n = intConstant(args[1], fname);
      const fill = args.length === 3 ? args[2].constant : { kind: 'string' as const, value: ' ' };
      if (fill?.kind !== 'string') throw notImplemented(`${fname} with a non-constant fill`);
      const s = str(0);
      if (n <= 0n || fill.value === '') return make(n <= 0n ? `if(isNull(${s}), NULL, '')` : `substringUTF8(${s}, 1, ${n})`, 'STRING');
      // The fill repeated to n characters, as a constant array: the pad is its first
      // n - length(s) characters (substringUTF8 would need a constant length).
      const chars = Array.from(fill.value);
      const padChars = Array.from({ length: Number(n) }, (_, i) => chString(chars[i % chars.length]));
      const pad = `arrayStringConcat(arraySlice([${padChars.join(', ')}], 1, greatest(${n} - toInt64(lengthUTF8(${s})), 0)))`;
      const padded = fname === 'lpad' ? `concat(${pad}, ${s})` : `concat(${s}, ${pad})`;
      return make(`if(lengthUTF8(${s}) >= ${n}, substringUTF8(${s}, 1, ${n}), ${padded})`, 'STRING');
    }
    case 'regexp_replace': {
      arity(3, 4);
      const flags = args.length === 4 ? args[3].constant : { kind: 'string' as const, value: '' };
      const replacement = args[2].constant;
      if (flags?.kind !== 'string' || replacement?.kind !== 'string' || !/^g?$/.test(flags.value)) {
        throw notImplemented(`${fname} with non-constant or unsupported replacement or flags`);
      }
      // Rust regex writes groups as $1 or ${1}; RE2 in ClickHouse as \1.
      const re2 = replacement.value.replace(/\\/g, '\\\\').replace(/\$\{?(\d)\}?/g, '\\$1');
      const fn = flags.value === 'g' ? 'replaceRegexpAll' : 'replaceRegexpOne';
      return make(`${fn}(${str(0)}, ${str(1)}, ${chString(re2)})`, 'STRING');
    }
    case 'initcap':
      arity(1);
      return make(initcapSql(str(0)), 'STRING');
    case 'atan2': {
      arity(2);
      const [y, x] = [numeric(0), numeric(1)];
      // DataFusion's signatures are (Float32, Float32), then (Float64, Float64): integers (and
      // NULL) coerce to the first, so only a Float64 argument makes the result a Float64
      // (atan2(10, 3) is the Float32 1.2793396).
      return floatResult(atan2Sql(`toFloat64(${y})`, `toFloat64(${x})`), float32First());
    }
    case 'regexp_match': {
      arity(2, 3);
      const pattern = args[1].constant;
      const flags = args.length === 3 ? args[2].constant : { kind: 'string' as const, value: '' };
      if (pattern?.kind === 'null' || flags?.kind === 'null') return make('NULL', 'LIST(STRING)', { nullable: true });
      if (pattern?.kind !== 'string' || flags?.kind !== 'string') throw notImplemented(`${fname} with a non-constant pattern or flags`);
      // arrow's kernel refuses 'g'; RE2 knows the other Rust flags but x (and u is its default).
      if (flags.value.includes('g')) {
        throw new SqlSemanticError('Datafusion: Arrow error: Compute error: regexp_match() does not support the "global" option', SqlErrorCode.datafusion);
      }
      if (!/^[imsU]*$/.test(flags.value)) throw notImplemented(`${fname} with flags '${flags.value}'`);
      const sql = regexpMatchSql(str(0), flags.value === '' ? pattern.value : `(?${flags.value})${pattern.value}`);
      if (sql === undefined) throw notImplemented(`${fname} with more than 9 capture groups`);
      return make(sql, 'LIST(STRING)', { nullable: true });
    }
    default:
      throw planError(`Invalid function '${fname}'`);
  }
}

/**
 * initcap as DataFusion 27 does it: ASCII only. A character follows a "word" character when the
 * one before it is an ASCII letter or digit; those are lower-cased, all others upper-cased, and
 * non-ASCII characters are left as they are but separate words ('élan' → 'éLan'). ClickHouse
 * 18.16 has no initcap and no per-character mapping without lambdas (which it cannot use in
 * GROUP BY keys), so: lower() (ASCII-only, like to_ascii_lowercase), then one
 * replaceRegexpAll per letter to upper-case it at the start of the string or after a
 * non-alphanumeric character. A letter an earlier pass upper-cased still counts as a word
 * character, hence A-Z in the class.
 */
function initcapSql(s: string): string {
  let sql = `lower(${s})`;
  for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
    sql = `replaceRegexpAll(${sql}, '(^|[^A-Za-z0-9])${letter}', '\\\\1${letter.toUpperCase()}')`;
  }
  return sql;
}

/**
 * regexp_match(s, pattern) as DataFusion 27 answers it: NULL without a match, else the list of
 * the first match's capture groups (the whole match when the pattern has none), in the canonical
 * LIST(STRING) cell text: each element as its UTF-8 byte length, a colon and the text
 * ("1:a2:bc"). ClickHouse 18.16 has no function returning several groups of one match, so each
 * group is a replaceRegexpOne over the whole string: a lazy prefix finds the first position the
 * pattern matches at, where RE2's leftmost-first choice picks the same groups as Rust's regex.
 * `\1`..`\9` are all a replacement can name, so at most 9 groups (undefined beyond). An optional
 * group that took no part in the match comes out as an empty element where DataFusion leaves it
 * out. `.` does not match a newline unless the pattern says (?s), as in Rust (ClickHouse's
 * `match` would let it).
 */
function regexpMatchSql(s: string, pattern: string): string | undefined {
  const groups = captureGroupCount(pattern);
  if (groups > 9) return undefined;
  const inner = `(?-s:${pattern})`;
  const whole = chString(`^(?s:.*?)${groups === 0 ? `(${inner})` : inner}(?s:.*)$`);
  const element = (i: number) => {
    const g = `replaceRegexpOne(${s}, ${whole}, ${chString(`\\${i}`)})`;
    return `toString(length(${g})), ':', ${g}`;
  };
  const elements = Array.from({ length: Math.max(groups, 1) }, (_, i) => element(i + 1));
  return `if(match(${s}, ${chString(inner)}), concat(${elements.join(', ')}), NULL)`;
}

/** Capturing groups in a regular expression: `(` not escaped, outside a class, not `(?…` unless named. */
function captureGroupCount(pattern: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // a leading ] is a literal
    } else if (c === '(') {
      const named = pattern.startsWith('(?P<', i) || (pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!');
      if (pattern[i + 1] !== '?' || named) count++;
    }
  }
  return count;
}

/**
 * atan2(y, x) on Float64 (ClickHouse 18.16 has no atan2), both arguments already Float64:
 * IEEE 754 / C99 special cases first (NaN, signed zeros, infinities), then atan of the ratio
 * in the right quadrant, with the low part of pi (pi - fl(pi)) added back as libm does. Past
 * the diagonal on the negative side it uses pi/2 + atan(|x/y|), which keeps results near
 * ±pi/2 exact. Results are within 1 ulp of glibc's correctly rounded atan2 (behind Rust's
 * f64::atan2), but the rounding of y/x and ClickHouse's own atan make about one value in ten
 * of arbitrary arguments differ from CnosDB in the last digit; small ratios such as
 * atan2(1, -1) = 2.356194490192345 are exact.
 */
function atan2Sql(y: string, x: string): string {
  const piLo = '1.2246467991473532e-16';
  const halfPiLo = '6.123233995736766e-17';
  const sign = `if(${y} < 0, -1, 1)`;
  return (
    `multiIf(isNaN(${y}) OR isNaN(${x}), ${y} + ${x}, ` +
    // y = ±0: ±0 when x is positive or +0, ±pi when x is negative or -0 (1 / -0 = -inf).
    `${y} = 0, if(${x} > 0 OR 1 / ${x} > 0, ${y}, if(1 / ${y} < 0, -pi(), pi())), ` +
    `${x} = 0, ${sign} * (pi() / 2), ` +
    `isInfinite(${y}), ${sign} * if(isInfinite(${x}), if(${x} > 0, pi() / 4, pi() * 0.75), pi() / 2), ` +
    `${sign} * if(${x} > 0, atan(abs(${y} / ${x})), if(abs(${y}) <= abs(${x}), ` +
    `pi() - (atan(abs(${y} / ${x})) - ${piLo}), pi() / 2 + (atan(abs(${x} / ${y})) + ${halfPiLo}))))`
  );
}

/** An integer argument that ClickHouse 18.16 needs as a constant (substring positions). */
function intConstant(e: TExpr, fname: string): bigint {
  if (e.constant?.kind === 'int') return e.constant.value;
  throw notImplemented(`${fname} with a non-constant position or length`);
}

/** DataFusion names built-in scalar functions by their first alias. */
function canonicalFunctionName(fname: string): string {
  const aliases: Record<string, string> = {
    pow: 'power', char_length: 'character_length', length: 'character_length', substring: 'substr',
    instr: 'strpos', datetrunc: 'date_trunc', datepart: 'date_part',
  };
  return aliases[fname] ?? fname;
}

/** floor(x, step) relative to an origin, in integer arithmetic that also works before the epoch. */
function floorTo(sql: string, step: bigint, origin: bigint): string {
  const shifted = origin === 0n ? sql : `(${sql} - ${origin})`;
  return `(${sql} - ((${shifted} % ${step}) + ${step}) % ${step})`;
}

function dateBin(args: TExpr[], name: string): TExpr {
  if (args.length !== 2 && args.length !== 3) throw planError('DATE_BIN expected two or three arguments');
  const [stride, source, origin] = args;
  if (stride.constant?.kind !== 'interval') throw notImplemented('DATE_BIN with a non-constant stride');
  const unit = tsUnit(source.type);
  if (unit === undefined) throw planError(`DATE_BIN expects source argument to be a TIMESTAMP but got ${arrowName(source.type)}`);
  const nanos = fixedIntervalNanos(stride.constant.value);
  if (nanos === undefined) throw notImplemented('DATE_BIN with month or year intervals');
  if (nanos <= 0n) throw new SqlSemanticError('Datafusion: Execution error: DATE_BIN stride must be non-zero', SqlErrorCode.datafusion);
  let originNanos = 0n;
  if (origin !== undefined) {
    const ou = tsUnit(origin.type);
    if (origin.constant?.kind === 'timestamp' && ou !== undefined) originNanos = origin.constant.value * NANOS_PER[ou];
    else if (origin.constant?.kind === 'string') {
      const parsed = parseTimestampNanos(origin.constant.value);
      if (parsed === undefined) throw timestampParseError(origin.constant.value);
      originNanos = parsed;
    } else throw notImplemented('DATE_BIN with a non-constant origin');
  }
  const step = nanos / NANOS_PER[unit];
  if (step === 0n) throw notImplemented('DATE_BIN with a stride finer than the time column');
  return node(args, floorTo(source.sql, step, originNanos / NANOS_PER[unit]), source.type, name);
}

/** A window or slide argument of time_window: an interval or a CnosDB duration string. */
function windowDurationArg(e: TExpr): bigint {
  if (e.constant?.kind === 'interval') return checkWindowDuration(intervalWindowNanos(e.constant.value));
  if (e.constant?.kind === 'string') return checkWindowDuration(parseWindowDuration(e.constant.value));
  throw invalidTimeWindowParam(`Expected interval, but found ${e.name}`);
}

/** A constant timestamp argument (timestamp or string literal) in nanoseconds. */
function constantNanos(e: TExpr, what: string): bigint {
  const unit = tsUnit(e.type);
  if (e.constant?.kind === 'timestamp' && unit !== undefined) return e.constant.value * NANOS_PER[unit];
  if (e.constant?.kind === 'string') {
    const nanos = parseTimestampNanos(e.constant.value);
    if (nanos === undefined) throw timestampParseError(e.constant.value);
    return nanos;
  }
  throw notImplemented(`${what} with a non-constant argument`);
}

/**
 * time_window(time, window[, slide[, origin]]) → the struct {start, end} of each window that
 * contains the row (a sliding window repeats the row once per window, via arrayJoin);
 * time_window_gapfill(...) → the window start, the rest of the work is the engine's.
 */
function timeWindow(args: TExpr[], name: string, gapfill: boolean): TExpr {
  const fname = gapfill ? 'time_window_gapfill' : 'time_window';
  if (args.length < 2 || args.length > 4) {
    throw planError(`No function matches the given name and argument types '${fname}(${args.map((a) => arrowName(a.type)).join(', ')})'`);
  }
  const [time, windowArg, slideArg, originArg] = args;
  const unit = tsUnit(time.type);
  if (unit === undefined) throw planError(`${fname} expects a TIMESTAMP as its first argument but got ${arrowName(time.type)}`);
  const windowNs = windowDurationArg(windowArg);
  const slideNs = slideArg === undefined ? windowNs : windowDurationArg(slideArg);
  const originNs = originArg === undefined ? 0n : constantNanos(originArg, fname);
  const per = NANOS_PER[unit];
  if (windowNs % per !== 0n || slideNs % per !== 0n) throw notImplemented(`${fname} with a duration finer than the time column`);
  const window = windowNs / per;
  const slide = slideNs / per;
  // Window starts are origin + k * slide; floor division keeps that true before the epoch.
  const origin = (((originNs / per) % slide) + slide) % slide;
  const t = time.sql;
  const lastStart = floorTo(t, slide, origin);
  let windows: ((item: (start: string) => string) => string) | undefined;
  if (window !== slide) {
    const overlapping = (window + slide - 1n) / slide;
    if (overlapping > MAX_OVERLAPPING_WINDOWS) throw planError(`Too many overlapping windows: ${overlapping}`);
    // The candidate starts are lastStart, lastStart - slide, …; those that still contain the
    // row form a prefix of that list, of length ceil((window - (t - lastStart)) / slide).
    // (No lambdas: ClickHouse 18.16 loses their captured columns next to aggregates.)
    const offsets = Array.from({ length: Number(overlapping) }, (_, i) => BigInt(i) * slide);
    const count = `intDiv(${window} - (${t} - ${lastStart}) + ${slide - 1n}, ${slide})`;
    windows = (item) => `arrayJoin(arraySlice([${offsets.map((o) => item(o === 0n ? lastStart : `(${lastStart} - ${o})`)).join(', ')}], 1, ${count}))`;
  }
  const extra: Partial<TExpr> = { nullable: false, pushable: false };
  if (gapfill) {
    const column = time.column;
    if (column === undefined) throw planError('TIME_WINDOW_GAPFILL requires a column as the source argument');
    const sql = windows === undefined ? lastStart : windows((start) => start);
    return node(args, sql, time.type, name, { ...extra, gapfill: { time: column, unit, window, slide, origin } });
  }
  const struct = (start: string): string => `tuple(${start}, ${start} + ${window})`;
  return node(args, windows === undefined ? struct(lastStart) : windows(struct), windowType(unit), name, extra);
}

/** DataFusion 27's date_part (alias datepart): a Float64 field of a timestamp, in UTC. */
function datePart(args: TExpr[], name: string): TExpr {
  if (args.length !== 2) throw planError(`No function matches the given name and argument types 'date_part(${args.map((a) => arrowName(a.type)).join(', ')})'`);
  const [part, source] = args;
  if (part.constant?.kind !== 'string') throw notImplemented('date_part with a non-constant part');
  const unit = tsUnit(source.type);
  if (unit === undefined) throw planError(`date_part expects a TIMESTAMP but got ${arrowName(source.type)}`);
  const t = source.sql;
  const perSecond = 1_000_000_000n / NANOS_PER[unit];
  const subsecond = `(((${t} % ${perSecond}) + ${perSecond}) % ${perSecond})`;
  const seconds = `intDiv(${t} - ${subsecond}, ${perSecond})`;
  const dt = `toDateTime(${seconds}, 'UTC')`;
  const nanos = `(${subsecond} * ${NANOS_PER[unit]})`;
  const fields: Record<string, string> = {
    year: `toYear(${dt})`,
    quarter: `toQuarter(${dt})`,
    month: `toMonth(${dt})`,
    week: `toISOWeek(${dt})`,
    day: `toDayOfMonth(${dt})`,
    hour: `toHour(${dt})`,
    minute: `toMinute(${dt})`,
    second: `(toSecond(${dt}) + ${nanos} / 1000000000)`,
    millisecond: `(toSecond(${dt}) * 1000 + ${nanos} / 1000000)`,
    microsecond: `(toSecond(${dt}) * 1000000 + ${nanos} / 1000)`,
    nanosecond: `(toSecond(${dt}) * 1000000000 + ${nanos})`,
    dow: `(toDayOfWeek(${dt}) % 7)`,
    doy: `toDayOfYear(${dt})`,
    epoch: `(toFloat64(${t}) / ${perSecond})`,
  };
  const sql = fields[part.constant.value.toLowerCase()];
  if (sql === undefined) {
    throw new SqlSemanticError(`Datafusion: Execution error: Date part '${part.constant.value}' not supported`, SqlErrorCode.datafusion);
  }
  return node(args, `toFloat64(${sql})`, 'DOUBLE', name);
}

/**
 * to_timestamp (integers are nanoseconds), to_timestamp_millis / _micros / _seconds and
 * from_unixtime (integers in that unit); strings are parsed as timestamps. There is no
 * second-precision type here, so second-based results are millisecond timestamps (same text).
 */
function toTimestamp(fname: string, args: TExpr[], name: string): TExpr {
  if (args.length !== 1) throw planError(`No function matches the given name and argument types '${fname}(${args.map((a) => arrowName(a.type)).join(', ')})'`);
  const [x] = args;
  const target: TimeUnitName = fname === 'to_timestamp' ? 'ns' : fname === 'to_timestamp_micros' ? 'us' : 'ms';
  // Integers count this many target units each.
  const scale = fname === 'to_timestamp_seconds' || fname === 'from_unixtime' ? 1000n : 1n;
  const type = UNIT_TYPE[target];
  if (x.constant?.kind === 'string' && fname !== 'from_unixtime') {
    const nanos = parseTimestampNanos(x.constant.value);
    if (nanos === undefined) throw timestampParseError(x.constant.value);
    const value = floorDiv(nanos, NANOS_PER[target]);
    return node(args, value.toString(), type, name, { constant: { kind: 'timestamp', value } });
  }
  if (x.constant?.kind === 'int') {
    const value = x.constant.value * scale;
    return node(args, value.toString(), type, name, { constant: { kind: 'timestamp', value } });
  }
  if (isInt(x.type)) return node(args, scale === 1n ? `toInt64(${x.sql})` : `(toInt64(${x.sql}) * ${scale})`, type, name);
  const unit = tsUnit(x.type);
  if (unit !== undefined && fname !== 'from_unixtime') {
    const conv = NANOS_PER[unit] >= NANOS_PER[target] ? `(${x.sql} * ${NANOS_PER[unit] / NANOS_PER[target]})` : `intDiv(${x.sql}, ${NANOS_PER[target] / NANOS_PER[unit]})`;
    return node(args, conv, type, name);
  }
  if (x.constant?.kind === 'float') throw timestampParseError(rustFloat(x.constant.value));
  if (x.type === 'STRING' && fname !== 'from_unixtime') {
    // Seconds from ClickHouse's parser (it applies zone offsets), the fraction from the text:
    // 18.16 has no sub-second DateTime.
    const seconds = `toInt64(toUInt32(parseDateTimeBestEffort(${x.sql})))`;
    const nanos = `toInt64(substring(concat(extract(${x.sql}, ':\\\\d\\\\d\\\\.(\\\\d+)'), '000000000'), 1, 9))`;
    const per = NANOS_PER[target];
    return node(args, `(${seconds} * ${1_000_000_000n / per} + intDiv(${nanos}, ${per}))`, type, name);
  }
  throw planError(`No function matches the given name and argument types '${fname}(${arrowName(x.type)})'`);
}

function dateTrunc(args: TExpr[], name: string): TExpr {
  if (args.length !== 2) throw planError('date_trunc expects two arguments');
  const [granularity, source] = args;
  if (granularity.constant?.kind !== 'string') throw notImplemented('date_trunc with a non-constant granularity');
  const unit = tsUnit(source.type);
  if (unit === undefined) throw planError(`date_trunc expects a TIMESTAMP but got ${arrowName(source.type)}`);
  const g = granularity.constant.value.toLowerCase();
  const per = NANOS_PER[unit];
  const fixed: Record<string, bigint> = {
    microsecond: 1_000n, millisecond: 1_000_000n, second: 1_000_000_000n, minute: 60_000_000_000n,
    hour: 3_600_000_000_000n, day: 86_400_000_000_000n, week: 7n * 86_400_000_000_000n,
  };
  if (fixed[g] !== undefined) {
    const step = fixed[g] / per;
    if (step <= 1n) return node(args, source.sql, source.type, name);
    // Weeks start on Monday; 1970-01-05 was the first Monday after the epoch.
    return node(args, floorTo(source.sql, step, g === 'week' ? (4n * 86_400_000_000_000n) / per : 0n), source.type, name);
  }
  const calendar: Record<string, string> = { month: 'toStartOfMonth', quarter: 'toStartOfQuarter', year: 'toStartOfYear' };
  if (calendar[g] !== undefined) {
    const seconds = `intDiv(${source.sql}, ${1_000_000_000n / per})`;
    const sql = `(toInt64(toUInt32(toDateTime(${calendar[g]}(toDateTime(${seconds}, 'UTC')), 'UTC'))) * ${1_000_000_000n / per})`;
    return node(args, sql, source.type, name);
  }
  throw new SqlSemanticError(`Datafusion: Execution error: Unsupported date_trunc granularity: ${granularity.constant.value}`, SqlErrorCode.datafusion);
}

// ---------------------------------------------------------------------------------------------
// FROM clause

function tableRefOf(name: Ident[]): TableRef {
  const parts = name.map((p) => p.value);
  if (parts.length > 3) throw planError(`Unsupported compound identifier '${parts.join('.')}'`);
  const ref: TableRef = { name: parts[parts.length - 1] };
  if (parts.length >= 2) ref.database = parts[parts.length - 2];
  if (parts.length === 3) ref.tenant = parts[0];
  return ref;
}

function buildFactor(f: TableFactor, lv: Level): FromRel {
  switch (f.kind) {
    case 'table': {
      const parts = f.name.map((p) => p.value);
      const cte = parts.length === 1 ? lv.ctes.get(parts[0]) : undefined;
      if (cte !== undefined) {
        const out = translateQuery(cte, { ...lv, scope: [] }, false);
        return derivedRel(out, [f.alias?.value ?? parts[0]]);
      }
      const ref = tableRefOf(f.name);
      const table = lv.state.catalog.table(ref.name, ref.database, ref.tenant);
      if (table === undefined) throw new TableNotFoundError(ref.name, ref.database, ref.tenant);
      return new BaseTable(table, f.alias !== undefined ? [f.alias.value] : parts, lv.state);
    }
    case 'derived': {
      const out = translateQuery(f.subquery, { ...lv, scope: [] }, false);
      return derivedRel(out, f.alias === undefined ? undefined : [f.alias.value]);
    }
    case 'nestedJoin': {
      if (f.alias !== undefined) throw notImplemented('aliases on parenthesized joins');
      return buildTableWithJoins(f.tableWithJoins, lv);
    }
  }
}

/** The columns a join side must expose: the used ones, or one column so the SELECT is valid. */
function usedColumns(columns: ScopeColumn[]): ScopeColumn[] {
  const used = columns.filter((c) => c.used);
  if (used.length > 0) return used;
  if (columns.length > 0) markUsed(columns[0]);
  return columns.slice(0, 1);
}

function buildTableWithJoins(twj: TableWithJoins, lv: Level): FromRel {
  let current = buildFactor(twj.relation, lv);
  for (const join of twj.joins) {
    const right = buildFactor(join.relation, lv);
    current = joinRelations(current, right, join, lv);
  }
  return current;
}

function joinRelations(left: FromRel, right: FromRel, join: TableWithJoins['joins'][number], lv: Level): FromRel {
  const nullLeft = join.kind === 'RIGHT' || join.kind === 'FULL';
  const nullRight = join.kind === 'LEFT' || join.kind === 'FULL';
  const copy = (c: ScopeColumn, nullable: boolean): ScopeColumn => ({ ...c, nullable: c.nullable || nullable, source: c, used: false, base: undefined });
  const columns = [...left.columns.map((c) => copy(c, nullLeft)), ...right.columns.map((c) => copy(c, nullRight))];
  const state = lv.state;
  const allUsed = (): string => [...usedColumns(columns)].map((c) => c.sql).join(', ');

  if (join.constraint.kind === 'natural') throw notImplemented('NATURAL JOIN');
  if (join.kind === 'CROSS' || join.constraint.kind === 'none') {
    if (join.kind !== 'CROSS' && join.kind !== 'INNER') throw planError(`${join.kind} JOIN requires a join condition`);
    return { columns, render: () => `(SELECT ${allUsed()} FROM ${left.render()} CROSS JOIN ${right.render()})` };
  }

  // The ON/USING condition sees both sides; ClickHouse 18.16 joins only on equal keys via USING.
  const joinLevel: Level = { ...lv, scope: [...left.columns, ...right.columns] };
  const tr = new ExprTranslator(joinLevel);
  const keys: { left: string; right: string; alias: string }[] = [];
  const residual: string[] = [];
  const side = (e: TExpr): 'left' | 'right' | 'both' | 'none' => {
    const l = e.cols.some((c) => left.columns.includes(c));
    const r = e.cols.some((c) => right.columns.includes(c));
    return l && r ? 'both' : l ? 'left' : r ? 'right' : 'none';
  };
  const addKey = (a: TExpr, b: TExpr): void => {
    const [ls, rs] = tr.comparable(a, b, '=');
    keys.push({ left: ls, right: rs, alias: state.fresh() });
  };

  if (join.constraint.kind === 'using') {
    for (const col of join.constraint.columns) {
      const leftTr = new ExprTranslator({ ...lv, scope: left.columns });
      const rightTr = new ExprTranslator({ ...lv, scope: right.columns });
      const ident: Expr = { kind: 'identifier', parts: [col] };
      addKey(leftTr.translate(ident, plainMode('JOIN')), rightTr.translate(ident, plainMode('JOIN')));
    }
  } else {
    for (const conjunct of splitConjuncts(join.constraint.expr)) {
      if (conjunct.kind === 'binary' && conjunct.op === '=') {
        const a = tr.translate(conjunct.left, plainMode('JOIN'));
        const b = tr.translate(conjunct.right, plainMode('JOIN'));
        const sa = side(a);
        const sb = side(b);
        if (sa === 'left' && sb === 'right') {
          addKey(a, b);
          continue;
        }
        if (sa === 'right' && sb === 'left') {
          addKey(b, a);
          continue;
        }
      }
      const e = tr.translate(conjunct, { ...plainMode('JOIN'), filter: true });
      residual.push(e.sql);
    }
  }
  if (keys.length === 0) {
    if (join.kind !== 'INNER') throw notImplemented(`${join.kind} JOIN without an equality condition`);
    return {
      columns,
      render: () => `(SELECT ${allUsed()} FROM ${left.render()} CROSS JOIN ${right.render()} WHERE ${residual.join(' AND ')})`,
    };
  }
  if (residual.length > 0 && join.kind !== 'INNER') throw notImplemented(`${join.kind} JOIN with conditions other than equalities`);
  state.usesJoin = true;
  const sideSql = (rel: FromRel, exprs: string[]): string => {
    const cols = usedColumns(rel.columns).map((c) => c.sql);
    return `(SELECT ${[...cols, ...exprs].join(', ')} FROM ${rel.render()})`;
  };
  return {
    columns,
    render: () => {
      const l = sideSql(left, keys.map((k) => `${k.left} AS ${k.alias}`));
      const r = sideSql(right, keys.map((k) => `${k.right} AS ${k.alias}`));
      const where = residual.length > 0 ? ` WHERE ${residual.join(' AND ')}` : '';
      return `(SELECT ${allUsed()} FROM ${l} ALL ${join.kind} JOIN ${r} USING (${keys.map((k) => k.alias).join(', ')})${where})`;
    },
  };
}

function buildFrom(from: TableWithJoins[], lv: Level): FromRel | undefined {
  if (from.length === 0) return undefined;
  let current = buildTableWithJoins(from[0], lv);
  for (const twj of from.slice(1)) {
    current = joinRelations(current, buildTableWithJoins(twj, lv), { kind: 'CROSS', relation: twj.relation, constraint: { kind: 'none' } }, lv);
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Queries

/** Output formatting: booleans as true/false; everything else is already canonical text. */
function formatSql(sql: string, type: SqlType): string {
  if (windowUnit(type) !== undefined) return `concat(toString(tupleElement(${sql}, 1)), ',', toString(tupleElement(${sql}, 2)))`;
  return type === 'BOOLEAN' ? `arrayElement(['false', 'true'], ${sql} + 1)` : sql;
}

/**
 * Formats the output columns of a finished query in an outer SELECT. Needed for time_window
 * columns: ClickHouse 18.16 cannot resolve an arrayJoin GROUP BY key inside another function
 * of the same SELECT. The outer SELECT keeps the inner one's order.
 */
function formatOutside(out: QueryOut, state: State): QueryOut {
  const columns = out.columns.map((c) => ({ ...c, alias: state.fresh() }));
  const list = out.columns.map((c, i) => `${formatSql(c.alias, c.type)} AS ${columns[i].alias}`);
  return { ...out, sql: `SELECT ${list.join(', ')} FROM (${out.sql})`, columns };
}

function limitValue(e: Expr | undefined, what: 'LIMIT' | 'OFFSET'): bigint | undefined {
  if (e === undefined) return undefined;
  let negative = false;
  let inner = e;
  while (inner.kind === 'nested') inner = inner.expr;
  if (inner.kind === 'unary' && inner.op === '-') {
    negative = true;
    inner = inner.expr;
  }
  if (inner.kind === 'literal' && inner.value.type === 'null' && what === 'LIMIT') return undefined;
  if (inner.kind !== 'literal' || inner.value.type !== 'number' || !/^\d+$/.test(inner.value.text)) {
    throw planError(`Unexpected expression in ${what} clause`);
  }
  const v = BigInt(inner.value.text) * (negative ? -1n : 1n);
  if (v < 0n) throw planError(what === 'LIMIT' ? 'LIMIT must not be negative' : `Offset must be >= 0, '${v}' was provided.`);
  return v;
}

function limitClause(limit: Expr | undefined, offset: Expr | undefined): string {
  const l = limitValue(limit, 'LIMIT');
  const o = limitValue(offset, 'OFFSET');
  if (l === undefined && (o === undefined || o === 0n)) return '';
  return ` LIMIT ${o !== undefined && o > 0n ? `${o}, ` : ''}${l ?? UNLIMITED}`;
}

function orderTerm(sql: string, asc: boolean | undefined, nullsFirst: boolean | undefined): string {
  const ascending = asc ?? true;
  // DataFusion's default puts NULLs first when descending; ClickHouse always defaults to last.
  const first = nullsFirst ?? !ascending;
  return `${sql} ${ascending ? 'ASC' : 'DESC'} NULLS ${first ? 'FIRST' : 'LAST'}`;
}

function checkUniqueNames(columns: OutColumn[]): void {
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    const key = flatName(c.qualifier, c.name);
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw planError(
        `Projections require unique expression names but the expression "${key}" at position ${previous} and "${key}" at position ${i} have the same name. Consider aliasing ("AS") one of them.`,
      );
    }
    seen.set(key, i);
  });
}

interface ProjectionItem {
  expr: TExpr;
  alias?: string;
}

function translateSelectLevel(select: Select, query: Query, lv0: Level, format: boolean): QueryOut {
  const rel = buildFrom(select.from, lv0);
  const lv: Level = { ...lv0, scope: rel?.columns ?? [] };
  const tr = new ExprTranslator(lv);
  const state = lv.state;

  // WHERE, with conjuncts on time and tags moved before the merge so that ClickHouse prunes.
  const where: string[] = [];
  for (const conjunct of splitConjuncts(select.where)) {
    const mode: Mode = { ...plainMode('WHERE'), filter: true };
    const e = tr.translate(conjunct, mode);
    if (e.type !== 'BOOLEAN' && e.type !== 'NULL') {
      throw planError(`Cannot create filter with non-boolean predicate '${e.name}' returning ${arrowName(e.type)}`);
    }
    if (rel instanceof BaseTable && e.pushable && e.cols.length > 0) {
      rel.pushed.push(tr.translate(conjunct, { ...mode, inner: true }).sql);
    } else {
      where.push(e.sql);
    }
  }

  // Projection list, wildcards expanded.
  type Item = { ast: Expr; column?: undefined; alias?: Ident } | { ast?: undefined; column: ScopeColumn; alias?: undefined };
  const items: Item[] = [];
  for (const item of select.projection) {
    if (item.kind === 'wildcard') {
      if (rel === undefined) throw planError('SELECT * with no tables specified is not valid');
      items.push(...lv.scope.map((column) => ({ column })));
    } else if (item.kind === 'qualifiedWildcard') {
      const q = item.qualifier.map((p) => p.value);
      const cols = lv.scope.filter((c) => qualifierMatches(c.qualifier, q) && (c.qualifier?.length ?? 0) >= q.length);
      if (cols.length === 0) throw planError(`Invalid qualifier ${q.join('.')}`);
      items.push(...cols.map((column) => ({ column })));
    } else {
      items.push({ ast: item.expr, alias: item.alias });
    }
  }
  const aliases = new Map<string, Expr>();
  for (const it of items) if (it.alias !== undefined && it.ast !== undefined) aliases.set(it.alias.value, it.ast);

  const isAggregate =
    select.groupBy.length > 0 ||
    items.some((it) => containsAggregate(it.ast)) ||
    containsAggregate(select.having) ||
    (select.from.length > 0 && query.orderBy.some((o) => containsAggregate(o.expr)));

  // GROUP BY: positions and SELECT aliases refer to projection expressions.
  const keys = new Map<string, TExpr>();
  const groupSql: string[] = [];
  for (const g of select.groupBy) {
    let ast = g;
    if (g.kind === 'literal' && g.value.type === 'number' && /^\d+$/.test(g.value.text)) {
      const pos = Number(g.value.text);
      const target = items[pos - 1];
      if (target === undefined) throw planError(`Cannot find column with position ${pos} in SELECT clause. Valid columns: 1 to ${items.length}`);
      const col = target.column;
      ast = target.ast ?? { kind: 'identifier', parts: [...(col?.qualifier ?? []), col?.name ?? ''].map((value) => ({ value, quoted: true })) };
    } else if (g.kind === 'identifier' && g.parts.length === 1 && !lv.scope.some((c) => c.name === g.parts[0].value)) {
      ast = aliases.get(g.parts[0].value) ?? g;
    }
    const e = tr.translate(ast, plainMode('GROUP BY'));
    if (!keys.has(e.name)) {
      keys.set(e.name, e);
      groupSql.push(e.sql);
    }
  }

  const valueMode = (clause: string, filter = false): Mode => ({
    filter,
    inner: false,
    allowAggregates: true,
    clause,
    inAggArg: false,
    keys: isAggregate ? keys : undefined,
  });
  const available = (): string => [...keys.keys(), ...tr.aggregates].join(', ');
  const checkCovered = (e: TExpr, prefix: string): void => {
    if (isAggregate && e.uncovered.length > 0) {
      throw planError(
        `${prefix} references non-aggregate values: Expression ${e.uncovered[0]} could not be resolved from available columns: ${available()}`,
      );
    }
  };

  const projection: ProjectionItem[] = items.map((it) => {
    const e = it.column !== undefined ? tr.columnExpr(it.column, valueMode('SELECT')) : tr.translate(it.ast, valueMode('SELECT'));
    if (e.type === 'INTERVAL') throw notImplemented('INTERVAL values in query results');
    return { expr: e, alias: it.alias?.value };
  });
  projection.forEach((p) => checkCovered(p.expr, 'Projection'));

  let having: string | undefined;
  if (select.having !== undefined) {
    if (!isAggregate) throw planError('HAVING clause references non-aggregate values');
    const e = tr.translate(select.having, { ...valueMode('HAVING', true), aliases });
    checkCovered(e, 'HAVING clause');
    having = e.sql;
  }

  const columns: OutColumn[] = projection.map((p) => ({
    qualifier: p.alias === undefined ? p.expr.column?.qualifier : undefined,
    name: p.alias ?? (p.expr.column !== undefined ? p.expr.column.name : p.expr.name),
    type: p.expr.type,
    nullable: p.expr.nullable,
    alias: state.fresh(),
  }));
  checkUniqueNames(columns);

  // ORDER BY: output names and positions first, then anything in the FROM scope.
  const order = query.orderBy.map((o) => {
    let e: TExpr | undefined;
    const x = o.expr;
    if (x.kind === 'literal' && x.value.type === 'number' && /^\d+$/.test(x.value.text)) {
      const pos = Number(x.value.text);
      if (pos < 1 || pos > projection.length) throw planError(`Order by column out of bounds, specified: ${pos}, max: ${projection.length}`);
      e = projection[pos - 1].expr;
    } else if (x.kind === 'identifier' && x.parts.length === 2 && ['start', 'end'].includes(x.parts[1].value)) {
      // `w.start` where w is a time_window column of this SELECT.
      const i = columns.findIndex((c) => c.name === x.parts[0].value && windowUnit(c.type) !== undefined);
      if (i >= 0 && !lv.scope.some((c) => c.name === x.parts[0].value)) {
        const unit = windowUnit(columns[i].type) as TimeUnitName;
        const w = projection[i].expr;
        e = { ...w, sql: `tupleElement(${w.sql}, ${x.parts[1].value === 'start' ? 1 : 2})`, type: UNIT_TYPE[unit] };
      }
    } else if (x.kind === 'identifier' && x.parts.length === 1) {
      const i = columns.findIndex((c) => c.name === x.parts[0].value);
      if (i >= 0 && (projection[i].alias !== undefined || !lv.scope.some((c) => c.name === x.parts[0].value) || projection[i].expr.column !== undefined)) {
        e = projection[i].expr;
      }
    }
    if (e === undefined) {
      const sorted = tr.translate(x, valueMode('ORDER BY'));
      checkCovered(sorted, 'Projection');
      if (select.distinct && !projection.some((p) => p.expr.sql === sorted.sql)) {
        throw planError(`For SELECT DISTINCT, ORDER BY expressions ${sorted.name} must appear in select list`);
      }
      e = sorted;
    }
    return orderTerm(e.sql, o.asc, o.nullsFirst);
  });

  // Gap filling adds rows after the query: ClickHouse sorts by group and window for it, and
  // the query's own ORDER BY / LIMIT move to the engine (GapfillPlan.sort).
  const gapfill = gapfillPlan(select, query, tr, keys, projection, columns, format);
  const orderSql = gapfill === undefined ? order : gapfill.order;

  const selectList = projection.map((p, i) => {
    const inline = format && windowUnit(p.expr.type) === undefined;
    return `${inline ? formatSql(p.expr.sql, p.expr.type) : p.expr.sql} AS ${columns[i].alias}`;
  });
  let sql = `SELECT ${select.distinct ? 'DISTINCT ' : ''}${selectList.join(', ')}`;
  if (rel !== undefined) sql += ` FROM ${rel.render()}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  if (groupSql.length > 0) sql += ` GROUP BY ${groupSql.join(', ')}`;
  if (having !== undefined) sql += ` HAVING ${having}`;
  if (orderSql.length > 0) sql += ` ORDER BY ${orderSql.join(', ')}`;
  if (gapfill === undefined) sql += limitClause(query.limit, query.offset);
  return gapfill === undefined ? { sql, columns } : { sql, columns, gapfill: gapfill.plan };
}

// More windows than this per group is almost certainly a mistake (and would exhaust memory).
const MAX_GAPFILL_WINDOWS = 1_000_000n;

/**
 * For a query with time_window_gapfill as a GROUP BY key: the engine's fill plan and the
 * ORDER BY (group columns, then window start) it relies on. Undefined for other queries.
 */
function gapfillPlan(
  select: Select,
  query: Query,
  tr: ExprTranslator,
  keys: Map<string, TExpr>,
  projection: ProjectionItem[],
  columns: OutColumn[],
  format: boolean,
): { plan: GapfillPlan; order: string[] } | undefined {
  const gapKeys = [...keys.values()].filter((k) => k.gapfill !== undefined);
  if (projection.some((p) => p.expr.gapfill !== undefined && !keys.has(p.expr.name))) {
    throw planError('time_window_gapfill may only be used as a GROUP BY expression');
  }
  const filled = projection.find((p) => p.expr.fill !== undefined);
  if (gapKeys.length === 0) {
    if (filled !== undefined) throw planError(`${filled.expr.fill} may only be used in a gap-filling query`);
    return undefined;
  }
  if (gapKeys.length > 1) throw planError('TIME_WINDOW_GAPFILL specified more than once');
  if (!format) throw notImplemented('time_window_gapfill in a subquery');
  const key = gapKeys[0];
  const w = key.gapfill as GapfillWindow;
  const indexOf = (k: TExpr): number => projection.findIndex((p) => p.expr.name === k.name);
  const timeIndex = indexOf(key);
  if (timeIndex < 0) throw notImplemented('a gap-filling query that does not select its time_window_gapfill column');
  const groupIndexes = [...keys.values()].filter((k) => k !== key).map((k) => {
    const i = indexOf(k);
    if (i < 0) throw notImplemented(`a gap-filling query that does not select its GROUP BY key ${k.name}`);
    return i;
  });

  const { lower, upper } = timeBounds(select.where, tr, w);
  if (lower === undefined && upper === undefined) throw planError('no time bounds found for gap fill query');
  if (lower === undefined) throw planError('no lower time bound found for gap fill query');
  if (upper === undefined) throw planError('no upper time bound found for gap fill query');
  const { first, last } = gapfillRange(lower, upper, w.window, w.slide, w.origin);
  if (last >= first && (last - first) / w.slide + 1n > MAX_GAPFILL_WINDOWS) {
    throw planError(`gap filling would produce more than ${MAX_GAPFILL_WINDOWS} windows per group`);
  }
  // The engine interpolates in Float64, which would give a Float32 column Float64 digits.
  if (projection.some((p) => p.expr.fill === 'interpolate' && p.expr.type === 'FLOAT')) {
    throw notImplemented('interpolate of a FLOAT (Float32) column');
  }
  const fills: GapfillFill[] = projection.map((p, i) =>
    i === timeIndex ? 'time' : groupIndexes.includes(i) ? 'group' : (p.expr.fill ?? 'null'),
  );
  const order = [...groupIndexes, timeIndex].map((i) => orderTerm(projection[i].expr.sql, true, false));
  const plan: GapfillPlan = { fills, integer: projection.map((p) => isInt(p.expr.type)), first, last, step: w.slide };
  if (query.orderBy.length > 0) plan.sort = query.orderBy.map((o) => gapfillSortKey(o, tr, projection, columns));
  const limit = limitValue(query.limit, 'LIMIT');
  const offset = limitValue(query.offset, 'OFFSET');
  if (limit !== undefined) plan.limit = limit;
  if (offset !== undefined && offset > 0n) plan.offset = offset;
  return { plan, order };
}

/** An ORDER BY term of a gap-filling query: it must name an output column (the engine sorts). */
function gapfillSortKey(o: Query['orderBy'][number], tr: ExprTranslator, projection: ProjectionItem[], columns: OutColumn[]): GapfillSortKey {
  const x = o.expr;
  let index = -1;
  if (x.kind === 'literal' && x.value.type === 'number' && /^\d+$/.test(x.value.text)) {
    index = Number(x.value.text) - 1;
    if (index < 0 || index >= columns.length) throw planError(`Order by column out of bounds, specified: ${index + 1}, max: ${columns.length}`);
  } else if (x.kind === 'identifier' && x.parts.length === 1) {
    index = columns.findIndex((c) => c.name === x.parts[0].value);
  }
  if (index < 0) {
    const name = tr.translate(x, { ...plainMode('ORDER BY'), allowAggregates: true }).name;
    index = projection.findIndex((p) => p.expr.name === name);
  }
  if (index < 0) throw notImplemented('ORDER BY a gap-filling query on something other than its output columns');
  const type = columns[index].type;
  const compare: GapfillSortKey['compare'] = isFloat(type) ? 'float' : isInt(type) || tsUnit(type) !== undefined ? 'integer' : 'text';
  const asc = o.asc ?? true;
  return { index, asc, nullsFirst: o.nullsFirst ?? !asc, compare };
}

/** The inclusive time range (in the time column's unit) that WHERE's conjuncts put on the gap-fill time column. */
function timeBounds(where: Expr | undefined, tr: ExprTranslator, w: GapfillWindow): { lower?: bigint; upper?: bigint } {
  let lower: bigint | undefined;
  let upper: bigint | undefined;
  const atLeast = (v: bigint): void => {
    lower = lower === undefined || v > lower ? v : lower;
  };
  const atMost = (v: bigint): void => {
    upper = upper === undefined || v < upper ? v : upper;
  };
  const isTime = (e: Expr): boolean => tr.translate(e, plainMode('WHERE')).column === w.time;
  const value = (e: Expr): bigint | undefined => constantTime(tr.translate(e, plainMode('WHERE')), w.unit);
  for (const c of splitConjuncts(where)) {
    if (c.kind === 'between' && !c.negated && isTime(c.expr)) {
      const lo = value(c.low);
      const hi = value(c.high);
      if (lo !== undefined) atLeast(lo);
      if (hi !== undefined) atMost(hi);
      continue;
    }
    if (c.kind !== 'binary' || !['=', '<', '<=', '>', '>='].includes(c.op)) continue;
    let op = c.op;
    let other: Expr;
    if (isTime(c.left)) other = c.right;
    else if (isTime(c.right)) {
      other = c.left;
      op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
    } else continue;
    const v = value(other);
    if (v === undefined) continue;
    if (op === '=' || op === '>=') atLeast(v);
    if (op === '=' || op === '<=') atMost(v);
    if (op === '>') atLeast(v + 1n);
    if (op === '<') atMost(v - 1n);
  }
  return { lower, upper };
}

/** A constant compared with a time column, in that column's unit (undefined if not constant). */
function constantTime(e: TExpr, unit: TimeUnitName): bigint | undefined {
  const per = NANOS_PER[unit];
  const eu = tsUnit(e.type);
  if (e.constant?.kind === 'timestamp' && eu !== undefined) return floorDiv(e.constant.value * NANOS_PER[eu], per);
  if (e.constant?.kind === 'string') {
    const nanos = parseTimestampNanos(e.constant.value);
    return nanos === undefined ? undefined : floorDiv(nanos, per);
  }
  if (e.constant?.kind === 'int') return e.constant.value;
  return undefined;
}

function translateSetExpr(body: SetExpr, lv: Level): QueryOut {
  switch (body.kind) {
    case 'select':
      return translateSelectLevel(body.select, { with: [], body, orderBy: [] }, lv, false);
    case 'query':
      return translateQuery(body.query, lv, false);
    case 'setOperation': {
      if (body.op !== 'UNION') throw notImplemented(body.op);
      const left = translateSetExpr(body.left, lv);
      const right = translateSetExpr(body.right, lv);
      if (left.columns.length !== right.columns.length) {
        throw planError(`Union queries must have the same number of columns, (left is ${left.columns.length}, right is ${right.columns.length})`);
      }
      const types = left.columns.map((l, i) => {
        const r = right.columns[i];
        try {
          return commonType([l.type, r.type], 'UNION');
        } catch {
          throw planError(`Column ${r.name} (type: ${arrowName(r.type)}) is not compatible with column ${l.name} (type: ${arrowName(l.type)})`);
        }
      });
      const conform = (side: QueryOut): QueryOut => {
        if (side.columns.every((c, i) => c.type === types[i] || c.type === 'NULL')) return side;
        const tr = new ExprTranslator({ ...lv, scope: [] });
        // Fresh aliases: `toFloat64(c7) AS c7` would be a cyclic alias for ClickHouse.
        const columns = side.columns.map((c, i) => ({ ...c, type: types[i], alias: lv.state.fresh() }));
        const list = side.columns.map((c, i) => {
          const e = leaf(c.alias, c.type, c.name, { nullable: c.nullable });
          return `${c.type === 'NULL' ? 'NULL' : tr.convert(e, types[i])} AS ${columns[i].alias}`;
        });
        return { sql: `SELECT ${list.join(', ')} FROM (${side.sql})`, columns };
      };
      const l = conform(left);
      const r = conform(right);
      const columns = l.columns.map((c, i) => ({ ...c, type: types[i], nullable: c.nullable || right.columns[i].nullable }));
      const unionAll = `${l.sql} UNION ALL ${r.sql}`;
      return {
        sql: body.all ? unionAll : `SELECT DISTINCT ${columns.map((c) => c.alias).join(', ')} FROM (${unionAll})`,
        columns,
      };
    }
  }
}

function translateQuery(query: Query, lv0: Level, format: boolean): QueryOut {
  const ctes = new Map(lv0.ctes);
  for (const cte of query.with) ctes.set(cte.name.value, cte.query);
  const lv: Level = { ...lv0, ctes };
  if (query.body.kind === 'select') {
    const out = translateSelectLevel(query.body.select, query, lv, format);
    return format && out.columns.some((c) => windowUnit(c.type) !== undefined) ? formatOutside(out, lv.state) : out;
  }

  const inner = translateSetExpr(query.body, lv);
  const needsFormat = format && inner.columns.some((c) => c.type === 'BOOLEAN' || windowUnit(c.type) !== undefined);
  if (query.orderBy.length === 0 && query.limit === undefined && query.offset === undefined && !needsFormat) return inner;

  // ORDER BY / LIMIT over a set operation see only its output columns.
  const scope: ScopeColumn[] = inner.columns.map((c) => ({ qualifier: c.qualifier, name: c.name, type: c.type, nullable: c.nullable, sql: c.alias, used: true }));
  const tr = new ExprTranslator({ ...lv, scope });
  const order = query.orderBy.map((o) => {
    const x = o.expr;
    let sql: string;
    if (x.kind === 'literal' && x.value.type === 'number' && /^\d+$/.test(x.value.text)) {
      const pos = Number(x.value.text);
      if (pos < 1 || pos > scope.length) throw planError(`Order by column out of bounds, specified: ${pos}, max: ${scope.length}`);
      sql = scope[pos - 1].sql;
    } else {
      sql = tr.translate(x, plainMode('ORDER BY')).sql;
    }
    return orderTerm(sql, o.asc, o.nullsFirst);
  });
  const columns = inner.columns.map((c) => ({ ...c, alias: lv.state.fresh() }));
  const list = inner.columns.map((c, i) => `${format ? formatSql(c.alias, c.type) : c.alias} AS ${columns[i].alias}`);
  let sql = `SELECT ${list.join(', ')} FROM (${inner.sql})`;
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
  sql += limitClause(query.limit, query.offset);
  return { sql, columns };
}

function resultType(t: SqlType): ResultType {
  // DataFusion's Null type has no CnosDB name; its cells are all NULL, so STRING is harmless.
  if (t === 'NULL') return 'STRING';
  if (t === 'INTERVAL') throw notImplemented('INTERVAL values in query results');
  return t;
}

/**
 * Translates a parsed SELECT into one ClickHouse 18.16-compatible statement over the merged
 * (last write wins per field) view of each table, plus the CnosDB result schema.
 */
export function translateSelect(statement: Statement | Query, catalog: Catalog, options: TranslateOptions = {}): TranslatedSelect {
  const query = 'kind' in statement ? (statement.kind === 'select' ? statement.query : undefined) : statement;
  if (query === undefined) throw notImplemented(`${(statement as { keyword: string }).keyword} statements`);
  const now = options.now ?? BigInt(Date.now()) * 1_000_000n;
  const state = new State(catalog, now);
  const out = translateQuery(query, { state, ctes: new Map(), scope: [] }, true);
  const sql = state.usesJoin ? `${out.sql} SETTINGS join_use_nulls = 1` : out.sql;
  const columns = out.columns.map((c) => ({ name: c.name, type: resultType(c.type) }));
  return out.gapfill === undefined ? { sql, columns } : { sql, columns, gapfill: out.gapfill };
}

// ---------------------------------------------------------------------------------------------
// Table references

function collectTables(query: Query, ctes: Set<string>, out: TableRef[]): void {
  const visible = new Set(ctes);
  for (const cte of query.with) {
    collectTables(cte.query, visible, out);
    visible.add(cte.name.value);
  }
  const fromSet = (body: SetExpr): void => {
    if (body.kind === 'query') collectTables(body.query, visible, out);
    else if (body.kind === 'setOperation') {
      fromSet(body.left);
      fromSet(body.right);
    } else {
      const s = body.select;
      s.from.forEach((twj) => fromTwj(twj));
      const exprs: (Expr | undefined)[] = [s.where, s.having, ...s.groupBy, ...s.projection.map((p) => (p.kind === 'expr' ? p.expr : undefined))];
      exprs.forEach((e) => fromExpr(e));
    }
  };
  const fromTwj = (twj: TableWithJoins): void => {
    fromFactor(twj.relation);
    for (const j of twj.joins) {
      fromFactor(j.relation);
      if (j.constraint.kind === 'on') fromExpr(j.constraint.expr);
    }
  };
  const fromFactor = (f: TableFactor): void => {
    if (f.kind === 'derived') collectTables(f.subquery, visible, out);
    else if (f.kind === 'nestedJoin') fromTwj(f.tableWithJoins);
    else if (!(f.name.length === 1 && visible.has(f.name[0].value))) {
      const ref = tableRefOf(f.name);
      if (!out.some((r) => r.name === ref.name && r.database === ref.database && r.tenant === ref.tenant)) out.push(ref);
    }
  };
  const fromExpr = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'subquery':
      case 'exists':
        collectTables(e.query, visible, out);
        return;
      case 'inSubquery':
        fromExpr(e.expr);
        collectTables(e.subquery, visible, out);
        return;
      case 'unary':
      case 'nested':
      case 'isNull':
      case 'isBool':
      case 'cast':
        fromExpr(e.expr);
        return;
      case 'binary':
        fromExpr(e.left);
        fromExpr(e.right);
        return;
      case 'inList':
        fromExpr(e.expr);
        e.list.forEach(fromExpr);
        return;
      case 'between':
        [e.expr, e.low, e.high].forEach(fromExpr);
        return;
      case 'like':
        fromExpr(e.expr);
        fromExpr(e.pattern);
        return;
      case 'case':
        [e.operand, e.else, ...e.whens.flatMap((w) => [w.when, w.then])].forEach(fromExpr);
        return;
      case 'function':
        e.args.forEach((a) => (a.kind === 'expr' ? fromExpr(a.expr) : undefined));
        return;
      default:
        return;
    }
  };
  fromSet(query.body);
  query.orderBy.forEach((o) => fromExpr(o.expr));
}

/** Every stored table a statement reads (CTE names excluded), so the caller can load the catalog first. */
export function referencedTableRefs(statement: Statement | Query): TableRef[] {
  const query = 'kind' in statement ? (statement.kind === 'select' ? statement.query : undefined) : statement;
  const out: TableRef[] = [];
  if (query !== undefined) collectTables(query, new Set(), out);
  return out;
}

/** Names of the stored tables a statement reads; qualified ones are written `db.table`. */
export function referencedTables(statement: Statement | Query): string[] {
  return [...new Set(referencedTableRefs(statement).map((r) => [r.tenant, r.database, r.name].filter((p) => p !== undefined).join('.')))];
}
