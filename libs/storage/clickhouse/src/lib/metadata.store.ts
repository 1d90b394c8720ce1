import { Precision } from '@cnosdb/contracts';
import { ClickHouseService } from './clickhouse.service';
import { chDatabaseName, META_DATABASE, quoteIdent, quoteString } from './naming';

/** Options of a CnosDB database, as CREATE DATABASE sets them and DESCRIBE DATABASE shows them. */
export interface DatabaseOptions {
  ttl: string;
  shard: number;
  vnodeDuration: string;
  replica: number;
  precision: Precision;
}

export interface DatabaseInfo {
  tenant: string;
  name: string;
  chDatabase: string;
  options: DatabaseOptions;
}

export const DEFAULT_DATABASE_OPTIONS: DatabaseOptions = { ttl: 'INF', shard: 1, vnodeDuration: '1year', replica: 1, precision: 'ns' };

/** Default namespace that exists from the first start on. */
export const DEFAULT_TENANT = 'cnosdb';
export const DEFAULT_DATABASE = 'public';

interface DatabaseRow {
  tenant: string;
  name: string;
  options: string;
  dropped: number;
}

/**
 * Databases and their options, kept in ClickHouse (META_DATABASE). Rows are versioned and
 * never updated in place: the newest version of (tenant, name) wins, `dropped` marks a drop.
 */
export class MetadataStore {
  private cache = new Map<string, { info: DatabaseInfo | undefined; at: number }>();
  private static readonly CACHE_MS = 1000;

  constructor(private readonly ch: ClickHouseService) {}

  /** Creates the metadata tables and the default tenant/database if missing (idempotent). */
  async bootstrap(): Promise<void> {
    await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(META_DATABASE)}`);
    await this.ch.exec(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(META_DATABASE)}.databases (tenant String, name String, options String, dropped UInt8, version UInt64) ` +
        `ENGINE = ReplacingMergeTree(version) ORDER BY (tenant, name)`,
    );
    await this.ch.exec(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(META_DATABASE)}.users (name String, password_hash String, is_admin UInt8, dropped UInt8, version UInt64) ` +
        `ENGINE = ReplacingMergeTree(version) ORDER BY name`,
    );
    if (!(await this.getDatabase(DEFAULT_TENANT, DEFAULT_DATABASE, true))) {
      await this.createDatabase(DEFAULT_TENANT, DEFAULT_DATABASE, DEFAULT_DATABASE_OPTIONS);
    }
  }

  /** Registers a database and creates its ClickHouse database. */
  async createDatabase(tenant: string, name: string, options: DatabaseOptions): Promise<DatabaseInfo> {
    const chDatabase = chDatabaseName(tenant, name);
    await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(chDatabase)}`);
    await this.ch.exec(
      `INSERT INTO ${quoteIdent(META_DATABASE)}.databases (tenant, name, options, dropped, version) VALUES ` +
        `(${quoteString(tenant)}, ${quoteString(name)}, ${quoteString(JSON.stringify(options))}, 0, ${nextVersion()})`,
    );
    const info = { tenant, name, chDatabase, options };
    this.cache.set(`${tenant}\u0000${name}`, { info, at: Date.now() });
    return info;
  }

  /** Looks a database up (cached for a second; `fresh` bypasses the cache). */
  async getDatabase(tenant: string, name: string, fresh = false): Promise<DatabaseInfo | undefined> {
    const key = `${tenant}\u0000${name}`;
    const hit = this.cache.get(key);
    if (!fresh && hit && Date.now() - hit.at < MetadataStore.CACHE_MS) return hit.info;
    const rows = await this.ch.rows<DatabaseRow>(
      `SELECT tenant, name, argMax(options, version) AS options, argMax(dropped, version) AS dropped ` +
        `FROM ${quoteIdent(META_DATABASE)}.databases WHERE tenant = ${quoteString(tenant)} AND name = ${quoteString(name)} GROUP BY tenant, name`,
    );
    const row = rows.find((r) => Number(r.dropped) === 0);
    const info = row
      ? { tenant, name, chDatabase: chDatabaseName(tenant, name), options: { ...DEFAULT_DATABASE_OPTIONS, ...JSON.parse(row.options) } }
      : undefined;
    this.cache.set(key, { info, at: Date.now() });
    return info;
  }
}

let lastVersion = 0n;
/** Strictly increasing version for metadata rows within this process (ms clock based). */
function nextVersion(): string {
  const now = BigInt(Date.now()) << 20n;
  lastVersion = now > lastVersion ? now : lastVersion + 1n;
  return lastVersion.toString();
}
