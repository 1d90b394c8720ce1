import * as path from 'path';

/** A running system under test. */
export interface Topology {
  mode: 'standalone' | 'distributed';
  url: string;
  /** Stops one app of the topology (distributed only). */
  stopApp(name: string): Promise<void>;
  /** Starts a stopped app again and waits until it serves (distributed only). */
  startApp(name: string): Promise<void>;
  /** Process id of each running app, by app name (for /proc figures such as peak RSS). */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

interface JsTopology {
  url: string;
  apps: Record<string, { child: { pid?: number; exitCode: number | null; signalCode: string | null }; stop(): Promise<void> }>;
  start?(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

// The same process supervisor that `npm run start:distributed` uses, so the tests run the
// system exactly as a user does (compiled apps from dist/, real Kafka and ClickHouse).
const topology = require(path.resolve(__dirname, '../../../../../tools/scripts/topology.js')) as {
  startStandalone(o: object): Promise<JsTopology>;
  startDistributed(o: object): Promise<JsTopology>;
};

/** Ports for the tests, away from the 8902 a developer's own `npm start` uses. */
export const E2E_PORTS = { standalone: 18902, distributed: 18903, lineProtocolGrpc: 15051, queryGrpc: 15052 };

/** Starts a topology from the compiled apps (run `node tools/scripts/build.js` first). */
export async function startTopology(mode: 'standalone' | 'distributed', env: Record<string, string> = {}): Promise<Topology> {
  const logDir = path.resolve(__dirname, '../../../../../.data/logs/e2e');
  const t =
    mode === 'standalone'
      ? await topology.startStandalone({ port: E2E_PORTS.standalone, logDir, env })
      : await topology.startDistributed({
          port: E2E_PORTS.distributed,
          lpPort: E2E_PORTS.lineProtocolGrpc,
          queryPort: E2E_PORTS.queryGrpc,
          logDir,
          env: { CNOSDB_CONSISTENCY_WAIT_MS: '60000', ...env },
        });
  return {
    mode,
    url: t.url,
    async stopApp(name) {
      await t.apps[name]?.stop();
    },
    async startApp(name) {
      if (!t.start) throw new Error(`${mode} topology cannot restart ${name}`);
      await t.start(name);
    },
    pids() {
      const out: Record<string, number> = {};
      for (const [name, { child }] of Object.entries(t.apps)) {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) out[name] = child.pid;
      }
      return out;
    },
    stop: () => t.stop(),
  };
}

/** A table name unique to this test run, so runs never see each other's rows. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
