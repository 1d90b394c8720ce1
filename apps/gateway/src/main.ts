import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, loadConfig, AppConfig } from '@cnosdb/shared/config';
import { createLogger, Logger, LoggingModule } from '@cnosdb/shared/logging';
import { HttpApiModule, startHttpServer } from '@cnosdb/gateway/http-api';
import { RemoteBackendsModule } from '@cnosdb/gateway/remote-backends';

/** The public HTTP surface in distributed mode: parses nothing, forwards over gRPC. */
@Module({})
class GatewayModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(logger), HttpApiModule.register({ backends: [RemoteBackendsModule] })],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('gateway', config.log.level);
  await startHttpServer(GatewayModule.forRoot(config, logger), config, logger);
  logger.info(`gateway listening on http://${config.http.host}:${config.http.port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
