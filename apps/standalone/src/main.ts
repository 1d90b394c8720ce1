import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, loadConfig, AppConfig } from '@cnosdb/shared/config';
import { createLogger, Logger, LoggingModule } from '@cnosdb/shared/logging';
import { HttpApiModule, startHttpServer } from '@cnosdb/gateway/http-api';
import { IngestModule } from '@cnosdb/protocols/ingest';
import { ImmediateConsistency, QueryEngineModule } from '@cnosdb/query/engine';
import { ClickHouseModule, ClickHouseService, MetadataStore, prepareClickHouse } from '@cnosdb/storage/clickhouse';
import { ClickHouseRowSink } from '@cnosdb/storage/row-writer';

/**
 * Standalone mode: the same modules in one process, no Kafka and no gRPC hops. A write is
 * acknowledged after ClickHouse acknowledged it, so queries see it at once.
 */
@Module({})
class StandaloneModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        ClickHouseModule,
        HttpApiModule.register({
          backends: [IngestModule.register({ sink: ClickHouseRowSink }), QueryEngineModule.register({ barrier: ImmediateConsistency, sink: ClickHouseRowSink })],
        }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('standalone', config.log.level);
  const app = await startHttpServer(StandaloneModule.forRoot(config, logger), config, logger, async (ctx) => {
    await prepareClickHouse(ctx.get(ClickHouseService), ctx.get(MetadataStore), logger);
    await ctx.get(ClickHouseRowSink).dropAbandonedStaging();
  });
  void app;
  console.log(`CnosDB-compatible API (standalone) listening on http://localhost:${config.http.port} (ClickHouse at ${config.clickhouse.url})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
