import { splitStatements } from './statement.splitter';
import { tokenize, tokenText } from './sql.tokenizer';

describe('splitStatements', () => {
  it('splits at top-level semicolons and trims', () => {
    expect(splitStatements('SELECT 1; SELECT 2 ;')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('ignores semicolons in quotes and comments', () => {
    const sql = `SELECT 'a;b', "c;d", \`e;f\` -- x;y\n FROM t /* p; /* nested; */ q; */ WHERE s = 'it''s;'`;
    expect(splitStatements(sql)).toEqual([sql]);
  });

  it('skips empty statements and comment-only ones', () => {
    expect(splitStatements(';;  ; -- only a comment\n; /* c */ ;SELECT 1')).toEqual(['SELECT 1']);
    expect(splitStatements('')).toEqual([]);
    expect(splitStatements('  \n ')).toEqual([]);
  });

  it('keeps unterminated quotes to the end for the parser to report', () => {
    expect(splitStatements("SELECT 'a; b")).toEqual(["SELECT 'a; b"]);
  });
});

describe('tokenize', () => {
  it('prints tokens the way sqlparser does', () => {
    const tokens = tokenize(`select "Q", 'x', 1.5e3, a != b, c <> d, ::`);
    expect(tokens.map(tokenText)).toEqual(['select', '"Q"', ',', "'x'", ',', '1.5e3', ',', 'a', '<>', 'b', ',', 'c', '<>', 'd', ',', '::', 'EOF']);
  });

  it('skips comments and tracks positions', () => {
    const tokens = tokenize('-- c\n  /* x */ a');
    expect(tokens[0]).toMatchObject({ kind: 'word', value: 'a', line: 2, col: 11 });
  });
});
