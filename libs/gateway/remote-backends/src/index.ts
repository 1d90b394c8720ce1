export * from './lib/grpc-line-protocol.writer';
export * from './lib/grpc-sql.executor';
export * from './lib/remote-backends.module';
