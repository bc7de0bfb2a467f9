import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Span } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { AggregationType, InstrumentType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import type { FastifyRequest } from 'fastify';
import { register as registerEsmHooks } from 'import-in-the-middle/register-hooks.mjs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INFRASTRUCTURE_PATHS } from '../http/infrastructure-paths.js';
import { pathOf } from '../http/request-path.js';
import { serverSpanAttributes, serverSpanName } from './http-server.js';
import { recordProcessMemory } from './process-metrics.js';
import { runningTelemetry, setRunningTelemetry } from './running-telemetry.js';

/**
 * Duration buckets, in seconds, for every histogram: the OpenTelemetry semantic conventions' advice for HTTP
 * and RPC durations, which Prometheus' `histogram_quantile` then reads p50 and p99 from.
 */
const DURATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Starts OpenTelemetry for this process: before the application is imported (see `register.ts`), so the
 * instrumentations can patch the modules it loads. Configured only by the standard `OTEL_*` variables:
 * - Traces are exported when an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or `…_TRACES_ENDPOINT`) or an
 *   exporter (`OTEL_TRACES_EXPORTER`) is set, with `OTEL_EXPORTER_OTLP_PROTOCOL` and `OTEL_TRACES_SAMPLER` as
 *   the SDK reads them. Without one, spans are not recorded (an always-off sampler), yet every request still
 *   gets a trace id and span id, which its log lines and `traceparent` carry and which it passes on.
 * - Metrics are always collected, and read by Prometheus at `/metrics` on the process's HTTP port.
 * `OTEL_SDK_DISABLED=true` turns all of it off.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (runningTelemetry() || env['OTEL_SDK_DISABLED'] === 'true') return;
  const exporting = Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_TRACES_EXPORTER']);
  const instrumentations = selectedInstrumentations(env, {
    // Outgoing calls only (the token endpoint, JWKS). Every server here is Fastify, whose own instrumentation
    // below traces what it serves: tracing each request a second time at the `http` module cost more CPU than
    // anything else in a request's telemetry (it binds every listener on the request and response to the trace).
    http: () => new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    undici: () => new UndiciInstrumentation(),
    // The server span of each HTTP request, continuing the caller's `traceparent`; no spans per hook or
    // handler, which cost more than they show. Its duration metric is recorded by `createFastifyAdapter`.
    fastify: () =>
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        instrumentHandler: false,
        // Called with the route's path when routes are registered, with the URL as sent (query and all) for each request.
        ignorePaths: ({ url }) => INFRASTRUCTURE_PATHS.has(pathOf(url)),
        requestHook: nameServerSpan,
      }),
    // Parse, validate and execute; a span per resolved field would outnumber everything else in a trace.
    // gRPC calls are traced by the interceptors every client and server here is built with (`rpc-telemetry.ts`).
    graphql: () => new GraphQLInstrumentation({ ignoreResolveSpans: true }),
    pg: () => new PgInstrumentation({ requireParentSpan: true }),
    'runtime-node': () => new RuntimeNodeInstrumentation(),
  });
  // The app imports these packages as ES modules: only they go through the loader hook the patching needs
  // (CommonJS `require`s are patched without one). Node >= 24.11 runs it in-thread.
  registerEsmHooks({
    include: instrumentations.flatMap((instrumentation) => instrumentation.getModuleDefinitions().map(({ name }) => name)),
  });
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ? undefined : entryPointApp(),
    metricReaders: [prometheus],
    views: durationViews(),
    instrumentations,
    ...(exporting ? {} : { sampler: new AlwaysOffSampler(), spanProcessors: [new NoopSpanProcessor()] }),
  });
  sdk.start();
  recordProcessMemory();
  const serializer = new PrometheusSerializer();
  setRunningTelemetry({
    prometheusText: async () => serializer.serialize((await prometheus.collect()).resourceMetrics),
    shutdown: () => sdk.shutdown(),
  });
}

/** Names the server span of a request, and gives it its attributes, as the HTTP semantic conventions do. */
function nameServerSpan(span: Span, request: FastifyRequest): void {
  if (!span.isRecording()) return; // with no spans recorded, nothing would keep them
  span.updateName(serverSpanName(request.raw, request.routeOptions.url));
  span.setAttributes(serverSpanAttributes(request.raw, request.ip));
}

/**
 * The instrumentations to load, by the names `@opentelemetry/auto-instrumentations-node` gives them:
 * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` keeps only those listed, `OTEL_NODE_DISABLED_INSTRUMENTATIONS` drops
 * those listed (both comma-separated).
 */
export function selectedInstrumentations<A extends Record<string, () => unknown>>(
  env: NodeJS.ProcessEnv,
  available: A,
): ReturnType<A[keyof A]>[] {
  const list = (name: string) =>
    new Set(
      (env[name] ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
  const enabled = list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabled = list('OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  // A misspelt name would silently leave a process untraced, or traced where it should not be.
  const unknown = [...enabled, ...disabled].filter((name) => !(name in available));
  if (unknown.length > 0) {
    throw new Error(
      `OTEL_NODE_ENABLED_INSTRUMENTATIONS and OTEL_NODE_DISABLED_INSTRUMENTATIONS name instrumentations this process does not have: ` +
        `${unknown.join(', ')}; it has ${Object.keys(available).join(', ')}`,
    );
  }
  return Object.entries(available)
    .filter(([name]) => (enabled.size === 0 || enabled.has(name)) && !disabled.has(name))
    .map(([, create]) => create() as ReturnType<A[keyof A]>);
}

/** `users-service` when the entry point is `…/apps/users-service/dist/main.js`: the name when OTEL_SERVICE_NAME is unset. */
function entryPointApp(): string | undefined {
  const main = process.argv[1];
  if (!main) return undefined;
  const path = main.startsWith('file:') ? fileURLToPath(main) : main;
  return basename(dirname(dirname(path))) || undefined;
}

function durationViews(): ViewOptions[] {
  return [
    {
      instrumentType: InstrumentType.HISTOGRAM,
      instrumentUnit: 's',
      aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DURATION_BUCKETS_S } },
    },
  ];
}
