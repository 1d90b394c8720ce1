// Starts the project's apps as child processes, waits for them to be ready, and stops or
// restarts them one by one. Used by `npm run start:distributed` and by the e2e harness.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const http = require('http');

const root = path.resolve(__dirname, '../..');

/**
 * Starts `node tools/scripts/run-app.js <app>` with env overrides; output goes to logFile.
 * CNOSDB_NODE_ARGS adds node options that NODE_OPTIONS refuses (e.g. `--cpu-prof`) to every app.
 * `nice` (1-19) starts the process under `nice -n`, so every thread it creates inherits the
 * lower CPU priority (renicing a running node process would reach its main thread only).
 */
function startApp(app, env, logFile, { nice = 0 } = {}) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const nodeArgs = (process.env.CNOSDB_NODE_ARGS || '').split(/\s+/).filter(Boolean);
  const argv = [process.execPath, ...nodeArgs, path.join(root, 'tools/scripts/run-app.js'), app];
  const [command, ...args] = nice > 0 ? ['nice', '-n', String(nice), ...argv] : argv;
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    app,
    child,
    exited,
    /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 10000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves once a TCP port accepts connections; rejects after timeoutMs or if `proc` exits. */
async function waitForPort(port, timeoutMs = 60000, proc) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) throw new Error(`${proc.app} exited before listening on ${port}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not listening after ${timeoutMs} ms`);
}

/** Resolves once GET url answers 200. */
async function waitForHttp(url, timeoutMs = 60000, proc) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) throw new Error(`${proc.app} exited before ${url} answered`);
    const ok = await new Promise((resolve) => {
      http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 after ${timeoutMs} ms`);
}

module.exports = { startApp, waitForPort, waitForHttp, root };
