import { ResultType } from '@cnosdb/contracts';
import { CatalogTable } from '@cnosdb/query/sql';
import { ClickHouseService, columnFromClickHouse, DatabaseInfo, MetadataStore, quoteIdent, quoteString, SchemaColumn } from '@cnosdb/storage/clickhouse';
import { DATABASE_OPTION_COLUMNS, databaseOptionCells, INFORMATION_SCHEMA } from './ddl.executor';
import { TIME_TYPES } from './namespace';

type Cell = string | number | boolean;
interface VirtualColumn {
  name: string;
  type: ResultType;
}

const STRING = (name: string): VirtualColumn => ({ name, type: 'STRING' });

const DATABASES_COLUMNS: VirtualColumn[] = [STRING('tenant_name'), STRING('database_name'), ...DATABASE_OPTION_COLUMNS];
const TABLES_COLUMNS: VirtualColumn[] = ['table_tenant', 'table_database', 'table_name', 'table_type', 'table_engine', 'table_options'].map(STRING);
const COLUMNS_COLUMNS: VirtualColumn[] = [
  STRING('tenant_name'),
  STRING('database_name'),
  STRING('table_name'),
  STRING('column_name'),
  STRING('column_type'),
  { name: 'ordinal_position', type: 'BIGINT UNSIGNED' },
  STRING('column_default'),
  { name: 'is_nullable', type: 'BOOLEAN' },
  STRING('data_type'),
  STRING('compression_codec'),
];

/** The information_schema tables this project serves. */
export const INFORMATION_SCHEMA_TABLES = ['databases', 'tables', 'columns'] as const;

/**
 * information_schema.databases / tables / columns of one tenant (CnosDB's
 * query_server/query/src/metadata/information_schema_provider). The rows are built here from
 * the metadata and ClickHouse's system tables, then handed to the translator as a literal
 * subquery, so every SELECT feature works on them.
 */
export class InformationSchema {
  constructor(
    private readonly ch: ClickHouseService,
    private readonly metadata: MetadataStore,
  ) {}

  /** The catalog entry of `information_schema.<name>` for the tenant, or undefined for other names. */
  async table(tenant: string, name: string): Promise<CatalogTable | undefined> {
    switch (name) {
      case 'databases':
        return this.catalogTable(name, DATABASES_COLUMNS, await this.databaseRows(tenant));
      case 'tables':
        return this.catalogTable(name, TABLES_COLUMNS, await this.tableRows(tenant));
      case 'columns':
        return this.catalogTable(name, COLUMNS_COLUMNS, await this.columnRows(tenant));
      default:
        return undefined;
    }
  }

  private async databaseRows(tenant: string): Promise<Cell[][]> {
    const dbs = await this.metadata.listDatabases(tenant);
    return dbs.map((db) => {
      const cells: Cell[] = [tenant, db.name];
      databaseOptionCells(db.options).forEach((v, i) => {
        const type = DATABASE_OPTION_COLUMNS[i].type;
        cells.push(type === 'BIGINT UNSIGNED' ? Number(v) : type === 'BOOLEAN' ? v === 'true' : v);
      });
      return cells;
    });
  }

  private async tableRows(tenant: string): Promise<Cell[][]> {
    const dbs = await this.metadata.listDatabases(tenant);
    const byCh = new Map(dbs.map((d) => [d.chDatabase, d]));
    if (dbs.length === 0) return [];
    const rows = await this.ch.rows<{ database: string; name: string }>(
      `SELECT database, name FROM system.tables WHERE database IN (${dbs.map((d) => quoteString(d.chDatabase)).join(', ')}) ORDER BY database, name`,
    );
    return rows.flatMap((r) => {
      const db = byCh.get(r.database);
      return db ? [[tenant, db.name, r.name, 'TABLE', 'TSKV', 'TODO']] : [];
    });
  }

  private async columnRows(tenant: string): Promise<Cell[][]> {
    const dbs = await this.metadata.listDatabases(tenant);
    if (dbs.length === 0) return [];
    const byCh = new Map<string, DatabaseInfo>(dbs.map((d) => [d.chDatabase, d]));
    const rows = await this.ch.rows<{ database: string; table: string; name: string; type: string }>(
      `SELECT database, table, name, type FROM system.columns WHERE database IN (${dbs.map((d) => quoteString(d.chDatabase)).join(', ')})`,
    );
    const metas = await this.metadata.listTableMeta(tenant);
    const out: Cell[][] = [];
    const position = new Map<string, number>();
    for (const r of rows) {
      const db = byCh.get(r.database);
      const column: SchemaColumn | undefined = columnFromClickHouse(r.name, r.type);
      if (!db || !column) continue;
      const key = `${db.name}\u0000${r.table}`;
      const ordinal = position.get(key) ?? 0;
      position.set(key, ordinal + 1);
      const codec = column.role === 'field' ? (metas.get(key)?.codecs[column.name] ?? 'DEFAULT') : 'DEFAULT';
      out.push([
        tenant,
        db.name,
        r.table,
        column.name,
        column.role.toUpperCase(),
        ordinal,
        'NULL',
        column.role !== 'time',
        column.role === 'time' ? TIME_TYPES[db.options.precision] : column.type,
        codec,
      ]);
    }
    return out;
  }

  private catalogTable(name: string, columns: VirtualColumn[], rows: Cell[][]): CatalogTable {
    return {
      name,
      chDatabase: INFORMATION_SCHEMA,
      chTable: name,
      precision: 'ns',
      columns: columns.map((c) => ({ name: c.name, role: 'field', type: c.type })),
      source: literalSource(columns, rows),
    };
  }
}

/** A ClickHouse subquery yielding `rows` with the columns' names and types. */
export function literalSource(columns: VirtualColumn[], rows: Cell[][]): string {
  const literal = (value: Cell, type: ResultType): string => {
    if (type === 'BIGINT UNSIGNED') return `toUInt64(${Number(value)})`;
    if (type === 'BOOLEAN') return `toUInt8(${value ? 1 : 0})`;
    return quoteString(String(value));
  };
  if (rows.length === 0) {
    const empty = columns.map((c) => `${literal(c.type === 'STRING' ? '' : 0, c.type)} AS ${quoteIdent(c.name)}`);
    return `(SELECT ${empty.join(', ')} FROM system.one WHERE 0)`;
  }
  const list = columns.map((c, i) => `tupleElement(r, ${i + 1}) AS ${quoteIdent(c.name)}`);
  const tuples = rows.map((row) => `(${row.map((v, i) => literal(v, columns[i].type)).join(', ')})`);
  return `(SELECT ${list.join(', ')} FROM system.one ARRAY JOIN [${tuples.join(', ')}] AS r)`;
}
