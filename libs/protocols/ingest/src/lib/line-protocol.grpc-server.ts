import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { GrpcWriteChunk, GrpcWriteReply, LineProtocolWriter, loadCnosGrpc, startGrpcServer, stopGrpcServer, WritePrecision } from '@cnosdb/contracts';
import { toCnosError } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';

/**
 * Serves LineProtocolIngest.Write: the first streamed message is the header, the rest are
 * body chunks, which flow into the ingest service as they arrive (backpressure through the
 * stream). Failures travel back as a CnosError in the reply.
 */
@Injectable()
export class LineProtocolGrpcServer implements OnApplicationShutdown {
  private server?: grpc.Server;

  constructor(
    @Inject(LineProtocolWriter) private readonly writer: LineProtocolWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async listen(address: string): Promise<number> {
    const { server, port } = await startGrpcServer(
      loadCnosGrpc().LineProtocolIngest.service,
      {
        Write: (call: grpc.ServerReadableStream<GrpcWriteChunk, GrpcWriteReply>, callback: grpc.sendUnaryData<GrpcWriteReply>) => {
          void this.handle(call).then((reply) => callback(null, reply));
        },
      },
      address,
    );
    this.server = server;
    return port;
  }

  private async handle(call: grpc.ServerReadableStream<GrpcWriteChunk, GrpcWriteReply>): Promise<GrpcWriteReply> {
    const iterator = call[Symbol.asyncIterator]() as AsyncIterator<GrpcWriteChunk>;
    // A cancelled call must fail the write (so a transaction is aborted), never look like
    // a body that ended normally: destroying the stream with an error rejects the pending
    // read. (Not Promise.race against a "cancelled" promise per read: a promise that never
    // settles keeps every race's result alive, i.e. every chunk of the body.)
    call.once('cancelled', () => call.destroy(new Error('write cancelled by the client')));
    const next = () => iterator.next();
    try {
      const first = await next();
      const header = first.done ? undefined : first.value.header;
      if (!header) throw new Error('write stream must start with a header');
      const body = (async function* () {
        for (;;) {
          const chunk = await next();
          if (chunk.done) throw new Error('write stream ended without its end marker');
          if (chunk.value.end) return;
          if (chunk.value.body) yield chunk.value.body;
        }
      })();
      const { rows } = await this.writer.write(header.context, header.precision as WritePrecision, body, header.content_encoding || 'identity');
      return { rows };
    } catch (err) {
      const e = toCnosError(err);
      if (e.status >= 500) this.logger.error({ err }, 'line protocol write failed');
      return { error: { http_status: e.status, code: e.code, message: e.message } };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await stopGrpcServer(this.server);
  }
}
