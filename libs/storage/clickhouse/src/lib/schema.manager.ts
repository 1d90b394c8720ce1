import { FieldType, Precision } from '@cnosdb/contracts';
import { ClickHouseService, ClickHouseServerError } from './clickhouse.service';
import { qualified, quoteIdent, quoteString, VERSION_COLUMN } from './naming';
import { CH_TAG_TYPE, chFieldType, columnFromClickHouse, SchemaColumn, shortTypeName, TableSchema } from './table-schema';

/** A write names a column with a role or type other than the table has. */
export class SchemaConflictError extends Error {
  constructor(
    readonly column: string,
    readonly found: string,
    readonly expected: string,
  ) {
    super(`Column '${column}' type error, found ${found} expected ${expected}`);
  }
}

export interface TableLocation {
  tenant: string;
  database: string;
  chDatabase: string;
  precision: Precision;
}

/** CREATE TABLE found the table already there. */
export class TableExistsError extends Error {
  constructor(readonly table: string) {
    super(`Table ${table} already exists.`);
  }
}

/**
 * How old a cached schema a reader accepts (see {@link SchemaManager.getTable}): only one
 * whose read began after `after` (a {@link SchemaManager.mark}) and at most `maxAgeMs` ago.
 */
export interface CacheBound {
  after: number;
  maxAgeMs: number;
}

interface CachedSchema {
  schema: TableSchema;
  /** mark() taken just before the read that produced it. */
  mark: number;
  /** Date.now() of that read. */
  at: number;
}

const UNITS_PER_SECOND: Record<Precision, number> = { ns: 1_000_000_000, us: 1_000_000, ms: 1000 };
const CH_COLUMN_EXISTS = 44;
const CH_TABLE_EXISTS = 57;
const CH_NO_SUCH_COLUMN = 16;

/**
 * Table schemas live in ClickHouse itself: a table's columns, their order and their types
 * (tags String, fields Nullable(T)) are the CnosDB schema, so there is one source of truth
 * and ClickHouse's own DDL serialises concurrent schema changes.
 */
export class SchemaManager {
  private readonly cache = new Map<string, CachedSchema>();
  private marks = 0;
  /** Raised by every invalidation, so that a read that began before it does not cache what it found. */
  private generation = 0;
  private readonly locks = new Map<string, Promise<unknown>>();

  /** `metadata`, when given, drops cached schemas whenever any process changes metadata. */
  constructor(
    private readonly ch: ClickHouseService,
    metadata?: { onChange(listener: () => void): void },
  ) {
    metadata?.onChange(() => this.invalidate());
  }

