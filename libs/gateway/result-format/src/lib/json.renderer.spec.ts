import type { ResultColumn } from '@cnosdb/contracts';
import { jsonString } from './json-string.formatter';
import { renderAll } from './result.renderer';

describe('jsonString', () => {
  it('escapes as serde_json does', () => {
    expect(jsonString('plain')).toBe('"plain"');
    expect(jsonString('q"b\\s/')).toBe('"q\\"b\\\\s/"');
    expect(jsonString('\b\t\n\f\r')).toBe('"\\b\\t\\n\\f\\r"');
    expect(jsonString('\u0000\u0001\u001f\u007f')).toBe('"\\u0000\\u0001\\u001f\u007f"');
    expect(jsonString('é中\u2028😀')).toBe('"é中\u2028😀"');
  });
});

describe('JSON and ND-JSON bodies', () => {
  const columns: ResultColumn[] = [
    { name: 'time', type: 'TIMESTAMP(NANOSECOND)' },
    { name: 'z', type: 'STRING' },
    { name: 'a', type: 'BIGINT' },
    { name: 'u', type: 'BIGINT UNSIGNED' },
    { name: 'f', type: 'DOUBLE' },
    { name: 'ok', type: 'BOOLEAN' },
  ];
  const rows = [
    ['1690510331001000000', 'x"y', '-9223372036854775808', '18446744073709551615', '1e20', 'true'],
    ['1', null, '0', null, '0.1', 'false'],
    ['-1', 'n', null, '5', 'nan', null],
    [null, null, null, null, null, null],
    ['0', '', '1', '1', '-inf', 'true'],
    ['2000', 'tab\t', '1', '1', '1e-7', 'true'],
  ];

  it('keeps column order, leaves out nulls and non-finite floats', () => {
    expect(renderAll('json', columns, [rows], false)).toBe(
      '[' +
        '{"time":"2023-07-28T02:12:11.001","z":"x\\"y","a":-9223372036854775808,"u":18446744073709551615,"f":1e20,"ok":true},' +
        '{"time":"1970-01-01T00:00:00.000000001","a":0,"f":0.1,"ok":false},' +
        '{"time":"1969-12-31T23:59:59.999999999","z":"n","u":5},' +
        '{},' +
        '{"time":"1970-01-01T00:00:00","z":"","a":1,"u":1,"ok":true},' +
        '{"time":"1970-01-01T00:00:00.000002","z":"tab\\t","a":1,"u":1,"f":1e-7,"ok":true}' +
        ']',
    );
  });

  it('writes the same objects one per line in ND-JSON', () => {
    expect(renderAll('nd-json', columns, [rows.slice(0, 2), rows.slice(3, 4)], false)).toBe(
      '{"time":"2023-07-28T02:12:11.001","z":"x\\"y","a":-9223372036854775808,"u":18446744073709551615,"f":1e20,"ok":true}\n' +
        '{"time":"1970-01-01T00:00:00.000000001","a":0,"f":0.1,"ok":false}\n' +
        '{}\n',
    );
  });

  it('writes timestamps of every unit in chrono Debug form', () => {
    const units: ResultColumn[] = [
      { name: 'ns', type: 'TIMESTAMP(NANOSECOND)' },
      { name: 'us', type: 'TIMESTAMP(MICROSECOND)' },
      { name: 'ms', type: 'TIMESTAMP(MILLISECOND)' },
    ];
    expect(renderAll('json', units, [[['1', '1', '1'], ['-1', '-1', '-1']]], false)).toBe(
      '[{"ns":"1970-01-01T00:00:00.000000001","us":"1970-01-01T00:00:00.000001","ms":"1970-01-01T00:00:00.001"},' +
        '{"ns":"1969-12-31T23:59:59.999999999","us":"1969-12-31T23:59:59.999999","ms":"1969-12-31T23:59:59.999"}]',
    );
  });

  it('prints arrow’s display error for a time chrono cannot hold', () => {
    const us: ResultColumn[] = [{ name: 't', type: 'TIMESTAMP(MICROSECOND)' }];
    expect(renderAll('json', us, [[['9223372036854775807']]], false)).toBe(
      '[{"t":"ERROR: Cast error: Failed to convert 9223372036854775807 to datetime for Timestamp(Microsecond, None)"}]',
    );
  });

  it('escapes keys', () => {
    const odd: ResultColumn[] = [{ name: 'COUNT("x")', type: 'BIGINT' }];
    expect(renderAll('json', odd, [[['3']]], false)).toBe('[{"COUNT(\\"x\\")":3}]');
  });

  it('merges duplicate column names into one key at the first position, last non-null wins', () => {
    const dup: ResultColumn[] = [
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'BIGINT' },
      { name: 'a', type: 'BIGINT' },
    ];
    expect(renderAll('json', dup, [[['1', '2', '3'], ['1', '2', null], [null, '2', '3'], [null, null, null]]], false)).toBe(
      '[{"a":3,"b":2},{"a":1,"b":2},{"a":3,"b":2},{}]',
    );
  });
});
