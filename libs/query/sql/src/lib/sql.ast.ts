/**
 * Typed AST for CnosDB's SQL dialect (DataFusion 27 on sqlparser 0.35).
 * Identifiers are stored normalized the way DataFusion does it: unquoted ones lower-cased,
 * quoted ones verbatim.
 */

/** An identifier after normalization; `quoted` remembers whether it was written in quotes. */
export interface Ident {
  value: string;
  quoted: boolean;
}

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR' | '||';

/** A SQL data type as written in CAST / `::`, reduced to its canonical upper-case name. */
export interface DataTypeName {
  /** e.g. `BIGINT`, `BIGINT UNSIGNED`, `DOUBLE`, `VARCHAR`, `TIMESTAMP` */
  name: string;
  /** Set on column types of CREATE/ALTER TABLE that sqlparser does not know (its `Custom` type). */
  custom?: boolean;
}

export type Literal =
  | { type: 'number'; text: string }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export type Expr =
  | { kind: 'identifier'; parts: Ident[] }
  | { kind: 'literal'; value: Literal }
  | { kind: 'interval'; value: Expr; unit?: string }
  | { kind: 'typedString'; dataType: DataTypeName; value: string }
  | { kind: 'unary'; op: '-' | '+' | 'NOT'; expr: Expr }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr }
  | { kind: 'isNull'; negated: boolean; expr: Expr }
  | { kind: 'isBool'; value: boolean; negated: boolean; expr: Expr }
  | { kind: 'inList'; negated: boolean; expr: Expr; list: Expr[] }
  | { kind: 'inSubquery'; negated: boolean; expr: Expr; subquery: Query }
  | { kind: 'between'; negated: boolean; expr: Expr; low: Expr; high: Expr }
  | { kind: 'like'; negated: boolean; caseInsensitive: boolean; expr: Expr; pattern: Expr; escape?: string }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { kind: 'cast'; expr: Expr; dataType: DataTypeName; style: 'cast' | 'try_cast' | '::' }
  | { kind: 'function'; name: Ident[]; args: FunctionArg[]; distinct: boolean; over?: boolean }
  | { kind: 'nested'; expr: Expr }
  | { kind: 'subquery'; query: Query }
  | { kind: 'exists'; negated: boolean; query: Query };

export type FunctionArg = { kind: 'expr'; expr: Expr } | { kind: 'wildcard' };

export interface OrderByExpr {
  expr: Expr;
  /** undefined when neither ASC nor DESC was written */
  asc?: boolean;
  nullsFirst?: boolean;
}

export interface Query {
  with: { name: Ident; query: Query }[];
  body: SetExpr;
  orderBy: OrderByExpr[];
  limit?: Expr;
  offset?: Expr;
}

export type SetExpr =
  | { kind: 'select'; select: Select }
  | { kind: 'query'; query: Query }
  | { kind: 'setOperation'; op: 'UNION' | 'EXCEPT' | 'INTERSECT'; all: boolean; left: SetExpr; right: SetExpr };

export type SelectItem =
  | { kind: 'expr'; expr: Expr; alias?: Ident }
  | { kind: 'wildcard' }
  | { kind: 'qualifiedWildcard'; qualifier: Ident[] };

export interface Select {
  distinct: boolean;
  projection: SelectItem[];
  from: TableWithJoins[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
}

export interface TableWithJoins {
  relation: TableFactor;
  joins: Join[];
}

export type TableFactor =
  | { kind: 'table'; name: Ident[]; alias?: Ident }
  | { kind: 'derived'; subquery: Query; alias?: Ident }
  | { kind: 'nestedJoin'; tableWithJoins: TableWithJoins; alias?: Ident };

export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export interface Join {
  kind: JoinKind;
  relation: TableFactor;
  constraint: { kind: 'on'; expr: Expr } | { kind: 'using'; columns: Ident[] } | { kind: 'natural' } | { kind: 'none' };
}

/**
 * Options of CREATE/ALTER DATABASE exactly as written (values unvalidated): strings for the
 * quoted ones, digit text for the numeric ones. Keys are CnosDB's option names.
 */
export interface DatabaseOptionsAst {
  ttl?: string;
  shard?: string;
  vnode_duration?: string;
  replica?: string;
  precision?: string;
  max_memcache_size?: string;
  memcache_partitions?: string;
  wal_max_file_size?: string;
  wal_sync?: string;
  strict_write?: string;
  max_cache_readers?: string;
}

/** A column of CREATE TABLE / ALTER TABLE ADD: a field with its type and codec, or a tag. */
export type ColumnDefAst =
  | { kind: 'field'; name: Ident; dataType: DataTypeName; codec?: string }
  | { kind: 'tag'; name: Ident };

export type AlterTableAction =
  | { kind: 'addColumn'; column: ColumnDefAst }
  | { kind: 'dropColumn'; column: Ident }
  | { kind: 'alterCodec'; column: Ident; codec: string }
  | { kind: 'renameColumn'; from: Ident; to: Ident };

/** The WITH KEY clause of SHOW TAG VALUES. */
export interface WithKeyAst {
  op: '=' | '!=' | 'IN' | 'NOT IN';
  keys: Ident[];
}

/** The common body of SHOW SERIES and SHOW TAG VALUES. */
export interface ShowTagBodyAst {
  database?: Ident;
  table: Ident;
  where?: Expr;
  orderBy: OrderByExpr[];
  limit?: Expr;
  offset?: Expr;
}

/** One parsed statement. Queries and CnosDB's DDL/metadata statements are parsed fully; the rest are recognised by keyword. */
export type Statement =
  | { kind: 'select'; query: Query }
  | { kind: 'unsupported'; keyword: string }
  | { kind: 'createDatabase'; name: Ident; ifNotExists: boolean; options: DatabaseOptionsAst }
  | { kind: 'alterDatabase'; name: Ident; options: DatabaseOptionsAst }
  | { kind: 'dropDatabase'; name: Ident; ifExists: boolean; after?: string }
  | { kind: 'showDatabases' }
  | { kind: 'describeDatabase'; name: Ident }
  | { kind: 'createTable'; name: Ident[]; ifNotExists: boolean; columns: ColumnDefAst[] }
  | { kind: 'alterTable'; name: Ident[]; action: AlterTableAction }
  | { kind: 'dropTable'; name: Ident[]; ifExists: boolean }
  | { kind: 'showTables'; database?: Ident }
  | { kind: 'describeTable'; name: Ident[] }
  | { kind: 'insert'; table: Ident[]; columns: Ident[]; source: { kind: 'values'; rows: Expr[][] } | { kind: 'query'; query: Query } }
  | { kind: 'showSeries'; body: ShowTagBodyAst }
  | { kind: 'showTagValues'; body: ShowTagBodyAst; with: WithKeyAst };
