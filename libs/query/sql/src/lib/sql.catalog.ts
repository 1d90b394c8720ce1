import { ResultType } from '@cnosdb/contracts';

/** One column of a CnosDB table as the translator needs it. */
export interface CatalogColumn {
  name: string;
  role: 'time' | 'tag' | 'field';
  type: ResultType;
}

/** A CnosDB table and where it lives in ClickHouse. `columns`: time first, then tags and fields in schema order. */
export interface CatalogTable {
  name: string;
  chDatabase: string;
  chTable: string;
  precision: 'ns' | 'us' | 'ms';
  columns: CatalogColumn[];
  /** Rows whose time is below this (in `precision` units) have expired (database TTL) and are invisible. */
  minTime?: bigint;
  /**
   * A parenthesized ClickHouse subquery read instead of `chDatabase.chTable` (virtual tables such
   * as information_schema); its rows are taken as they are, without the last-write-wins merge.
   */
  source?: string;
}

/**
 * Synchronous table lookup. `name` is the table name after identifier normalization;
 * `database`/`tenant` are set only when the SQL qualifies the table (`db.t`, `tenant.db.t`),
 * otherwise the request's defaults apply.
 */
export interface Catalog {
  table(name: string, database?: string, tenant?: string): CatalogTable | undefined;
}

/** A table named in a FROM clause (after normalization). */
export interface TableRef {
  name: string;
  database?: string;
  tenant?: string;
}
