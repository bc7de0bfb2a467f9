import { InterceptingCall, ServerInterceptingCall, status as GrpcStatus, type Interceptor, type ServerInterceptor } from '@grpc/grpc-js';
import { lazyHistogram, secondsSince } from './instruments.js';

/**
 * `rpc.server.call.duration` and `rpc.client.call.duration` of the semantic conventions, per method and status,
 * for every gRPC call this process answers or makes (the gRPC instrumentation traces calls but records no
 * metrics). Health checks and reflection are left out, as probes are over HTTP.
 */
const serverDuration = lazyHistogram('grpc', 'rpc.server.call.duration', 'Duration of gRPC calls this process answered.');
const clientDuration = lazyHistogram('grpc', 'rpc.client.call.duration', 'Duration of gRPC calls this process made.');

const UNMEASURED = /^\/(grpc\.health\.v1\.|grpc\.reflection\.)/;

/** The grpc-js server interceptor that records `rpc.server.call.duration`. */
export const serverCallMetrics: ServerInterceptor = (method, call) => {
  if (UNMEASURED.test(method.path)) return new ServerInterceptingCall(call);
  const startedAt = performance.now();
  return new ServerInterceptingCall(call, {
    sendStatus(status, next) {
      serverDuration().record(secondsSince(startedAt), callAttributes(method.path, status.code));
      next(status);
    },
  });
};

/** The grpc-js client interceptor that records `rpc.client.call.duration`, retries and waiting for a token included. */
export const clientCallMetrics: Interceptor = (options, nextCall) => {
  const path = options.method_definition.path;
  const startedAt = performance.now();
  return new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          clientDuration().record(secondsSince(startedAt), callAttributes(path, status.code));
          nextStatus(status);
        },
      });
    },
  });
};

function callAttributes(path: string, code: GrpcStatus) {
  return {
    'rpc.system.name': 'grpc',
    'rpc.method': path.slice(1),
    'rpc.response.status_code': GrpcStatus[code] ?? String(code),
  };
}
