import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR, PROTO_FILES } from './proto';

/** Message shapes as @grpc/proto-loader hands them over (keepCase, oneofs, 64-bit as strings). */
export interface GrpcCnosError {
  http_status: number;
  code: string;
  message: string;
}
export interface GrpcRequestContext {
  tenant: string;
  database: string;
  user: string;
}
export interface GrpcWriteChunk {
  header?: { context: GrpcRequestContext; precision: string; content_encoding?: string };
  body?: Buffer;
  end?: Record<string, never>;
  part?: 'header' | 'body' | 'end';
}
export interface GrpcWriteReply {
  error?: GrpcCnosError | null;
  rows?: string | number;
}
export interface GrpcQueryRequest {
  context: GrpcRequestContext;
  sql: string;
}
export interface GrpcCell {
  text?: string;
  null?: boolean;
  value?: 'text' | 'null';
}
export interface GrpcQueryChunk {
  schema?: { columns: { name: string; type: string }[] };
  rows?: { rows?: { cells: GrpcCell[] }[]; text?: Buffer };
  error?: GrpcCnosError;
  consistency_timeout?: boolean;
  part?: 'schema' | 'rows' | 'error';
}

export interface CnosGrpcPackage {
  LineProtocolIngest: grpc.ServiceClientConstructor;
  QueryService: grpc.ServiceClientConstructor;
}

let loaded: CnosGrpcPackage | undefined;

/** Loads the .proto contracts (the source of truth) into gRPC service definitions. */
export function loadCnosGrpc(): CnosGrpcPackage {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync([PROTO_FILES.lineProtocol, PROTO_FILES.query], {
    includeDirs: [PROTO_DIR],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { cnosdb: { v1: CnosGrpcPackage } };
  loaded = pkg.cnosdb.v1;
  return loaded;
}

/** Channel options shared by clients and servers: large messages, keepalive for long streams. */
export const GRPC_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_time_ms': 30_000,
};

/** Starts a gRPC server serving one service on `address` (insecure; in-cluster traffic); resolves with it and the bound port. */
export async function startGrpcServer(
  service: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  address: string,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}

/** Stops accepting calls and waits until the running ones finished. */
export async function stopGrpcServer(server: grpc.Server | undefined): Promise<void> {
  if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
}