  /**
   * The table's schema, or undefined when it does not exist. `fresh` = true bypasses the
   * cache; false takes any cached schema (the write path: a stale one is healed on insert);
   * a {@link CacheBound} takes a cached schema only if it is recent enough for the caller.
   * Every schema change made through this manager (writes adding columns, DDL) replaces or
   * drops the entry at once; changes made by other processes reach it through `invalidate`
   * (metadata watch) or the caller's bound.
   */
  async getTable(loc: TableLocation, table: string, fresh: boolean | CacheBound = false): Promise<TableSchema | undefined> {
    const key = `${loc.chDatabase}\u0000${table}`;
    if (fresh !== true) {
      const hit = this.cache.get(key);
      if (hit && (fresh === false || (hit.mark > fresh.after && Date.now() - hit.at < fresh.maxAgeMs))) return hit.schema;
    }
    const mark = this.mark();
    const at = Date.now();
    const generation = this.generation;
    const rows = await this.ch.rows<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = ${quoteString(loc.chDatabase)} AND table = ${quoteString(table)}`,
    );
    // A read that began before an invalidation, or before the read that filled the entry,
    // must not replace what is known now.
    const current = this.cache.get(key);
    const newest = generation === this.generation && (!current || current.mark < mark);
    if (rows.length === 0) {
      if (newest) this.cache.delete(key);
      return undefined;
    }
    const columns = rows.map((r) => columnFromClickHouse(r.name, r.type)).filter((c): c is SchemaColumn => c !== undefined);
    const schema: TableSchema = { tenant: loc.tenant, database: loc.database, table, chDatabase: loc.chDatabase, columns };
    if (newest) this.cache.set(key, { schema, mark, at });
    return schema;
  }

  /**
   * A point in this manager's sequence of schema reads: a cached schema read after a mark
   * reflects every schema change that was complete when the mark was taken.
   */
  mark(): number {
    return ++this.marks;
  }

  /** Names of the tables of a database, sorted. */
  async listTables(chDatabase: string): Promise<string[]> {
    const rows = await this.ch.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${quoteString(chDatabase)} ORDER BY name`);
    return rows.map((r) => r.name);
  }

  /** Forgets cached schemas (after DDL elsewhere). */
  invalidate(chDatabase?: string, table?: string): void {
    this.generation++;
    if (!chDatabase) return this.cache.clear();
    for (const key of this.cache.keys()) if (key.startsWith(`${chDatabase}\u0000`) && (!table || key === `${chDatabase}\u0000${table}`)) this.cache.delete(key);
  }

  /**
   * Makes sure the table exists with these tags and fields (creating the table or adding
   * columns as needed) and that none of them conflicts with what the table has.
   */
  async ensureColumns(loc: TableLocation, table: string, tags: string[], fields: { name: string; type: FieldType }[]): Promise<TableSchema> {
    const key = `${loc.chDatabase}\u0000${table}`;
    const cached = this.cache.get(key)?.schema;
    try {
      if (cached && this.missing(cached, tags, fields).length === 0) return cached;
    } catch (err) {
      // A conflict with a cached schema may be stale (the table was dropped or altered by
      // another service): decide on a fresh read below.
      if (!(err instanceof SchemaConflictError)) throw err;
    }
    return this.withLock(key, async () => {
      let schema = await this.getTable(loc, table, true);
      if (!schema) {
        await this.createTable(loc, table, tags, fields);
        schema = await this.getTable(loc, table, true);
        if (!schema) throw new Error(`table ${table} vanished right after it was created`);
      }
      const missing = this.missing(schema, tags, fields);
      if (missing.length > 0) {
        const adds = missing.map((c) => `ADD COLUMN ${quoteIdent(c.name)} ${c.role === 'tag' ? CH_TAG_TYPE : chFieldType(c.type as FieldType)}`);
        try {
          await this.ch.exec(`ALTER TABLE ${qualified(loc.chDatabase, table)} ${adds.join(', ')}`);
        } catch (err) {
          // Another writer added one of them first; re-read and let the conflict check decide.
          if (!(err instanceof ClickHouseServerError && err.chCode === CH_COLUMN_EXISTS)) throw err;
        }
        schema = await this.getTable(loc, table, true);
        if (!schema) throw new Error(`table ${table} vanished while adding columns`);
        const still = this.missing(schema, tags, fields);
        if (still.length > 0) throw new Error(`columns ${still.map((c) => c.name).join(', ')} could not be added to ${table}`);
      }
      return schema;
    });
  }

  /** Columns the schema lacks; throws SchemaConflictError for a role or type mismatch. */
  private missing(schema: TableSchema, tags: string[], fields: { name: string; type: FieldType }[]): SchemaColumn[] {
    const byName = new Map(schema.columns.map((c) => [c.name, c]));
    const out: SchemaColumn[] = [];
    for (const name of tags) {
      const have = byName.get(name);
      if (!have) out.push({ name, role: 'tag', type: 'STRING' });
      else if (have.role !== 'tag') throw new SchemaConflictError(name, 'TAG', shortTypeName(have));
    }
    for (const f of fields) {
      const have = byName.get(f.name);
      const wanted: SchemaColumn = { name: f.name, role: 'field', type: f.type };
      if (!have) out.push(wanted);
      else if (have.role !== 'field' || have.type !== f.type) throw new SchemaConflictError(f.name, shortTypeName(wanted), shortTypeName(have));
    }
    return out;
  }

  /**
   * CREATE TABLE: time, then the tags, then the fields. Throws TableExistsError if the table
   * exists (also when another process created it a moment earlier).
   */
  async createTableStrict(loc: TableLocation, table: string, tags: string[], fields: { name: string; type: FieldType }[]): Promise<TableSchema> {
    const key = `${loc.chDatabase}\u0000${table}`;
    return this.withLock(key, async () => {
      if (await this.getTable(loc, table, true)) throw new TableExistsError(table);
      try {
        await this.ch.exec(this.createTableSql(loc, table, tags, fields, false));
      } catch (err) {
        if (err instanceof ClickHouseServerError && err.chCode === CH_TABLE_EXISTS) throw new TableExistsError(table);
        throw err;
      }
      const schema = await this.getTable(loc, table, true);
      if (!schema) throw new Error(`table ${table} vanished right after it was created`);
      return schema;
    });
  }

  /** DROP TABLE (with all its data); false if it did not exist. */
  async dropTable(loc: TableLocation, table: string): Promise<boolean> {
    const key = `${loc.chDatabase}\u0000${table}`;
    return this.withLock(key, async () => {
      const existed = (await this.getTable(loc, table, true)) !== undefined;
      await this.ch.exec(`DROP TABLE IF EXISTS ${qualified(loc.chDatabase, table)}`);
      this.invalidate(loc.chDatabase, table);
      return existed;
    });
  }

  /** ALTER TABLE … ADD a tag or a field column (at the end, as CnosDB appends). */
  async addColumn(loc: TableLocation, table: string, column: { name: string; role: 'tag' } | { name: string; role: 'field'; type: FieldType }): Promise<TableSchema> {
    const key = `${loc.chDatabase}\u0000${table}`;
    return this.withLock(key, async () => {
      const chType = column.role === 'tag' ? CH_TAG_TYPE : chFieldType(column.type);
      try {
        await this.ch.exec(`ALTER TABLE ${qualified(loc.chDatabase, table)} ADD COLUMN ${quoteIdent(column.name)} ${chType}`);
      } catch (err) {
        if (!(err instanceof ClickHouseServerError && err.chCode === CH_COLUMN_EXISTS)) throw err;
      }
      const schema = await this.getTable(loc, table, true);
      if (!schema) throw new Error(`table ${table} vanished while adding a column`);
      return schema;
    });
  }

  /** ALTER TABLE … DROP a (field) column with its data. */
  async dropColumn(loc: TableLocation, table: string, column: string): Promise<TableSchema | undefined> {
    const key = `${loc.chDatabase}\u0000${table}`;
    return this.withLock(key, async () => {
      try {
        await this.ch.exec(`ALTER TABLE ${qualified(loc.chDatabase, table)} DROP COLUMN ${quoteIdent(column)}`);
      } catch (err) {
        if (!(err instanceof ClickHouseServerError && err.chCode === CH_NO_SUCH_COLUMN)) throw err;
      }
      return this.getTable(loc, table, true);
    });
  }

  private async createTable(loc: TableLocation, table: string, tags: string[], fields: { name: string; type: FieldType }[]): Promise<void> {
    try {
      await this.ch.exec(this.createTableSql(loc, table, tags, fields, true));
    } catch (err) {
      if (!(err instanceof ClickHouseServerError && err.chCode === CH_TABLE_EXISTS)) throw err;
    }
  }

  private createTableSql(loc: TableLocation, table: string, tags: string[], fields: { name: string; type: FieldType }[], ifNotExists: boolean): string {
    const cols = [
      'time Int64',
      ...tags.map((t) => `${quoteIdent(t)} ${CH_TAG_TYPE}`),
      ...fields.map((f) => `${quoteIdent(f.name)} ${chFieldType(f.type)}`),
      `${VERSION_COLUMN} UInt64`,
    ];
    // Sort key: tags first so tag filters prune, then time; partitions are days so retention
    // drops whole partitions.
    const orderBy = [...tags.map(quoteIdent), 'time'].join(', ');
    const perSecond = UNITS_PER_SECOND[loc.precision];
    return (
      `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(loc.chDatabase, table)} (${cols.join(', ')}) ` +
      `ENGINE = MergeTree() PARTITION BY toDate(toDateTime(intDiv(time, ${perSecond}))) ORDER BY (${orderBy})`
    );
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}
