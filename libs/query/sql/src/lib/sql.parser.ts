import {
  AlterTableAction,
  BinaryOperator,
  ColumnDefAst,
  DatabaseOptionsAst,
  DataTypeName,
  Expr,
  FunctionArg,
  Ident,
  Join,
  JoinKind,
  OrderByExpr,
  Query,
  Select,
  SelectItem,
  SetExpr,
  ShowTagBodyAst,
  Statement,
  TableFactor,
  TableWithJoins,
  WithKeyAst,
} from './sql.ast';
import { SqlParseError } from './sql.errors';
import { Token, tokenText, tokenize } from './sql.tokenizer';

// Binding powers copied from sqlparser 0.35 so that ASTs (and thus DataFusion's display
// names) come out the same.
const PREC = {
  or: 5,
  and: 10,
  unaryNot: 15,
  is: 17,
  like: 19,
  between: 20,
  comparison: 20,
  plusMinus: 30,
  mulDiv: 40,
  doubleColon: 50,
} as const;

const RESERVED_FOR_COLUMN_ALIAS = new Set([
  'WITH', 'EXPLAIN', 'ANALYZE', 'SELECT', 'WHERE', 'GROUP', 'SORT', 'HAVING', 'ORDER', 'TOP', 'LATERAL', 'VIEW',
  'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'EXCEPT', 'INTERSECT', 'CLUSTER', 'DISTRIBUTE', 'FROM', 'INTO', 'END',
]);

const RESERVED_FOR_TABLE_ALIAS = new Set([
  'WITH', 'EXPLAIN', 'ANALYZE', 'SELECT', 'WHERE', 'GROUP', 'SORT', 'HAVING', 'ORDER', 'PIVOT', 'UNPIVOT', 'TOP',
  'LATERAL', 'VIEW', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'EXCEPT', 'INTERSECT', 'ON', 'JOIN', 'INNER', 'CROSS',
  'FULL', 'LEFT', 'RIGHT', 'NATURAL', 'USING', 'CLUSTER', 'DISTRIBUTE', 'OUTER', 'SET', 'QUALIFY', 'WINDOW', 'END',
]);

/** Statement keywords that are routed elsewhere; their statements are not parsed here. */
const OTHER_STATEMENT_KEYWORDS = new Set([
  'CREATE', 'DROP', 'ALTER', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'INSERT', 'UPDATE', 'DELETE', 'GRANT', 'REVOKE',
  'COPY', 'COMPACT', 'RECOVER', 'SET', 'TRUNCATE', 'KILL', 'ANALYZE', 'USE', 'CHECKSUM', 'REPLICA', 'MOVE', 'VALUES',
  'START', 'BEGIN', 'COMMIT', 'ROLLBACK', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'MERGE', 'CACHE', 'UNCACHE', 'MSCK',
]);

const INTERVAL_UNITS = new Set([
  'YEAR', 'YEARS', 'MONTH', 'MONTHS', 'WEEK', 'WEEKS', 'DAY', 'DAYS', 'HOUR', 'HOURS', 'MINUTE', 'MINUTES', 'SECOND',
  'SECONDS', 'MILLISECOND', 'MILLISECONDS', 'MICROSECOND', 'MICROSECONDS', 'NANOSECOND', 'NANOSECONDS', 'QUARTER',
  'CENTURY', 'DECADE', 'MILLENNIUM', 'MILLENIUM',
]);

// Type names that may prefix a string literal (`TIMESTAMP '2023-01-01'`), as sqlparser's
// parse_data_type would accept them.
const TYPED_STRING_TYPES = new Set([
  'TIMESTAMP', 'DATE', 'TIME', 'BOOLEAN', 'BOOL', 'BIGINT', 'INT', 'INTEGER', 'SMALLINT', 'TINYINT', 'DOUBLE',
  'FLOAT', 'REAL', 'VARCHAR', 'CHAR', 'TEXT', 'STRING', 'DECIMAL', 'NUMERIC',
]);

const MAX_DEPTH = 50;

