import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { LineProtocolWriter, RowSink } from '@cnosdb/contracts';
import { LineProtocolIngestService } from './line-protocol-ingest.service';
import { LineProtocolGrpcServer } from './line-protocol.grpc-server';

/**
 * The protocol parsers' write path. `sink` decides where rows go: KafkaRowSink for the
 * distributed parser service, the storage writer's direct ClickHouse sink in standalone mode.
 */
@Module({})
export class IngestModule {
  static register(options: { sink: Type<RowSink>; imports?: DynamicModule['imports'] }): DynamicModule {
    const providers: Provider[] = [
      options.sink,
      { provide: RowSink, useExisting: options.sink },
      LineProtocolIngestService,
      { provide: LineProtocolWriter, useExisting: LineProtocolIngestService },
      LineProtocolGrpcServer,
    ];
    return { module: IngestModule, imports: options.imports ?? [], providers, exports: [LineProtocolWriter, LineProtocolGrpcServer, RowSink, options.sink] };
  }
}

