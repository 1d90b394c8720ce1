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
