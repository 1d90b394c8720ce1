import type { FieldColumn } from '@cnosdb/contracts';
import { FieldTypeConflictError, LineProtocolError } from './line-protocol.errors';
import { LineProtocolParser } from './line-protocol.parser';
import type { ParsedTable } from './table.builder';

const DEFAULT_TIME = 7n;

/** Parses body in the given pieces (split offsets), draining once at the end. */
function parse(body: string | Buffer, splits: number[] = [], defaultTime = DEFAULT_TIME): ParsedTable[] {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const p = new LineProtocolParser({ defaultTime });
  let prev = 0;
  for (const s of [...splits, buf.length]) {
    p.push(buf.subarray(prev, s));
    prev = s;
  }
  p.end();
  return p.drain();
}

function parseError(body: string | Buffer, splits: number[] = []): Error {
  try {
    parse(body, splits);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a parse error');
}

function one(body: string): ParsedTable {
  const tables = parse(body);
  expect(tables).toHaveLength(1);
  return tables[0];
}

function field(t: ParsedTable, name: string): FieldColumn {
  const f = t.fields.find((c) => c.name === name);
  if (f === undefined) throw new Error(`no field ${name}`);
  return f;
}

type Row = { time: bigint; tags: Record<string, string>; fields: Record<string, [string, unknown]> };

/** Row view of drained tables, rows concatenated per table across drains. */
function rowsByTable(drains: ParsedTable[][]): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const tables of drains) {
    for (const t of tables) {
      expect(t.times).toHaveLength(t.rowCount);
      const rows = (out[t.table] ??= []);
      for (let i = 0; i < t.rowCount; i++) {
        const row: Row = { time: t.times[i], tags: {}, fields: {} };
        for (const c of t.tags) {
          expect(c.values).toHaveLength(t.rowCount);
          const v = c.values[i];
          if (v !== undefined) row.tags[c.name] = v;
        }
        for (const c of t.fields) {
          expect(c.present).toHaveLength(t.rowCount);
          expect(c.values).toHaveLength(t.rowCount);
          if (c.present[i] === 1) row.fields[c.name] = [c.type, c.values[i]];
        }
        rows.push(row);
      }
    }
  }
  return out;
}

const TSBS_LINE =
  'cpu,hostname=host_0,region=eu-central-1,datacenter=eu-central-1a,rack=6,os=Ubuntu15.10,arch=x86,team=SF,service=19,service_version=1,service_environment=test usage_user=58i,usage_system=2i,usage_idle=24i,usage_nice=61i,usage_iowait=22i,usage_irq=63i,usage_softirq=6i,usage_steal=44i,usage_guest=80i,usage_guest_nice=38i 1451606400000000000';

function tsbsBody(hosts: number, times: number): string {
  let body = '';
  let seed = 1;
  for (let t = 0; t < times; t++) {
    for (let h = 0; h < hosts; h++) {
      const vals = [];
      for (let f = 0; f < 10; f++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        vals.push(seed % 100);
      }
      body +=
        `cpu,hostname=host_${h},region=eu-central-1,datacenter=eu-central-1a,rack=${h % 7},os=Ubuntu15.10,arch=x86,team=SF,service=19,service_version=1,service_environment=test ` +
        `usage_user=${vals[0]}i,usage_system=${vals[1]}i,usage_idle=${vals[2]}i,usage_nice=${vals[3]}i,usage_iowait=${vals[4]}i,usage_irq=${vals[5]}i,usage_softirq=${vals[6]}i,usage_steal=${vals[7]}i,usage_guest=${vals[8]}i,usage_guest_nice=${vals[9]}i ` +
        `${1451606400000000000n + BigInt(t) * 10_000_000_000n}\n`;
    }
  }
  return body;
}

