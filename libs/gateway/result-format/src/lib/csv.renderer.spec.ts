import type { ResultColumn } from '@cnosdb/contracts';
import { csvField, csvRecord } from './csv.renderer';
import { ResultRenderError } from './result-format.error';
import { renderAll } from './result.renderer';

describe('csvField', () => {
  it.each<[string, string]>([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['tab\there', 'tab\there'],
    [' padded ', ' padded '],
    ["it's", "it's"],
    ['{"hash_password":"*****"}', '"{""hash_password"":""*****""}"'],
  ])('csv %p → %p', (text, field) => {
    expect(csvField(text, ',')).toBe(field);
  });

  it.each<[string, string]>([
    ['a,b', 'a,b'],
    ['tab\there', '"tab\there"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
  ])('tsv %p → %p', (text, field) => {
    expect(csvField(text, '\t')).toBe(field);
  });
});

describe('csvRecord', () => {
  it('quotes a record whose only field is empty', () => {
    expect(csvRecord([''], ',')).toBe('""\n');
    expect(csvRecord(['', ''], ',')).toBe(',\n');
    expect(csvRecord(['', '', ''], '\t')).toBe('\t\t\n');
  });
});

describe('CSV/TSV bodies', () => {
  const columns: ResultColumn[] = [
    { name: 'time', type: 'TIMESTAMP(NANOSECOND)' },
    { name: 'tag,1', type: 'STRING' },
    { name: 'n', type: 'BIGINT' },
    { name: 'u', type: 'BIGINT UNSIGNED' },
    { name: 'f', type: 'DOUBLE' },
    { name: 'ok', type: 'BOOLEAN' },
  ];

  it('writes every type, nulls as empty fields, and quotes only where needed', () => {
    const rows = [
      ['1', 'a "b"', '-9223372036854775808', '18446744073709551615', '1e20', 'true'],
      ['-1', null, null, null, null, null],
      ['1690510331000000000', 'x\ty', '0', '0', 'nan', 'false'],
      ['0', '', '7', '7', '-inf', 'true'],
    ];
    expect(renderAll('csv', columns, [rows], false)).toBe(
      'time,"tag,1",n,u,f,ok\n' +
        '1970-01-01T00:00:00.000000001,"a ""b""",-9223372036854775808,18446744073709551615,1.0e20,true\n' +
        '1969-12-31T23:59:59.999999999,,,,,\n' +
        '2023-07-28T02:12:11.000000000,x\ty,0,0,NaN,false\n' +
        '1970-01-01T00:00:00.000000000,,7,7,-inf,true\n',
    );
    expect(renderAll('tsv', columns, [rows], false)).toBe(
      'time\ttag,1\tn\tu\tf\tok\n' +
        '1970-01-01T00:00:00.000000001\t"a ""b"""\t-9223372036854775808\t18446744073709551615\t1.0e20\ttrue\n' +
        '1969-12-31T23:59:59.999999999\t\t\t\t\t\n' +
        '2023-07-28T02:12:11.000000000\t"x\ty"\t0\t0\tNaN\tfalse\n' +
        '1970-01-01T00:00:00.000000000\t\t7\t7\t-inf\ttrue\n',
    );
  });

  it('writes timestamps of every unit with nine fraction digits', () => {
    const units: ResultColumn[] = [
      { name: 'ns', type: 'TIMESTAMP(NANOSECOND)' },
      { name: 'us', type: 'TIMESTAMP(MICROSECOND)' },
      { name: 'ms', type: 'TIMESTAMP(MILLISECOND)' },
    ];
    expect(renderAll('csv', units, [[['1', '1', '1'], ['-1', '-1', '-1']]], false)).toBe(
      'ns,us,ms\n' +
        '1970-01-01T00:00:00.000000001,1970-01-01T00:00:00.000001000,1970-01-01T00:00:00.001000000\n' +
        '1969-12-31T23:59:59.999999999,1969-12-31T23:59:59.999999000,1969-12-31T23:59:59.999000000\n',
    );
  });

  it('writes a one-column null (or empty string) as ""', () => {
    const one: ResultColumn[] = [{ name: 's', type: 'STRING' }];
    expect(renderAll('csv', one, [[[null], ['x'], ['']]], false)).toBe('s\n""\nx\n""\n');
  });

  it('fails like the arrow CSV writer on a time chrono cannot hold', () => {
    const us: ResultColumn[] = [{ name: 't', type: 'TIMESTAMP(MICROSECOND)' }];
    expect(() => renderAll('csv', us, [[['9223372036854775807']]], false)).toThrow(
      new ResultRenderError(
        'Cast error: Failed to convert 9223372036854775807 to datetime for Timestamp(Microsecond, None)',
      ),
    );
  });

  it('rejects cell text that is not canonical for its type', () => {
    expect(() => renderAll('csv', columns, [[['x', 'a', '1', '1', '1', 'true']]], false)).toThrow(
      ResultRenderError,
    );
    expect(() => renderAll('csv', columns, [[['1', 'a', '1.5', '1', '1', 'true']]], false)).toThrow(
      ResultRenderError,
    );
    expect(() => renderAll('csv', columns, [[['1', 'a', '1', '-1', '1', 'true']]], false)).toThrow(
      ResultRenderError,
    );
    expect(() => renderAll('csv', columns, [[['1', 'a', '1', '1', 'abc', 'true']]], false)).toThrow(
      ResultRenderError,
    );
    expect(() => renderAll('csv', columns, [[['1', 'a', '1', '1', '1', 'TRUE']]], false)).toThrow(
      ResultRenderError,
    );
  });
});
