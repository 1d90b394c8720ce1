import { FieldType, RequestContext } from '@cnosdb/contracts';
import {
  AlterTableAction,
  formatByteNumber,
  formatCnosDuration,
  resolveDatabaseOptions,
  SqlParseError,
  Statement,
} from '@cnosdb/query/sql';
import { Errors } from '@cnosdb/shared/errors';
import {
  DatabaseOptions,
  DEFAULT_DATABASE_OPTIONS,
  isUndroppableDatabase,
  MetadataStore,
  SchemaManager,
  TableExistsError,
  TableMeta,
} from '@cnosdb/storage/clickhouse';
import { checkColumn, codecAllowed, encodingDebugName, SHORT_TYPE } from './column.rules';
import { locationOf, Namespace, resolveTableName, StatementResult, TIME_TYPES } from './namespace';
import { StatementErrors } from './statement.errors';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

/** The virtual schema every tenant has; it cannot be created, dropped or written. */
export const INFORMATION_SCHEMA = 'information_schema';

/**
 * CnosDB's database and table DDL and the metadata listings (SHOW DATABASES/TABLES,
 * DESCRIBE): ClickHouse DDL for the data, `_cnosdb_meta` for what ClickHouse cannot hold.
 * Each statement returns its result, or undefined for CnosDB's empty 200.
 */
