import { freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** W3C Trace Context, version 00: `00-<trace id>-<parent span id>-<flags>`. */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

type Edge = 'rest-api' | 'graphql-gateway';

let system: RunningSystem;
let dataDir: string;
let rest: string;
let gateway: string;
/** Every JSON log line of every process, to find the one each request wrote. */
const logs: { process: string; entry: Record<string, unknown> }[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-trace-'));
  const ports = await freeSystemPorts();
  system = await startSystem({
    ports,
    dataDir,
    // `info`, for the `http request` line each edge writes per request.
    env: { LOG_LEVEL: 'info' },
    output: (process, line) => {
      if (line.startsWith('{')) logs.push({ process, entry: JSON.parse(line) as Record<string, unknown> });
    },
  });
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
});

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A request each edge answers with success, and one it refuses with a 4xx in its own error shape. */
const REQUESTS: Record<Edge, Record<'ok' | 'refused', (headers: Record<string, string>) => Promise<Response>>> = {
  'rest-api': {
    ok: (headers) => fetch(`${rest}/v1/products?page_size=1`, { headers }),
    refused: (headers) => fetch(`${rest}/v1/nothing-here`, { headers }),
  },
  'graphql-gateway': {
    ok: (headers) => graphql('{ products(first: 1) { nodes { id } } }', headers),
    refused: (headers) => graphql('{ nothingHere }', headers),
  },
};

function graphql(query: string, headers: Record<string, string>): Promise<Response> {
  return fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

interface Answer {
  status: number;
  traceparent: string | null;
  /** The trace id of the edge's log line for this request. */
  loggedTraceId(): Promise<unknown>;
}

/** Sends one request with a request id of its own, so that its log line can be told apart. */
async function send(edge: Edge, kind: 'ok' | 'refused', headers: Record<string, string> = {}): Promise<Answer> {
  const requestId = `trace-e2e-${randomUUID()}`;
  const response = await REQUESTS[edge][kind]({ ...headers, 'x-request-id': requestId });
  await response.arrayBuffer();
  return {
    status: response.status,
    traceparent: response.headers.get('traceparent'),
    loggedTraceId: () => loggedTraceId(edge, requestId),
  };
}

/** The `trace_id` of the line the edge logs once it has answered `requestId`. */
async function loggedTraceId(edge: Edge, requestId: string): Promise<unknown> {
  const line = () =>
    logs.find(({ process, entry }) => process === edge && entry['requestId'] === requestId && entry['msg'] === 'http request');
  await expect.poll(() => line() !== undefined, { timeout: 5_000 }).toBe(true);
  return line()!.entry['trace_id'];
}

const traceIdOf = (traceparent: string | null) => traceparent?.split('-')[1];

describe.each<Edge>(['rest-api', 'graphql-gateway'])('the trace context %s returns', (edge) => {
  it('names the trace the request ran in, the trace id of its log line, on a success and on a refusal', async () => {
    for (const kind of ['ok', 'refused'] as const) {
      const answer = await send(edge, kind);

      expect(answer.status, kind).toBe(kind === 'ok' ? 200 : edge === 'rest-api' ? 404 : 400);
      expect(answer.traceparent, kind).toMatch(TRACEPARENT);
      expect(await answer.loggedTraceId(), kind).toBe(traceIdOf(answer.traceparent));
    }
  });

  it('gives each request a trace of its own', async () => {
    const [first, second] = [await send(edge, 'ok'), await send(edge, 'ok')];
    expect(traceIdOf(first.traceparent)).not.toBe(traceIdOf(second.traceparent));
  });

  it('continues the trace a client sent in traceparent', async () => {
    const answer = await send(edge, 'ok', { traceparent: `00-${CALLER_TRACE_ID}-00f067aa0ba902b7-01` });

    expect(answer.status).toBe(200);
    expect(answer.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(answer.traceparent)).toBe(CALLER_TRACE_ID);
    expect(await answer.loggedTraceId()).toBe(CALLER_TRACE_ID);
  });

  it.each([
    ['garbage', 'not a traceparent; 00-zz'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-${CALLER_TRACE_ID}-${'0'.repeat(16)}-01`],
    ['a version-00 header with extra fields', `00-${CALLER_TRACE_ID}-00f067aa0ba902b7-01-extra`],
    // The largest a request can carry: a longer one is refused with the whole request (below).
    ['15 KB of it', `00-${CALLER_TRACE_ID}-00f067aa0ba902b7-01${'-a'.repeat(7_500)}`],
  ])('ignores a traceparent that is %s: a fresh trace, and the answer it would have had anyway', async (_name, traceparent) => {
    const answer = await send(edge, 'ok', { traceparent });

    expect(answer.status).toBe(200);
    expect(answer.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(answer.traceparent)).not.toBe(CALLER_TRACE_ID);
    expect(await answer.loggedTraceId()).toBe(traceIdOf(answer.traceparent));
  });

  it('refuses 100 KB of traceparent as it refuses any headers over 16 KiB, and goes on serving', async () => {
    const hostile = await send(edge, 'ok', { traceparent: `00-${'a'.repeat(100 * 1024)}` });
    const padded = await send(edge, 'ok', { 'x-padding': 'a'.repeat(100 * 1024) });
    const next = await send(edge, 'ok');

    // Node refuses it before there is a request, or a trace, to name.
    expect(hostile.status).toBe(431);
    expect(padded.status).toBe(431);
    expect(next.status).toBe(200);
    expect(next.traceparent).toMatch(TRACEPARENT);
  });
});

it("names the trace on a URL the REST edge's router refuses before any route runs", async () => {
  const response = await fetch(`${rest}/v1/products/%E0%A4%A`);
  await response.arrayBuffer();

  expect(response.status).toBe(400);
  expect(response.headers.get('traceparent')).toMatch(TRACEPARENT);
});
