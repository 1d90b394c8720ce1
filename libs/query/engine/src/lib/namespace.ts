import { Precision, RequestContext, ResultColumn, ResultRow, ResultType } from '@cnosdb/contracts';
import { Ident } from '@cnosdb/query/sql';
import { DatabaseInfo, MetadataStore, SchemaManager, TableLocation, TableSchema } from '@cnosdb/storage/clickhouse';
import { StatementErrors } from './statement.errors';

/** A statement's complete result, small enough to build in memory (metadata listings). */
export interface StatementResult {
  columns: ResultColumn[];
  rows: ResultRow[];
}

export const TIME_TYPES: Record<Precision, ResultType> = {
  ns: 'TIMESTAMP(NANOSECOND)',
  us: 'TIMESTAMP(MICROSECOND)',
  ms: 'TIMESTAMP(MILLISECOND)',
};

export function locationOf(db: DatabaseInfo): TableLocation {
  return { tenant: db.tenant, database: db.name, chDatabase: db.chDatabase, precision: db.options.precision };
}

/** A table named in a statement, resolved against the request's tenant and database. */
export interface TableName {
  tenant: string;
  database: string;
  table: string;
}

/**
 * `t`, `db.t` or `tenant.db.t`. A name in another tenant resolves to the request's tenant
 * with the foreign qualifier kept in the name, so it is never found: no statement can reach
 * another tenant's data.
 */
export function resolveTableName(ctx: RequestContext, parts: Ident[]): TableName {
  const v = parts.map((p) => p.value);
  if (v.length === 1) return { tenant: ctx.tenant, database: ctx.database, table: v[0] };
  if (v.length === 2) return { tenant: ctx.tenant, database: v[0], table: v[1] };
  if (v.length === 3 && v[0] === ctx.tenant) return { tenant: ctx.tenant, database: v[1], table: v[2] };
  return { tenant: ctx.tenant, database: v.slice(0, -1).join('.'), table: v[v.length - 1] };
}

/** Database and table lookups that answer with CnosDB's not-found errors. */
export class Namespace {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly schemas: SchemaManager,
  ) {}

  async database(tenant: string, name: string): Promise<DatabaseInfo> {
    const db = await this.metadata.getDatabase(tenant, name);
    if (!db) throw StatementErrors.databaseNotFound(name);
    return db;
  }

  /** The table (fresh from ClickHouse) and its database; 030017 / 030019 when missing. */
  async table(name: TableName): Promise<{ db: DatabaseInfo; schema: TableSchema }> {
    const db = await this.database(name.tenant, name.database);
    const schema = await this.schemas.getTable(locationOf(db), name.table, true);
    if (!schema) throw StatementErrors.tableNotFound(name.tenant, name.database, name.table);
    return { db, schema };
  }
}
