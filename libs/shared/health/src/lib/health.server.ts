import * as http from 'http';

/** A named dependency check; rejects when the dependency is not usable. */
export type ReadinessCheck = () => Promise<void>;

/**
 * Liveness, readiness and metrics over plain HTTP for the services that have no public HTTP
 * surface (parsers, storage writer, query service): GET /livez, /readyz, /metrics.
 */
export class HealthServer {
  private server?: http.Server;
  private readonly counters = new Map<string, number>();

  constructor(private readonly checks: Record<string, ReadinessCheck>) {}

  /** Adds n to a Prometheus counter exposed on /metrics. */
  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(this.checks).map(async ([name, check]) => {
        try {
          await check();
          results[name] = 'ok';
        } catch (err) {
          ready = false;
          results[name] = err instanceof Error ? err.message : String(err);
        }
      }),
    );
    return { ready, checks: results };
  }

  metricsText(): string {
    let out = '';
    for (const [name, value] of this.counters) out += `# TYPE ${name} counter\n${name} ${value}\n`;
    return out;
  }

  /** Listens on 127.0.0.1-or-all interfaces at `port`; port 0 disables the server. */
  async listen(port: number, host = '0.0.0.0'): Promise<void> {
    if (!port) return;
    this.server = http.createServer((req, res) => {
      if (req.url === '/livez') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"alive"}');
      if (req.url === '/readyz') {
        void this.readiness().then((r) => res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r)));
        return;
      }
      if (req.url === '/metrics') return res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metricsText());
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
