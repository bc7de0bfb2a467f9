import { InterceptingCall, Metadata, status as GrpcStatus, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { Transport, type ClientProviderOptions } from '@nestjs/microservices';
import { loadPackageDefinition } from '@triad/contracts';
import { SERVICE_TOKEN_METADATA_KEY, type ServiceCredentials } from '../auth/service-credentials.js';
import { toGrpcError } from '../errors/grpc-errors.js';
import { CLIENT_ADDRESS_HEADER, currentRequestContext, REQUEST_ID_HEADER } from '../logging/request-context.js';
import { clientCallTelemetry } from '../telemetry/rpc-telemetry.js';
import { z } from 'zod';

/**
 * How a client spreads its calls over the addresses a service's name resolves to. `pick_first` (the default)
 * keeps one connection to one address and opens it only when a call needs it, which rides out the restart of a
 * lone process best. `round_robin` connects to every address and takes turns: what replicas behind a headless
 * Kubernetes Service or a scaled compose service need, at the price that a lone process being restarted fails
 * calls at once (UNAVAILABLE) until its client has reconnected.
 */
export type LoadBalancing = 'pick_first' | 'round_robin';

/** `GRPC_LB_POLICY`: the {@link LoadBalancing} of every gRPC client of the process. */
export const grpcClientConfig = {
  GRPC_LB_POLICY: z.enum(['pick_first', 'round_robin'], { error: 'pick_first or round_robin' }).default('pick_first'),
};

export interface GrpcClientSettings {
  /** Nest injection token for the client, e.g. the generated `USERS_PACKAGE_NAME`. */
  name: string | symbol;
  /** The proto package, e.g. `triad.users.v1`. */
  package: string;
  /** `host:port` of the service, from config. */
  address: string;
  /** Deadline for each call that does not set its own. */
  deadlineMs: number;
  /** See {@link LoadBalancing}; `pick_first` when unset. */
  loadBalancing?: LoadBalancing | undefined;
  /**
   * This process's own identity, sent on every call (`x-triad-service-token`) for the RPCs that only services
   * may call: its credentials, the target's audience and the scopes it needs there.
   */
  serviceIdentity?: { credentials: ServiceCredentials; audience: string; scopes: readonly string[] };
}

/**
 * Options for a Nest gRPC client with Triad's call policy built in:
 * - every unary call gets a deadline, and every call carries the current request id and caller token;
 * - every call is traced (a CLIENT span whose context the call carries) and its duration and status recorded
 *   (`rpc.client.call.duration`);
 * - calls are retried on UNAVAILABLE only when the contract marks the RPC as safe to repeat
 *   (`option idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT` in the .proto), never otherwise.
 */
export function grpcClientOptions(settings: GrpcClientSettings): ClientProviderOptions {
  const packageDefinition = loadPackageDefinition();
  return {
    name: settings.name,
    transport: Transport.GRPC,
    options: {
      package: settings.package,
      packageDefinition,
      url: settings.address,
      channelOptions: {
        interceptors: [
          clientCallTelemetry(settings.address),
          callPolicyInterceptor(settings.deadlineMs),
          ...(settings.serviceIdentity ? [serviceIdentityInterceptor(settings.serviceIdentity)] : []),
        ],
        'grpc.service_config': JSON.stringify(serviceConfig(idempotentMethods(settings.package), settings.loadBalancing ?? 'pick_first')),
        'grpc.enable_retries': 1,
      },
    },
  };
}

function callPolicyInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) => {
    // A stream (a watch, an import) lasts as long as its caller wants: only unary calls get the default.
    const streaming = options.method_definition.requestStream || options.method_definition.responseStream;
    const deadline = options.deadline ?? (streaming ? undefined : Date.now() + deadlineMs);
    return new InterceptingCall(nextCall({ ...options, ...(deadline === undefined ? {} : { deadline }) }), {
      start(metadata, listener, next) {
        const context = currentRequestContext();
        if (context && metadata.get(REQUEST_ID_HEADER).length === 0) metadata.set(REQUEST_ID_HEADER, context.requestId);
        if (context?.authorization && metadata.get('authorization').length === 0) metadata.set('authorization', context.authorization);
        if (context?.clientAddress && metadata.get(CLIENT_ADDRESS_HEADER).length === 0)
          metadata.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
        next(metadata, listener);
      },
    });
  };
}

