import { randomUUID } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import { QueryEvent, RequestContext, ResultColumn, ResultRow, ResultType, RowSink, SqlExecutor } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { CnosError, Errors } from '@cnosdb/shared/errors';
import {
  Catalog,
  CatalogTable,
  parseStatement,
  Query,
  referencedTableRefs,
  splitStatements,
  SqlParseError,
  SqlSemanticError,
  Statement,
  TableNotFoundError,
  translateSelect,
} from '@cnosdb/query/sql';
import {
  CacheBound,
  ClickHouseServerError,
  ClickHouseService,
  ClickHouseUnavailableError,
  DatabaseInfo,
  isMissingSchemaError,
  MetadataStore,
  SchemaManager,
  TableSchema,
} from '@cnosdb/storage/clickhouse';
import { ConsistencyBarrier } from './consistency.barrier';
import { DdlExecutor, INFORMATION_SCHEMA } from './ddl.executor';
import { InformationSchema } from './information-schema';
import { InsertExecutor } from './insert.executor';
import { locationOf, Namespace, StatementResult, TIME_TYPES } from './namespace';
import { expiryCutoff } from './retention.service';
import { gapfillRows } from './gapfill.transform';
import { SchemaFreshness } from './schema-freshness';
import { TagScanExecutor } from './tag-scan.executor';
import { tsvRowBatches } from './tsv.reader';

const ROWS_PER_BATCH = 4096;
const CH_TIMEOUT_EXCEEDED = 159;
const CH_DIVISION_BY_ZERO = 153;
/** "Missing columns" on 18.16 (UNKNOWN_IDENTIFIER): a column a cached schema named is gone. */
const CH_UNKNOWN_IDENTIFIER = 47;
const CH_MEMORY_LIMIT_EXCEEDED = 241;
const QUERY_MARKER = 'cnosdb-query';

/** The result schema of INSERT: one BIGINT UNSIGNED column `rows` (CnosDB's AFFECTED_ROWS). */
const INSERT_RESULT: ResultColumn[] = [{ name: 'rows', type: 'BIGINT UNSIGNED' }];

/** Per-request state: the query's start time, its timeout and how stale a cached schema it may use. */
interface Execution {
  ctx: RequestContext;
  nowNs: bigint;
  abort: AbortController;
  timedOut: () => boolean;
  /** Set once the read-your-writes barrier passed; until then schemas are read fresh. */
  schemaBound: CacheBound | true;
  /** Let aggregation spill to disk (see startQuery). */
  spillAggregation: boolean;
}

/**
 * Runs CnosDB SQL: one statement per request. Queries are translated to ClickHouse SQL over
 * the merged (last-write-wins) view of each table and streamed in batches; DDL and metadata
 * statements act on ClickHouse and `_cnosdb_meta`; INSERT goes through the deployment's
 * RowSink. Every statement is bounded by `query.timeoutMs` (500 on expiry).
 */
@Injectable()
export class QueryEngineService extends SqlExecutor {
  private readonly ns: Namespace;
  private readonly ddl: DdlExecutor;
  private readonly inserts: InsertExecutor;
  private readonly tagScans: TagScanExecutor;
  private readonly informationSchema: InformationSchema;
  private readonly freshness: SchemaFreshness;

  constructor(
    @Inject(ClickHouseService) private readonly ch: ClickHouseService,
    @Inject(MetadataStore) private readonly metadata: MetadataStore,
    @Inject(SchemaManager) private readonly schemas: SchemaManager,
    @Inject(ConsistencyBarrier) private readonly barrier: ConsistencyBarrier,
    @Inject(RowSink) sink: RowSink,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.ns = new Namespace(metadata, schemas);
    this.ddl = new DdlExecutor(metadata, schemas);
    this.informationSchema = new InformationSchema(ch, metadata);
    this.freshness = new SchemaFreshness(schemas);
    const runner = (ctx: RequestContext, query: Query) => this.runQuery(this.current(ctx), query);
    this.inserts = new InsertExecutor(this.ns, sink, runner);
    this.tagScans = new TagScanExecutor(this.ns, runner);
  }

