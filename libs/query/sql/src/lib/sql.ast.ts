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

/** One parsed statement. Only queries are parsed fully; the rest are recognised by keyword. */
export type Statement =
  | { kind: 'select'; query: Query }
  | { kind: 'unsupported'; keyword: string };
