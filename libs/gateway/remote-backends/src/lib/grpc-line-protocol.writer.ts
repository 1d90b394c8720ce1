import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { GRPC_CHANNEL_OPTIONS, GrpcWriteChunk, GrpcWriteReply, LineProtocolWriter, loadCnosGrpc, Precision, RequestContext } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { fromGrpcCnosError, fromGrpcStatus } from './grpc-errors';

type WriteClient = grpc.Client & {
  Write(callback: (err: grpc.ServiceError | null, reply?: GrpcWriteReply) => void): grpc.ClientWritableStream<GrpcWriteChunk>;
};

/**
 * Streams a write body to parser-lineprotocol over gRPC (client streaming, with backpressure),
 * in its content coding as it arrived: the parser decodes it.
 */
@Injectable()
export class GrpcLineProtocolWriter extends LineProtocolWriter implements OnModuleDestroy {
  private readonly client: WriteClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    const Ctor = loadCnosGrpc().LineProtocolIngest;
    this.client = new Ctor(config.grpc.lineProtocolAddress, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS) as unknown as WriteClient;
  }

  async write(ctx: RequestContext, precision: Precision, body: AsyncIterable<Buffer>, contentEncoding = 'identity'): Promise<{ rows: number }> {
    let call!: grpc.ClientWritableStream<GrpcWriteChunk>;
    const reply = new Promise<GrpcWriteReply>((resolve, reject) => {
      call = this.client.Write((err, r) => (err ? reject(fromGrpcStatus(err, 'parser-lineprotocol')) : resolve(r ?? {})));
    });
    // The parser may answer before the body ends (a bad line early on): stop sending then.
    let answered = false;
    const settled = reply.then(
      () => (answered = true),
      () => (answered = true),
    );
    try {
      call.write({ header: { context: ctx, precision, content_encoding: contentEncoding } });
      for await (const chunk of body) {
        if (answered) break;
        if (!call.write({ body: chunk })) await drainedOrAnswered(call);
      }
      if (!answered) {
        call.write({ end: {} });
        call.end();
      }
    } catch (err) {
      // The body failed here (413): end the stream without its end marker, so
      // the parser rejects the write, and wait for its answer: by then any transaction it
      // opened is aborted and cannot hold back later writes' visibility.
      if (!answered) call.end();
      await settled;
      throw err;
    }
    const r = await reply;
    if (r.error) throw fromGrpcCnosError(r.error);
    return { rows: Number(r.rows ?? 0) };
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}

/**
 * Waits until the stream takes more data or the call got its answer. (Not Promise.race with
 * the reply: each race would leave a reaction on the reply promise for the whole upload.)
 */
function drainedOrAnswered(call: grpc.ClientWritableStream<GrpcWriteChunk>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('status', done);
      resolve();
    };
    call.once('drain', done);
    call.once('status', done);
  });
}
