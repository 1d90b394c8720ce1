import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, AppConfig } from '@cnosdb/shared/config';
import { createLogger, Logger, LoggingModule, PinoNestLogger } from '@cnosdb/shared/logging';
import { HealthServer } from '@cnosdb/shared/health';
import { ClickHouseModule, ClickHouseService, MetadataStore, prepareClickHouse } from '@cnosdb/storage/clickhouse';
import { StorageWriterConsumer } from '@cnosdb/storage/row-writer';

/** Storage writer: Kafka consumer group → ClickHouse. */
@Module({})
class StorageWriterModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: StorageWriterModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(logger), ClickHouseModule],
      providers: [StorageWriterConsumer],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('storage-writer', config.log.level);
  const app = await NestFactory.createApplicationContext(StorageWriterModule.forRoot(config, logger), { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  const ch = app.get(ClickHouseService);
  await prepareClickHouse(ch, app.get(MetadataStore), logger);
  await app.get(StorageWriterConsumer).start();
  await new HealthServer({ clickhouse: () => ch.ping() }).listen(config.health.port);
  logger.info('storage-writer consuming');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
