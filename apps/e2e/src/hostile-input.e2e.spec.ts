import { Metadata, status } from '@grpc/grpc-js';
import { SERVICE_TOKEN_METADATA_KEY } from '@triad/platform';
import { freeSystemPorts, serviceToken, startSystem, type RunningSystem, type SystemPorts } from '@triad/testing';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphQLProblems,
  hostileDocuments,
  hostileFieldRequests,
  rootFieldsOf,
  type GraphQLBody,
} from './hostile-input/graphql-requests.js';
import { callOnce, closeClients, grpcProblems, hostileMessages, methodsOf } from './hostile-input/grpc-calls.js';
import { hostileRequests, operationsOf, restProblems, type OpenApiDocument, type RestRequest } from './hostile-input/rest-requests.js';

/**
 * Thousands of hostile requests to every operation of all three edges, generated from their contracts: the
 * OpenAPI document the REST edge serves, the gateway's public schema and the proto descriptors. Whatever
 * arrives, the answer is a 4xx (or a success) in that edge's own error shape: never a 5xx or INTERNAL, never
 * a stack trace, SQL or a path of ours. Runs per operation are set by HOSTILE_RUNS (default 60); fast-check
 * prints the seed and the smallest failing request when one fails.
 */
const RUNS = Number(process.env['HOSTILE_RUNS'] ?? 60);

let system: RunningSystem;
let ports: SystemPorts;
let dataDir: string;
let rest: string;
let gateway: string;
let tokens: { customer: string; admin: string; ordersService: string; restApi: string };
let apiKey: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const chosen = await freeSystemPorts();
  // Limits that answer 429 are switched off, so the hostile values reach the code behind them.
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    SIGN_IN_FAILURES_PER_ACCOUNT: '0',
    SIGN_IN_FAILURES_PER_CLIENT: '0',
    SIGN_UPS_PER_CLIENT: '0',
    API_KEY_FAILURES_PER_CLIENT: '0',
  };
  system = await startSystem({ ports: chosen, dataDir, env });
  ports = system.ports;
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  const signIn = async (email: string, password: string) =>
    ((await (await post(`${rest}/v1/auth/token`, { email, password })).json()) as { access_token: string }).access_token;
  tokens = {
    customer: await signIn('alice@triad.dev', 'alice-password'),
    admin: await signIn('admin@triad.dev', 'admin-password'),
    // Real service tokens, so the service-only RPCs are reached with hostile bodies too.
    ordersService: await serviceToken(system, 'orders-service', 'catalog-service'),
    restApi: await serviceToken(system, 'rest-api', 'users-service'),
  };
  const key = await post(`${rest}/v1/api-keys`, { name: 'hostile suite' }, { authorization: `Bearer ${tokens.customer}` });
  apiKey = ((await key.json()) as { secret: string }).secret;
});

afterAll(async () => {
  closeClients();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Sends a request and reads what a client sees; an event stream is read no further than its headers. */
async function send(url: string, init: RequestInit): Promise<{ status: number; contentType: string; text: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15_000);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, contentType, text: '' };
    }
    return { status: response.status, contentType, text: await response.text() };
  } finally {
    clearTimeout(timer);
  }
}

