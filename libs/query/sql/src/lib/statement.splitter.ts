/**
 * Splits SQL text at top-level semicolons, respecting quotes ('…', "…", `…`) and comments
 * (`--`, nested `/* *\/`). Statements that hold only whitespace or comments are dropped, as
 * sqlparser skips them. Each returned statement is trimmed and has no trailing `;`.
 * Unterminated quotes or comments run to the end of the text (the parser reports them).
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasContent = false;
  let i = 0;
  const n = sql.length;

  const flush = (end: number): void => {
    if (hasContent) statements.push(sql.slice(start, end).trim());
    hasContent = false;
  };

  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      hasContent = true;
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === ';') {
      flush(i);
      start = i + 1;
      i++;
      continue;
    }
    if (!/\s/.test(c)) hasContent = true;
    i++;
  }
  flush(n);
  return statements;
}
