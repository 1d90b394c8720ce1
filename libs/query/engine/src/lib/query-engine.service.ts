import { Inject, Injectable } from '@nestjs/common';
import { QueryEvent, RequestContext, ResultType, SqlExecutor } from '@cnosdb/contracts';
import { CnosError, Errors } from '@cnosdb/shared/errors';
import {
  Catalog,
  CatalogTable,
  parseStatement,
  referencedTableRefs,
  splitStatements,
  SqlParseError,
  SqlSemanticError,
  TableNotFoundError,
  translateSelect,
} from '@cnosdb/query/sql';
import { ClickHouseServerError, ClickHouseService, ClickHouseUnavailableError, MetadataStore, SchemaManager, TableSchema } from '@cnosdb/storage/clickhouse';
import { ConsistencyBarrier } from './consistency.barrier';
import { tsvRowBatches } from './tsv.reader';

const ROWS_PER_BATCH = 4096;
const TIME_TYPES: Record<string, ResultType> = { ns: 'TIMESTAMP(NANOSECOND)', us: 'TIMESTAMP(MICROSECOND)', ms: 'TIMESTAMP(MILLISECOND)' };

/**
 * Runs CnosDB SQL: one statement per request, translated to ClickHouse SQL over the
 * merged (last-write-wins) view of each table, results streamed in batches.
 */
@Injectable()
export class QueryEngineService extends SqlExecutor {
  constructor(
    @Inject(ClickHouseService) private readonly ch: ClickHouseService,
    @Inject(MetadataStore) private readonly metadata: MetadataStore,
    @Inject(SchemaManager) private readonly schemas: SchemaManager,
    @Inject(ConsistencyBarrier) private readonly barrier: ConsistencyBarrier,
  ) {
    super();
  }

  async *execute(ctx: RequestContext, sql: string): AsyncGenerator<QueryEvent> {
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      yield { kind: 'schema', columns: [] };
      return;
    }
    if (statements.length > 1) throw Errors.multiStatement(statements.length, sql);
    let statement;
    try {
      statement = parseStatement(statements[0]);
    } catch (err) {
      if (err instanceof SqlParseError) throw Errors.sqlParser(err.message);
      throw err;
    }
    if (statement.kind !== 'select') throw Errors.unsupported(`statement ${statement.keyword ?? ''}`.trim());

    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const { timedOut } = await this.barrier.wait();
    const db = await this.metadata.getDatabase(ctx.tenant, ctx.database);
    if (!db) throw Errors.databaseNotFound(ctx.database);
    const loc = { tenant: ctx.tenant, database: ctx.database, chDatabase: db.chDatabase, precision: db.options.precision };

    // Tables may be qualified with a database of the caller's tenant; another tenant's
    // data is never looked up, so it reads as "not found".
    const tables = new Map<string, CatalogTable>();
    const key = (name: string, database?: string) => `${database ?? ctx.database}\u0000${name}`;
    for (const ref of referencedTableRefs(statement)) {
      if (ref.tenant !== undefined && ref.tenant !== ctx.tenant) continue;
      const refDb = ref.database === undefined ? db : await this.metadata.getDatabase(ctx.tenant, ref.database);
      if (!refDb) continue;
      const refLoc = { ...loc, database: refDb.name, chDatabase: refDb.chDatabase, precision: refDb.options.precision };
      const schema = await this.schemas.getTable(refLoc, ref.name, true);
      if (schema) tables.set(key(ref.name, ref.database), toCatalogTable(schema, refDb.options.precision));
    }
    const catalog: Catalog = {
      table: (name, database, tenant) => (tenant !== undefined && tenant !== ctx.tenant ? undefined : tables.get(key(name, database))),
    };

    let translated;
    try {
      translated = translateSelect(statement, catalog, { now: nowNs });
    } catch (err) {
      if (err instanceof TableNotFoundError) throw new CnosError(422, err.code, err.messageFor(ctx.tenant, ctx.database));
      if (err instanceof SqlSemanticError) throw new CnosError(422, err.code, err.message);
      throw err;
    }

    yield { kind: 'schema', columns: translated.columns, consistencyTimeout: timedOut };
    try {
      for await (const rows of tsvRowBatches(this.ch.tsv(translated.sql), ROWS_PER_BATCH)) yield { kind: 'rows', rows };
    } catch (err) {
      if (err instanceof ClickHouseUnavailableError) throw Errors.unavailable(err.message);
      if (err instanceof ClickHouseServerError) throw Errors.datafusion(`Execution error: ${firstLine(err.message)}`);
      throw err;
    }
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function toCatalogTable(schema: TableSchema, precision: 'ns' | 'us' | 'ms'): CatalogTable {
  return {
    name: schema.table,
    chDatabase: schema.chDatabase,
    chTable: schema.table,
    precision,
    columns: schema.columns.map((c) => ({ name: c.name, role: c.role, type: c.role === 'time' ? TIME_TYPES[precision] : (c.type as ResultType) })),
  };
}