/** How many answers of each kind an edge gave, printed after its run, so the report shows what was reached. */
function tally(): { count(kind: string | number): void; report(edge: string): void } {
  const seen = new Map<string, number>();
  return {
    count: (kind) => seen.set(String(kind), (seen.get(String(kind)) ?? 0) + 1),
    report: (edge) => {
      const total = [...seen.values()].reduce((sum, n) => sum + n, 0);
      const parts = [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind}: ${n}`);
      process.stdout.write(`[hostile input] ${edge}: ${total} requests (${parts.join(', ')})\n`);
    },
  };
}

/** Fails with every problem a run found, each with the request that caused it, cut short. */
function expectNone(problems: string[], request: unknown) {
  const shown = JSON.stringify(request, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 120 ? `${value.slice(0, 120)}…` : value,
  );
  expect(problems, shown.slice(0, 600)).toEqual([]);
}

describe('hostile input, generated from each edge contract', () => {
  it('the REST edge answers every hostile request to every operation with a 4xx problem document or a success', async () => {
    const document = (await (await fetch(`${rest}/openapi.json`)).json()) as OpenApiDocument;
    const credentials: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${tokens.customer}` },
      { authorization: `Bearer ${tokens.admin}` },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
      { 'x-api-key': apiKey },
      { 'x-api-key': 'triad_00000000_not-a-key' },
    ];
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const answers = tally();
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(hostileRequests(document, operation, credentials), async (request: RestRequest) => {
          const response = await send(`${rest}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body }),
          });
          answers.count(response.status);
          expectNone(restProblems(response), { operation: operation.id, ...request });
        }),
        { numRuns: RUNS },
      );
    }
    answers.report('REST');
  }, 600_000);

  it('the gateway answers every hostile operation and document with GraphQL errors that carry a code', async () => {
    const sdl = readFileSync(fileURLToPath(new URL('../../graphql-gateway/supergraph/public-schema.graphql', import.meta.url)), 'utf8');
    const fields = rootFieldsOf(sdl);
    expect(fields.length).toBeGreaterThanOrEqual(12);
    const postGraphQL = (body: GraphQLBody, token: string | undefined) =>
      send(gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const caller = fc.constantFrom(undefined, tokens.customer, tokens.admin);
    const answers = tally();
    const checked = async (body: GraphQLBody, token: string | undefined) => {
      const response = await postGraphQL(body, token);
      const codes = response.contentType.includes('json')
        ? ((JSON.parse(response.text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? [])
        : [];
      answers.count(codes[0]?.extensions?.code ?? `HTTP ${response.status}`);
      return response;
    };
    for (const { name, field, operation } of fields) {
      await fc.assert(
        fc.asyncProperty(hostileFieldRequests(field, operation), caller, async (body, token) => {
          expectNone(graphQLProblems(await checked(body, token)), { field: name, body });
        }),
        { numRuns: RUNS },
      );
    }
    await fc.assert(
      fc.asyncProperty(hostileDocuments(), caller, async (body, token) => {
        expectNone(graphQLProblems(await checked(body, token)), body);
      }),
      { numRuns: RUNS * 2 },
    );
    answers.report('GraphQL');
  }, 600_000);

  it('the services answer every hostile gRPC call with a status that says what was wrong, never INTERNAL', async () => {
    // By proto package: a service's process serves every service of its package.
    const addressOf: Record<string, string> = {
      'triad.users.v1': `127.0.0.1:${ports.usersGrpc}`,
      'triad.catalog.v1': `127.0.0.1:${ports.catalogGrpc}`,
      'triad.orders.v1': `127.0.0.1:${ports.ordersGrpc}`,
    };
    const metadataOf = (kind: string) => {
      const metadata = new Metadata();
      if (kind === 'customer') metadata.set('authorization', `Bearer ${tokens.customer}`);
      if (kind === 'admin') metadata.set('authorization', `Bearer ${tokens.admin}`);
      if (kind === 'malformed') metadata.set('authorization', 'Basic eDp5');
      if (kind === 'user as service') metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${tokens.admin}`);
      if (kind === 'service') {
        metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${tokens.ordersService}`);
        metadata.set('x-triad-client-address', '10.9.8.7');
      }
      if (kind === 'edge') metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${tokens.restApi}`);
      return metadata;
    };
    const methods = methodsOf();
    const answers = tally();
    expect(methods.length).toBeGreaterThanOrEqual(20);
    for (const method of methods) {
      const address = addressOf[method.service.split('.').slice(0, -1).join('.')];
      expect(address, method.service).toBeDefined();
      await fc.assert(
        fc.asyncProperty(
          hostileMessages(method),
          fc.constantFrom('none', 'customer', 'admin', 'malformed', 'user as service', 'service', 'edge'),
          async (message, kind) => {
            const outcome = await callOnce(address!, method, message, metadataOf(kind));
            answers.count(status[outcome.code] ?? outcome.code);
            expectNone(grpcProblems(outcome), { method: method.name, kind, message });
          },
        ),
        { numRuns: RUNS },
      );
    }
    answers.report('gRPC');
  }, 600_000);
});
