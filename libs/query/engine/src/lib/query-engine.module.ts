import { DynamicModule, Module, Type } from '@nestjs/common';
import { SqlExecutor } from '@cnosdb/contracts';
import { ConsistencyBarrier } from './consistency.barrier';
import { QueryEngineService } from './query-engine.service';
import { QueryGrpcServer } from './query.grpc-server';

/** The SQL engine; `barrier` is the read-your-writes strategy of the deployment mode. */
@Module({})
export class QueryEngineModule {
  static register(options: { barrier: Type<ConsistencyBarrier> }): DynamicModule {
    return {
      module: QueryEngineModule,
      providers: [
        { provide: ConsistencyBarrier, useClass: options.barrier },
        QueryEngineService,
        { provide: SqlExecutor, useExisting: QueryEngineService },
        QueryGrpcServer,
      ],
      exports: [SqlExecutor, QueryGrpcServer],
    };
  }
}
