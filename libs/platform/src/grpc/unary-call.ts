import { firstValueFrom, type Observable } from 'rxjs';
import { fromGrpcError } from '../errors/grpc-errors.js';

/**
 * Awaits a unary call of a Nest gRPC client and turns its failure into a DomainError, so the caller's own
 * transport can translate it again (`service` names the callee in transport errors: "catalog-service is
 * unavailable").
 */
export async function unaryCall<T>(call: Observable<T>, service: string): Promise<T> {
  try {
    return await firstValueFrom(call);
  } catch (error) {
    throw fromGrpcError(error, service);
  }
}
