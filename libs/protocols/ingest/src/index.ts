export * from './lib/precision';
export * from './lib/line-protocol-ingest.service';
export * from './lib/line-protocol.grpc-server';
export * from './lib/ingest.module';
