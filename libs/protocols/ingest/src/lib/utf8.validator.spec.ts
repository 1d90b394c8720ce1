import { Utf8Error, Utf8Validator } from './utf8.validator';

function validate(chunks: Buffer[]): string | undefined {
  const v = new Utf8Validator();
  try {
    chunks.forEach((c) => v.push(c));
    v.end();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(Utf8Error);
    return (err as Error).message;
  }
}

describe('Utf8Validator', () => {
  it('accepts characters split across chunks at every position', () => {
    const body = Buffer.from('m,t=ü€𝄞 f="ok"');
    for (let i = 0; i <= body.length; i++) expect(validate([body.subarray(0, i), body.subarray(i)])).toBeUndefined();
  });

  it('reports the first bad byte with its absolute index', () => {
    expect(validate([Buffer.from('abc'), Buffer.from([0x61, 0xff, 0x62])])).toBe('invalid utf-8 sequence of 1 bytes from index 4');
  });

  it('reports a body that ends inside a character', () => {
    expect(validate([Buffer.from([0x61, 0xe2, 0x82])])).toBe('incomplete utf-8 byte sequence from index 1');
  });
});