/**
 * Adds the service token before the call starts. Fetching one (rarely: it is cached) is asynchronous, so the
 * call waits for it; a token that cannot be had fails the call with the reason, as its own status.
 */
function serviceIdentityInterceptor(identity: NonNullable<GrpcClientSettings['serviceIdentity']>): Interceptor {
  return (options, nextCall) => {
    // Until the token arrives the call below has not started, so neither its deadline nor a cancel can end it:
    // the one status of a call that ends before then comes from here.
    let waiting = true;
    let deadlineTimer: NodeJS.Timeout | undefined;
    let endWaiting: ((status: StatusObject) => void) | undefined;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        /** Ends the wait, once: true for whichever of token, failure, deadline or cancel comes first. */
        const stopWaiting = () => {
          if (!waiting) return false;
          waiting = false;
          clearTimeout(deadlineTimer);
          return true;
        };
        const end = (status: StatusObject) => {
          if (stopWaiting()) listener.onReceiveStatus?.(status);
        };
        endWaiting = end;
        const remainingMs = Number(options.deadline ?? Infinity) - Date.now();
        // (A timer cannot wait longer than 2^31 - 1 ms; a deadline that far off is none.)
        if (remainingMs < 2 ** 31) {
          deadlineTimer = setTimeout(
            () => end(endedStatus(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded while waiting for a service token')),
            Math.max(0, remainingMs),
          );
        }
        identity.credentials.tokenFor(identity.audience, identity.scopes).then(
          (token) => {
            if (!stopWaiting()) return;
            metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
            next(metadata, listener);
          },
          (error: unknown) => {
            const { code, details, metadata: trailers } = toGrpcError(error);
            end({ code, details, metadata: trailers });
          },
        );
      },
      cancel(next) {
        endWaiting?.(endedStatus(GrpcStatus.CANCELLED, 'Cancelled on client'));
        next();
      },
    });
  };
}

function endedStatus(code: GrpcStatus, details: string): StatusObject {
  return { code, details, metadata: new Metadata() };
}

/** `{ service, method }` for every RPC in `protoPackage` that its contract declares safe to retry. */
export function idempotentMethods(protoPackage: string): { service: string; method: string }[] {
  const found: { service: string; method: string }[] = [];
  for (const [name, definition] of Object.entries(loadPackageDefinition())) {
    if (!name.startsWith(`${protoPackage}.`) || !isServiceDefinition(definition)) continue;
    // Keys are the RPC names as written in the .proto (GetProduct), which is what service config matches.
    for (const [methodName, method] of Object.entries(definition)) {
      const level = (method.options as Record<string, unknown> | undefined)?.['idempotency_level'];
      if (level === 'NO_SIDE_EFFECTS' || level === 'IDEMPOTENT') found.push({ service: name, method: methodName });
    }
  }
  return found;
}

/** The channel's service config: its load balancing, and retries for the RPCs that are safe to repeat. */
function serviceConfig(methods: { service: string; method: string }[], loadBalancing: LoadBalancing) {
  return {
    loadBalancingConfig: [{ [loadBalancing]: {} }],
    // Retries stop when more than half the recent calls failed, so an outage is not multiplied hop by hop.
    retryThrottling: { maxTokens: 10, tokenRatio: 0.5 },
    methodConfig:
      methods.length === 0
        ? []
        : [
            {
              name: methods.map(({ service, method }) => ({ service, method })),
              retryPolicy: {
                maxAttempts: 3,
                initialBackoff: '0.1s',
                maxBackoff: '1s',
                backoffMultiplier: 2,
                retryableStatusCodes: ['UNAVAILABLE'],
              },
            },
          ],
  };
}

function isServiceDefinition(value: unknown): value is Record<string, MethodDefinition<object, object>> {
  if (typeof value !== 'object' || value === null || 'format' in value) return false;
  return Object.values(value).every((method) => typeof method === 'object' && method !== null && 'requestStream' in method);
}
