import * as path from 'path';
import * as zlib from 'zlib';
import { Kafka, logLevel } from 'kafkajs';
import { basicAuth, CnosClient, request, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

const MODES = ['standalone', 'distributed'] as const;
/** A small write limit so the 413 cases need only a few MiB. */
const WRITE_LIMIT = 4 * 1024 * 1024;
const KAFKA = '127.0.0.1:9092';
const INGEST_TOPIC = 'cnosdb.ingest.rows.v1';

async function clickhouse(sql: string): Promise<string> {
  const res = await request('http://127.0.0.1:8123/', { method: 'POST', body: sql });
  if (res.status !== 200) throw new Error(`ClickHouse: ${res.text}`);
  return res.text;
}

describe.each(MODES)('line-protocol writes (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;

  beforeAll(async () => {
    topology = await startTopology(mode, { CNOSDB_WRITE_BODY_LIMIT: String(WRITE_LIMIT) });
    client = new CnosClient(topology.url);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  const csv = async (sql: string) => {
    const res = await client.sql(sql);
    expect(res.status).toBe(200);
    return res.text;
  };

  describe('grammar', () => {
    it('stores every value type; fields and tags sorted by key', async () => {
      const t = uniqueName('types');
      const res = await client.write(`${t},zt=z,at=a f=1,i=-2i,u=3u,b=true,s="say \\"hi\\", \\\\ ok",bf=F 1`);
      expect(res.status).toBe(200);
      expect(await csv(`SELECT * FROM ${t}`)).toBe('time,at,zt,b,bf,f,i,s,u\n1970-01-01T00:00:00.000000001,a,z,true,false,1.0,-2,"say ""hi"", \\ ok",3\n');
      const json = await client.sql(`SELECT * FROM ${t}`, 'db=public', { accept: 'application/json' });
      expect(json.text).toBe('[{"time":"1970-01-01T00:00:00.000000001","at":"a","zt":"z","b":true,"bf":false,"f":1.0,"i":-2,"s":"say \\"hi\\", \\\\ ok","u":3}]');
    });

    it('handles escapes in measurement, tag keys, tag values and field keys', async () => {
      const t = uniqueName('esc');
      expect((await client.write(`${t}\\ x,k\\,1=v\\=1\\ 2 f\\ 1=2 5`)).status).toBe(200);
      expect(await csv(`SELECT * FROM "${t} x"`)).toBe('time,"k,1",f 1\n1970-01-01T00:00:00.000000005,v=1 2,2.0\n');
    });

    it('skips comments and blank lines, accepts CRLF and a last line without newline', async () => {
      const t = uniqueName('lines');
      const body = `# a comment\n\n   ${t},h=a v=1 1\r\n\n${t},h=b v=2 2`;
      expect((await client.write(body)).status).toBe(200);
      expect(await csv(`SELECT h, v FROM ${t} ORDER BY time`)).toBe('h,v\na,1.0\nb,2.0\n');
    });

    it('keeps the first of duplicate keys in a line', async () => {
      const t = uniqueName('dup');
      expect((await client.write(`${t},a=1,a=2 v=1,v=2 1`)).status).toBe(200);
      expect(await csv(`SELECT a, v FROM ${t}`)).toBe('a,v\n1,1.0\n');
    });
  });

  describe('errors reject the whole request', () => {
    it.each([
      ['test,t2=t22,f2=2 1642176000000000000', "unexpect end line start at '17'"],
      ['t_e v=abc 1', "invalid field value: 'abc'"],
    ])('%s → 422 040004', async (body, message) => {
      const res = await client.write(body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.text)).toEqual({ error_code: '040004', error_message: `Error parsing message: ${message}` });
    });

    it('invalid UTF-8 is 422 040015 naming the byte index', async () => {
      const res = await request(`${topology.url}/api/v1/write?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root') },
        body: Buffer.concat([Buffer.from('t_u v="a'), Buffer.from([0xff]), Buffer.from('" 1')]),
      });
      expect(res.status).toBe(422);
      expect(res.text).toBe('{"error_code":"040015","error_message":"Invalid utf-8 sequence: invalid utf-8 sequence of 1 bytes from index 8"}');
    });

    it('writes nothing when a later line is bad', async () => {
      const t = uniqueName('atomic');
      const res = await client.write(`${t},h=a v=1 1\n${t},h=b v=2 2\n${t},h=c 3`);
      expect(res.status).toBe(422);
      const q = await client.sql(`SELECT count(*) FROM ${t}`);
      expect(q.status).toBe(422);
      expect(JSON.parse(q.text).error_code).toBe('030019');
    });

    it('a type conflict with the table is 422 020004', async () => {
      const t = uniqueName('conflict');
      expect((await client.write(`${t},h=a v=1 1`)).status).toBe(200);
      const asString = await client.write(`${t},h=a v="x" 2`);
      expect(asString.status).toBe(422);
      expect(asString.text).toBe(`{"error_code":"020004","error_message":"DataSchemaError: Column 'v' type error, found STRING expected F64"}`);
      const tagAsField = await client.write(`${t} h=1i 3`);
      expect(tagAsField.status).toBe(422);
      expect(tagAsField.text).toBe(`{"error_code":"020004","error_message":"DataSchemaError: Column 'h' type error, found I64 expected TAG"}`);
      expect(await csv(`SELECT count(*) AS n FROM ${t}`)).toBe('n\n1\n');
    });
  });

  describe('precision', () => {
    it.each([
      ['ms', '1700000000123', '2023-11-14T22:13:20.123000000'],
      ['US', '1700000000123456', '2023-11-14T22:13:20.123456000'],
      ['ns', '1700000000123456789', '2023-11-14T22:13:20.123456789'],
    ])('precision=%s converts into the database precision', async (precision, ts, rendered) => {
      const t = uniqueName('prec');
      expect((await client.write(`${t} v=1 ${ts}`, `db=public&precision=${precision}`)).status).toBe(200);
      expect(await csv(`SELECT time FROM ${t}`)).toBe(`time\n${rendered}\n`);
    });

    it('an unknown precision is 400 naming the accepted values', async () => {
      const res = await client.write('t v=1 1', 'db=public&precision=s');
      expect(res.status).toBe(400);
      expect(res.text).toBe('{"error_code":"040005","error_message":"Invalid precision: \\"s\\", accepted values are ns, us, ms"}');
    });

    it('a timestamp that overflows the database precision is 422 050014', async () => {
      const res = await client.write('t_overflow v=1 9223372036855', 'db=public&precision=ms');
      expect(res.status).toBe(422);
      expect(res.text).toBe('{"error_code":"050014","error_message":"timestamp overflow"}');
    });
  });

  describe('body limits and streaming', () => {
    it('a declared Content-Length over the limit is 413 with an empty body', async () => {
      const res = await client.write('x'.repeat(WRITE_LIMIT + 1));
      expect(res.status).toBe(413);
      expect(res.text).toBe('');
    });

    it('a chunked upload over the limit is 413; under it, accepted', async () => {
      const t = uniqueName('chunked');
      const line = `${t},h=a v=1 `;
      const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `${line}${from + i}`).join('\n');
      const big = await request(`${topology.url}/api/v1/write?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root') },
        body: lines(Math.ceil(WRITE_LIMIT / 20)),
        chunked: true,
      });
      expect(big.status).toBe(413);
      const small = await request(`${topology.url}/api/v1/write?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root') },
        body: lines(1000),
        chunked: true,
      });
      expect(small.status).toBe(200);
      expect(await csv(`SELECT count(*) AS n FROM ${t}`)).toBe('n\n1000\n');
    });

    it('streams a large gzip body (over the in-memory threshold) all or nothing', async () => {
      const t = uniqueName('large');
      const rows = 120_000;
      const body = Array.from({ length: rows }, (_, i) => `${t},h=h${i % 50} v=${i}i ${i}`).join('\n');
      const res = await request(`${topology.url}/api/v1/write?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root'), 'content-encoding': 'gzip' },
        body: zlib.gzipSync(body),
      });
      expect(res.status).toBe(200);
      expect(await csv(`SELECT count(*) AS n, sum(v) AS s FROM ${t}`)).toBe(`n,s\n${rows},${(rows * (rows - 1)) / 2}\n`);

      const bad = uniqueName('large_bad');
      const badBody = Array.from({ length: rows }, (_, i) => `${bad},h=h${i % 50} v=${i}i ${i}`).join('\n') + `\n${bad},h=x 1`;
      const rejected = await request(`${topology.url}/api/v1/write?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root'), 'content-encoding': 'gzip' },
        body: zlib.gzipSync(badBody),
      });
      expect(rejected.status).toBe(422);
      expect(await csv(`SELECT count(*) AS n FROM ${bad}`)).toBe('n\n0\n');
    });
  });

  describe('InfluxDB v1 /write', () => {
    it('accepts u/p parameters and InfluxDB precisions, answers 204', async () => {
      const t = uniqueName('influx');
      const res = await request(`${topology.url}/write?db=public&u=root&p=&precision=s`, { method: 'POST', body: `${t},host=a v=1 1700000000` });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await csv(`SELECT * FROM ${t}`)).toBe('time,host,v\n2023-11-14T22:13:20.000000000,a,1.0\n');
    });

    it('accepts Basic auth and rejects a wrong password with 401', async () => {
      const t = uniqueName('influx_basic');
      const ok = await request(`${topology.url}/write?db=public&precision=ms`, { method: 'POST', headers: { authorization: basicAuth('root') }, body: `${t} v=2 1700000000000` });
      expect(ok.status).toBe(204);
      const bad = await request(`${topology.url}/write?db=public&u=root&p=nope`, { method: 'POST', body: `${t} v=3` });
      expect(bad.status).toBe(401);
      expect(JSON.parse(bad.text).error_code).toBe('010016');
    });

    it('GET /ping answers 204 with an InfluxDB version header', async () => {
      const res = await request(`${topology.url}/ping`);
      expect(res.status).toBe(204);
      expect(res.headers['x-influxdb-version']).toBe('1.8.10');
    });
  });

  it('read-your-writes: every query after a 200 sees the write', async () => {
    const t = uniqueName('ryw');
    for (let i = 1; i <= 15; i++) {
      expect((await client.write(`${t},h=a v=${i}i ${i}`)).status).toBe(200);
      expect(await csv(`SELECT count(*) AS n, max(v) AS m FROM ${t}`)).toBe(`n,m\n${i},${i}\n`);
    }
  });

  if (mode === 'distributed') {
    it('a replayed Kafka batch changes no query result', async () => {
      const t = uniqueName('replay');
      const kafka = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const before = await admin.fetchTopicOffsets(INGEST_TOPIC);
        expect((await client.write(`${t},h=a v=1 1\n${t},h=a w=2 1\n${t},h=b v=3 2`)).status).toBe(200);
        expect((await client.write(`${t},h=a v=10 1`)).status).toBe(200);
        const expected = 'time,h,v,w\n1970-01-01T00:00:00.000000001,a,10.0,2.0\n1970-01-01T00:00:00.000000002,b,3.0,\n';
        expect(await csv(`SELECT * FROM ${t} ORDER BY time`)).toBe(expected);
        const rawBefore = Number(await clickhouse(`SELECT count() FROM \`cnosdb.public\`.\`${t}\``));

        await topology.stopApp('storage-writer');
        await admin.setOffsets({ groupId: 'cnosdb-storage-writer', topic: INGEST_TOPIC, partitions: before.map((p) => ({ partition: p.partition, offset: p.offset })) });
        await topology.startApp('storage-writer');

        expect(await csv(`SELECT * FROM ${t} ORDER BY time`)).toBe(expected);
        const rawAfter = Number(await clickhouse(`SELECT count() FROM \`cnosdb.public\`.\`${t}\``));
        expect(rawAfter).toBe(rawBefore * 2); // the batches really were delivered twice
      } finally {
        await admin.disconnect();
      }
    });

    it('answers 503 while Kafka is down and recovers when it is back', async () => {
      const { execFileSync } = await import('child_process');
      const infra = path.resolve(__dirname, '../../../tools/infra/infra.sh');
      const t = uniqueName('kafka_down');
      execFileSync('bash', [infra, 'stop', 'kafka'], { stdio: 'ignore' });
      try {
        const res = await client.write(`${t} v=1 1`);
        expect(res.status).toBe(503);
        expect(JSON.parse(res.text).error_code).toBe('000000');
      } finally {
        execFileSync('bash', [infra, 'start', 'kafka'], { stdio: 'ignore' });
      }
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = (await client.write(`${t} v=2 2`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 1000));
      }
      expect(status).toBe(200);
      expect(await csv(`SELECT count(*) AS n FROM ${t}`)).toBe('n\n1\n');
    });
  }
});
