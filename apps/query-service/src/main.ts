import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, AppConfig } from '@cnosdb/shared/config';
import { createLogger, Logger, LoggingModule, PinoNestLogger } from '@cnosdb/shared/logging';
import { HealthServer } from '@cnosdb/shared/health';
import { ClickHouseModule, ClickHouseService, MetadataStore, prepareClickHouse } from '@cnosdb/storage/clickhouse';
import { KafkaConsistencyBarrier, QueryEngineModule, QueryGrpcServer } from '@cnosdb/query/engine';
import { KafkaRowSink } from '@cnosdb/shared/kafka';

/** Query service: SQL over ClickHouse, served over gRPC, with the read-your-writes barrier; INSERT publishes to Kafka. */
@Module({})
class QueryServiceModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: QueryServiceModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(logger), ClickHouseModule, QueryEngineModule.register({ barrier: KafkaConsistencyBarrier, sink: KafkaRowSink })],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('query-service', config.log.level);
  const app = await NestFactory.createApplicationContext(QueryServiceModule.forRoot(config, logger), { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  const ch = app.get(ClickHouseService);
  await prepareClickHouse(ch, app.get(MetadataStore), logger);
  const port = await app.get(QueryGrpcServer).listen(config.grpc.queryListen);
  await new HealthServer({ clickhouse: () => ch.ping() }).listen(config.health.port);
  logger.info(`query-service serving gRPC on port ${port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
