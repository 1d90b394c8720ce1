import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { encodeRowsText, GrpcQueryChunk, GrpcQueryRequest, loadCnosGrpc, startGrpcServer, stopGrpcServer, SqlExecutor } from '@cnosdb/contracts';
import { toCnosError } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';

/**
 * Serves QueryService.Execute as a server stream: schema first, then row batches, an error
 * chunk if anything fails. Honors stream backpressure so a large result never piles up.
 */
@Injectable()
export class QueryGrpcServer implements OnApplicationShutdown {
  private server?: grpc.Server;

  constructor(
    @Inject(SqlExecutor) private readonly executor: SqlExecutor,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async listen(address: string): Promise<number> {
    const { server, port } = await startGrpcServer(
      loadCnosGrpc().QueryService.service,
      {
        Execute: (call: grpc.ServerWritableStream<GrpcQueryRequest, GrpcQueryChunk>) => void this.handle(call),
      },
      address,
    );
    this.server = server;
    return port;
  }

  private async handle(call: grpc.ServerWritableStream<GrpcQueryRequest, GrpcQueryChunk>): Promise<void> {
    const { context, sql } = call.request;
    let cancelled = false;
    call.on('cancelled', () => (cancelled = true));
    try {
      for await (const event of this.executor.execute(context, sql)) {
        if (cancelled) return;
        const chunk: GrpcQueryChunk =
          event.kind === 'schema'
            ? { schema: { columns: event.columns }, consistency_timeout: !!event.consistencyTimeout }
            : { rows: { text: encodeRowsText(event.rows) } };
        if (!call.write(chunk)) await new Promise((resolve) => call.once('drain', resolve));
      }
    } catch (err) {
      const e = toCnosError(err);
      if (e.status >= 500) this.logger.error({ err }, 'query failed');
      if (!cancelled) call.write({ error: { http_status: e.status, code: e.code, message: e.message } });
    }
    call.end();
  }

  async onApplicationShutdown(): Promise<void> {
    await stopGrpcServer(this.server);
  }
}
