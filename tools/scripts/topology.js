// The two ways to run the system locally, as processes: standalone (one process) and
// distributed (gateway, parser-lineprotocol, query-service, storage-writer as separate
// processes over real Kafka and ClickHouse). Infrastructure must already be running
// (tools/infra/infra.sh start).
const path = require('path');
const { startApp, waitForHttp, waitForPort, root } = require('./supervisor');

const DISTRIBUTED_APPS = ['parser-lineprotocol', 'query-service', 'storage-writer', 'gateway'];

/**
 * The storage writer's CPU priority when every process shares one machine (decision 0011):
 * it batches from Kafka and its lag is counted in seconds, while a client waits on the
 * gateway, the parser and Kafka for every write, so it yields the CPU to them under contention.
 * CNOSDB_STORAGE_WRITER_NICE sets another nice value; 0 runs it at normal priority.
 */
function storageWriterNice(env = process.env) {
  const raw = env.CNOSDB_STORAGE_WRITER_NICE;
  if (raw === undefined || raw === '') return 10;
  if (!/^\d+$/.test(raw) || Number(raw) > 19) throw new Error(`CNOSDB_STORAGE_WRITER_NICE must be a nice value from 0 to 19, got "${raw}"`);
  return Number(raw);
}

async function startStandalone({ port = 8902, logDir = path.join(root, '.data/logs'), env = {} } = {}) {
  const proc = startApp('standalone', { CNOSDB_HTTP_PORT: String(port), ...env }, path.join(logDir, 'standalone.log'));
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/v1/ping`, 120000, proc);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, apps: { standalone: proc }, stop: () => proc.stop() };
}

async function startDistributed({ port = 8902, lpPort = 50051, queryPort = 50052, logDir = path.join(root, '.data/logs'), env = {} } = {}) {
  const common = {
    LP_PARSER_GRPC_ADDRESS: `127.0.0.1:${lpPort}`,
    LP_PARSER_GRPC_LISTEN: `127.0.0.1:${lpPort}`,
    QUERY_GRPC_ADDRESS: `127.0.0.1:${queryPort}`,
    QUERY_GRPC_LISTEN: `127.0.0.1:${queryPort}`,
    CNOSDB_HTTP_PORT: String(port),
    ...env,
  };
  const nice = { 'storage-writer': storageWriterNice() };
  const apps = {};
  const start = (name) => (apps[name] = startApp(name, common, path.join(logDir, `${name}.log`), { nice: nice[name] }));
  const topology = {
    url: `http://127.0.0.1:${port}`,
    apps,
    /** Starts one app again (after stop) and waits until it serves. */
    async start(name) {
      const proc = start(name);
      if (name === 'parser-lineprotocol') await waitForPort(lpPort, 120000, proc);
      if (name === 'query-service') await waitForPort(queryPort, 120000, proc);
      if (name === 'gateway') await waitForHttp(`http://127.0.0.1:${port}/api/v1/ping`, 120000, proc);
      return proc;
    },
    async stop() {
      await Promise.all(Object.values(apps).map((p) => p.stop()));
    },
  };
  try {
    await Promise.all(DISTRIBUTED_APPS.filter((a) => a !== 'gateway').map((a) => topology.start(a)));
    await topology.start('gateway');
  } catch (err) {
    await topology.stop();
    throw err;
  }
  return topology;
}

module.exports = { startStandalone, startDistributed, storageWriterNice, DISTRIBUTED_APPS };

// `node tools/scripts/topology.js distributed|standalone`: run in the foreground until Ctrl-C.
if (require.main === module) {
  const mode = process.argv[2] || 'distributed';
  const starter = mode === 'standalone' ? startStandalone : startDistributed;
  starter()
    .then((t) => {
      console.log(`CnosDB-compatible API (${mode}) listening on ${t.url.replace('127.0.0.1', 'localhost')}; logs in .data/logs/; Ctrl-C stops it`);
      const shutdown = () => t.stop().then(() => process.exit(0));
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      for (const proc of Object.values(t.apps)) {
        proc.exited.then(({ code, signal }) => console.error(`[${proc.app}] exited (code ${code}, signal ${signal}); see .data/logs/${proc.app}.log`));
      }
    })
    .catch((err) => {
      console.error(`failed to start ${mode} topology: ${err.message}`);
      process.exit(1);
    });
}
