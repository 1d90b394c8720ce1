import { CnosClient, startTopology, Topology, uniqueName } from '@cnosdb/shared/testing';

jest.setTimeout(300_000);

const MODES = ['standalone', 'distributed'] as const;
const TIMEOUT_MS = 400;

describe.each(MODES)('SQL query timeout (%s)', (mode) => {
  let topology: Topology;
  let client: CnosClient;

  beforeAll(async () => {
    topology = await startTopology(mode, { CNOSDB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS) });
    client = new CnosClient(topology.url);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it('a query running longer than query.timeoutMs answers 500 with a CnosDB error; quick ones are unaffected', async () => {
    const t = uniqueName('slow');
    const lines = Array.from({ length: 3000 }, (_, i) => `${t},h=h${i % 10} v=${i} ${1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n}`);
    expect((await client.write(lines.join('\n'))).status).toBe(200);
    expect((await client.sql(`SELECT count(*) FROM ${t}`)).text).toBe('COUNT(UInt8(1))\n3000\n');

    const started = Date.now();
    // 3000³ = 2.7·10¹⁰ joined rows: minutes of work for ClickHouse.
    const res = await client.sql(`SELECT count(*) FROM ${t} a CROSS JOIN ${t} b CROSS JOIN ${t} c`);
    expect({ status: res.status, text: res.text }).toEqual({ status: 500, text: '{"error_code":"010005","error_message":"Query timeout"}' });
    expect(Date.now() - started).toBeLessThan(10_000);

    expect((await client.sql(`SELECT max(v) AS m FROM ${t}`)).text).toBe('m\n2999.0\n');
  });
});