describe('LineProtocolParser', () => {
  describe('TSBS cpu-only line', () => {
    it('parses tags, BIGINT fields and the timestamp exactly', () => {
      const t = one(TSBS_LINE + '\n');
      expect(t.table).toBe('cpu');
      expect(t.rowCount).toBe(1);
      expect(t.times).toEqual(BigInt64Array.of(1451606400000000000n));
      expect(t.tags).toEqual([
        { name: 'arch', values: ['x86'] },
        { name: 'datacenter', values: ['eu-central-1a'] },
        { name: 'hostname', values: ['host_0'] },
        { name: 'os', values: ['Ubuntu15.10'] },
        { name: 'rack', values: ['6'] },
        { name: 'region', values: ['eu-central-1'] },
        { name: 'service', values: ['19'] },
        { name: 'service_environment', values: ['test'] },
        { name: 'service_version', values: ['1'] },
        { name: 'team', values: ['SF'] },
      ]);
      const expected: [string, bigint][] = [
        ['usage_guest', 80n],
        ['usage_guest_nice', 38n],
        ['usage_idle', 24n],
        ['usage_iowait', 22n],
        ['usage_irq', 63n],
        ['usage_nice', 61n],
        ['usage_softirq', 6n],
        ['usage_steal', 44n],
        ['usage_system', 2n],
        ['usage_user', 58n],
      ];
      expect(t.fields).toEqual(
        expected.map(([name, v]) => ({
          name,
          type: 'BIGINT',
          present: Uint8Array.of(1),
          values: BigInt64Array.of(v),
        })),
      );
    });

    it('gives the same rows through the cached fast path as line by line', () => {
      const body = tsbsBody(5, 4);
      const whole = rowsByTable([parse(body)]);
      const lines = body.split('\n').filter((l) => l !== '');
      const single = rowsByTable(lines.map((l) => parse(l)));
      expect(whole).toEqual(single);
      expect(whole['cpu']).toHaveLength(20);
      expect(whole['cpu'][7].time).toBe(1451606410000000000n);
      expect(whole['cpu'][7].tags['hostname']).toBe('host_2');
    });

    it('counts lines', () => {
      const p = new LineProtocolParser({ defaultTime: 0n });
      p.push(Buffer.from('# header\n\n' + tsbsBody(3, 2)));
      p.end();
      expect(p.lines).toBe(6);
    });
  });

  describe('errors as CnosDB words and positions them', () => {
    it('a line without a field set: unexpect end at the start of the would-be field key', () => {
      const e = parseError('test,t2=t22,f2=2 1642176000000000000');
      expect(e).toBeInstanceOf(LineProtocolError);
      expect(e.message).toBe("unexpect end line start at '17'");
    });

    it('positions are offsets in the whole body', () => {
      expect(parseError('m f=1 1\ntest,t2=t22,f2=2 1642176000000000000').message).toBe(
        "unexpect end line start at '25'",
      );
    });

    it('a measurement alone: the line start', () => {
      expect(parseError('m f=1\nabc').message).toBe("unexpect end line start at '6'");
      expect(parseError('m f=1\nabc ').message).toBe("unexpect end line start at '6'");
      expect(parseError('m,t=1').message).toBe("unexpect end line start at '2'");
      expect(parseError('m,t=1 ').message).toBe("unexpect end line start at '2'");
      expect(parseError('m,t').message).toBe("unexpect end line start at '2'");
      expect(parseError('m f').message).toBe("unexpect end line start at '2'");
    });

    it('a tag without a value swallows the rest of the line (CnosDB test_parse_err)', () => {
      expect(parseError('log,host=domain.1,service=service-1,a,b,c d=1').message).toBe(
        "unexpect end line start at '36'",
      );
    });

    it('an unterminated string: the start of the value', () => {
      expect(parseError('m f="abc').message).toBe("unexpect end line start at '4'");
    });

    it('bad escapes: unexpect token with the byte and its offset', () => {
      expect(parseError('m,t=a\\xb f=1').message).toBe("unexpect token 'x' at 6");
      expect(parseError('m\\=x f=1').message).toBe("unexpect token '=' at 2");
      expect(parseError('m,k\\n=1 f=1').message).toBe("unexpect token 'n' at 4");
      expect(parseError('m f\\t=1').message).toBe("unexpect token 't' at 4");
      expect(parseError('m f="a\\nb"').message).toBe("unexpect token 'n' at 7");
      expect(parseError('m f=1\nm f="a\\nb"').message).toBe("unexpect token 'n' at 13");
    });

    it('an unescaped separator next to an escape: invalid line protocol syntax', () => {
      expect(parseError('m\\ x=1 f=1').message).toBe('invalid line protocol syntax');
      expect(parseError('m,t=a\\,b=c f=1').message).toBe('invalid line protocol syntax');
    });

    it('bad values: invalid field value with the raw text', () => {
      expect(parseError('m f=NaN').message).toBe("invalid field value: 'NaN'");
      expect(parseError('m f=abc 1').message).toBe("invalid field value: 'abc'");
      expect(parseError('m f=tRuE').message).toBe("invalid field value: 'tRuE'");
      expect(parseError('m f=truex').message).toBe("invalid field value: 'truex'");
      expect(parseError('m f=1.2.3').message).toBe("invalid field value: '1.2.3'");
      expect(parseError('m f=0x10').message).toBe("invalid field value: '0x10'");
      expect(parseError('m f=1e').message).toBe("invalid field value: '1e'");
      expect(parseError('m f=9223372036854775808i').message).toBe("invalid field value: '9223372036854775808i'");
      expect(parseError('m f=+1i').message).toBe("invalid field value: '+1i'");
      expect(parseError('m f=-1u').message).toBe("invalid field value: '-1u'");
      expect(parseError('m f=18446744073709551616u').message).toBe("invalid field value: '18446744073709551616u'");
      expect(parseError('m f=1.5i').message).toBe("invalid field value: '1.5i'");
      expect(parseError('m f="a"b').message).toBe('invalid field value: \'"a"b\'');
      expect(parseError('m f=1,g=inf').message).toBe("invalid field value: 'inf'");
      expect(parseError('m f=\'x\'').message).toBe("invalid field value: ''x''");
    });

    it('an empty value is an invalid field value (CnosDB panics on it)', () => {
      expect(parseError('m f=,g=1').message).toBe("invalid field value: ''");
      expect(parseError('m f=\n').message).toBe("invalid field value: ''");
    });

    it('bad timestamps: fail to parse timestamp at the terminating whitespace', () => {
      expect(parseError('m f=1 99999999999999999999\n').message).toBe('fail to parse timestamp at 26');
      expect(parseError('m f=1 9223372036854775808\n').message).toBe('fail to parse timestamp at 25');
      expect(parseError('m f=1 12x\n').message).toBe('fail to parse timestamp at 9');
      expect(parseError('m f=1 +1\n').message).toBe('fail to parse timestamp at 8');
      expect(parseError('m f=1 1.5 \n').message).toBe('fail to parse timestamp at 9');
    });

    it('a bad timestamp at the very end: at its first byte (CnosDB parses a prefix there)', () => {
      expect(parseError('m f=1 abc').message).toBe('fail to parse timestamp at 6');
      expect(parseError('m f=1 9223372036854775808').message).toBe('fail to parse timestamp at 6');
      expect(parse('m f=1 123abc')[0].times).toEqual(BigInt64Array.of(123n));
    });

    it('a space after the field set starts a timestamp, even before a newline (CnosDB)', () => {
      expect(parseError('m f=1 \n').message).toBe('fail to parse timestamp at 6');
      expect(parseError('m f=1 \nm f=2\n').message).toBe('fail to parse timestamp at 8');
    });

    it('the first bad line fails the request even after good ones', () => {
      const body = 'm f=1 1\n'.repeat(50) + 'm f=x 1\n' + 'm f=1 1\n';
      expect(parseError(body).message).toBe("invalid field value: 'x'");
    });
  });

  describe('escapes and quoting', () => {
    it("decodes CnosDB's own escape test", () => {
      const t = one('comma\\,1,equals\\==e\\,x,two=val2 field\\=x="fir\\"\n,st\\\\"  1602841605822791506\n        \n   ');
      expect(t.table).toBe('comma,1');
      expect(t.tags).toEqual([
        { name: 'equals=', values: ['e,x'] },
        { name: 'two', values: ['val2'] },
      ]);
      expect(t.fields).toEqual([
        { name: 'field=x', type: 'STRING', present: Uint8Array.of(1), values: ['fir"\n,st\\'] },
      ]);
      expect(t.times).toEqual(BigInt64Array.of(1602841605822791506n));
    });

    it('escaped space, comma and equals lose their backslash in names', () => {
      const t = one('my\\ table,tag\\ key=tag\\ value,k\\=1=v\\=1 field\\,1=1i 5');
      expect(t.table).toBe('my table');
      expect(t.tags).toEqual([
        { name: 'k=1', values: ['v=1'] },
        { name: 'tag key', values: ['tag value'] },
      ]);
      expect(t.fields.map((f) => f.name)).toEqual(['field,1']);
    });

    it('other accepted escapes keep their backslash (CnosDB unescapes only , space =)', () => {
      expect(one("m\\'x f=1").table).toBe("m\\'x");
      expect(one('m\\"x f=1').table).toBe('m\\"x');
      expect(one('m,t=a\\\\b f=1').tags).toEqual([{ name: 't', values: ['a\\\\b'] }]);
    });

    it('quoted strings keep comma, space and newline; unescape \\" and \\\\', () => {
      const t = one('m s="a \\"b\\" c\\\\d, e\nf",u="",w="x=y z" 1');
      expect(field(t, 's').values).toEqual(['a "b" c\\d, e\nf']);
      expect(field(t, 'u').values).toEqual(['']);
      expect(field(t, 'w').values).toEqual(['x=y z']);
    });

    it('keeps UTF-8 text', () => {
      const t = one('温度,地点=北京 值="白\n1",v=1');
      expect(t.table).toBe('温度');
      expect(t.tags).toEqual([{ name: '地点', values: ['北京'] }]);
      expect(field(t, '值').values).toEqual(['白\n1']);
    });
  });

  describe('field values', () => {
    it('integers with i are BIGINT, checked against the i64 range', () => {
      const t = one('m a=1i,b=-9223372036854775808i,c=9223372036854775807i,d=-0i,e=4294967296i 1');
      expect(t.fields.map((f) => [f.name, f.type, f.values])).toEqual([
        ['a', 'BIGINT', BigInt64Array.of(1n)],
        ['b', 'BIGINT', BigInt64Array.of(-9223372036854775808n)],
        ['c', 'BIGINT', BigInt64Array.of(9223372036854775807n)],
        ['d', 'BIGINT', BigInt64Array.of(0n)],
        ['e', 'BIGINT', BigInt64Array.of(4294967296n)],
      ]);
    });

    it('unsigned with u are BIGINT UNSIGNED', () => {
      const t = one('m a=0u,b=18446744073709551615u,c=42u');
      expect(t.fields.map((f) => [f.name, f.type, f.values])).toEqual([
        ['a', 'BIGINT UNSIGNED', BigUint64Array.of(0n)],
        ['b', 'BIGINT UNSIGNED', BigUint64Array.of(18446744073709551615n)],
        ['c', 'BIGINT UNSIGNED', BigUint64Array.of(42n)],
      ]);
    });

    it('every other number is a DOUBLE, plain 1 included', () => {
      const t = one('m a=1,b=1.5,c=-1e3,d=+2,e=1.,f=-.5,g=1E-2,h=-inf,i=+Infinity,j=0.1,k=12345678901234567890 1');
      expect(t.fields.every((f) => f.type === 'DOUBLE')).toBe(true);
      expect(t.fields.map((f) => (f.values as Float64Array)[0])).toEqual([
        1, 1.5, -1000, 2, 1, -0.5, 0.01, -Infinity, Infinity, 0.1, 12345678901234567000,
      ]);
      expect(Number.isNaN((one('m n=-nan').fields[0].values as Float64Array)[0])).toBe(true);
    });

    it('booleans in the accepted spellings are BOOLEAN', () => {
      const t = one('m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE');
      expect(t.fields.every((c) => c.type === 'BOOLEAN')).toBe(true);
      expect(t.fields.map((c) => (c.values as Uint8Array)[0])).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    });

    it('quoted values are STRING', () => {
      expect(one('m s="1i"').fields).toEqual([{ name: 's', type: 'STRING', present: Uint8Array.of(1), values: ['1i'] }]);
    });
  });

  describe('line structure', () => {
    it('skips comments, blank lines and leading whitespace', () => {
      const t = one('# comment\n\n   m f=1 1\n\t# another f=2\r\n  \t m f=2 2\n# last');
      expect(t.rowCount).toBe(2);
      expect(t.times).toEqual(BigInt64Array.of(1n, 2n));
      expect(field(t, 'f').values).toEqual(Float64Array.of(1, 2));
    });

    it('accepts CRLF line ends and a final line without newline; no timestamp → default time', () => {
      const t = one('m f=1 1\r\nm f=2\r\nm f=3');
      expect(t.times).toEqual(BigInt64Array.of(1n, DEFAULT_TIME, DEFAULT_TIME));
      expect(field(t, 'f').values).toEqual(Float64Array.of(1, 2, 3));
    });

    it('uses the caller default time, negative or beyond 32 bits', () => {
      expect(parse('m f=1', [], -5n)[0].times).toEqual(BigInt64Array.of(-5n));
      expect(parse('m f=1\n', [], 1700000000123456789n)[0].times).toEqual(BigInt64Array.of(1700000000123456789n));
    });

    it('timestamps are signed int64', () => {
      const t = one('m f=1 -1\nm f=1 9223372036854775807\nm f=1 -9223372036854775808\nm f=1 0');
      expect(t.times).toEqual(BigInt64Array.of(-1n, 9223372036854775807n, -9223372036854775808n, 0n));
    });

    it('a timestamp ends at any whitespace, so a comment or another line may follow (CnosDB)', () => {
      const t = one('m f=1 1 # note\nm f=2 2 m f=3 3\tm f=4 4');
      expect(t.times).toEqual(BigInt64Array.of(1n, 2n, 3n, 4n));
    });

    it('sorts tags and fields by key, keeps the first of duplicate keys', () => {
      const t = one('m,b=2,a=1,b=3 z=1,y=2,z="dup of another type" 9');
      expect(t.tags).toEqual([
        { name: 'a', values: ['1'] },
        { name: 'b', values: ['2'] },
      ]);
      expect(t.fields).toEqual([
        { name: 'y', type: 'DOUBLE', present: Uint8Array.of(1), values: Float64Array.of(2) },
        { name: 'z', type: 'DOUBLE', present: Uint8Array.of(1), values: Float64Array.of(1) },
      ]);
    });

    it('columns come in first-seen order; absent tags are undefined, absent fields not present', () => {
      const t = one('m,b=1 f=1i 1\nm,a=2 g=true 2\nm,b=3,a=4 f=5i 3');
      expect(t.tags).toEqual([
        { name: 'b', values: ['1', undefined, '3'] },
        { name: 'a', values: [undefined, '2', '4'] },
      ]);
      expect(t.fields).toEqual([
        { name: 'f', type: 'BIGINT', present: Uint8Array.of(1, 0, 1), values: BigInt64Array.of(1n, 0n, 5n) },
        { name: 'g', type: 'BOOLEAN', present: Uint8Array.of(0, 1, 0), values: Uint8Array.of(0, 1, 0) },
      ]);
    });

    it('keeps row order and groups rows per measurement in first-seen order', () => {
      const tables = parse('b f=1 1\na f=2 2\nb f=3 3\nb f=4 3\n');
      expect(tables.map((t) => [t.table, t.times])).toEqual([
        ['b', BigInt64Array.of(1n, 3n, 3n)],
        ['a', BigInt64Array.of(2n)],
      ]);
      expect(field(tables[0], 'f').values).toEqual(Float64Array.of(1, 3, 4));
    });

    it('a tag value may contain = and a measurement a newline-free =, as CnosDB reads them', () => {
      const t = one('m=1,t=a=b f=1');
      expect(t.table).toBe('m=1');
      expect(t.tags).toEqual([{ name: 't', values: ['a=b'] }]);
    });

    it("reads a field key's first byte as is after the space but as syntax after a comma (CnosDB)", () => {
      // After the space `\\ x` is the key `\\ x` (the backslash is no escape there); after a comma it
      // is an escaped space, key ` x`. An `=` right after a comma ends an empty key.
      const t = one('m,t=1 a=1i,b=1i 1\nm,t=1 \\ x=1i 2\nm,t=1 a=2i,\\ x=2i 3\nm,t=1 a=3i,=4i\nm,t=1 a=5i,=6i\n');
      expect(t.fields).toEqual([
        { name: 'a', type: 'BIGINT', present: Uint8Array.of(1, 0, 1, 1, 1), values: BigInt64Array.of(1n, 0n, 2n, 3n, 5n) },
        { name: 'b', type: 'BIGINT', present: Uint8Array.of(1, 0, 0, 0, 0), values: BigInt64Array.of(1n, 0n, 0n, 0n, 0n) },
        { name: '\\ x', type: 'BIGINT', present: Uint8Array.of(0, 1, 0, 0, 0), values: BigInt64Array.of(0n, 1n, 0n, 0n, 0n) },
        { name: ' x', type: 'BIGINT', present: Uint8Array.of(0, 0, 1, 0, 0), values: BigInt64Array.of(0n, 0n, 2n, 0n, 0n) },
        { name: '', type: 'BIGINT', present: Uint8Array.of(0, 0, 0, 1, 1), values: BigInt64Array.of(0n, 0n, 0n, 4n, 6n) },
      ]);
    });

    it('drops an empty last field at the very end of the body (CnosDB)', () => {
      const t = one('m,t=1 g=2,f=');
      expect(t.fields.map((f) => f.name)).toEqual(['g']);
      const empty = one('m,t=1 f=');
      expect(empty.rowCount).toBe(1);
      expect(empty.fields).toEqual([]);
      expect(empty.tags).toEqual([{ name: 't', values: ['1'] }]);
    });
  });

  describe('type conflicts within a request', () => {
    it('a field seen later with another type: found the new, expected the first', () => {
      const e = parseError('m f=1i 1\nm f=1 2');
      expect(e).toBeInstanceOf(FieldTypeConflictError);
      expect(e.message).toBe("Column 'f' type error, found F64 expected I64");
      expect(e).toMatchObject({ column: 'f', found: 'F64', expected: 'I64' });
      expect(parseError('m f="a"\nm f=true').message).toBe("Column 'f' type error, found BOOL expected STRING");
      expect(parseError('m f=1u\nm f=1i').message).toBe("Column 'f' type error, found I64 expected U64");
    });

    it('a tag and a field of the same name in one line: found the field type, expected TAG', () => {
      const e = parseError('m,f=1 f=1');
      expect(e).toMatchObject({ column: 'f', found: 'F64', expected: 'TAG' });
      expect(e.message).toBe("Column 'f' type error, found F64 expected TAG");
    });

    it('across lines of a table, in both orders', () => {
      expect(parseError('m,x=1 f=1\nm x=2i').message).toBe("Column 'x' type error, found I64 expected TAG");
      expect(parseError('m x=2i\nm,x=1 f=1').message).toBe("Column 'x' type error, found TAG expected I64");
    });

    it('the same name in different tables is no conflict', () => {
      expect(parse('a f=1i\nb f=1\nc,f=1 g=1').map((t) => t.table)).toEqual(['a', 'b', 'c']);
    });

    it('is detected across drains and on the cached fast path', () => {
      const p = new LineProtocolParser({ defaultTime: 0n });
      p.push(Buffer.from('m,h=a f=1i 1\nm,h=a f=2i 2\n'));
      expect(p.drain()[0].rowCount).toBe(2);
      expect(() => p.push(Buffer.from('m,h=a f=3 3\n'))).toThrow("Column 'f' type error, found F64 expected I64");
    });
  });

  describe('chunked input', () => {
    const body =
      '# c1\r\n' +
      'cpu,host=a,region=eu usage=1i,idle=2.5,ok=true,msg="hi, there\nyou" 1451606400000000000\r\n' +
      '  \n' +
      'cpu,host=b,region=eu usage=-3i,idle=1e3 1451606410000000000\n' +
      'mem\\ x,host=a free=18446744073709551615u,t="中文" -42\n' +
      'cpu,host=a,region=eu usage=4i,idle=0.5,ok=F 1451606420000000000 # tail\n' +
      'cpu,host=a,region=eu usage=5i\n' +
      'mem\\ x,host=b free=1u';

    it('gives the same result for every two-piece split', () => {
      const expected = parse(body);
      expect(expected.map((t) => t.rowCount)).toEqual([4, 2]);
      const n = Buffer.byteLength(body);
      for (let s = 0; s <= n; s++) {
        expect(parse(body, [s])).toEqual(expected);
      }
    });

    it('gives the same result byte by byte and for three-piece splits', () => {
      const expected = parse(body);
      const n = Buffer.byteLength(body);
      expect(parse(body, Array.from({ length: n }, (_, i) => i))).toEqual(expected);
      for (let a = 0; a <= n; a += 7) {
        for (let b = a; b <= n; b += 5) expect(parse(body, [a, b])).toEqual(expected);
      }
    });

    it('decodes UTF-8 characters split across chunks', () => {
      const text = 'm,t=中 f="白",g=1i';
      const buf = Buffer.from(text, 'utf8');
      const cut = buf.indexOf(Buffer.from('中')) + 1;
      const t = parse(buf, [cut, cut + 1, buf.indexOf(Buffer.from('白')) + 2]);
      expect(t[0].tags).toEqual([{ name: 't', values: ['中'] }]);
      expect(field(t[0], 'f').values).toEqual(['白']);
    });

    it('reports the same error text and offset wherever the body is split', () => {
      const bad = 'm f=1 1\nm f=2 2\nm,t=a\\qb f=1\n';
      const n = Buffer.byteLength(bad);
      for (let s = 0; s <= n; s++) expect(parseError(bad, [s]).message).toBe("unexpect token 'q' at 22");
      const end = 'm f=1 1\ntest,t2=t22,f2=2 1642176000000000000';
      for (let s = 0; s <= end.length; s++) expect(parseError(end, [s]).message).toBe("unexpect end line start at '25'");
    });

    it('handles a line much longer than the chunks', () => {
      const long = 'x'.repeat(200_000);
      const text = `m,h=a s="${long}",n=1i 5\nm,h=a n=2i 6\n`;
      const buf = Buffer.from(text);
      const splits = [];
      for (let s = 1000; s < buf.length; s += 1000) splits.push(s);
      const t = parse(buf, splits)[0];
      expect(t.rowCount).toBe(2);
      expect((field(t, 's').values as string[])[0]).toHaveLength(200_000);
      expect(field(t, 'n').values).toEqual(BigInt64Array.of(1n, 2n));
    });

    it('drain() after each push returns each row once, with only the columns used', () => {
      const text = tsbsBody(4, 3) + 'mem,host=a free=1u 1\n';
      const extra = 'cpu,hostname=host_1 extra="x" 2\n';
      const buf = Buffer.from(text);
      const p = new LineProtocolParser({ defaultTime: 0n });
      const drains: ParsedTable[][] = [];
      for (let s = 0; s < buf.length; s += 97) {
        p.push(buf.subarray(s, s + 97));
        drains.push(p.drain());
      }
      p.push(Buffer.from(extra));
      p.end();
      const last = p.drain();
      drains.push(last);
      expect(p.drain()).toEqual([]);
      expect(rowsByTable(drains)).toEqual(rowsByTable([parse(text + extra)]));
      expect(last).toEqual([
        {
          table: 'cpu',
          rowCount: 1,
          times: BigInt64Array.of(2n),
          tags: [{ name: 'hostname', values: ['host_1'] }],
          fields: [{ name: 'extra', type: 'STRING', present: Uint8Array.of(1), values: ['x'] }],
        },
      ]);
    });

    it('is unusable after an error or after end()', () => {
      const p = new LineProtocolParser({ defaultTime: 0n });
      expect(() => p.push(Buffer.from('m f=x\n'))).toThrow(LineProtocolError);
      expect(() => p.push(Buffer.from('m f=1\n'))).toThrow("invalid field value: 'x'");
      const q = new LineProtocolParser({ defaultTime: 0n });
      q.end();
      expect(() => q.push(Buffer.from('m f=1\n'))).toThrow('end() was already called');
    });
  });

  describe('series decoded by an earlier parser (process-wide cache)', () => {
    function slowOnly(body: string): ParsedTable[] {
      const p = new LineProtocolParser({ defaultTime: DEFAULT_TIME });
      (p as unknown as { fastLine: () => number }).fastLine = () => -1;
      p.push(Buffer.from(body));
      p.end();
      return p.drain();
    }

    it('gives the same tables in a later request', () => {
      const body = tsbsBody(3, 2) + 'shared_m,b=1,a=2 g=1i 5\n';
      const first = parse(body);
      expect(parse(body)).toEqual(first);
      expect(parse(body)).toEqual(slowOnly(body));
      // Tag columns of an adopted series are created in sorted order.
      expect(parse('shared_m,b=1,a=2 h=true 6\n')[0].tags.map((t) => t.name)).toEqual(['a', 'b']);
    });

    it('still reports a tag that is a field of the table in this request', () => {
      parse('shared_c,x=1 f=1');
      const e = parseError('shared_c x=1i\nshared_c,x=1 f=1');
      expect(e.message).toBe("Column 'x' type error, found TAG expected I64");
    });
  });

  describe('fast path against the exact state machine (differential)', () => {
    /** Outcome of parsing in pieces; `slowOnly` turns the cached fast path off. */
    function outcome(buf: Buffer, splits: number[], slowOnly: boolean): unknown {
      const p = new LineProtocolParser({ defaultTime: DEFAULT_TIME });
      if (slowOnly) (p as unknown as { fastLine: () => number }).fastLine = () => -1;
      const drains: ParsedTable[][] = [];
      try {
        let prev = 0;
        for (const s of [...splits, buf.length]) {
          p.push(buf.subarray(prev, s));
          drains.push(p.drain());
          prev = s;
        }
        p.end();
        drains.push(p.drain());
      } catch (e) {
        return { error: (e as Error).message, lines: p.lines };
      }
      return { rows: rowsByTable(drains), lines: p.lines };
    }

    function rng(seed: number): (n: number) => number {
      let a = seed >>> 0;
      return (n) => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
      };
    }

    function randomBody(r: (n: number) => number): string {
      const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
      const tables = ['cpu', 'mem', 'disk\\ io', 'a\\,b', '温度'];
      const tagKeys = ['host', 'region', 'dc', 'k\\=1', 'f1'];
      const tagVals = ['a', 'b', 'host_1', 'x\\ y', '北京', '', 'v=w'];
      const fieldKeys = ['f1', 'f2', 'usage', 'idle', 'msg', 'k\\ 2', '\\ k', '=k'];
      const values = [
        () => `${r(1000)}i`,
        () => `-${r(1000)}i`,
        () => `${r(100)}`,
        () => `${r(100)}.${r(100)}`,
        () => `-${r(10)}e${r(5)}`,
        () => `${r(10)}u`,
        () => pick(['t', 'F', 'true', 'FALSE', 'False']),
        () => pick(['"hi"', '"a, b c"', '"q\\"x"', '"line\nbreak"', '""', '"bs\\\\"']),
        () => pick(['9223372036854775807i', '18446744073709551615u', '12345678901234567890', '1.7976931348623157e308']),
      ];
      const junk = ['NaN', '', '1.2.3', '"open', 'tRuE', '\\q', '=', ',', ' ', '\n', '#'];
      const lines: string[] = [];
      const nLines = 1 + r(12);
      for (let i = 0; i < nLines; i++) {
        const kind = r(20);
        if (kind === 0) {
          lines.push('# comment ' + r(10));
          continue;
        }
        if (kind === 1) {
          lines.push(pick(['', '  ', '\t']));
          continue;
        }
        let line = pick(tables);
        const nTags = r(4);
        for (let k = 0; k < nTags; k++) line += `,${pick(tagKeys)}=${pick(tagVals)}`;
        line += pick([' ', ' ', ' ', '  ']);
        const nFields = 1 + r(4);
        const fields: string[] = [];
        for (let k = 0; k < nFields; k++) {
          const key = pick(fieldKeys);
          // Keep a key's type mostly stable so that most bodies get past the schema checks.
          const v = r(10) === 0 ? pick(values)() : values[(key.length * 3) % values.length]();
          fields.push(`${key}=${v}`);
        }
        line += fields.join(',');
        if (r(3) > 0) line += pick([' ', ' ', '  ']) + pick([`${1600000000000000000 + r(5) * 1000}`, `-${r(100)}`, '0']);
        if (r(25) === 0) {
          const at = r(line.length + 1);
          line = line.slice(0, at) + pick(junk) + line.slice(at);
        }
        lines.push(line);
      }
      return lines.join(pick(['\n', '\n', '\r\n'])) + pick(['', '\n', '\r\n', ' ']);
    }

    it('agrees on random bodies, whole and split, with repeated series', () => {
      const r = rng(42);
      let errors = 0;
      for (let n = 0; n < 800; n++) {
        const one = randomBody(r);
        // Repeat the body so that its series are cached when seen again.
        const buf = Buffer.from(one + '\n' + one + '\n' + one);
        const reference = outcome(buf, [], true);
        if ((reference as { error?: string }).error !== undefined) errors++;
        expect(outcome(buf, [], false)).toEqual(reference);
        const a = r(buf.length + 1);
        const b = a + r(buf.length - a + 1);
        expect(outcome(buf, [a, b], false)).toEqual(reference);
      }
      // Both outcomes are exercised.
      expect(errors).toBeGreaterThan(50);
      expect(errors).toBeLessThan(700);
    });
  });
});
