import { decodeRowsText, encodeRowsText } from './row-text.codec';

describe('row text codec', () => {
  it('writes TabSeparated-style lines with \\N for NULL and escapes', () => {
    expect(encodeRowsText([['1', null, 'a\tb'], ['x\ny', '\\N', '']]).toString()).toBe('1\t\\N\ta\\tb\nx\\ny\t\\\\N\t\n');
  });

  it('reads back exactly what it wrote, NULL and the text "\\N" apart', () => {
    const rows = [
      ['1', null, 'a\tb'],
      ['x\ny', '\\N', ''],
      ['中文', 'back\\slash', 'tab\t\tnew\n\nline\\'],
    ];
    expect(decodeRowsText(encodeRowsText(rows))).toEqual(rows);
  });

  it('keeps a one-column row with an empty cell, and no rows as no text', () => {
    expect(decodeRowsText(encodeRowsText([[''], [null]]))).toEqual([[''], [null]]);
    expect(encodeRowsText([]).length).toBe(0);
    expect(decodeRowsText(Buffer.alloc(0))).toEqual([]);
  });
});