export class DdlExecutor {
  private readonly ns: Namespace;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly schemas: SchemaManager,
  ) {
    this.ns = new Namespace(metadata, schemas);
  }

  // ---- databases -------------------------------------------------------------------------

  async createDatabase(ctx: RequestContext, st: Of<'createDatabase'>): Promise<undefined> {
    const name = st.name.value;
    const options = applyOptions(DEFAULT_DATABASE_OPTIONS, parseOptions(st.options));
    if (name === INFORMATION_SCHEMA || (await this.metadata.getDatabase(ctx.tenant, name, true))) {
      if (st.ifNotExists) return undefined;
      throw StatementErrors.databaseAlreadyExists(name);
    }
    await this.metadata.createDatabase(ctx.tenant, name, options);
    this.metadata.notify();
    return undefined;
  }

  async alterDatabase(ctx: RequestContext, st: Of<'alterDatabase'>): Promise<undefined> {
    const changes = parseOptions(st.options);
    const db = await this.ns.database(ctx.tenant, st.name.value);
    await this.metadata.alterDatabase(ctx.tenant, db.name, applyOptions(db.options, changes));
    return undefined;
  }

  async dropDatabase(ctx: RequestContext, st: Of<'dropDatabase'>): Promise<undefined> {
    const name = st.name.value;
    if (isUndroppableDatabase(ctx.tenant, name) || name === INFORMATION_SCHEMA) throw StatementErrors.forbidDropDatabase(name);
    if (!(await this.metadata.getDatabase(ctx.tenant, name, true))) {
      if (st.ifExists) return undefined;
      throw StatementErrors.databaseNotFound(name);
    }
    // `AFTER '…'` (CnosDB's delayed drop, undone by RECOVER) drops at once here.
    await this.metadata.dropDatabase(ctx.tenant, name);
    this.schemas.invalidate();
    return undefined;
  }

  async showDatabases(ctx: RequestContext): Promise<StatementResult> {
    const names = (await this.metadata.listDatabases(ctx.tenant)).map((d) => d.name).sort(compareBytes);
    return { columns: [{ name: 'database_name', type: 'STRING' }], rows: names.map((n) => [n]) };
  }

  async describeDatabase(ctx: RequestContext, st: Of<'describeDatabase'>): Promise<StatementResult> {
    const db = await this.ns.database(ctx.tenant, st.name.value);
    return { columns: DATABASE_OPTION_COLUMNS, rows: [databaseOptionCells(db.options)] };
  }

  // ---- tables ----------------------------------------------------------------------------

  async showTables(ctx: RequestContext, st: Of<'showTables'>): Promise<StatementResult> {
    const columns: StatementResult['columns'] = [{ name: 'table_name', type: 'STRING' }];
    const db = await this.metadata.getDatabase(ctx.tenant, st.database?.value ?? ctx.database);
    if (!db) return { columns, rows: [] };
    const tables = (await this.schemas.listTables(db.chDatabase)).sort(compareBytes);
    return { columns, rows: tables.map((t) => [t]) };
  }

  async describeTable(ctx: RequestContext, st: Of<'describeTable'>): Promise<StatementResult> {
    const name = resolveTableName(ctx, st.name);
    const { db, schema } = await this.ns.table(name);
    const { codecs } = await this.metadata.getTableMeta(name.tenant, name.database, name.table);
    return {
      columns: [
        { name: 'column_name', type: 'STRING' },
        { name: 'data_type', type: 'STRING' },
        { name: 'column_type', type: 'STRING' },
        { name: 'compression_codec', type: 'STRING' },
      ],
      rows: schema.columns.map((c) => [
        c.name,
        c.role === 'time' ? TIME_TYPES[db.options.precision] : (c.type as string),
        c.role.toUpperCase(),
        c.role === 'field' ? (codecs[c.name] ?? 'DEFAULT') : 'DEFAULT',
      ]),
    };
  }

  async createTable(ctx: RequestContext, st: Of<'createTable'>): Promise<undefined> {
    const name = resolveTableName(ctx, st.name);
    const db = await this.ns.database(name.tenant, name.database);
    const columns = st.columns.map(checkColumn);
    if (columns.filter((c) => c.role === 'time').length > 0) {
      throw StatementErrors.columnAlreadyExists('time', `${name.tenant}.${name.database}.${name.table}`);
    }
    const seen = new Set(['time']);
    for (const c of columns) {
      if (seen.has(c.name)) throw StatementErrors.sameColumnName(c.name);
      seen.add(c.name);
    }
    const tags = columns.filter((c) => c.role === 'tag').map((c) => c.name);
    const fields = columns.flatMap((c) => (c.role === 'field' ? [{ name: c.name, type: c.type, codec: c.codec }] : []));
    try {
      await this.schemas.createTableStrict(locationOf(db), name.table, tags, fields);
    } catch (err) {
      if (!(err instanceof TableExistsError)) throw err;
      if (st.ifNotExists) return undefined;
      throw StatementErrors.tableAlreadyExists(name.table);
    }
    await this.metadata.setTableMeta(name.tenant, name.database, name.table, { codecs: nonDefaultCodecs(fields) });
    return undefined;
  }

  async dropTable(ctx: RequestContext, st: Of<'dropTable'>): Promise<undefined> {
    const name = resolveTableName(ctx, st.name);
    const db = await this.metadata.getDatabase(name.tenant, name.database, true);
    if (!db) {
      if (st.ifExists) return undefined;
      throw StatementErrors.databaseNotFound(name.database);
    }
    const existed = await this.schemas.dropTable(locationOf(db), name.table);
    if (!existed && !st.ifExists) throw StatementErrors.tableNotFound(name.tenant, name.database, name.table);
    await this.metadata.dropTableMeta(name.tenant, name.database, name.table);
    return undefined;
  }

  async alterTable(ctx: RequestContext, st: Of<'alterTable'>): Promise<undefined> {
    const name = resolveTableName(ctx, st.name);
    const { db, schema } = await this.ns.table(name);
    const loc = locationOf(db);
    const meta: TableMeta = await this.metadata.getTableMeta(name.tenant, name.database, name.table);
    const codecs = { ...meta.codecs };
    const column = (n: string) => schema.columns.find((c) => c.name === n);
    const action: AlterTableAction = st.action;
    switch (action.kind) {
      case 'addColumn': {
        const checked = checkColumn(action.column);
        if (column(checked.name) || checked.name === 'time') throw StatementErrors.columnAlreadyExists(checked.name, name.table);
        if (checked.role === 'time') throw StatementErrors.dataType('TIMESTAMP', checked.name);
        if (checked.role === 'tag') {
          await this.schemas.addColumn(loc, name.table, { name: checked.name, role: 'tag' });
        } else {
          await this.schemas.addColumn(loc, name.table, { name: checked.name, role: 'field', type: checked.type });
          if (checked.codec !== 'DEFAULT') codecs[checked.name] = checked.codec;
          else delete codecs[checked.name];
        }
        break;
      }
      case 'dropColumn': {
        const c = column(action.column.value);
        if (!c) throw StatementErrors.columnNotExists(action.column.value, name.table);
        if (c.role === 'tag') throw StatementErrors.dropTag(c.name);
        if (c.role === 'field' && schema.columns.filter((x) => x.role === 'field').length === 1) throw StatementErrors.atLeastOneField();
        if (c.role === 'time') throw StatementErrors.atLeastOneTag();
        await this.schemas.dropColumn(loc, name.table, c.name);
        delete codecs[c.name];
        break;
      }
      case 'alterCodec': {
        const c = column(action.column.value);
        if (!c) throw StatementErrors.columnNotExists(action.column.value, name.table);
        if (c.role === 'tag') throw StatementErrors.tagNotSupportCompression();
        if (c.role === 'time') throw StatementErrors.timeColumnAlter();
        const type = c.type as FieldType;
        if (!codecAllowed(type, action.codec)) throw StatementErrors.encodingType(encodingDebugName(action.codec), SHORT_TYPE[type]);
        if (action.codec === 'DEFAULT') delete codecs[c.name];
        else codecs[c.name] = action.codec;
        break;
      }
      case 'renameColumn': {
        const c = column(action.from.value);
        if (!c) throw StatementErrors.columnNotExists(action.from.value, name.table);
        if (column(action.to.value)) throw StatementErrors.columnAlreadyExists(action.to.value, name.table);
        // ClickHouse 18.16 has no RENAME COLUMN; copying a column under another name is not atomic.
        throw StatementErrors.notImplemented('rename column');
      }
    }
    // Written on every change, so other services drop their cached schema of this table.
    await this.metadata.setTableMeta(name.tenant, name.database, name.table, { ...meta, codecs });
    return undefined;
  }
}

