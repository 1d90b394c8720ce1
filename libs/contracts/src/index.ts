export * from './lib/row-batch';
export * from './lib/row-batch.codec';
export * from './lib/query-result';
export * from './lib/ports';
export * from './lib/topics';
export * from './lib/proto';
export * from './lib/grpc';
export * from './lib/precision';
