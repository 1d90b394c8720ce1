import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { decodeRowsText, GRPC_CHANNEL_OPTIONS, GrpcQueryChunk, GrpcQueryRequest, loadCnosGrpc, QueryEvent, RequestContext, ResultType, SqlExecutor } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { fromGrpcCnosError, fromGrpcStatus } from './grpc-errors';

type QueryClient = grpc.Client & { Execute(request: GrpcQueryRequest): grpc.ClientReadableStream<GrpcQueryChunk> };

/** Runs SQL on the query service over gRPC (server streaming) and yields its events. */
@Injectable()
export class GrpcSqlExecutor extends SqlExecutor implements OnModuleDestroy {
  private readonly client: QueryClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    const Ctor = loadCnosGrpc().QueryService;
    this.client = new Ctor(config.grpc.queryAddress, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS) as unknown as QueryClient;
  }

  async *execute(ctx: RequestContext, sql: string): AsyncGenerator<QueryEvent> {
    const call = this.client.Execute({ context: ctx, sql });
    try {
      for await (const chunk of call as AsyncIterable<GrpcQueryChunk>) {
        if (chunk.error) throw fromGrpcCnosError(chunk.error);
        if (chunk.schema) {
          yield {
            kind: 'schema',
            columns: (chunk.schema.columns ?? []).map((c) => ({ name: c.name, type: c.type as ResultType })),
            consistencyTimeout: !!chunk.consistency_timeout,
          };
        } else if (chunk.rows) {
          const { text, rows } = chunk.rows;
          // `text` from current query services; a message per cell from older ones.
          yield { kind: 'rows', rows: text && text.length > 0 ? decodeRowsText(text) : (rows ?? []).map((r) => (r.cells ?? []).map((c) => (c.null ? null : (c.text ?? '')))) };
        }
      }
    } catch (err) {
      if ((err as grpc.ServiceError).code !== undefined && typeof (err as grpc.ServiceError).details === 'string') {
        throw fromGrpcStatus(err as grpc.ServiceError, 'query-service');
      }
      throw err;
    } finally {
      call.cancel();
    }
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