/** Columns of DESCRIBE DATABASE and the option columns of information_schema.databases. */
export const DATABASE_OPTION_COLUMNS: StatementResult['columns'] = [
  { name: 'ttl', type: 'STRING' },
  { name: 'shard', type: 'BIGINT UNSIGNED' },
  { name: 'vnode_duration', type: 'STRING' },
  { name: 'replica', type: 'BIGINT UNSIGNED' },
  { name: 'precision', type: 'STRING' },
  { name: 'max_memcache_size', type: 'STRING' },
  { name: 'memcache_partitions', type: 'BIGINT UNSIGNED' },
  { name: 'wal_max_file_size', type: 'STRING' },
  { name: 'wal_sync', type: 'BOOLEAN' },
  { name: 'strict_write', type: 'BOOLEAN' },
  { name: 'max_cache_readers', type: 'BIGINT UNSIGNED' },
];

export function databaseOptionCells(o: DatabaseOptions): string[] {
  return [
    o.ttl,
    String(o.shard),
    o.vnodeDuration,
    String(o.replica),
    o.precision.toUpperCase(),
    o.maxMemcacheSize,
    String(o.memcachePartitions),
    o.walMaxFileSize,
    String(o.walSync),
    String(o.strictWrite),
    String(o.maxCacheReaders),
  ];
}

function parseOptions(ast: Of<'createDatabase'>['options']): ReturnType<typeof resolveDatabaseOptions> {
  try {
    return resolveDatabaseOptions(ast);
  } catch (err) {
    if (err instanceof SqlParseError) throw Errors.sqlParser(err.message);
    throw err;
  }
}

/** Options with the given changes, kept in DESCRIBE's display form. */
function applyOptions(base: DatabaseOptions, r: ReturnType<typeof resolveDatabaseOptions>): DatabaseOptions {
  const o = { ...base };
  if (r.ttlNanos !== undefined) {
    o.ttl = formatCnosDuration(r.ttlNanos);
    o.ttlNanos = r.ttlNanos === null ? null : r.ttlNanos.toString();
  }
  if (r.shard !== undefined) o.shard = r.shard;
  if (r.vnodeDurationNanos !== undefined) o.vnodeDuration = formatCnosDuration(r.vnodeDurationNanos);
  if (r.replica !== undefined) o.replica = r.replica;
  if (r.precision !== undefined) o.precision = r.precision;
  if (r.maxMemcacheSize !== undefined) o.maxMemcacheSize = formatByteNumber(r.maxMemcacheSize);
  if (r.memcachePartitions !== undefined) o.memcachePartitions = r.memcachePartitions;
  if (r.walMaxFileSize !== undefined) o.walMaxFileSize = formatByteNumber(r.walMaxFileSize);
  if (r.walSync !== undefined) o.walSync = r.walSync;
  if (r.strictWrite !== undefined) o.strictWrite = r.strictWrite;
  if (r.maxCacheReaders !== undefined) o.maxCacheReaders = r.maxCacheReaders;
  return o;
}

function nonDefaultCodecs(fields: { name: string; codec: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (f.codec !== 'DEFAULT') out[f.name] = f.codec;
  return out;
}

/** Byte order, as DataFusion sorts Utf8. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
