import { Metadata } from '@grpc/grpc-js';
import { DomainError, fromGrpcError } from '@triad/platform';
import { firstValueFrom, type Observable } from 'rxjs';

/** The response of a gRPC call that should succeed. */
export function call<T>(observable: Observable<T>): Promise<T> {
  return firstValueFrom(observable);
}

/** The error of a gRPC call that should fail, read back as the DomainError the service raised. */
export function failure(observable: Observable<unknown>): Promise<DomainError> {
  return firstValueFrom(observable).then(() => {
    throw new Error('the call succeeded, but it should have failed');
  }, fromGrpcError);
}

/** Metadata carrying an access token, as an edge forwards it. */
export function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}