  // The runner closures above need the request's execution; statements run one at a time per
  // request, so it travels in a WeakMap keyed by the request context.
  private readonly executions = new WeakMap<RequestContext, Execution>();
  private current(ctx: RequestContext): Execution {
    const e = this.executions.get(ctx);
    if (!e) throw new Error('no execution for this request');
    return e;
  }

  async *execute(ctx: RequestContext, sql: string): AsyncGenerator<QueryEvent> {
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      yield { kind: 'schema', columns: [] };
      return;
    }
    if (statements.length > 1) throw Errors.multiStatement(statements.length, sql);
    let statement: Statement;
    try {
      // The whole text, so that errors name what sqlparser sees (e.g. `found: ;`).
      statement = parseStatement(sql);
    } catch (err) {
      if (err instanceof SqlParseError) throw Errors.sqlParser(err.message);
      throw err;
    }

    let expired = false;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      expired = true;
      abort.abort();
    }, this.config.query.timeoutMs);
    const exec: Execution = { ctx, nowNs: BigInt(Date.now()) * 1_000_000n, abort, timedOut: () => expired, schemaBound: true, spillAggregation: false };
    this.executions.set(ctx, exec);
    let finished = false;
    try {
      yield* this.dispatch(exec, statement);
      finished = true;
    } catch (err) {
      if (expired) throw Errors.queryTimeout();
      if (err instanceof ClickHouseServerError && err.chCode === CH_TIMEOUT_EXCEEDED) throw Errors.queryTimeout();
      throw mapError(err);
    } finally {
      clearTimeout(timer);
      this.executions.delete(ctx);
      // Failed, timed out or abandoned by the client: stop whatever still runs in ClickHouse.
      if (!finished) abort.abort();
    }
  }

  private async *dispatch(exec: Execution, st: Statement): AsyncGenerator<QueryEvent> {
    const { ctx } = exec;
    switch (st.kind) {
      case 'select':
        yield* this.select(exec, st.query);
        return;
      case 'insert': {
        // INSERT … SELECT reads: it must see every write acknowledged before it.
        await this.waitForWrites(exec);
        const write = await this.inserts.prepare(ctx, st);
        const rows = await write();
        yield* result({ columns: INSERT_RESULT, rows: [[String(rows)]] });
        return;
      }
      case 'createDatabase':
        await this.ddl.createDatabase(ctx, st);
        break;
      case 'alterDatabase':
        await this.ddl.alterDatabase(ctx, st);
        break;
      // DDL that removes data first waits for the writes acknowledged before it, so none of
      // them lands after the drop (and none brings a dropped table or column back).
      case 'dropDatabase':
        await this.waitForWrites(exec);
        await this.ddl.dropDatabase(ctx, st);
        break;
      case 'createTable':
        await this.ddl.createTable(ctx, st);
        break;
      case 'alterTable':
        await this.waitForWrites(exec);
        await this.ddl.alterTable(ctx, st);
        break;
      case 'dropTable':
        await this.waitForWrites(exec);
        await this.ddl.dropTable(ctx, st);
        break;
      case 'showDatabases':
        yield* result(await this.ddl.showDatabases(ctx));
        return;
      case 'describeDatabase':
        yield* result(await this.ddl.describeDatabase(ctx, st));
        return;
      case 'showTables':
        yield* result(await this.ddl.showTables(ctx, st));
        return;
      case 'describeTable':
        yield* result(await this.ddl.describeTable(ctx, st));
        return;
      case 'showSeries':
        await this.waitForWrites(exec);
        yield* result(await this.tagScans.execute(ctx, st.body));
        return;
      case 'showTagValues':
        await this.waitForWrites(exec);
        yield* result(await this.tagScans.execute(ctx, st.body, st.with));
        return;
      case 'unsupported':
        throw Errors.unsupported(`statement ${st.keyword}`);
    }
    yield { kind: 'schema', columns: [] };
  }

  /** SELECT: translated, then streamed from ClickHouse in batches after the read-your-writes wait. */
  private async *select(exec: Execution, query: Query): AsyncGenerator<QueryEvent> {
    const timedOut = await this.waitForWrites(exec);
    const { columns, batches } = await this.runQuery(exec, query);
    yield { kind: 'schema', columns, consistencyTimeout: timedOut };
    for await (const rows of batches) yield { kind: 'rows', rows };
  }

  /** The read-your-writes wait; it also decides which cached schemas the statement may use. Returns whether the wait ran out. */
  private async waitForWrites(exec: Execution): Promise<boolean> {
    const { timedOut, position } = await this.barrier.wait();
    exec.schemaBound = this.freshness.boundFor(timedOut ? undefined : position);
    return timedOut;
  }

  /**
   * Translates a query over the request's catalog and starts it on ClickHouse. A cached schema
   * may name a table or column that DDL in another process removed a moment ago; ClickHouse
   * then rejects the query before any row, and it is translated again over fresh schemas
   * (which gives CnosDB's not-found errors, or a query that runs).
   */
  private async runQuery(exec: Execution, query: Query): Promise<{ columns: ResultColumn[]; batches: AsyncIterable<ResultRow[]> }> {
    for (;;) {
      try {
        return await this.startQuery(exec, query, exec.schemaBound);
      } catch (err) {
        if (exec.abort.signal.aborted) throw err;
        if (err instanceof ClickHouseServerError && err.chCode === CH_MEMORY_LIMIT_EXCEEDED && !exec.spillAggregation) {
          exec.spillAggregation = true;
          continue;
        }
        const stale = isMissingSchemaError(err) || (err instanceof ClickHouseServerError && err.chCode === CH_UNKNOWN_IDENTIFIER);
        if (exec.schemaBound === true || !stale) throw err;
        exec.schemaBound = true;
      }
    }
  }

  private async startQuery(exec: Execution, query: Query, bound: CacheBound | true): Promise<{ columns: ResultColumn[]; batches: AsyncIterable<ResultRow[]> }> {
    const { ctx } = exec;
    const statement: Statement = { kind: 'select', query };
    const catalog = await this.catalogFor(ctx, statement, exec.nowNs, bound);
    let translated;
    try {
      translated = translateSelect(statement, catalog, { now: exec.nowNs });
    } catch (err) {
      if (err instanceof TableNotFoundError) throw new CnosError(422, err.code, err.messageFor(ctx.tenant, ctx.database));
      if (err instanceof SqlSemanticError) throw new CnosError(422, err.code, err.message);
      throw err;
    }
    // ClickHouse stops the query too (18.16 keeps running a query whose client went away).
    const seconds = Math.max(1, Math.ceil(this.config.query.timeoutMs / 1000));
    let list = `max_execution_time = ${seconds}`;
    // Every table read is a GROUP BY (the last-write-wins merge), so a large result needs as
    // much ClickHouse memory as it has rows unless aggregation and sorting may spill to disk;
    // 18.16 never spills by default and fails the query at its memory limit instead. Sorts may
    // always spill. Aggregation may spill only on a second attempt after the memory limit
    // stopped the first: on 18.16 the setting slows every large GROUP BY by 3–8% (measured on
    // bench:query's double-groupby-1 and groupby-orderby-limit), and a GROUP BY hits the limit
    // before its first row, while nothing has been sent. Except after UNION ALL: an earlier
    // branch may have sent rows by then.
    const spill = await this.ch.spillThresholdBytes();
    if (spill !== undefined) {
      list += `, max_bytes_before_external_sort = ${spill}`;
      if (exec.spillAggregation || /\bUNION ALL\b/.test(translated.sql)) list += `, max_bytes_before_external_group_by = ${spill}`;
    }
    const settings = /\bSETTINGS [^()]*$/.test(translated.sql) ? `, ${list}` : ` SETTINGS ${list}`;
    // max_execution_time is not checked everywhere on 18.16 (a cross join runs on), so an
    // aborted query is also killed by the marker in its text.
    const marker = randomUUID();
    const sql = `/* ${QUERY_MARKER}:${marker} */ ${translated.sql}${settings}`;
    exec.abort.signal.addEventListener('abort', () => {
      this.ch.exec(`KILL QUERY WHERE query LIKE concat('%${QUERY_MARKER}', ':${marker}%') ASYNC`).catch(() => undefined);
    });
    // The first chunk is awaited here so that a rejected query fails here, where it can be retried.
    const chunks = this.ch.tsv(sql, exec.abort.signal);
    const first = await chunks.next();
    const all = async function* (): AsyncGenerator<string> {
      if (first.done) return;
      yield first.value;
      yield* chunks;
    };
    const rows = tsvRowBatches(all(), ROWS_PER_BATCH, exec.abort.signal);
    // time_window_gapfill: ClickHouse 18.16 cannot fill gaps itself (no WITH FILL, no window functions).
    const batches = translated.gapfill === undefined ? rows : gapfillRows(rows, translated.gapfill, ROWS_PER_BATCH);
    return { columns: translated.columns, batches };
  }

  /**
   * The tables a statement reads, looked up before translation. Tables may be qualified with
   * a database of the caller's tenant (or information_schema); another tenant's data is never
   * looked up, so it reads as "not found".
   */
  private async catalogFor(ctx: RequestContext, statement: Statement, nowNs: bigint, bound: CacheBound | true): Promise<Catalog> {
    const tables = new Map<string, CatalogTable>();
    const key = (name: string, database?: string) => `${database ?? ctx.database}\u0000${name}`;
    for (const ref of referencedTableRefs(statement)) {
      if (ref.tenant !== undefined && ref.tenant !== ctx.tenant) continue;
      const database = ref.database ?? ctx.database;
      if (database === INFORMATION_SCHEMA) {
        const table = await this.informationSchema.table(ctx.tenant, ref.name);
        if (table) tables.set(key(ref.name, ref.database), table);
        continue;
      }
      const db = bound === true ? await this.metadata.getDatabase(ctx.tenant, database, true) : await this.metadata.getDatabase(ctx.tenant, database, false, bound.maxAgeMs);
      if (!db) {
        if (ref.database === undefined) throw Errors.databaseNotFound(ctx.database);
        continue;
      }
      const schema = await this.schemas.getTable(locationOf(db), ref.name, bound);
      if (schema) tables.set(key(ref.name, ref.database), toCatalogTable(schema, db, nowNs));
    }
    return {
      table: (name, database, tenant) => (tenant !== undefined && tenant !== ctx.tenant ? undefined : tables.get(key(name, database))),
    };
  }
}

