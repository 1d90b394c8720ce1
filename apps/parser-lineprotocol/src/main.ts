import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, AppConfig } from '@cnosdb/shared/config';
import { createLogger, Logger, LoggingModule, PinoNestLogger } from '@cnosdb/shared/logging';
import { HealthServer } from '@cnosdb/shared/health';
import { IngestModule, LineProtocolGrpcServer } from '@cnosdb/protocols/ingest';
import { KafkaRowSink } from '@cnosdb/shared/kafka';
import { ClickHouseModule, ClickHouseService, MetadataStore, prepareClickHouse } from '@cnosdb/storage/clickhouse';

/** Line-protocol parser service: gRPC in, Kafka out. */
@Module({})
class ParserModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ParserModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(logger), ClickHouseModule, IngestModule.register({ sink: KafkaRowSink })],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('parser-lineprotocol', config.log.level);
  const app = await NestFactory.createApplicationContext(ParserModule.forRoot(config, logger), { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  const ch = app.get(ClickHouseService);
  await prepareClickHouse(ch, app.get(MetadataStore), logger);
  const sink = app.get(KafkaRowSink);
  await sink.warmUp();
  const port = await app.get(LineProtocolGrpcServer).listen(config.grpc.lineProtocolListen);
  await new HealthServer({ clickhouse: () => ch.ping(), kafka: () => sink.warmUp() }).listen(config.health.port);
  logger.info(`parser-lineprotocol serving gRPC on port ${port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
