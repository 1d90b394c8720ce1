import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@cnosdb/shared/config';
import { Logger, PinoNestLogger } from '@cnosdb/shared/logging';
import { HttpFallbackFilter } from './not-found.filter';

/**
 * Creates the HTTP application, runs `beforeListen` (e.g. waiting for ClickHouse) and
 * listens on the configured port. Body parsing is off: every route streams its body itself,
 * so limits apply while reading and nothing is buffered that need not be.
 */
export async function startHttpServer(
  rootModule: DynamicModule,
  config: AppConfig,
  logger: Logger,
  beforeListen?: (app: INestApplication) => Promise<void>,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, { bodyParser: false, logger: new PinoNestLogger(logger) });
  app.disable('x-powered-by');
  app.disable('etag');
  app.useGlobalFilters(new HttpFallbackFilter());
  app.enableShutdownHooks();
  if (beforeListen) await beforeListen(app);
  await app.listen(config.http.port, config.http.host);
  return app;
}