function* result(r: StatementResult): Generator<QueryEvent> {
  yield { kind: 'schema', columns: r.columns };
  if (r.rows.length > 0) yield { kind: 'rows', rows: r.rows };
}

function mapError(err: unknown): unknown {
  if (err instanceof CnosError) return err;
  if (err instanceof ClickHouseUnavailableError) return Errors.unavailable(err.message);
  // Integer division by zero: arrow's kernel error, as DataFusion reports it.
  if (err instanceof ClickHouseServerError && err.chCode === CH_DIVISION_BY_ZERO) return Errors.datafusion('Arrow error: Divide by zero error');
  if (err instanceof ClickHouseServerError) return Errors.datafusion(`Execution error: ${err.message.split('\n')[0]}`);
  return err;
}

function toCatalogTable(schema: TableSchema, db: DatabaseInfo, nowNs: bigint): CatalogTable {
  const precision = db.options.precision;
  const table: CatalogTable = {
    name: schema.table,
    chDatabase: schema.chDatabase,
    chTable: schema.table,
    precision,
    columns: schema.columns.map((c) => ({ name: c.name, role: c.role, type: c.role === 'time' ? TIME_TYPES[precision] : (c.type as ResultType) })),
  };
  const minTime = expiryCutoff(db, nowNs);
  if (minTime !== undefined) table.minTime = minTime;
  return table;
}
