import {
  InterceptingCall,
  ServerInterceptingCall,
  status as GrpcStatus,
  type Interceptor,
  type Metadata,
  type ServerInterceptor,
  type StatusObject,
} from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { lazyHistogram, secondsSince } from './instruments.js';
import { markFailed } from './spans.js';

/**
 * The span and the duration metric of every gRPC call this process answers or makes, as the RPC semantic
 * conventions name them: a SERVER or CLIENT span named by the method (`triad.catalog.v1.CatalogService/GetProduct`),
 * continuing the caller's trace through the call's metadata (`traceparent`), and `rpc.server.call.duration` /
 * `rpc.client.call.duration` by method, status and `error.type` (the client's also by `server.address` and
 * `server.port`). Health checks and reflection are left out, as probes are over HTTP.
 *
 * grpc-js interceptors, which every client and server here is built with (`grpcClientOptions`,
 * `grpcServerOptions`), rather than `@opentelemetry/instrumentation-grpc`: that patches grpc-js and wraps each
 * call's objects on every call, which measured as the largest single part of what telemetry cost a REST read
 * (`npm run bench:telemetry`); an interceptor sees the same events for a fraction of the cost.
 */
const serverDuration = lazyHistogram('grpc', 'rpc.server.call.duration', 'Duration of gRPC calls this process answered.');
const clientDuration = lazyHistogram('grpc', 'rpc.client.call.duration', 'Duration of gRPC calls this process made.');
const tracer = () => trace.getTracer('triad.grpc');

const UNMEASURED = /^\/(grpc\.health\.v1\.|grpc\.reflection\.)/;

/** The codes a server is to blame for: only these make a SERVER span an error (any code but OK makes a CLIENT span one). */
const SERVER_ERRORS = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

const metadataGetter: TextMapGetter<Metadata> = {
  get: (metadata, key) => {
    const values = metadata.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
  keys: (metadata) => Object.keys(metadata.getMap()),
};
const metadataSetter: TextMapSetter<Metadata> = { set: (metadata, key, value) => metadata.set(key, value) };

/** The interceptor every gRPC server here has: a SERVER span for each call, its handler run inside it, and its duration. */
export const serverCallTelemetry: ServerInterceptor = (method, call) => {
  if (UNMEASURED.test(method.path)) return new ServerInterceptingCall(call);
  const startedAt = performance.now();
  const rpcMethod = method.path.slice(1);
  let span: Span | undefined;
  let active: Context = ROOT_CONTEXT;
  const end = (code: GrpcStatus) => {
    if (!span) return;
    const failed = SERVER_ERRORS.has(code);
    endSpan(span, code, failed);
    span = undefined;
    serverDuration().record(secondsSince(startedAt), durationAttributes(rpcMethod, code, failed));
  };
  return new ServerInterceptingCall(call, {
    start(next) {
      next({
        onReceiveMetadata(metadata, nextMetadata) {
          const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
          span = tracer().startSpan(rpcMethod, { kind: SpanKind.SERVER, attributes: spanAttributes(rpcMethod) }, parent);
          active = trace.setSpan(parent, span);
          // The handler, and all it starts, runs in the call's span: grpc-js calls it from these listeners.
          context.with(active, nextMetadata, undefined, metadata);
        },
        onReceiveMessage(message, nextMessage) {
          context.with(active, nextMessage, undefined, message);
        },
        onReceiveHalfClose(nextHalfClose) {
          context.with(active, nextHalfClose);
        },
        // Every call ends here, after `sendStatus` for one its handler answered (then `end` has nothing left to do).
        // Otherwise the client went away, or grpc-js sent a status itself, past the interceptors: for a passed
        // deadline (told apart by the time), and for a request it could not read (too large, or not the method's
        // message), which cannot be told apart from a client's cancel here and is recorded as CANCELLED too.
        onCancel() {
          end(Number(call.getDeadline()) <= Date.now() ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED);
        },
      });
    },
    sendStatus(status, next) {
      end(status.code);
      next(status);
    },
  });
};

/**
 * The interceptor every gRPC client here has first, so that its span and duration include retries and the wait
 * for a service token: a CLIENT span, a child of the current one, whose context the call carries to the server.
 */
export function clientCallTelemetry(address: string): Interceptor {
  const server = serverAttributes(address);
  return (options, nextCall) => {
    if (UNMEASURED.test(options.method_definition.path)) return new InterceptingCall(nextCall(options));
    const rpcMethod = options.method_definition.path.slice(1);
    const startedAt = performance.now();
    const parent = context.active();
    const span = tracer().startSpan(rpcMethod, { kind: SpanKind.CLIENT, attributes: { ...spanAttributes(rpcMethod), ...server } }, parent);
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        propagation.inject(trace.setSpan(parent, span), metadata, metadataSetter);
        next(metadata, {
          onReceiveStatus(status: StatusObject, nextStatus) {
            const failed = status.code !== GrpcStatus.OK;
            endSpan(span, status.code, failed);
            clientDuration().record(secondsSince(startedAt), { ...durationAttributes(rpcMethod, status.code, failed), ...server });
            nextStatus(status);
          },
        });
      },
    });
  };
}

function spanAttributes(rpcMethod: string): Attributes {
  return { 'rpc.system.name': 'grpc', 'rpc.method': rpcMethod };
}

/** A call's duration by method and status, and, if it failed (as its span did), by `error.type`. */
function durationAttributes(rpcMethod: string, code: GrpcStatus, failed: boolean): Attributes {
  return {
    ...spanAttributes(rpcMethod),
    'rpc.response.status_code': statusName(code),
    ...(failed ? { 'error.type': statusName(code) } : {}),
  };
}

/** `server.address` and `server.port` of a client's target: `host:port`, `dns:///host:port`, `[::1]:port`. */
export function serverAttributes(target: string): Attributes {
  const address = target.replace(/^(?:dns|ipv4|ipv6):(?:\/\/[^/]*\/)?/, '');
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return match ? { 'server.address': match[1], 'server.port': Number(match[2]) } : { 'server.address': address };
}

function endSpan(span: Span, code: GrpcStatus, failed: boolean): void {
  span.setAttribute('rpc.response.status_code', statusName(code));
  if (failed) markFailed(span, statusName(code));
  span.end();
}

/** `NOT_FOUND` for 5; any code gRPC does not define (a peer may send any number) is `UNKNOWN`, as gRPC reads it. */
function statusName(code: GrpcStatus): string {
  return GrpcStatus[code] ?? 'UNKNOWN';
}
