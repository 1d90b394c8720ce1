import { SqlParseError } from './sql.errors';

/** One lexical token; `line`/`col` are 1-based and point at its first character. */
export type Token =
  | { kind: 'word'; value: string; quote: '"' | '`' | null; line: number; col: number }
  | { kind: 'number'; text: string; line: number; col: number }
  | { kind: 'string'; value: string; line: number; col: number }
  | { kind: 'op'; text: string; line: number; col: number }
  | { kind: 'eof'; line: number; col: number };

// Longest first, so that `<=>` wins over `<=` and `<`.
const OPERATORS = [
  '<=>', '<=', '>=', '<>', '!=', '==', '||', '::', '<<', '>>', '->',
  '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', ';', '.', '[', ']', '|', '&', '^', '~', '!', ':', '?', '@', '#', '{', '}', '$',
];

const isIdentStart = (c: string): boolean => /[\p{L}_]/u.test(c);
const isIdentPart = (c: string): boolean => /[\p{L}\p{N}_$]/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** How sqlparser prints a token in `Expected …, found: <token>`. */
export function tokenText(t: Token): string {
  switch (t.kind) {
    case 'word':
      return t.quote === null ? t.value : `${t.quote}${t.value}${t.quote}`;
    case 'number':
      return t.text;
    case 'string':
      return `'${t.value}'`;
    case 'op':
      // sqlparser has a single `Neq` token for both spellings and prints it as `<>`.
      return t.text === '!=' ? '<>' : t.text;
    case 'eof':
      return 'EOF';
  }
}

function tokenizerError(message: string, line: number, col: number): SqlParseError {
  return new SqlParseError(`${message} at Line: ${line}, Column ${col}`);
}

/** Splits SQL text into tokens, dropping whitespace and comments; the last token is EOF. */
export function tokenize(sql: string): Token[] {
  const chars = Array.from(sql);
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;

  const advance = (n = 1): void => {
    for (let k = 0; k < n && i < chars.length; k++) {
      if (chars[i] === '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      i++;
    }
  };

  while (i < chars.length) {
    const c = chars[i];
    const next = chars[i + 1];
    const startLine = line;
    const startCol = col;

    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      advance();
      continue;
    }
    if (c === '-' && next === '-') {
      while (i < chars.length && chars[i] !== '\n') advance();
      continue;
    }
    if (c === '/' && next === '*') {
      advance(2);
      let depth = 1;
      while (depth > 0) {
        if (i >= chars.length) throw tokenizerError('Unexpected EOF while in a multi-line comment', line, col);
        if (chars[i] === '/' && chars[i + 1] === '*') {
          depth++;
          advance(2);
        } else if (chars[i] === '*' && chars[i + 1] === '/') {
          depth--;
          advance(2);
        } else {
          advance();
        }
      }
      continue;
    }
    if (c === "'") {
      advance();
      let value = '';
      for (;;) {
        if (i >= chars.length) throw tokenizerError('Unterminated string literal', startLine, startCol);
        if (chars[i] === "'") {
          if (chars[i + 1] === "'") {
            value += "'";
            advance(2);
            continue;
          }
          advance();
          break;
        }
        value += chars[i];
        advance();
      }
      tokens.push({ kind: 'string', value, line: startLine, col: startCol });
      continue;
    }
    if (c === '"' || c === '`') {
      advance();
      let value = '';
      for (;;) {
        if (i >= chars.length) throw tokenizerError(`Expected close delimiter '${c}' before EOF.`, startLine, startCol);
        if (chars[i] === c) {
          if (chars[i + 1] === c) {
            value += c;
            advance(2);
            continue;
          }
          advance();
          break;
        }
        value += chars[i];
        advance();
      }
      tokens.push({ kind: 'word', value, quote: c, line: startLine, col: startCol });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(next))) {
      let text = '';
      while (isDigit(chars[i])) {
        text += chars[i];
        advance();
      }
      if (chars[i] === '.') {
        text += '.';
        advance();
        while (isDigit(chars[i])) {
          text += chars[i];
          advance();
        }
      }
      if ((chars[i] === 'e' || chars[i] === 'E') && (isDigit(chars[i + 1]) || ((chars[i + 1] === '+' || chars[i + 1] === '-') && isDigit(chars[i + 2])))) {
        text += chars[i];
        advance();
        if (chars[i] === '+' || chars[i] === '-') {
          text += chars[i];
          advance();
        }
        while (isDigit(chars[i])) {
          text += chars[i];
          advance();
        }
      }
      tokens.push({ kind: 'number', text, line: startLine, col: startCol });
      continue;
    }
    if (isIdentStart(c)) {
      let value = '';
      while (i < chars.length && isIdentPart(chars[i])) {
        value += chars[i];
        advance();
      }
      tokens.push({ kind: 'word', value, quote: null, line: startLine, col: startCol });
      continue;
    }
    const op = OPERATORS.find((o) => chars.slice(i, i + o.length).join('') === o);
    const text = op ?? c;
    advance(text.length);
    tokens.push({ kind: 'op', text, line: startLine, col: startCol });
  }
  tokens.push({ kind: 'eof', line, col });
  return tokens;
}
