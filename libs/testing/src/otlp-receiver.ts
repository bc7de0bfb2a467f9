import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One span as a test reads it: OTLP's JSON encoding, flattened, with the process that sent it. */
export interface ReceivedSpan {
  /** `service.name` of the process that recorded it. */
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for the root of a trace. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer (OTLP's `SpanKind`). */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  links: { traceId: string; spanId: string }[];
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`: what `OTEL_EXPORTER_OTLP_ENDPOINT` should say, with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`. */
  endpoint: string;
  /** The environment that points a process at this receiver and exports its spans without delay. */
  env: Record<string, string>;
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[];
  /** Waits until `done(spans)` holds for the spans received, or fails after `timeoutMs` saying what it saw. */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, description: string, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP trace receiver (JSON encoding, `POST /v1/traces`): what a collector or Jaeger is to the system,
 * for tests that assert on the spans the processes export.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    readBody(request).then(
      (body) => {
        received.push(...flatten(JSON.parse(body) as ExportTraceServiceRequest));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(400).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const spans = () => [...received];
  return {
    endpoint,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    spans,
    trace: (traceId) => received.filter((span) => span.traceId === traceId),
    async waitFor(done, description, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(spans())) {
        if (Date.now() > deadline) {
          const names = spans().map((span) => `${span.service}: ${span.name}`);
          throw new Error(`No ${description} within ${timeoutMs} ms; received ${names.length} spans:\n${names.slice(-60).join('\n')}`);
        }
        await sleep(100);
      }
      return spans();
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: { key: string; value: AnyValue }[];
        status?: { code?: number };
        links?: { traceId: string; spanId: string }[];
        startTimeUnixNano: string;
        endTimeUnixNano: string;
      }[];
    }[];
  }[];
}

function flatten(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind ?? 0,
        attributes: attributesOf(span.attributes),
        statusCode: span.status?.code ?? 0,
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        startTimeUnixNano: BigInt(span.startTimeUnixNano),
        endTimeUnixNano: BigInt(span.endTimeUnixNano),
      })),
    );
  });
}

function attributesOf(attributes: { key: string; value: AnyValue }[] | undefined): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes ?? []) {
    const plain =
      value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue === undefined ? undefined : Number(value.intValue));
    if (plain !== undefined) result[key] = plain;
  }
  return result;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  request.setEncoding('utf8');
  for await (const chunk of request) body += chunk as string;
  return body;
}
