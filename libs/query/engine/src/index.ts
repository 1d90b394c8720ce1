export * from './lib/consistency.barrier';
export * from './lib/tsv.reader';
export * from './lib/query-engine.service';
export * from './lib/query.grpc-server';
export * from './lib/query-engine.module';
export * from './lib/retention.service';
