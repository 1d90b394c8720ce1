import { Module } from '@nestjs/common';
import { LineProtocolWriter, SqlExecutor } from '@cnosdb/contracts';
import { GrpcLineProtocolWriter } from './grpc-line-protocol.writer';
import { GrpcSqlExecutor } from './grpc-sql.executor';

/** The gateway's backends in distributed mode: gRPC clients of the parser and query services. */
@Module({
  providers: [
    { provide: LineProtocolWriter, useClass: GrpcLineProtocolWriter },
    { provide: SqlExecutor, useClass: GrpcSqlExecutor },
  ],
  exports: [LineProtocolWriter, SqlExecutor],
})
export class RemoteBackendsModule {}
