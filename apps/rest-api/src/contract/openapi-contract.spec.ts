import type { ProblemDocument } from '@triad/platform';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, apiKeyUsage } from '../db/schema.js';
import { API_KEYS_CONTRACTS } from '../testing/contract/api-keys.contracts.js';
import { seedContractFixtures, type ContractFixtures } from '../testing/contract/contract-fixtures.js';
import { OpenApiResponseValidator, type DocumentedOperation } from '../testing/contract/openapi-response.validator.js';
import { OAUTH_CLIENTS_CONTRACTS } from '../testing/contract/oauth-clients.contracts.js';
import { BODY_LIMIT_BYTES, successRequest, type ContractRequest, type OperationContract } from '../testing/contract/operation-contract.js';
import { ORDERS_CONTRACTS } from '../testing/contract/orders.contracts.js';
import { PRODUCTS_CONTRACTS } from '../testing/contract/products.contracts.js';
import { USERS_CONTRACTS } from '../testing/contract/users.contracts.js';
import { rpcNames, startTestRestApi, type ApiResponse, type TestRestApi, type Upstream } from '../testing/rest-api.harness.js';

/** How each operation of openapi.json is exercised, by operationId: a new operation needs an entry. */
const CONTRACTS: Record<string, OperationContract> = {
  ...USERS_CONTRACTS,
  ...PRODUCTS_CONTRACTS,
  ...ORDERS_CONTRACTS,
  ...API_KEYS_CONTRACTS,
  ...OAUTH_CLIENTS_CONTRACTS,
};

/** The error statuses every operation documents, each got by sending the operation's 2xx request where it has to fail. */
const SHARED_FAILURES: Record<number, string> = {
  429: 'the client has used up its allowance for the minute',
  500: 'what it depends on fails unexpectedly',
  503: 'a service it calls is down',
  504: 'a service it calls does not answer in time',
};

const validator = new OpenApiResponseValidator({ Link: 'only when there is a next page' });

/**
 * Every response the API gives must be one that the checked-in openapi.json promises: clients and their
 * generated code are written against the document, so a status, a content type, a field or a header it does
 * not describe breaks them as surely as a bug would.
 */
describe('the OpenAPI contract (openapi.json)', () => {
  let api: TestRestApi;
  // Each of the others is another rest-api in front of the same services, where the 2xx requests must fail.
  /** Lets each client send one request a minute. */
  let limited: TestRestApi;
  /** Reaches no service: each is out of reach. */
  let down: TestRestApi;
  /**
   * Reaches every service at another's address, a deployment mistake: each call is answered UNIMPLEMENTED,
   * which the edge does not expect. And its own database has lost its tables.
   */
  let broken: TestRestApi;
  /** Waits 0.3 s for each call (and an import), which no service answers. */
  let slow: TestRestApi;
  let fixtures: ContractFixtures;

  beforeAll(async () => {
    api = await startTestRestApi({
      env: { REST_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES), REST_IMPORT_LIMIT_BYTES: String(BODY_LIMIT_BYTES) },
    });
    const { 'users-service': users, 'catalog-service': catalog, 'orders-service': orders } = api.services.addresses;
    [limited, down, broken, slow] = await Promise.all([
      api.startAnother({ RATE_LIMIT_PER_MINUTE: '1' }),
      api.startAnother(),
      api.startAnother({ USERS_SERVICE_ADDR: catalog!.grpc, CATALOG_SERVICE_ADDR: orders!.grpc, ORDERS_SERVICE_ADDR: users!.grpc }),
      api.startAnother({ GRPC_DEADLINE_MS: '300', REST_IMPORT_DEADLINE_MS: '300' }),
    ]);
    for (const proxy of Object.values(down.upstream)) proxy.down();
    // Without its tables every API-key query fails, as it would with the database gone.
    await broken.database.execute(sql`drop table ${apiKeyUsage}, ${apiKeys}`);
    for (const [upstream, proxy] of Object.entries(slow.upstream)) {
      for (const rpc of rpcNames(upstream as Upstream)) proxy.fail(rpc, 'no-answer');
    }
    fixtures = await seedContractFixtures(api);
  });
  afterAll(async () => {
    await Promise.all([limited, down, broken, slow].map((another) => another?.close()));
    await api?.close();
  });

  const send = (target: TestRestApi, { method, path, ...options }: ContractRequest) => target.call(method, path, options);

  /** Sends `request` where it meets the shared failure `status`. The fixtures' tokens are valid on every instance. */
  const sendFailing = async (status: number, request: ContractRequest): Promise<ApiResponse<unknown>> => {
    if (status === 429) {
      await send(limited, request);
      return send(limited, request);
    }
    if (status === 503) return send(down, request);
    return send(status === 504 ? slow : broken, request);
  };

  const expectConforms = (operation: DocumentedOperation, status: number, request: ContractRequest, response: ApiResponse<unknown>) => {
    // A request that reached another route would check that route's responses against this operation.
    const reached = validator.operationAt(request.method, request.path)?.operationId;
    expect(reached, `${request.method} ${request.path}`).toBe(operation.operationId);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(validator.violations(operation, response)).toEqual([]);
    // The document says of every 400 that `errors` lists each field to fix.
    if (status === 400) expect((response.body as ProblemDocument).errors?.length, 'fields listed in errors').toBeGreaterThan(0);
  };

  it('has an entry for each operation the document has, and none for one it lacks', () => {
    expect(Object.keys(CONTRACTS).sort()).toEqual(validator.operations.map((operation) => operation.operationId).sort());
  });

  it('exercises every documented status of each operation, or says why the harness cannot produce it', () => {
    const gaps = validator.operations.flatMap(({ operationId, responses }) => {
      const contract = CONTRACTS[operationId];
      if (!contract) return [];
      const documented = Object.keys(responses);
      const sent = [...Object.keys(contract.answers), ...Object.keys(SHARED_FAILURES)];
      const excused = Object.keys(contract.unreachable ?? {});
      const problems = [
        ...documented.filter((status) => !sent.includes(status) && !excused.includes(status)).map((status) => `${status} is never sent`),
        ...excused.filter((status) => !documented.includes(status)).map((status) => `${status} is excused, but not documented`),
        ...excused.filter((status) => status in contract.answers).map((status) => `${status} is both sent and excused`),
      ];
      return problems.map((problem) => `${operationId}: ${problem}`);
    });

    expect(gaps).toEqual([]);
  });

  for (const operation of validator.operations) {
    const contract = CONTRACTS[operation.operationId];
    if (!contract) continue;

    describe(`${operation.operationId}: ${operation.method} ${operation.path}`, () => {
      for (const [status, exchanges] of Object.entries(contract.answers)) {
        for (const { when, request } of [exchanges].flat()) {
          it(`answers ${status} when ${when}`, async () => {
            const sent = request(fixtures);
            expectConforms(operation, Number(status), sent, await send(api, sent));
          });
        }
      }

      for (const [status, when] of Object.entries(SHARED_FAILURES)) {
        if (!(status in operation.responses) || status in contract.answers || status in (contract.unreachable ?? {})) continue;
        it(`answers ${status} when ${when}`, async () => {
          const sent = successRequest(contract)(fixtures);
          expectConforms(operation, Number(status), sent, await sendFailing(Number(status), sent));
        });
      }
    });
  }
});
