import { OnModuleDestroy } from '@nestjs/common';
import { Precision } from '@cnosdb/contracts';
import { ClickHouseService } from './clickhouse.service';
import { chDatabaseName, META_DATABASE, quoteIdent, quoteString } from './naming';

/**
 * Options of a CnosDB database, as CREATE DATABASE sets them. Durations and byte sizes are kept
 * as DESCRIBE DATABASE prints them (`10days`, `128 MiB`); the TTL also in nanoseconds, because
 * retention acts on it.
 */
export interface DatabaseOptions {
  ttl: string;
  /** TTL in nanoseconds as a decimal string; null = INF (keep forever). */
  ttlNanos: string | null;
  shard: number;
  vnodeDuration: string;
  replica: number;
  precision: Precision;
  maxMemcacheSize: string;
  memcachePartitions: number;
  walMaxFileSize: string;
  walSync: boolean;
  strictWrite: boolean;
  maxCacheReaders: number;
}

export interface DatabaseInfo {
  tenant: string;
  name: string;
  chDatabase: string;
  options: DatabaseOptions;
}

/** CnosDB's defaults (DESCRIBE DATABASE of a fresh database: `INF,1,1year,1,NS,128 MiB,16,128 MiB,false,false,32`). */
export const DEFAULT_DATABASE_OPTIONS: DatabaseOptions = {
  ttl: 'INF',
  ttlNanos: null,
  shard: 1,
  vnodeDuration: '1year',
  replica: 1,
  precision: 'ns',
  maxMemcacheSize: '128 MiB',
  memcachePartitions: 16,
  walMaxFileSize: '128 MiB',
  walSync: false,
  strictWrite: false,
  maxCacheReaders: 32,
};

/** Default namespace that exists from the first start on. */
export const DEFAULT_TENANT = 'cnosdb';
export const DEFAULT_DATABASE = 'public';

/** CnosDB's system databases of the default tenant (created with a 2 MiB memcache). */
export const SYSTEM_DATABASES = ['cluster_schema', 'usage_schema'] as const;

/** Databases of the default tenant that DROP DATABASE refuses. */
export function isUndroppableDatabase(tenant: string, name: string): boolean {
  return tenant === DEFAULT_TENANT && (name === DEFAULT_DATABASE || (SYSTEM_DATABASES as readonly string[]).includes(name));
}

interface DatabaseRow {
  tenant: string;
  name: string;
  options: string;
  dropped: number;
}

/** Per-table metadata that ClickHouse's own columns cannot carry: the CnosDB column codecs. */
export interface TableMeta {
  /** Column name → codec, only for columns whose codec is not DEFAULT. */
  codecs: Record<string, string>;
}

/**
 * Databases, their options and per-table metadata (codecs), kept in ClickHouse
 * (META_DATABASE). Rows are versioned and never updated in place: the newest version of a
 * key wins, `dropped` marks a drop. Every change raises the highest version, which every
 * process polls (`watch`) to drop its caches, so metadata changes reach all services within
 * a poll interval.
 */
export class MetadataStore implements OnModuleDestroy {
  private cache = new Map<string, { info: DatabaseInfo; at: number }>();
  private static readonly CACHE_MS = 1000;
  private readonly listeners: (() => void)[] = [];
  private watcher?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private epoch?: string;
  /** Raised whenever cached databases are dropped. */
  private generation = 0;

  constructor(private readonly ch: ClickHouseService) {}

