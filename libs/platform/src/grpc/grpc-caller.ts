import type { Metadata } from '@grpc/grpc-js';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccessTokens, Caller } from '../auth/access-tokens.js';

/**
 * The caller of a gRPC call, verified again from the token the edge forwarded in the `authorization`
 * metadata: services never trust an edge's word for who is calling.
 */
export function callerFromMetadata(tokens: AccessTokens, metadata: Metadata): Promise<Caller | undefined> {
  const value = metadata.get('authorization')[0];
  return tokens.fromAuthorization(typeof value === 'string' ? value : undefined);
}

/** The verifier of each call in flight, by its metadata; set by `GrpcRequestInterceptor` before any handler runs. */
const verifiers = new WeakMap<Metadata, AccessTokens>();

/** Lets `@GrpcCaller()` verify the calls that carry `metadata` with `tokens`. */
export function verifyCallersWith(metadata: Metadata, tokens: AccessTokens): void {
  verifiers.set(metadata, tokens);
}

/**
 * The verified caller of a gRPC handler, `undefined` for an anonymous call; an invalid token fails the call
 * with UNAUTHENTICATED before the handler runs. The request message then needs `@Payload()`, since Nest passes
 * only decorated parameters once one is:
 *
 *     async getOrder(@Payload() request: GetOrderRequest, @GrpcCaller() caller: Caller | undefined)
 *
 * The controller implements `WithCaller<…Controller>` so that the generated contract still checks it.
 */
export const GrpcCaller = createParamDecorator(async (_data: unknown, context: ExecutionContext): Promise<Caller | undefined> => {
  const metadata = context.switchToRpc().getContext<Metadata>();
  const tokens = verifiers.get(metadata);
  if (!tokens) throw new Error("@GrpcCaller() needs the handler's class to be a @GrpcController() in a module that provides AccessTokens");
  return callerFromMetadata(tokens, metadata);
});

/**
 * A generated NestJS controller interface (ts-proto's `…ServiceController`) with each handler's second
 * parameter, the call's metadata, replaced by its verified caller (see `@GrpcCaller()`), except for the
 * handlers named in `KeepMetadata`, which still take the metadata.
 */
export type WithCaller<Controller, KeepMetadata extends keyof Controller = never> = {
  [Method in keyof Controller]: Method extends KeepMetadata
    ? Controller[Method]
    : Controller[Method] extends (request: infer Request, ...rest: infer _Rest) => infer Result
      ? (request: Request, caller: Caller | undefined, ...rest: unknown[]) => Result
      : Controller[Method];
};
