import * as fs from 'fs';
import { basicAuth, CnosClient, request, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(180_000);

const MODES = ['standalone', 'distributed'] as const;

describe.each(MODES)('REST API walking skeleton (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;

  beforeAll(async () => {
    topology = await startTopology(mode);
    client = new CnosClient(topology.url);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe('ping', () => {
    it('GET answers the version JSON', async () => {
      const res = await request(`${topology.url}/api/v1/ping`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe('{"version":"2.4.3","status":"healthy"}');
    });

    it('HEAD answers 200 without a body', async () => {
      const res = await request(`${topology.url}/api/v1/ping`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s is 405 with an empty body', async (method) => {
      const res = await request(`${topology.url}/api/v1/ping`, { method });
      expect(res.status).toBe(405);
      expect(res.text).toBe('');
    });
  });

  describe('routing and request checks', () => {
    it.each([
      ['GET', '/api/v1/write'],
      ['PUT', '/api/v1/write'],
      ['GET', '/api/v1/sql'],
      ['DELETE', '/api/v1/sql'],
    ])('%s %s is 405 with an empty body', async (method, path) => {
      const res = await request(`${topology.url}${path}`, { method, headers: { authorization: basicAuth('root') } });
      expect(res.status).toBe(405);
      expect(res.text).toBe('');
    });

    it('an unknown path is 404 with an empty body', async () => {
      const res = await request(`${topology.url}/api/v1/nope`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    it.each(['/api/v1/write?db=public', '/api/v1/sql?db=public'])('POST %s without Authorization is 400 000000', async (path) => {
      const res = await request(`${topology.url}${path}`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe('{"error_code":"000000","error_message":"Missing request header \\"authorization\\""}');
    });

    it('a wrong password is 401 with CnosDB 010016', async () => {
      const res = await request(`${topology.url}/api/v1/sql?db=public`, {
        method: 'POST',
        headers: { authorization: basicAuth('root', 'wrong') },
        body: 'SELECT 1',
      });
      expect(res.status).toBe(401);
      expect(res.text).toBe(
        `{"error_code":"010016","error_message":"Auth error: Access denied for user 'root' (using xxx) username or password invalid"}`,
      );
    });

    it('a malformed Authorization header is 400 040006 naming it', async () => {
      const res = await request(`${topology.url}/api/v1/write?db=public`, { method: 'POST', headers: { authorization: 'Bearer abc' }, body: 'x' });
      expect(res.status).toBe(400);
      expect(res.text).toBe('{"error_code":"040006","error_message":"Parse auth, malformed basic auth encoding: Bearer abc"}');
    });
  });

  describe('write then query', () => {
    it("serves the seed's example: write t1, read it back as JSON and CSV", async () => {
      const table = uniqueName('t1');
      const write = await client.write(`${table},foo=a,bar=b v=1 1665212378000000000`);
      expect(write.status).toBe(200);
      expect(write.text).toBe('');
      expect(write.headers['content-length']).toBe('0');

      const json = await client.sql(`SELECT * from ${table}`, 'db=public', { accept: 'application/json' });
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toBe('application/json');
      expect(json.text).toBe('[{"time":"2022-10-08T06:59:38","bar":"b","foo":"a","v":1.0}]');

      const csv = await client.sql(`SELECT * from ${table}`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv');
      expect(csv.text).toBe('time,bar,foo,v\n2022-10-08T06:59:38.000000000,b,a,1.0\n');
    });

    it('a line without timestamp gets the server time', async () => {
      const table = uniqueName('now');
      const before = Date.now();
      expect((await client.write(`${table},host=a v=2`)).status).toBe(200);
      const res = await client.sql(`SELECT time, v FROM ${table}`, 'db=public', { accept: 'application/json' });
      const rows = JSON.parse(res.text) as { time: string; v: number }[];
      expect(rows).toHaveLength(1);
      const t = Date.parse(rows[0].time + 'Z');
      expect(t).toBeGreaterThanOrEqual(before - 1000);
      expect(t).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('supports projection, WHERE, ORDER BY and LIMIT', async () => {
      const table = uniqueName('cpu');
      const lines = [
        `${table},host=a usage=10,idle=90i 1700000000000000000`,
        `${table},host=b usage=20,idle=80i 1700000001000000000`,
        `${table},host=a usage=30,idle=70i 1700000002000000000`,
        `${table},host=b usage=40,idle=60i 1700000003000000000`,
      ].join('\n');
      expect((await client.write(lines)).status).toBe(200);
      const res = await client.sql(`SELECT time, host, usage FROM ${table} WHERE usage > 15 ORDER BY time DESC LIMIT 2`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('time,host,usage\n2023-11-14T22:13:23.000000000,b,40.0\n2023-11-14T22:13:22.000000000,a,30.0\n');
    });

    it('merges rows of the same series and time field by field', async () => {
      const table = uniqueName('ma');
      expect((await client.write(`${table},ta=a1 fa=1 1690510331000000000`)).status).toBe(200);
      expect((await client.write(`${table},ta=a1 fb=2 1690510331000000000`)).status).toBe(200);
      const res = await client.sql(`select * from ${table}`);
      expect(res.text).toBe('time,ta,fa,fb\n2023-07-28T02:12:11.000000000,a1,1.0,2.0\n');
    });

    it('a later write of the same field wins', async () => {
      const table = uniqueName('lww');
      expect((await client.write(`${table},ta=a1 fa=1 1690510331000000000`)).status).toBe(200);
      expect((await client.write(`${table},ta=a1 fa=5 1690510331000000000`)).status).toBe(200);
      const res = await client.sql(`select fa from ${table}`);
      expect(res.text).toBe('fa\n5.0\n');
    });
  });

  describe('errors', () => {
    it('a line without fields is 422 040004 with its position', async () => {
      const res = await client.write('test,t2=t22,f2=2 1642176000000000000');
      expect(res.status).toBe(422);
      expect(res.text).toBe('{"error_code":"040004","error_message":"Error parsing message: unexpect end line start at \'17\'"}');
    });

    it('writing to a missing database is 422 030017', async () => {
      const res = await client.write('t1,foo=a v=1', 'db=no_such_db');
      expect(res.status).toBe(422);
      expect(res.text).toBe('{"error_code":"030017","error_message":"Database not found: \\"no_such_db\\""}');
    });

    it('querying a missing table is 422 030019', async () => {
      const table = uniqueName('missing');
      const res = await client.sql(`SELECT * FROM ${table}`);
      expect(res.status).toBe(422);
      expect(res.text).toBe(`{"error_code":"030019","error_message":"Table not found: \\"cnosdb.public.${table}\\""}`);
    });

    it('two statements are 422 010013', async () => {
      const res = await client.sql('SELECT 1; SELECT 2');
      expect(res.status).toBe(422);
      expect(JSON.parse(res.text).error_code).toBe('010013');
    });
  });

  if (mode === 'distributed') {
    it('keeps every acknowledged write while storage-writer is stopped and restarted, none twice', async () => {
      const table = uniqueName('durable');
      await topology.stopApp('storage-writer');
      const acked: number[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const lines = Array.from({ length: 50 }, (_, i) => `${table},batch=b${batch} v=${batch * 50 + i}i ${1700000000000000000 + (batch * 50 + i) * 1000}`);
        const res = await client.write(lines.join('\n'));
        expect(res.status).toBe(200);
        acked.push(...lines.map((_, i) => batch * 50 + i));
      }
      await topology.startApp('storage-writer');
      const res = await client.sql(`SELECT count(*) AS n, sum(v) AS total FROM ${table}`);
      expect(res.status).toBe(200);
      const expectedSum = acked.reduce((a, b) => a + b, 0);
      expect(res.text).toBe(`n,total\n${acked.length},${expectedSum}\n`);
    });

    it('runs the storage writer, every thread of it, at nice 10 and the acknowledgement path at 0 (decision 0011)', () => {
      const pids = topology.pids();
      // Field 19 of /proc/<pid>/task/<tid>/stat; a thread that ended meanwhile is skipped.
      const threadNices = (pid: number) =>
        fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
          let stat: string;
          try {
            stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
          } catch {
            return [];
          }
          return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
        });
      expect(new Set(threadNices(pids['storage-writer']))).toEqual(new Set([10]));
      for (const app of ['gateway', 'parser-lineprotocol', 'query-service']) expect(new Set(threadNices(pids[app]))).toEqual(new Set([0]));
    });
  }
});