  /** Creates the metadata tables and the default tenant's databases if missing (idempotent); starts watching for changes. */
  async bootstrap(): Promise<void> {
    const meta = quoteIdent(META_DATABASE);
    await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${meta}`);
    await this.ch.exec(
      `CREATE TABLE IF NOT EXISTS ${meta}.databases (tenant String, name String, options String, dropped UInt8, version UInt64) ` +
        `ENGINE = ReplacingMergeTree(version) ORDER BY (tenant, name)`,
    );
    await this.ch.exec(
      `CREATE TABLE IF NOT EXISTS ${meta}.users (name String, password_hash String, is_admin UInt8, dropped UInt8, version UInt64) ` +
        `ENGINE = ReplacingMergeTree(version) ORDER BY name`,
    );
    await this.ch.exec(
      `CREATE TABLE IF NOT EXISTS ${meta}.tables (tenant String, database String, name String, meta String, dropped UInt8, version UInt64) ` +
        `ENGINE = ReplacingMergeTree(version) ORDER BY (tenant, database, name)`,
    );
    if (!(await this.getDatabase(DEFAULT_TENANT, DEFAULT_DATABASE, true))) {
      await this.createDatabase(DEFAULT_TENANT, DEFAULT_DATABASE, DEFAULT_DATABASE_OPTIONS);
    }
    for (const name of SYSTEM_DATABASES) {
      if (!(await this.databaseRow(DEFAULT_TENANT, name))) {
        await this.createDatabase(DEFAULT_TENANT, name, { ...DEFAULT_DATABASE_OPTIONS, maxMemcacheSize: '2 MiB' });
      }
    }
    this.watch();
  }

  /** Registers a database (options not given take CnosDB's defaults) and creates its ClickHouse database. */
  async createDatabase(tenant: string, name: string, options: Partial<DatabaseOptions> = {}): Promise<DatabaseInfo> {
    const full = { ...DEFAULT_DATABASE_OPTIONS, ...options };
    const chDatabase = chDatabaseName(tenant, name);
    await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(chDatabase)}`);
    await this.writeDatabaseRow(tenant, name, full, false);
    const info = { tenant, name, chDatabase, options: full };
    this.cache.set(cacheKey(tenant, name), { info, at: Date.now() });
    return info;
  }

  /** Replaces a database's options (ALTER DATABASE). */
  async alterDatabase(tenant: string, name: string, options: DatabaseOptions): Promise<void> {
    await this.writeDatabaseRow(tenant, name, options, false);
    this.notify();
  }

  /**
   * Drops a database: the metadata first (writes are refused from then on), then its
   * ClickHouse database with all data, then the metadata of its tables.
   */
  async dropDatabase(tenant: string, name: string): Promise<void> {
    const row = await this.databaseRow(tenant, name);
    const options = row ? { ...DEFAULT_DATABASE_OPTIONS, ...JSON.parse(row.options) } : DEFAULT_DATABASE_OPTIONS;
    await this.writeDatabaseRow(tenant, name, options, true);
    this.generation++;
    this.cache.delete(cacheKey(tenant, name));
    await this.ch.exec(`DROP DATABASE IF EXISTS ${quoteIdent(chDatabaseName(tenant, name))}`);
    const meta = quoteIdent(META_DATABASE);
    await this.ch.exec(
      `INSERT INTO ${meta}.tables (tenant, database, name, meta, dropped, version) ` +
        `SELECT tenant, database, name, '{}', 1, ${nextVersion()} FROM ${meta}.tables ` +
        `WHERE tenant = ${quoteString(tenant)} AND database = ${quoteString(name)} GROUP BY tenant, database, name`,
    );
    this.notify();
  }

  /**
   * Looks a database up. DDL must take effect in every service as soon as it answered (a
   * write right after DROP DATABASE is refused, one right after CREATE DATABASE accepted),
   * so lookups read ClickHouse (a small, sorted table) unless the caller accepts a cached
   * answer (`fresh` = false with `allowCached`: true = up to CACHE_MS old, a number = up to
   * that many ms). Cached answers are dropped whenever metadata changes (here at once,
   * elsewhere within a poll interval).
   */
  async getDatabase(tenant: string, name: string, fresh = false, allowCached: boolean | number = false): Promise<DatabaseInfo | undefined> {
    const key = cacheKey(tenant, name);
    const hit = this.cache.get(key);
    const maxAge = allowCached === true ? MetadataStore.CACHE_MS : allowCached === false ? 0 : allowCached;
    if (!fresh && hit && Date.now() - hit.at < maxAge) return hit.info;
    const at = Date.now();
    const generation = this.generation;
    const row = await this.databaseRow(tenant, name);
    // A lookup that raced a change must not cache what it read before the change.
    const current = generation === this.generation;
    if (!row) {
      if (current) this.cache.delete(key);
      return undefined;
    }
    const info = toInfo(row);
    if (current) this.cache.set(key, { info, at });
    return info;
  }

  /** The tenant's databases, sorted by name. */
  async listDatabases(tenant: string): Promise<DatabaseInfo[]> {
    return (await this.databaseRows(`tenant = ${quoteString(tenant)}`)).map(toInfo);
  }

  /** Every database of every tenant (retention). */
  async listAllDatabases(): Promise<DatabaseInfo[]> {
    return (await this.databaseRows('1')).map(toInfo);
  }

  /** Metadata of a table; a table created by a write has none (every codec DEFAULT). */
  async getTableMeta(tenant: string, database: string, table: string): Promise<TableMeta> {
    const all = await this.listTableMeta(tenant, database, table);
    return all.get(table) ?? { codecs: {} };
  }

  /** Metadata of the tables of a tenant (optionally one database, one table), keyed `table` or `database\u0000table`. */
  async listTableMeta(tenant: string, database?: string, table?: string): Promise<Map<string, TableMeta>> {
    const where = [`tenant = ${quoteString(tenant)}`];
    if (database !== undefined) where.push(`database = ${quoteString(database)}`);
    if (table !== undefined) where.push(`name = ${quoteString(table)}`);
    const rows = await this.ch.rows<{ database: string; name: string; meta: string; dropped: number }>(
      `SELECT database, name, argMax(meta, version) AS meta, argMax(dropped, version) AS dropped FROM ${quoteIdent(META_DATABASE)}.tables ` +
        `WHERE ${where.join(' AND ')} GROUP BY database, name`,
    );
    const out = new Map<string, TableMeta>();
    for (const r of rows) {
      if (Number(r.dropped) !== 0) continue;
      const meta = { codecs: {}, ...JSON.parse(r.meta) } as TableMeta;
      out.set(database !== undefined ? r.name : `${r.database}\u0000${r.name}`, meta);
    }
    return out;
  }

  /** Records a table's metadata (every table DDL writes it, which also tells other services that the schema changed). */
  async setTableMeta(tenant: string, database: string, table: string, meta: TableMeta): Promise<void> {
    await this.writeTableRow(tenant, database, table, meta, false);
  }

  /** Forgets a dropped table's metadata. */
  async dropTableMeta(tenant: string, database: string, table: string): Promise<void> {
    await this.writeTableRow(tenant, database, table, { codecs: {} }, true);
  }

  /** Called whenever metadata changed (here or, within a poll interval, in another process). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Drops cached databases and tells the listeners (after DDL). */
  notify(): void {
    this.generation++;
    this.cache.clear();
    for (const l of this.listeners) l();
  }

  /**
   * Polls the highest metadata version every `intervalMs`; when it moves, another process
   * changed databases or tables, so cached schemas are dropped. The timer does not keep the
   * process alive.
   */
  watch(intervalMs = 250): void {
    if (this.watcher) return;
    this.watcher = setInterval(() => {
      // One poll at a time; shutdown waits for the one in flight before the client closes.
      if (!this.polling) this.polling = this.poll().finally(() => (this.polling = undefined));
    }, intervalMs);
    this.watcher.unref();
  }

  private async poll(): Promise<void> {
    try {
      const meta = quoteIdent(META_DATABASE);
      const [row] = await this.ch.rows<{ d: string; t: string }>(
        `SELECT (SELECT max(version) FROM ${meta}.databases) AS d, (SELECT max(version) FROM ${meta}.tables) AS t`,
      );
      if (row) this.observeEpoch(row);
    } catch {
      // ClickHouse unreachable for a moment: keep the caches, the next poll retries.
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
    await this.polling;
  }

  private async databaseRow(tenant: string, name: string): Promise<DatabaseRow | undefined> {
    const [row] = await this.databaseRows(`tenant = ${quoteString(tenant)} AND name = ${quoteString(name)}`);
    return row;
  }

  /**
   * Database rows, with the current metadata versions: every database lookup (each write asks
   * for its database) notices DDL done elsewhere and drops stale cached schemas before the
   * write goes on, without waiting for the next poll.
   */
  private async databaseRows(where: string): Promise<DatabaseRow[]> {
    const meta = quoteIdent(META_DATABASE);
    const rows = await this.ch.rows<DatabaseRow & { d: string; t: string }>(
      `SELECT tenant, name, argMax(options, version) AS options, argMax(dropped, version) AS dropped, ` +
        `(SELECT max(version) FROM ${meta}.databases) AS d, (SELECT max(version) FROM ${meta}.tables) AS t ` +
        `FROM ${meta}.databases WHERE ${where} GROUP BY tenant, name ORDER BY tenant, name`,
    );
    if (rows.length > 0) this.observeEpoch(rows[0]);
    return rows.filter((r) => Number(r.dropped) === 0);
  }

  private observeEpoch(versions: { d: string; t: string }): void {
    const epoch = `${versions.d}/${versions.t}`;
    if (this.epoch !== undefined && epoch !== this.epoch) this.notify();
    this.epoch = epoch;
  }

  private async writeDatabaseRow(tenant: string, name: string, options: DatabaseOptions, dropped: boolean): Promise<void> {
    await this.ch.exec(
      `INSERT INTO ${quoteIdent(META_DATABASE)}.databases (tenant, name, options, dropped, version) VALUES ` +
        `(${quoteString(tenant)}, ${quoteString(name)}, ${quoteString(JSON.stringify(options))}, ${dropped ? 1 : 0}, ${nextVersion()})`,
    );
  }

  private async writeTableRow(tenant: string, database: string, table: string, meta: TableMeta, dropped: boolean): Promise<void> {
    await this.ch.exec(
      `INSERT INTO ${quoteIdent(META_DATABASE)}.tables (tenant, database, name, meta, dropped, version) VALUES ` +
        `(${quoteString(tenant)}, ${quoteString(database)}, ${quoteString(table)}, ${quoteString(JSON.stringify(meta))}, ${dropped ? 1 : 0}, ${nextVersion()})`,
    );
  }
}

function cacheKey(tenant: string, name: string): string {
  return `${tenant}\u0000${name}`;
}

function toInfo(row: DatabaseRow): DatabaseInfo {
  return {
    tenant: row.tenant,
    name: row.name,
    chDatabase: chDatabaseName(row.tenant, row.name),
    options: { ...DEFAULT_DATABASE_OPTIONS, ...JSON.parse(row.options) },
  };
}

let lastVersion = 0n;
/** Strictly increasing version for metadata rows within this process (ms clock based). */
function nextVersion(): string {
  const now = BigInt(Date.now()) << 20n;
  lastVersion = now > lastVersion ? now : lastVersion + 1n;
  return lastVersion.toString();
}
