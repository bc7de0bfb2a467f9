import type { Metadata } from '@grpc/grpc-js';
import { Inject, Injectable, Optional, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Logger } from 'pino';
import { Observable } from 'rxjs';
import { AccessTokens } from '../auth/access-tokens.js';
import { SERVICE_TOKEN_METADATA_KEY } from '../auth/service-credentials.js';
import { LOGGER } from '../logging/logger.js';
import { verifyCallersWith } from './grpc-caller.js';
import { acceptRequestId, CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER, runWithRequestContext } from '../logging/request-context.js';

/**
 * Runs every gRPC handler inside its request context (the caller's request id, or a new one; the address the
 * call came from, and what the caller claims about the client it serves) and writes one log line per call
 * with its outcome and duration. With `AccessTokens` in its module, `@GrpcCaller()` verifies the caller.
 */
@Injectable()
export class GrpcRequestInterceptor implements NestInterceptor {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly tokens?: AccessTokens,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = context.switchToRpc().getContext<Metadata>();
    if (this.tokens) verifyCallersWith(metadata, this.tokens);
    const requestId = acceptRequestId(metadata.get(REQUEST_ID_HEADER)[0]);
    const authorization = metadata.get('authorization')[0];
    const peer = (context.getArgByIndex(2) as { getPeer?: () => string } | undefined)?.getPeer?.();
    const clientAddress = peer === undefined ? 'unknown' : peerHost(peer);
    const forwardedClient = { address: metadata.get(CLIENT_ADDRESS_HEADER)[0], serviceToken: metadata.get(SERVICE_TOKEN_METADATA_KEY)[0] };
    const method = `${context.getClass().name}.${context.getHandler().name}`;
    const callContext = { requestId, clientAddress, forwardedClient, ...(typeof authorization === 'string' ? { authorization } : {}) };
    return new Observable((subscriber) =>
      runWithRequestContext(callContext, () => {
        const started = performance.now();
        const finish = (outcome: string) =>
          this.logger.info({ method, outcome, durationMs: Math.round(performance.now() - started) }, 'grpc call');
        return next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            finish(error instanceof Error ? error.name : 'error');
            subscriber.error(error);
          },
          complete: () => {
            finish('ok');
            subscriber.complete();
          },
        });
      }),
    );
  }
}

/** `ipv4:10.0.0.7:51234` → `10.0.0.7`, `ipv6:[::1]:51234` → `::1`: grpc-js's peer without its port. */
function peerHost(peer: string): string {
  const address = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  return bracketed?.[1] ?? address.replace(/:\d+$/, '');
}
