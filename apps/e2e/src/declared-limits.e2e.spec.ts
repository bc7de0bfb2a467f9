import { freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Schema = {
  type?: string;
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  maxItems?: number;
  minItems?: number;
};
interface Document {
  paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** A limit the OpenAPI document declares on one field of a request body, as `price.amount_minor` names it. */
interface DeclaredLimit {
  field: string;
  path: (string | number)[];
  kind: 'maxLength' | 'minLength' | 'maximum' | 'minimum' | 'maxItems' | 'minItems';
  value: number;
}

let system: RunningSystem;
let dataDir: string;
let rest: string;
let document: Document;
let admin: string;
let customer: string;
let productId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', SIGN_UPS_PER_CLIENT: '0' };
  system = await startSystem({ ports: await freeSystemPorts(), dataDir, env });
  rest = `http://127.0.0.1:${system.ports.rest}`;
  document = (await (await fetch(`${rest}/openapi.json`)).json()) as Document;
  const signIn = async (email: string, password: string) =>
    (await send('POST', '/v1/auth/token', { email, password })).body['access_token'] as string;
  [admin, customer] = [await signIn('admin@triad.dev', 'admin-password'), await signIn('alice@triad.dev', 'alice-password')];
  productId = (await send('POST', '/v1/products', newProduct(), admin)).body['id'] as string;
});

afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function send(method: string, path: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${rest}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const newProduct = () => ({
  sku: `LIM-${randomUUID().slice(0, 8)}`,
  name: 'Limit lamp',
  description: '',
  price: { amount_minor: 100, currency_code: 'USD' },
  stock_on_hand: 5,
});

/** For each operation with a JSON body: a request that succeeds, which a test changes one field of at a time. */
const VALID_REQUESTS: Record<
  string,
  () => { method: string; path: string; body: Record<string, unknown>; token?: string; headers?: Record<string, string> }
> = {
  createUser: () => ({
    method: 'POST',
    path: '/v1/users',
    body: { email: `limits-${randomUUID()}@example.com`, name: 'Limits', password: 'quiet-harbour-lantern' },
  }),
  createProduct: () => ({ method: 'POST', path: '/v1/products', body: newProduct(), token: admin }),
  updateProduct: () => ({ method: 'PATCH', path: `/v1/products/${productId}`, body: { ...newProduct() }, token: admin }),
  placeOrder: () => ({
    method: 'POST',
    path: '/v1/orders',
    body: { items: [{ product_id: productId, quantity: 1 }] },
    token: customer,
    headers: { 'idempotency-key': randomUUID() },
  }),
  createApiKey: () => ({ method: 'POST', path: '/v1/api-keys', body: { name: 'limits' }, token: customer }),
  createOAuthClient: () => ({
    method: 'POST',
    path: '/v1/oauth-clients',
    body: { name: 'limits', scopes: ['orders:read'] },
    token: customer,
  }),
};

function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return resolve(document.components.schemas[schema.$ref.split('/').at(-1) ?? '']);
  if (schema?.allOf?.[0]) return { ...resolve(schema.allOf[0]), ...schema, allOf: undefined };
  return schema;
}

/** Every limit the document declares in a body schema, nested objects and the first item of lists included. */
function limitsOf(schema: Schema | undefined, path: (string | number)[] = []): DeclaredLimit[] {
  const resolved = resolve(schema);
  return Object.entries(resolved?.properties ?? {}).flatMap(([name, property]) => {
    const field = resolve(property) ?? {};
    const here = [...path, name];
    const label = here.reduce<string>(
      (joined, part) => (typeof part === 'number' ? `${joined}[${part}]` : joined ? `${joined}.${part}` : part),
      '',
    );
    const kinds = (['maxLength', 'minLength', 'maximum', 'minimum', 'maxItems', 'minItems'] as const).filter(
      (kind) => field[kind] !== undefined,
    );
    const own = kinds.map((kind) => ({ field: label, path: here, kind, value: field[kind]! }));
    const nested = field.type === 'array' ? limitsOf(field.items, [...here, 0]) : limitsOf(field, here);
    return [...own, ...nested];
  });
}

/** A value for `field` that is exactly `length` characters and otherwise valid. */
function textOfLength(field: string, length: number): string {
  if (field === 'email') {
    const local = 'x'.repeat(Math.min(64, length - 6));
    let domain = '';
    while (local.length + 1 + domain.length + 4 < length) domain += domain.length % 64 === 63 ? '.' : 'd';
    return `${local}@${domain.replace(/\.$/, 'd')}.com`.slice(0, length);
  }
  if (field === 'password') return randomBytes(length).toString('base64url').slice(0, length);
  return 'n'.repeat(length);
}

function withValue(body: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let target: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return copy;
}

/** The value at a limit (`at`) and just past it (`past`). */
function valuesFor(limit: DeclaredLimit, current: unknown): { at?: unknown; past: unknown } {
  switch (limit.kind) {
    case 'maxLength':
      return { at: textOfLength(limit.field, limit.value), past: textOfLength(limit.field, limit.value + 1) };
    case 'minLength':
      return { at: textOfLength(limit.field, limit.value), past: textOfLength(limit.field, limit.value - 1) };
    case 'maximum':
      return { at: limit.value, past: limit.value + 1 };
    case 'minimum':
      return { at: limit.value, past: limit.value - 1 };
    case 'maxItems':
      return { past: Array.from({ length: limit.value + 1 }, () => (current as unknown[])[0]) };
    case 'minItems':
      return { past: [] };
  }
}

describe('the limits openapi.json declares', () => {
  it('are the limits the system enforces: past each one a 400 naming the field, at it no complaint about the field', async () => {
    const checked: string[] = [];
    for (const [operationId, valid] of Object.entries(VALID_REQUESTS)) {
      const operation = Object.values(document.paths)
        .flatMap((methods) => Object.values(methods))
        .find((candidate) => candidate.operationId === operationId);
      const limits = limitsOf(operation?.requestBody?.content['application/json']?.schema);
      for (const limit of limits) {
        const base = valid();
        const current = limit.path.reduce<unknown>((value, part) => (value as Record<string | number, unknown>)[part], base.body);
        const { at, past } = valuesFor(limit, current);
        const call = (value: unknown) => {
          const request = valid();
          return send(request.method, request.path, withValue(request.body, limit.path, value), request.token, request.headers);
        };
        const fieldsOf = (body: Record<string, unknown>) =>
          ((body['errors'] as { field: string }[] | undefined) ?? []).map((error) => error.field);
        const refused = await call(past);
        expect(refused.status, `${operationId} ${limit.field} ${limit.kind} ${limit.value}: past the limit`).toBe(400);
        expect(fieldsOf(refused.body), `${operationId} ${limit.field} past ${limit.kind}`).toContain(limit.field);
        if (at !== undefined) {
          const accepted = await call(at);
          expect(
            fieldsOf(accepted.body),
            `${operationId} ${limit.field} at ${limit.kind} ${limit.value}: ${JSON.stringify(accepted.body).slice(0, 300)}`,
          ).not.toContain(limit.field);
        }
        checked.push(`${operationId}.${limit.field} ${limit.kind}`);
      }
    }
    process.stdout.write(`[declared limits] ${checked.length} checked: ${checked.join(', ')}\n`);
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });
});
