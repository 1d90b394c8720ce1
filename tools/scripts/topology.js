// The two ways to run the system locally, as processes: standalone (one process) and
// distributed (gateway, parser-lineprotocol, query-service, storage-writer as separate
// processes over real Kafka and ClickHouse). Infrastructure must already be running
// (tools/infra/infra.sh start).
const path = require('path');
const { startApp, waitForHttp, waitForPort, root } = require('./supervisor');

const DISTRIBUTED_APPS = ['parser-lineprotocol', 'query-service', 'storage-writer', 'gateway'];

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
  const apps = {};
  const start = (name) => (apps[name] = startApp(name, common, path.join(logDir, `${name}.log`)));
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

module.exports = { startStandalone, startDistributed, DISTRIBUTED_APPS };

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