const normalize = (t: Extract<Token, { kind: 'word' }>): Ident =>
  t.quote === null ? { value: t.value.toLowerCase(), quoted: false } : { value: t.value, quoted: true };

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  // ---- token helpers -------------------------------------------------------------------

  peek(n = 0): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private back(): void {
    this.pos--;
  }

  private expected(what: string, found: Token = this.peek()): never {
    throw new SqlParseError(`Expected ${what}, found: ${tokenText(found)}`);
  }

  static keywordOf(t: Token): string | undefined {
    return t.kind === 'word' && t.quote === null ? t.value.toUpperCase() : undefined;
  }

  private isKeyword(kw: string, n = 0): boolean {
    return Parser.keywordOf(this.peek(n)) === kw;
  }

  private parseKeyword(kw: string): boolean {
    if (this.isKeyword(kw)) {
      this.next();
      return true;
    }
    return false;
  }

  private parseKeywords(...kws: string[]): boolean {
    for (let i = 0; i < kws.length; i++) if (!this.isKeyword(kws[i], i)) return false;
    this.pos += kws.length;
    return true;
  }

  private expectKeyword(kw: string): void {
    if (!this.parseKeyword(kw)) this.expected(kw);
  }

  private isOp(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'op' && t.text === text;
  }

  private consumeOp(text: string): boolean {
    if (this.isOp(text)) {
      this.next();
      return true;
    }
    return false;
  }

  private expectOp(text: string): void {
    if (!this.consumeOp(text)) this.expected(text);
  }

  private guard<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new SqlParseError('recursion limit exceeded');
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private commaSeparated<T>(f: () => T): T[] {
    const items = [f()];
    while (this.consumeOp(',')) items.push(f());
    return items;
  }

  // ---- statements ----------------------------------------------------------------------

  parseStatements(): Statement[] {
    const statements: Statement[] = [];
    let expectingDelimiter = false;
    for (;;) {
      while (this.consumeOp(';')) expectingDelimiter = false;
      if (this.peek().kind === 'eof') break;
      if (expectingDelimiter) this.expected('end of statement');
      statements.push(this.parseStatement());
      expectingDelimiter = true;
    }
    return statements;
  }

  parseStatement(): Statement {
    const t = this.peek();
    const kw = Parser.keywordOf(t);
    if (kw === 'SELECT' || kw === 'WITH' || this.isOp('(')) {
      return { kind: 'select', query: this.parseQuery() };
    }
    switch (kw) {
      case 'CREATE':
        this.next();
        return this.parseCreate();
      case 'DROP':
        this.next();
        return this.parseDrop();
      case 'ALTER':
        this.next();
        return this.parseAlter();
      case 'SHOW':
        this.next();
        return this.parseShow();
      case 'DESCRIBE':
      case 'DESC':
        this.next();
        return this.parseDescribe();
      case 'INSERT':
        this.next();
        return this.parseInsert();
    }
    if (kw !== undefined && OTHER_STATEMENT_KEYWORDS.has(kw)) return this.skipStatement(kw);
    return this.expected('an SQL statement', t);
  }

  /** Skips to the statement delimiter: statements recognised but not implemented. */
  private skipStatement(keyword: string): Statement {
    while (this.peek().kind !== 'eof' && !this.isOp(';')) this.next();
    return { kind: 'unsupported', keyword };
  }

  // ---- CnosDB statements (query_server/query/src/sql/parser.rs) -------------------------

  private parseCreate(): Statement {
    if (this.parseKeyword('TABLE')) {
      const ifNotExists = this.parseKeywords('IF', 'NOT', 'EXISTS');
      const name = this.parseObjectName();
      checkObjectName(name);
      return { kind: 'createTable', name, ifNotExists, columns: this.parseCnosColumns() };
    }
    if (this.parseKeyword('DATABASE')) {
      const ifNotExists = this.parseKeywords('IF', 'NOT', 'EXISTS');
      const name = this.parseIdentifier();
      checkObjectName([name]);
      // CnosDB wants WITH before the options; accepting them without it is a harmless superset.
      this.parseKeyword('WITH');
      const options: DatabaseOptionsAst = {};
      while (this.parseDatabaseOption(options));
      return { kind: 'createDatabase', name, ifNotExists, options };
    }
    const kw = Parser.keywordOf(this.peek());
    if (kw === 'EXTERNAL' || kw === 'UNBOUNDED' || kw === 'TENANT' || kw === 'USER' || kw === 'ROLE' || kw === 'STREAM') {
      return this.skipStatement('CREATE');
    }
    return this.expected('an object type after CREATE');
  }

  private static readonly DATABASE_STRING_OPTIONS = new Set(['TTL', 'VNODE_DURATION', 'PRECISION', 'MAX_MEMCACHE_SIZE', 'WAL_MAX_FILE_SIZE', 'WAL_SYNC', 'STRICT_WRITE']);
  private static readonly DATABASE_NUMBER_OPTIONS = new Set(['SHARD', 'REPLICA', 'MEMCACHE_PARTITIONS', 'MAX_CACHE_READERS']);

  /** One `OPTION [=] value`; false when the next token is no database option. */
  private parseDatabaseOption(options: DatabaseOptionsAst): boolean {
    const kw = Parser.keywordOf(this.peek());
    if (kw === undefined) return false;
    const key = kw.toLowerCase() as keyof DatabaseOptionsAst;
    if (Parser.DATABASE_STRING_OPTIONS.has(kw)) {
      this.next();
      this.consumeOp('=');
      options[key] = this.parseStringValue();
      return true;
    }
    if (Parser.DATABASE_NUMBER_OPTIONS.has(kw)) {
      this.next();
      this.consumeOp('=');
      const value = this.parseUnsignedNumber();
      if ((kw === 'SHARD' || kw === 'REPLICA') && BigInt(value) === 0n) {
        throw new SqlParseError(`${kw === 'SHARD' ? 'shard' : 'replica'} number should be greater than 0`);
      }
      options[key] = value;
      return true;
    }
    return false;
  }

  /** sqlparser's parse_value, accepting only strings (as spi's parse_string_value). */
  private parseStringValue(): string {
    const t = this.next();
    if (t.kind === 'string') return t.value;
    if (t.kind === 'word' && t.quote === '"') return t.value;
    if (t.kind === 'number') throw new SqlParseError(`expected value, but found : ${t.text}`);
    const kw = Parser.keywordOf(t);
    if (kw === 'TRUE' || kw === 'FALSE' || kw === 'NULL') throw new SqlParseError(`expected value, but found : ${kw.toLowerCase() === 'null' ? 'NULL' : kw.toLowerCase()}`);
    return this.expected('a concrete value', t);
  }

  private parseUnsignedNumber(): string {
    const t = this.peek();
    if (t.kind !== 'number') return this.expected('literal number', t);
    this.next();
    if (!/^\d+$/.test(t.text) || BigInt(t.text) > 18446744073709551615n) {
      throw new SqlParseError(`this option should be a unsigned number, but get ${t.text}`);
    }
    return t.text;
  }

  private parseDrop(): Statement {
    if (this.parseKeyword('TABLE')) {
      const ifExists = this.parseKeywords('IF', 'EXISTS');
      return { kind: 'dropTable', name: this.parseObjectName(), ifExists };
    }
    if (this.parseKeyword('DATABASE')) {
      const ifExists = this.parseKeywords('IF', 'EXISTS');
      const name = this.parseIdentifier();
      if (this.parseKeyword('AFTER')) return { kind: 'dropDatabase', name, ifExists, after: this.parseStringValue() };
      return { kind: 'dropDatabase', name, ifExists };
    }
    const kw = Parser.keywordOf(this.peek());
    if (kw === 'TENANT' || kw === 'USER' || kw === 'ROLE' || kw === 'VNODE' || kw === 'STREAM') return this.skipStatement('DROP');
    return this.expected('TABLE,DATABASE,TENANT,USER,ROLE,VNODE,STREAM after DROP');
  }

  private parseAlter(): Statement {
    if (this.parseKeyword('TABLE')) return this.parseAlterTable();
    if (this.parseKeyword('DATABASE')) {
      const name = this.parseIdentifier();
      this.expectKeyword('SET');
      const options: DatabaseOptionsAst = {};
      if (!this.parseDatabaseOption(options)) throw new SqlParseError(`expected database option, but found ${tokenText(this.peek())}`);
      const modifiable = new Set(['ttl', 'shard', 'vnode_duration', 'replica']);
      if (Object.keys(options).some((k) => !modifiable.has(k))) {
        throw new SqlParseError('database config is unmodifiable, only can modify database option: TTL, SHARD, VNODE_DURATION, REPLICA');
      }
      return { kind: 'alterDatabase', name, options };
    }
    const kw = Parser.keywordOf(this.peek());
    if (kw === 'TENANT' || kw === 'USER') return this.skipStatement('ALTER');
    return this.expected('TABLE/DATABASE/TENANT/USER');
  }

  private parseAlterTable(): Statement {
    const name = this.parseObjectName();
    let action: AlterTableAction;
    if (this.parseKeyword('ADD')) {
      if (this.parseKeyword('FIELD')) action = { kind: 'addColumn', column: this.parseCnosField() };
      else if (this.parseKeyword('TAG')) action = { kind: 'addColumn', column: { kind: 'tag', name: this.parseIdentifier() } };
      else return this.expected('FIELD or TAG');
    } else if (this.parseKeyword('ALTER')) {
      const column = this.parseIdentifier();
      this.expectKeyword('SET');
      this.expectKeyword('CODEC');
      action = { kind: 'alterCodec', column, codec: this.parseCodec() };
    } else if (this.parseKeyword('DROP')) {
      action = { kind: 'dropColumn', column: this.parseIdentifier() };
    } else if (this.parseKeyword('RENAME')) {
      this.expectKeyword('COLUMN');
      const from = this.parseIdentifier();
      this.expectKeyword('TO');
      action = { kind: 'renameColumn', from, to: this.parseIdentifier() };
    } else {
      return this.expected('ADD or ALTER or DROP or RENAME');
    }
    return { kind: 'alterTable', name, action };
  }

  /** `(field TYPE [CODEC(x)], …[, TAGS(a, b)])`: tags first in the result, as CnosDB orders them. */
  private parseCnosColumns(): ColumnDefAst[] {
    if (!this.consumeOp('(') || this.consumeOp(')')) throw new SqlParseError('Expected field columns when create table');
    const tags: ColumnDefAst[] = [];
    const fields: ColumnDefAst[] = [];
    for (;;) {
      fields.push(this.parseCnosField());
      if (this.consumeOp(',')) {
        if (this.parseKeyword('TAGS')) {
          if (!this.consumeOp('(')) this.expected('a list of columns in parentheses');
          if (!this.consumeOp(')')) {
            tags.push(...this.commaSeparated((): ColumnDefAst => ({ kind: 'tag', name: this.parseIdentifier() })));
            this.expectOp(')');
          }
          this.expectOp(')');
          break;
        }
      } else if (this.consumeOp(')')) {
        break;
      } else {
        throw new SqlParseError("Expected token ',', 'TAGS' or ')'");
      }
    }
    return [...tags, ...fields];
  }

  /** `name TYPE [CODEC(x)]` */
  private parseCnosField(): ColumnDefAst {
    const name = this.parseIdentifier();
    const dataType = this.parseColumnType();
    const codec = this.parseKeyword('CODEC') ? this.parseCodec() : undefined;
    return codec === undefined ? { kind: 'field', name, dataType } : { kind: 'field', name, dataType, codec };
  }

  /**
   * A column type: BIGINT [UNSIGNED], DOUBLE, STRING, BOOLEAN, TIMESTAMP by their canonical
   * names; any other type keeps its text as sqlparser displays it, for the planner's error.
   */
  private parseColumnType(): DataTypeName {
    const t = this.peek();
    const kw = Parser.keywordOf(t);
    switch (kw) {
      case 'BIGINT': {
        this.next();
        this.optionalTypeLength();
        return { name: this.parseKeyword('UNSIGNED') ? 'BIGINT UNSIGNED' : 'BIGINT' };
      }
      case 'DOUBLE':
        this.next();
        return { name: this.parseKeyword('PRECISION') ? 'DOUBLE PRECISION' : 'DOUBLE' };
      case 'STRING':
      case 'BOOLEAN':
        this.next();
        return { name: kw };
      case 'TIMESTAMP': {
        this.next();
        this.optionalTypeLength();
        if (this.parseKeyword('WITH')) {
          this.expectKeyword('TIME');
          this.expectKeyword('ZONE');
          return { name: 'TIMESTAMP WITH TIME ZONE' };
        }
        if (this.parseKeyword('WITHOUT')) {
          this.expectKeyword('TIME');
          this.expectKeyword('ZONE');
        }
        return { name: 'TIMESTAMP' };
      }
    }
    if (t.kind !== 'word') return this.expected('a data type name', t);
    const start = this.pos;
    const dataType = this.parseDataType();
    // Anything else is unsupported; keep the source spelling (sqlparser's Display).
    const text = this.tokens
      .slice(start, this.pos)
      .map((x) => (x.kind === 'word' && x.quote === null ? x.value.toUpperCase() : tokenText(x)))
      .join(' ')
      .replace(/ \( /g, '(')
      .replace(/ \)/g, ')')
      .replace(/ , /g, ', ');
    // sqlparser's Custom type: an unknown name, displayed as written.
    if (this.pos === start + 1 && dataType.name === normalize(t).value) return { name: t.quote === null ? t.value : tokenText(t), custom: true };
    return { name: text };
  }

  private optionalTypeLength(): void {
    if (this.consumeOp('(')) {
      const n = this.next();
      if (n.kind !== 'number') this.expected('literal int', n);
      this.expectOp(')');
    }
  }

  /** `(ENCODING)` after CODEC. */
  private parseCodec(): string {
    this.expectOp('(');
    if (this.isOp(')')) throw new SqlParseError('expect codec encoding type in ()');
    const t = this.peek();
    const text = tokenText(t);
    const codec = text.toUpperCase();
    if (!CODECS.has(codec)) throw new SqlParseError(`${text} is not valid encoding`);
    this.next();
    this.expectOp(')');
    return codec;
  }

  private parseShow(): Statement {
    const kw = Parser.keywordOf(this.peek());
    switch (kw) {
      case 'TABLES': {
        this.next();
        const database = this.parseKeyword('ON') ? this.parseIdentifier() : undefined;
        return database === undefined ? { kind: 'showTables' } : { kind: 'showTables', database };
      }
      case 'DATABASES':
        this.next();
        return { kind: 'showDatabases' };
      case 'SERIES':
        this.next();
        return { kind: 'showSeries', body: this.parseShowTagBody(false).body };
      case 'TAG': {
        this.next();
        if (!this.parseKeyword('VALUES')) return this.expected('VALUES');
        const { body, withKey } = this.parseShowTagBody(true);
        return { kind: 'showTagValues', body, with: withKey as WithKeyAst };
      }
      case 'QUERIES':
      case 'STREAMS':
      case 'REPLICAS':
        return this.skipStatement('SHOW');
    }
    throw new SqlParseError(`nonsupport: ${tokenText(this.peek())}`);
  }

  private parseShowTagBody(withKey: boolean): { body: ShowTagBodyAst; withKey?: WithKeyAst } {
    const database = this.parseKeyword('ON') ? this.parseIdentifier() : undefined;
    this.expectKeyword('FROM');
    const table = this.parseIdentifier();
    let key: WithKeyAst | undefined;
    if (withKey) {
      this.expectKeyword('WITH');
      this.expectKeyword('KEY');
      const t = this.next();
      const kw = Parser.keywordOf(t);
      if (t.kind === 'op' && (t.text === '=' || t.text === '==')) key = { op: '=', keys: [this.parseIdentifier()] };
      else if (t.kind === 'op' && (t.text === '!=' || t.text === '<>')) key = { op: '!=', keys: [this.parseIdentifier()] };
      else if (kw === 'IN' || kw === 'NOT') {
        if (kw === 'NOT') this.expectKeyword('IN');
        this.expectOp('(');
        const keys = this.commaSeparated(() => this.parseIdentifier());
        this.expectOp(')');
        key = { op: kw === 'IN' ? 'IN' : 'NOT IN', keys };
      } else return this.expected('=, !=, <>, IN, NOT IN', t);
    }
    const body: ShowTagBodyAst = { table, orderBy: [] };
    if (database !== undefined) body.database = database;
    if (this.parseKeyword('WHERE')) body.where = this.parseExpr();
    if (this.parseKeywords('ORDER', 'BY')) body.orderBy = this.commaSeparated(() => this.parseOrderByExpr());
    for (let i = 0; i < 2; i++) {
      if (body.limit === undefined && this.parseKeyword('LIMIT')) {
        if (!this.parseKeyword('ALL')) body.limit = this.parseExpr();
      }
      if (body.offset === undefined && this.parseKeyword('OFFSET')) {
        body.offset = this.parseExpr();
        if (!this.parseKeyword('ROW')) this.parseKeyword('ROWS');
      }
    }
    return { body, withKey: key };
  }

  private parseDescribe(): Statement {
    if (this.parseKeyword('TABLE')) return { kind: 'describeTable', name: this.parseObjectName() };
    if (this.parseKeyword('DATABASE')) return { kind: 'describeDatabase', name: this.parseIdentifier() };
    return this.expected('table/database');
  }

  /** `INSERT [INTO] t [(cols)] VALUES (…), … | SELECT …` */
  private parseInsert(): Statement {
    this.parseKeyword('INTO');
    const table = this.parseObjectName();
    let columns: Ident[] = [];
    if (this.isOp('(') && !(this.isKeyword('SELECT', 1) || this.isKeyword('WITH', 1))) {
      this.next();
      columns = this.commaSeparated(() => this.parseIdentifier());
      this.expectOp(')');
    }
    if (this.parseKeyword('VALUES')) {
      const rows = this.commaSeparated(() => {
        this.parseKeyword('ROW');
        this.expectOp('(');
        const row = this.isOp(')') ? [] : this.commaSeparated(() => this.parseExpr());
        this.expectOp(')');
        return row;
      });
      return { kind: 'insert', table, columns, source: { kind: 'values', rows } };
    }
    return { kind: 'insert', table, columns, source: { kind: 'query', query: this.parseQuery() } };
  }

  // ---- queries -------------------------------------------------------------------------

  parseQuery(): Query {
    return this.guard(() => {
      const withs: Query['with'] = [];
      if (this.parseKeyword('WITH')) {
        this.parseKeyword('RECURSIVE');
        withs.push(
          ...this.commaSeparated(() => {
            const name = this.parseIdentifier();
            this.expectKeyword('AS');
            this.expectOp('(');
            const query = this.parseQuery();
            this.expectOp(')');
            return { name, query };
          }),
        );
      }
      const body = this.parseQueryBody(0);
      const orderBy = this.parseKeywords('ORDER', 'BY') ? this.commaSeparated(() => this.parseOrderByExpr()) : [];
      let limit: Expr | undefined;
      let offset: Expr | undefined;
      let limitSeen = false;
      for (let i = 0; i < 2; i++) {
        if (!limitSeen && this.parseKeyword('LIMIT')) {
          limitSeen = true;
          limit = this.parseKeyword('ALL') ? undefined : this.parseExpr();
        }
        if (offset === undefined && this.parseKeyword('OFFSET')) {
          offset = this.parseExpr();
          if (!this.parseKeyword('ROW')) this.parseKeyword('ROWS');
        }
        // MySQL style `LIMIT offset, count`, accepted by sqlparser's generic dialect.
        if (limit !== undefined && offset === undefined && this.consumeOp(',')) {
          offset = limit;
          limit = this.parseExpr();
        }
      }
      return { with: withs, body, orderBy, limit, offset };
    });
  }

  private parseQueryBody(precedence: number): SetExpr {
    let expr: SetExpr;
    if (this.parseKeyword('SELECT')) {
      expr = { kind: 'select', select: this.parseSelect() };
    } else if (this.consumeOp('(')) {
      const query = this.parseQuery();
      this.expectOp(')');
      expr = { kind: 'query', query };
    } else {
      return this.expected('SELECT, VALUES, or a subquery in the query body');
    }
    for (;;) {
      const kw = Parser.keywordOf(this.peek());
      const op = kw === 'UNION' || kw === 'EXCEPT' || kw === 'INTERSECT' ? kw : undefined;
      if (op === undefined) break;
      const nextPrecedence = op === 'INTERSECT' ? 20 : 10;
      if (precedence >= nextPrecedence) break;
      this.next();
      const all = this.parseKeyword('ALL');
      if (!all) this.parseKeyword('DISTINCT');
      expr = { kind: 'setOperation', op, all, left: expr, right: this.parseQueryBody(nextPrecedence) };
    }
    return expr;
  }

  private parseAllOrDistinct(): boolean {
    const all = this.parseKeyword('ALL');
    const distinct = this.parseKeyword('DISTINCT');
    if (all && distinct) throw new SqlParseError('Cannot specify both ALL and DISTINCT');
    return distinct;
  }

  private parseSelect(): Select {
    const distinct = this.parseAllOrDistinct();
    const projection = this.commaSeparated(() => this.parseSelectItem());
    const from = this.parseKeyword('FROM') ? this.commaSeparated(() => this.parseTableAndJoins()) : [];
    const where = this.parseKeyword('WHERE') ? this.parseExpr() : undefined;
    const groupBy = this.parseKeywords('GROUP', 'BY') ? this.commaSeparated(() => this.parseExpr()) : [];
    const having = this.parseKeyword('HAVING') ? this.parseExpr() : undefined;
    return { distinct, projection, from, where, groupBy, having };
  }

  private parseSelectItem(): SelectItem {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '*') {
      this.next();
      return { kind: 'wildcard' };
    }
    if (t.kind === 'word' && this.isOp('.', 1)) {
      // `a.b.*` is a qualified wildcard; anything else rewinds and parses as an expression.
      const start = this.pos;
      const qualifier: Ident[] = [normalize(this.next() as Extract<Token, { kind: 'word' }>)];
      while (this.consumeOp('.')) {
        const n = this.next();
        if (n.kind === 'word') qualifier.push(normalize(n));
        else if (n.kind === 'op' && n.text === '*') return { kind: 'qualifiedWildcard', qualifier };
        else this.expected("an identifier or a '*' after '.'", n);
      }
      this.pos = start;
    }
    const expr = this.parseExpr();
    const alias = this.parseOptionalAlias(RESERVED_FOR_COLUMN_ALIAS);
    return alias === undefined ? { kind: 'expr', expr } : { kind: 'expr', expr, alias };
  }

  private parseOptionalAlias(reserved: Set<string>): Ident | undefined {
    const afterAs = this.parseKeyword('AS');
    const t = this.peek();
    if (t.kind === 'word' && (afterAs || !reserved.has(Parser.keywordOf(t) ?? ''))) {
      this.next();
      return normalize(t);
    }
    if (t.kind === 'string') {
      this.next();
      return { value: t.value, quoted: true };
    }
    if (afterAs) this.expected('an identifier after AS', t);
    return undefined;
  }

  private parseOrderByExpr(): OrderByExpr {
    const expr = this.parseExpr();
    const item: OrderByExpr = { expr };
    if (this.parseKeyword('ASC')) item.asc = true;
    else if (this.parseKeyword('DESC')) item.asc = false;
    if (this.parseKeyword('NULLS')) {
      if (this.parseKeyword('FIRST')) item.nullsFirst = true;
      else if (this.parseKeyword('LAST')) item.nullsFirst = false;
      else this.expected('one of FIRST or LAST');
    }
    return item;
  }

  private parseTableAndJoins(): TableWithJoins {
    const relation = this.parseTableFactor();
    const joins: Join[] = [];
    for (;;) {
      if (this.parseKeyword('CROSS')) {
        if (!this.parseKeyword('JOIN')) this.expected('JOIN or APPLY after CROSS');
        joins.push({ kind: 'CROSS', relation: this.parseTableFactor(), constraint: { kind: 'none' } });
        continue;
      }
      const natural = this.parseKeyword('NATURAL');
      const kw = Parser.keywordOf(this.peek());
      let kind: JoinKind;
      if (kw === 'INNER' || kw === 'JOIN') {
        this.parseKeyword('INNER');
        this.expectKeyword('JOIN');
        kind = 'INNER';
      } else if (kw === 'LEFT' || kw === 'RIGHT') {
        this.next();
        if (this.parseKeyword('OUTER')) this.expectKeyword('JOIN');
        else if (!this.parseKeyword('JOIN')) throw new SqlParseError(`expected OUTER, SEMI, ANTI or JOIN after ${kw}`);
        kind = kw;
      } else if (kw === 'FULL') {
        this.next();
        this.parseKeyword('OUTER');
        this.expectKeyword('JOIN');
        kind = 'FULL';
      } else if (kw === 'OUTER') {
        return this.expected('LEFT, RIGHT, or FULL');
      } else if (natural) {
        return this.expected('a join type after NATURAL');
      } else {
        break;
      }
      const joined = this.parseTableFactor();
      let constraint: Join['constraint'];
      if (natural) constraint = { kind: 'natural' };
      else if (this.parseKeyword('ON')) constraint = { kind: 'on', expr: this.parseExpr() };
      else if (this.parseKeyword('USING')) {
        this.expectOp('(');
        constraint = { kind: 'using', columns: this.commaSeparated(() => this.parseIdentifier()) };
        this.expectOp(')');
      } else constraint = { kind: 'none' };
      joins.push({ kind, relation: joined, constraint });
    }
    return { relation, joins };
  }

  private parseTableFactor(): TableFactor {
    if (this.consumeOp('(')) {
      if (this.isKeyword('SELECT') || this.isKeyword('WITH') || this.isOp('(')) {
        const subquery = this.parseQuery();
        this.expectOp(')');
        const alias = this.parseOptionalAlias(RESERVED_FOR_TABLE_ALIAS);
        return alias === undefined ? { kind: 'derived', subquery } : { kind: 'derived', subquery, alias };
      }
      const tableWithJoins = this.parseTableAndJoins();
      if (tableWithJoins.joins.length === 0 && tableWithJoins.relation.kind !== 'nestedJoin') {
        // The generic dialect accepts a lone table in parentheses; keep it as the table itself.
        this.expectOp(')');
        const outer = this.parseOptionalAlias(RESERVED_FOR_TABLE_ALIAS);
        if (outer !== undefined) {
          if (tableWithJoins.relation.alias !== undefined) {
            throw new SqlParseError(`duplicate alias ${tableWithJoins.relation.alias.value}`);
          }
          return { ...tableWithJoins.relation, alias: outer };
        }
        return tableWithJoins.relation;
      }
      this.expectOp(')');
      const alias = this.parseOptionalAlias(RESERVED_FOR_TABLE_ALIAS);
      return alias === undefined ? { kind: 'nestedJoin', tableWithJoins } : { kind: 'nestedJoin', tableWithJoins, alias };
    }
    const name = this.parseObjectName();
    const alias = this.parseOptionalAlias(RESERVED_FOR_TABLE_ALIAS);
    return alias === undefined ? { kind: 'table', name } : { kind: 'table', name, alias };
  }

  private parseObjectName(): Ident[] {
    const parts = [this.parseIdentifier()];
    while (this.consumeOp('.')) parts.push(this.parseIdentifier());
    return parts;
  }

  private parseIdentifier(): Ident {
    const t = this.next();
    if (t.kind === 'word') return normalize(t);
    if (t.kind === 'string') return { value: t.value, quoted: true };
    return this.expected('identifier', t);
  }

  // ---- expressions ---------------------------------------------------------------------

  parseExpr(): Expr {
    return this.parseSubexpr(0);
  }

  private parseSubexpr(precedence: number, interval = false): Expr {
    return this.guard(() => {
      let expr = this.parsePrefix();
      for (;;) {
        const next = interval && (this.isKeyword('AND') || this.isKeyword('OR')) ? 0 : this.nextPrecedence();
        if (precedence >= next) break;
        expr = this.parseInfix(expr, next);
      }
      return expr;
    });
  }

  private nextPrecedence(): number {
    const t = this.peek();
    const kw = Parser.keywordOf(t);
    switch (kw) {
      case 'OR':
        return PREC.or;
      case 'AND':
        return PREC.and;
      case 'NOT': {
        const after = Parser.keywordOf(this.peek(1));
        if (after === 'IN' || after === 'BETWEEN') return PREC.between;
        if (after === 'LIKE' || after === 'ILIKE' || after === 'SIMILAR') return PREC.like;
        return 0;
      }
      case 'IS':
        return PREC.is;
      case 'IN':
      case 'BETWEEN':
        return PREC.between;
      case 'LIKE':
      case 'ILIKE':
      case 'SIMILAR':
        return PREC.like;
    }
    if (t.kind !== 'op') return 0;
    switch (t.text) {
      case '=':
      case '==':
      case '!=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return PREC.comparison;
      case '+':
      case '-':
        return PREC.plusMinus;
      case '*':
      case '/':
      case '%':
      case '||':
        return PREC.mulDiv;
      case '::':
        return PREC.doubleColon;
      default:
        return 0;
    }
  }

  private parseInfix(left: Expr, precedence: number): Expr {
    const t = this.next();
    if (t.kind === 'op') {
      const ops: Record<string, BinaryOperator> = {
        '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
        '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||',
      };
      const op = ops[t.text];
      if (op !== undefined) return { kind: 'binary', op, left, right: this.parseSubexpr(precedence) };
      if (t.text === '::') return { kind: 'cast', expr: left, dataType: this.parseDataType(), style: '::' };
    }
    const kw = Parser.keywordOf(t);
    if (kw === 'AND' || kw === 'OR') return { kind: 'binary', op: kw, left, right: this.parseSubexpr(precedence) };
    if (kw === 'IS') {
      if (this.parseKeyword('NULL')) return { kind: 'isNull', negated: false, expr: left };
      if (this.parseKeywords('NOT', 'NULL')) return { kind: 'isNull', negated: true, expr: left };
      if (this.parseKeyword('TRUE')) return { kind: 'isBool', value: true, negated: false, expr: left };
      if (this.parseKeywords('NOT', 'TRUE')) return { kind: 'isBool', value: true, negated: true, expr: left };
      if (this.parseKeyword('FALSE')) return { kind: 'isBool', value: false, negated: false, expr: left };
      if (this.parseKeywords('NOT', 'FALSE')) return { kind: 'isBool', value: false, negated: true, expr: left };
      return this.expected('[NOT] NULL or TRUE|FALSE or [NOT] DISTINCT FROM after IS');
    }
    if (kw === 'NOT' || kw === 'IN' || kw === 'BETWEEN' || kw === 'LIKE' || kw === 'ILIKE' || kw === 'SIMILAR') {
      this.back();
      const negated = this.parseKeyword('NOT');
      if (this.parseKeyword('IN')) return this.parseIn(left, negated);
      if (this.parseKeyword('BETWEEN')) {
        const low = this.parseSubexpr(PREC.between);
        this.expectKeyword('AND');
        const high = this.parseSubexpr(PREC.between);
        return { kind: 'between', negated, expr: left, low, high };
      }
      const like = this.parseKeyword('LIKE') ? 'LIKE' : this.parseKeyword('ILIKE') ? 'ILIKE' : undefined;
      if (like !== undefined) {
        const pattern = this.parseSubexpr(PREC.like);
        const result: Expr = { kind: 'like', negated, caseInsensitive: like === 'ILIKE', expr: left, pattern };
        if (this.parseKeyword('ESCAPE')) {
          const e = this.next();
          if (e.kind !== 'string' || Array.from(e.value).length !== 1) this.expected('a single character string', e);
          result.escape = e.value;
        }
        return result;
      }
      return this.expected('IN or BETWEEN after NOT');
    }
    throw new SqlParseError(`No infix parser for token ${tokenText(t)}`);
  }

  private parseIn(expr: Expr, negated: boolean): Expr {
    this.expectOp('(');
    let result: Expr;
    if (this.isKeyword('SELECT') || this.isKeyword('WITH')) {
      result = { kind: 'inSubquery', negated, expr, subquery: this.parseQuery() };
    } else {
      result = { kind: 'inList', negated, expr, list: this.commaSeparated(() => this.parseExpr()) };
    }
    this.expectOp(')');
    return result;
  }

  private parsePrefix(): Expr {
    const t = this.peek();
    const kw = Parser.keywordOf(t);

    if (kw !== undefined && TYPED_STRING_TYPES.has(kw) && this.peek(1).kind === 'string') {
      this.next();
      const value = this.next() as Extract<Token, { kind: 'string' }>;
      return { kind: 'typedString', dataType: { name: kw === 'BOOL' ? 'BOOLEAN' : kw }, value: value.value };
    }

    this.next();
    switch (kw) {
      case 'TRUE':
      case 'FALSE':
        return { kind: 'literal', value: { type: 'boolean', value: kw === 'TRUE' } };
      case 'NULL':
        return { kind: 'literal', value: { type: 'null' } };
      case 'CASE':
        return this.parseCase();
      case 'CAST':
      case 'TRY_CAST': {
        this.expectOp('(');
        const expr = this.parseExpr();
        this.expectKeyword('AS');
        const dataType = this.parseDataType();
        this.expectOp(')');
        return { kind: 'cast', expr, dataType, style: kw === 'CAST' ? 'cast' : 'try_cast' };
      }
      case 'EXISTS':
        return this.parseExists(false);
      case 'INTERVAL':
        return this.parseInterval();
      case 'NOT':
        if (this.isKeyword('EXISTS')) {
          this.next();
          return this.parseExists(true);
        }
        return { kind: 'unary', op: 'NOT', expr: this.parseSubexpr(PREC.unaryNot) };
    }

    if (t.kind === 'word') {
      if (this.isOp('(') || this.isOp('.')) {
        const parts: Ident[] = [normalize(t)];
        while (this.consumeOp('.')) {
          const n = this.next();
          if (n.kind !== 'word') this.expected("an identifier or a '*' after '.'", n);
          parts.push(normalize(n));
        }
        if (this.isOp('(')) return this.parseFunction(parts);
        return { kind: 'identifier', parts };
      }
      return { kind: 'identifier', parts: [normalize(t)] };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      return { kind: 'unary', op: t.text, expr: this.parseSubexpr(PREC.plusMinus) };
    }
    if (t.kind === 'number') return { kind: 'literal', value: { type: 'number', text: t.text } };
    if (t.kind === 'string') return { kind: 'literal', value: { type: 'string', value: t.value } };
    if (t.kind === 'op' && t.text === '(') {
      let expr: Expr;
      if (this.isKeyword('SELECT') || this.isKeyword('WITH')) {
        expr = { kind: 'subquery', query: this.parseQuery() };
      } else {
        const items = this.commaSeparated(() => this.parseExpr());
        if (items.length > 1) throw new SqlParseError('Tuple expressions are not supported');
        expr = { kind: 'nested', expr: items[0] };
      }
      this.expectOp(')');
      return expr;
    }
    return this.expected('an expression:', t);
  }

  private parseExists(negated: boolean): Expr {
    this.expectOp('(');
    const query = this.parseQuery();
    this.expectOp(')');
    return { kind: 'exists', negated, query };
  }

  private parseCase(): Expr {
    let operand: Expr | undefined;
    if (!this.parseKeyword('WHEN')) {
      operand = this.parseExpr();
      this.expectKeyword('WHEN');
    }
    const whens: { when: Expr; then: Expr }[] = [];
    do {
      const when = this.parseExpr();
      this.expectKeyword('THEN');
      whens.push({ when, then: this.parseExpr() });
    } while (this.parseKeyword('WHEN'));
    const elseExpr = this.parseKeyword('ELSE') ? this.parseExpr() : undefined;
    this.expectKeyword('END');
    const expr: Expr = { kind: 'case', whens };
    if (operand !== undefined) expr.operand = operand;
    if (elseExpr !== undefined) expr.else = elseExpr;
    return expr;
  }

  private parseInterval(): Expr {
    const value = this.parseSubexpr(0, true);
    const kw = Parser.keywordOf(this.peek());
    if (kw !== undefined && INTERVAL_UNITS.has(kw)) {
      this.next();
      return { kind: 'interval', value, unit: kw };
    }
    return { kind: 'interval', value };
  }

  private parseFunction(name: Ident[]): Expr {
    this.expectOp('(');
    const distinct = this.parseAllOrDistinct();
    const args: FunctionArg[] = [];
    if (!this.consumeOp(')')) {
      args.push(
        ...this.commaSeparated((): FunctionArg => {
          if (this.isOp('*') && (this.isOp(',', 1) || this.isOp(')', 1))) {
            this.next();
            return { kind: 'wildcard' };
          }
          return { kind: 'expr', expr: this.parseExpr() };
        }),
      );
      this.expectOp(')');
    }
    if (this.isKeyword('OVER') && this.isOp('(', 1)) {
      // Window specifications are kept opaque: the translator rejects them as not implemented.
      this.next();
      let depth = 0;
      do {
        const t = this.next();
        if (t.kind === 'eof') this.expected(')', t);
        if (t.kind === 'op' && t.text === '(') depth++;
        if (t.kind === 'op' && t.text === ')') depth--;
      } while (depth > 0);
      return { kind: 'function', name, args, distinct, over: true };
    }
    return { kind: 'function', name, args, distinct };
  }

  private parseDataType(): DataTypeName {
    const t = this.next();
    const kw = Parser.keywordOf(t);
    if (t.kind !== 'word') return this.expected('a data type name', t);
    const optionalPrecision = (): void => {
      if (this.consumeOp('(')) {
        const n = this.next();
        if (n.kind !== 'number') this.expected('literal int', n);
        if (this.consumeOp(',')) {
          const s = this.next();
          if (s.kind !== 'number') this.expected('literal int', s);
        }
        this.expectOp(')');
      }
    };
    switch (kw) {
      case 'BOOLEAN':
      case 'BOOL':
        return { name: 'BOOLEAN' };
      case 'DOUBLE':
        this.parseKeyword('PRECISION');
        return { name: 'DOUBLE' };
      case 'FLOAT':
        optionalPrecision();
        return { name: 'FLOAT' };
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
      case 'INTEGER':
      case 'BIGINT':
        optionalPrecision();
        return { name: this.parseKeyword('UNSIGNED') ? `${kw === 'INTEGER' ? 'INT' : kw} UNSIGNED` : kw === 'INTEGER' ? 'INT' : kw };
      case 'CHARACTER':
      case 'CHAR':
        this.parseKeyword('VARYING');
        optionalPrecision();
        return { name: 'VARCHAR' };
      case 'VARCHAR':
      case 'NVARCHAR':
        optionalPrecision();
        return { name: 'VARCHAR' };
      case 'TIMESTAMP':
      case 'TIME':
        optionalPrecision();
        if (this.parseKeyword('WITH') || this.parseKeyword('WITHOUT')) {
          this.expectKeyword('TIME');
          this.expectKeyword('ZONE');
        }
        return { name: kw };
      case 'DECIMAL':
      case 'NUMERIC':
      case 'DEC':
        optionalPrecision();
        return { name: 'DECIMAL' };
      case 'REAL':
      case 'TEXT':
      case 'STRING':
      case 'DATE':
      case 'INTERVAL':
      case 'UUID':
      case 'BYTEA':
        return { name: kw };
      default: {
        const parts = [normalize(t).value];
        while (this.consumeOp('.')) parts.push(this.parseIdentifier().value);
        return { name: parts.join('.') };
      }
    }
  }
}

