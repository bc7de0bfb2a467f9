import type { Metadata } from '@grpc/grpc-js';
import type { AccessTokens, Caller } from '../auth/access-tokens.js';

/**
 * The caller of a gRPC call, verified again from the token the edge forwarded in the `authorization`
 * metadata: services never trust an edge's word for who is calling.
 */
export function callerFromMetadata(tokens: AccessTokens, metadata: Metadata): Promise<Caller | undefined> {
  const value = metadata.get('authorization')[0];
  return tokens.fromAuthorization(typeof value === 'string' ? value : undefined);
}
