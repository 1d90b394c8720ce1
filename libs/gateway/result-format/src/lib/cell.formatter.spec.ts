import { cellFormatterFor, decodeStringList } from './cell.formatter';
import { ResultRenderError } from './result-format.error';

describe('time_window struct cells', () => {
  const cell = cellFormatterFor({ name: 'w', type: 'STRUCT(start TIMESTAMP(MILLISECOND), end TIMESTAMP(MILLISECOND))' });

  it('renders a nested object in JSON and arrow display text in tables', () => {
    expect(cell.json('946598399994,946598400004')).toBe('{"start":"1999-12-30T23:59:59.994","end":"1999-12-31T00:00:00.004"}');
    expect(cell.display('946598399994,946598400004')).toBe('{start: 1999-12-30T23:59:59.994, end: 1999-12-31T00:00:00.004}');
    expect(cell.json(null)).toBeUndefined();
  });

  it('has no CSV form, like arrow-csv for nested types', () => {
    expect(() => cell.csv('0,10')).toThrow(ResultRenderError);
  });
});

describe('LIST(STRING) cells (regexp_match)', () => {
  const cell = cellFormatterFor({ name: 'm', type: 'LIST(STRING)' });

  it('decode each element from its UTF-8 byte length; anything else is not a canonical cell', () => {
    expect(decodeStringList('3:foo2:120:')).toEqual(['foo', '12', '']);
    expect(decodeStringList('6:wörld4:a:b,')).toEqual(['wörld', 'a:b,']);
    expect(decodeStringList('')).toEqual([]);
    expect(decodeStringList('3:fo')).toBeUndefined();
    expect(decodeStringList('x:a')).toBeUndefined();
    expect(decodeStringList('01:a')).toBeUndefined();
  });

  it('print as arrow-cast displays a list in tables and as arrow-json writes it, strings escaped', () => {
    expect(cell.display('3:foo2:12')).toBe('[foo, 12]');
    expect(cell.json('3:foo5:"q"\\n')).toBe('["foo","\\"q\\"\\\\n"]');
    expect(cell.json(null)).toBeUndefined();
    expect(cell.display(null)).toBe('');
    expect(() => cell.json('9:a')).toThrow(ResultRenderError);
  });

  it('has no CSV form, like arrow-csv for nested types', () => {
    expect(() => cell.csv('1:a')).toThrow(
      'Csv error: Nested type List(Field { name: "item", data_type: Utf8, nullable: true, dict_id: 0, dict_is_ordered: false, metadata: {} }) is not supported in CSV',
    );
  });
});

describe('FLOAT (Float32) cells', () => {
  const cell = cellFormatterFor({ name: 'f', type: 'FLOAT' });

  it('print their shortest Float32 digits in the Float64 layout in CSV and tables', () => {
    // ClickHouse's text for toFloat32(1.23456789), toFloat32(1e20), toFloat32(1e-7) and atan2(10, 3).
    expect(['1.2345679', '100000000000000000000', '1e-7', '1.2793396', '3', '-0'].map(cell.csv)).toEqual([
      '1.2345679',
      '1.0e20',
      '1.0e-7',
      '1.2793396',
      '3.0',
      '-0.0',
    ]);
    expect(['nan', 'inf', '-inf'].map(cell.display)).toEqual(['NaN', 'inf', '-inf']);
    expect(cell.csv(null)).toBe('');
  });

  it('go to JSON as arrow-json 42 writes a Float32: rounded to three decimals, halves away from zero', () => {
    // The Float32 1.2345679 is 1.2345678806304932; 0.0625 and -0.0625 are exact halves at the
    // third decimal; 1e20's Float32 is 100000002004087734272.
    expect(['1.2345679', '1.2793396', '0.0625', '-0.0625', '0.0001', '-0.0005', '3', '100000000000000000000'].map(cell.json)).toEqual([
      '1.235',
      '1.279',
      '0.063',
      '-0.063',
      '0.0',
      '-0.001',
      '3.0',
      '1.0000000200408773e20',
    ]);
    expect(['nan', 'inf', '-inf'].map(cell.json)).toEqual([undefined, undefined, undefined]);
    expect(cell.json(null)).toBeUndefined();
  });

  it('rejects text that is not a number', () => {
    expect(() => cell.csv('x')).toThrow(new ResultRenderError('column "f": "x" is not a canonical FLOAT cell'));
  });
});
