import { Client, credentials, Metadata, Server, ServerCredentials, status, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientCallTelemetry, serverAttributes, serverCallTelemetry } from './rpc-telemetry.js';

describe('serverAttributes', () => {
  it('reads the host and port of every form of target a client here is given', () => {
    expect(serverAttributes('localhost:50052')).toEqual({ 'server.address': 'localhost', 'server.port': 50052 });
    expect(serverAttributes('dns:///catalog-service-grpc:50052')).toEqual({
      'server.address': 'catalog-service-grpc',
      'server.port': 50052,
    });
    expect(serverAttributes('dns:catalog-service:50052')).toEqual({ 'server.address': 'catalog-service', 'server.port': 50052 });
    expect(serverAttributes('[::1]:50051')).toEqual({ 'server.address': '::1', 'server.port': 50051 });
    expect(serverAttributes('ipv4:127.0.0.1:50053')).toEqual({ 'server.address': '127.0.0.1', 'server.port': 50053 });
  });

  it('keeps a target without a port whole, as the address', () => {
    expect(serverAttributes('unix:/run/catalog.sock')).toEqual({ 'server.address': 'unix:/run/catalog.sock' });
  });
});

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as Request,
};
/** `busyMs`: how long the handler holds the event loop; `delayMs`: how long it then waits to answer. */
interface Request {
  answer?: string;
  busyMs?: number;
  delayMs?: number;
}
const METHOD = 'triad.test.v1.EchoService/Echo';
const ECHO: ServiceDefinition = {
  Echo: {
    path: `/${METHOD}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

describe('gRPC calls through the telemetry interceptors, over a real grpc-js server and client', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [] });
  let server: Server;
  let client: Client;
  /** The span active in the handler, for each call it handled. */
  const handlerSpans: (string | undefined)[] = [];

  beforeAll(async () => {
    sdk.start();
    server = new Server({ interceptors: [serverCallTelemetry] });
    server.addService(ECHO, {
      Echo: (call: { request: Request }, callback: (error: Partial<ServiceError> | null, value?: unknown) => void) => {
        handlerSpans.push(trace.getActiveSpan()?.spanContext().spanId);
        const { answer, busyMs = 0, delayMs = 0 } = call.request;
        // Holding the event loop past the deadline makes the server's own deadline timer, which runs before I/O,
        // come before the client's cancellation, whatever the machine's load.
        for (const until = Date.now() + busyMs; Date.now() < until;);
        setTimeout(() => {
          if (answer === 'missing') callback({ code: status.NOT_FOUND, details: 'no such thing' });
          else callback(null, { answer });
        }, delayMs);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { interceptors: [clientCallTelemetry(`127.0.0.1:${port}`)] });
  });
  afterAll(async () => {
    client?.close();
    server?.forceShutdown();
    await sdk.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    handlerSpans.length = 0;
  });

  const call = (request: Request, deadlineMs = 5_000) =>
    new Promise<{ error: ServiceError | null; value: unknown }>((resolve) =>
      client.makeUnaryRequest(
        `/${METHOD}`,
        json.serialize,
        json.deserialize,
        request,
        new Metadata(),
        { deadline: Date.now() + deadlineMs },
        (error, value) => resolve({ error, value }),
      ),
    );
  const spansOf = (kind: SpanKind) => exporter.getFinishedSpans().filter((span: ReadableSpan) => span.kind === kind);

  it('makes a CLIENT span under the caller’s and a SERVER span under it in the same trace, and runs the handler in the latter', async () => {
    const parent = trace.getTracer('spec').startSpan('caller');
    const { value } = await context.with(trace.setSpan(context.active(), parent), () => call({ answer: 'hello' }));
    parent.end();

    expect(value).toEqual({ answer: 'hello' });
    await vi.waitFor(() => expect(spansOf(SpanKind.SERVER)).toHaveLength(1));
    const [clientSpan] = spansOf(SpanKind.CLIENT);
    const [serverSpan] = spansOf(SpanKind.SERVER);
    expect(clientSpan?.name).toBe(METHOD);
    expect(clientSpan?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(clientSpan?.attributes).toMatchObject({
      'rpc.system.name': 'grpc',
      'rpc.method': METHOD,
      'rpc.response.status_code': 'OK',
      'server.address': '127.0.0.1',
    });
    expect(serverSpan?.name).toBe(METHOD);
    expect(serverSpan?.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(handlerSpans).toEqual([serverSpan?.spanContext().spanId]);
  });

  it('marks a refused call an error for its caller only, with the status by name', async () => {
    const { error } = await call({ answer: 'missing' });

    expect(error?.code).toBe(status.NOT_FOUND);
    await vi.waitFor(() => expect(spansOf(SpanKind.SERVER)).toHaveLength(1));
    const [clientSpan] = spansOf(SpanKind.CLIENT);
    const [serverSpan] = spansOf(SpanKind.SERVER);
    expect(clientSpan?.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientSpan?.attributes).toMatchObject({ 'rpc.response.status_code': 'NOT_FOUND', 'error.type': 'NOT_FOUND' });
    expect(serverSpan?.status.code).toBe(SpanStatusCode.UNSET);
    expect(serverSpan?.attributes['rpc.response.status_code']).toBe('NOT_FOUND');
  });

  it('ends the server span of a call whose deadline passed as DEADLINE_EXCEEDED, once', async () => {
    const { error } = await call({ answer: 'late', busyMs: 300, delayMs: 100 }, 100);

    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    await vi.waitFor(() => expect(spansOf(SpanKind.SERVER)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the handler answers, too late
    expect(spansOf(SpanKind.SERVER)).toHaveLength(1);
    const [serverSpan] = spansOf(SpanKind.SERVER);
    expect(serverSpan?.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverSpan?.attributes).toMatchObject({ 'rpc.response.status_code': 'DEADLINE_EXCEEDED', 'error.type': 'DEADLINE_EXCEEDED' });
    expect(spansOf(SpanKind.CLIENT).map((span) => span.attributes['rpc.response.status_code'])).toEqual(['DEADLINE_EXCEEDED']);
  });

  it('ends the server span of a call its client cancels as CANCELLED, once, and not as the server’s error', async () => {
    const ended = new Promise<ServiceError | null>((resolve) => {
      const pending = client.makeUnaryRequest(`/${METHOD}`, json.serialize, json.deserialize, { answer: 'slow', delayMs: 300 }, (error) =>
        resolve(error),
      );
      void vi.waitFor(() => expect(handlerSpans).toHaveLength(1)).then(() => pending.cancel());
    });

    expect((await ended)?.code).toBe(status.CANCELLED);
    await vi.waitFor(() => expect(spansOf(SpanKind.SERVER)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the handler answers, to no one
    expect(spansOf(SpanKind.SERVER)).toHaveLength(1);
    const [serverSpan] = spansOf(SpanKind.SERVER);
    expect(serverSpan?.status.code).toBe(SpanStatusCode.UNSET);
    expect(serverSpan?.attributes['rpc.response.status_code']).toBe('CANCELLED');
    expect(spansOf(SpanKind.CLIENT)[0]?.attributes).toMatchObject({ 'rpc.response.status_code': 'CANCELLED', 'error.type': 'CANCELLED' });
  });

  it('ends the server span of a request the server cannot read, which grpc-js refuses past the interceptors', async () => {
    const notJson = () => Buffer.from('{not json');
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(`/${METHOD}`, notJson, json.deserialize, {}, (failure) => resolve(failure)),
    );

    expect(error?.code).toBe(status.INTERNAL);
    expect(handlerSpans).toEqual([]);
    // The interceptor sees such a call end as it sees a client's cancel (see `serverCallTelemetry`).
    await vi.waitFor(() => expect(spansOf(SpanKind.SERVER)).toHaveLength(1));
    expect(spansOf(SpanKind.SERVER)[0]?.attributes['rpc.response.status_code']).toBe('CANCELLED');
    expect(spansOf(SpanKind.CLIENT)[0]?.attributes).toMatchObject({ 'rpc.response.status_code': 'INTERNAL', 'error.type': 'INTERNAL' });
  });
});
