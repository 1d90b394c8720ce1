/**
 * Name mapping between CnosDB namespaces and ClickHouse. One ClickHouse database per
 * (tenant, database): "<tenant>.<db>" with '%' and '.' percent-encoded inside each part, so
 * the mapping is reversible and two namespaces never collide. Tables keep their CnosDB name.
 */
export const META_DATABASE = '_cnosdb_meta';

/** Hidden column ordering writes for last-write-wins merges. */
export const VERSION_COLUMN = '__cnosdb_version';

const encodePart = (s: string) => s.replace(/%/g, '%25').replace(/\./g, '%2E');
const decodePart = (s: string) => s.replace(/%2E/g, '.').replace(/%25/g, '%');

export function chDatabaseName(tenant: string, database: string): string {
  return `${encodePart(tenant)}.${encodePart(database)}`;
}

export function parseChDatabaseName(name: string): { tenant: string; database: string } | undefined {
  const parts = name.split('.');
  if (parts.length !== 2) return undefined;
  return { tenant: decodePart(parts[0]), database: decodePart(parts[1]) };
}

/** Backquotes an identifier for ClickHouse. */
export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** A ClickHouse string literal. */
export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

export function qualified(chDatabase: string, table: string): string {
  return `${quoteIdent(chDatabase)}.${quoteIdent(table)}`;
}
