import { DynamicModule, Module, Type } from '@nestjs/common';
import { RowSink, SqlExecutor } from '@cnosdb/contracts';
import { ConsistencyBarrier } from './consistency.barrier';
import { QueryEngineService } from './query-engine.service';
import { QueryGrpcServer } from './query.grpc-server';
import { RetentionService } from './retention.service';

/**
 * The SQL engine. `barrier` is the read-your-writes strategy of the deployment mode; `sink`
 * is where INSERT publishes rows (Kafka in distributed mode, ClickHouse in standalone mode),
 * the same path line-protocol writes take.
 */
@Module({})
export class QueryEngineModule {
  static register(options: { barrier: Type<ConsistencyBarrier>; sink: Type<RowSink> }): DynamicModule {
    return {
      module: QueryEngineModule,
      providers: [
        { provide: ConsistencyBarrier, useClass: options.barrier },
        options.sink,
        { provide: RowSink, useExisting: options.sink },
        QueryEngineService,
        { provide: SqlExecutor, useExisting: QueryEngineService },
        QueryGrpcServer,
        RetentionService,
      ],
      exports: [SqlExecutor, QueryGrpcServer, RetentionService],
    };
  }
}
