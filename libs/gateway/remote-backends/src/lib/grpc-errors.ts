import * as grpc from '@grpc/grpc-js';
import { CnosError, Errors } from '@cnosdb/shared/errors';
import { GrpcCnosError } from '@cnosdb/contracts';

/** A CnosError sent back inside a reply becomes the same CnosError here. */
export function fromGrpcCnosError(e: GrpcCnosError): CnosError {
  return new CnosError(e.http_status, e.code, e.message);
}

/** A transport failure: the backend is down or unreachable (503), otherwise 500. */
export function fromGrpcStatus(err: grpc.ServiceError, service: string): CnosError {
  if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED) return Errors.unavailable(`${service} unreachable: ${err.details}`);
  return Errors.internal(`${service} failed: ${err.details || err.message}`);
}
