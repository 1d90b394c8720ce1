import { Logger } from 'pino';
import { ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';

/**
 * Waits for ClickHouse (services may start before it in Kubernetes or locally), then
 * creates the metadata tables and the default tenant/database. Idempotent, so every
 * service may run it at start.
 */
export async function prepareClickHouse(ch: ClickHouseService, metadata: MetadataStore, logger: Logger, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await ch.ping();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1 || attempt % 10 === 0) logger.warn({ attempt }, `waiting for ClickHouse: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  logger.info({ version: await ch.serverVersion() }, 'ClickHouse reachable');
  await metadata.bootstrap();
}