/** CnosDB's column encodings (models::codec::Encoding). */
const CODECS = new Set(['DEFAULT', 'NULL', 'DELTA', 'QUANTILE', 'GZIP', 'BZIP', 'GORILLA', 'SNAPPY', 'ZSTD', 'ZLIB', 'BITPACK']);

/** check_name_not_contain_illegal_character */
function checkObjectName(name: Ident[]): void {
  const text = name.map((p) => p.value).join('.');
  if (text.includes('/')) throw new SqlParseError(`not supported keyword contains '/': ${text}`);
  if (text.trim() === '') throw new SqlParseError('Name cannot be empty or contain only spaces');
}

/** Parses every statement in `sql`; empty statements (`;;`) are skipped as sqlparser does. */
export function parseStatements(sql: string): Statement[] {
  return new Parser(tokenize(sql)).parseStatements();
}

/**
 * Parses the first statement of `sql` (callers that must reject several statements count
 * them with `parseStatements` or `splitStatements`). Text after a statement that is not a
 * `;` fails with `Expected end of statement, found: …`, as in sqlparser.
 */
export function parseStatement(sql: string): Statement {
  const statements = parseStatements(sql);
  if (statements.length === 0) throw new SqlParseError('Expected an SQL statement, found: EOF');
  return statements[0];
}

/** Parses a standalone expression (used for tests and tooling). */
export function parseExpression(sql: string): Expr {
  const parser = new Parser(tokenize(sql));
  const expr = parser.parseExpr();
  if (parser.peek().kind !== 'eof') throw new SqlParseError(`Expected end of expression, found: ${tokenText(parser.peek())}`);
  return expr;
}
