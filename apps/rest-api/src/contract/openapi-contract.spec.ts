import type { ProblemDocument } from '@triad/platform';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, apiKeyUsage } from '../db/schema.js';
import { API_KEYS_CONTRACTS } from '../testing/contract/api-keys.contracts.js';
import { seedContractFixtures, type ContractFixtures } from '../testing/contract/contract-fixtures.js';
import { startFailingUpstream, type FailingUpstream } from '../testing/contract/failing-upstream.js';
import { OpenApiResponseValidator, type DocumentedOperation } from '../testing/contract/openapi-response.validator.js';
import { BODY_LIMIT_BYTES, successRequest, type ContractRequest, type OperationContract } from '../testing/contract/operation-contract.js';
import { ORDERS_CONTRACTS } from '../testing/contract/orders.contracts.js';
import { PRODUCTS_CONTRACTS } from '../testing/contract/products.contracts.js';
import { USERS_CONTRACTS } from '../testing/contract/users.contracts.js';
import { startTestRestApi, type ApiResponse, type TestRestApi } from '../testing/rest-api.harness.js';

/** How each operation of openapi.json is exercised, by operationId: a new operation needs an entry. */
const CONTRACTS: Record<string, OperationContract> = {
  ...USERS_CONTRACTS,
  ...PRODUCTS_CONTRACTS,
  ...ORDERS_CONTRACTS,
  ...API_KEYS_CONTRACTS,
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
  /** Lets each client send one request a minute. */
  let limited: TestRestApi;
  /** Its services are stopped. */
  let down: TestRestApi;
  /** Every service it calls is the failing stand-in, and its own database has lost its tables. */
  let broken: TestRestApi;
  let failing: FailingUpstream;
  let fixtures: ContractFixtures;

  beforeAll(async () => {
    api = await startTestRestApi({ REST_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES), REST_IMPORT_LIMIT_BYTES: String(BODY_LIMIT_BYTES) });
    limited = await startTestRestApi({ RATE_LIMIT_PER_MINUTE: '1' });
    down = await startTestRestApi();
    await Promise.all((['users', 'catalog', 'orders'] as const).map((upstream) => down.stopUpstream(upstream)));
    failing = await startFailingUpstream();
    const address = failing.address;
    broken = await startTestRestApi({
      USERS_SERVICE_ADDR: address,
      CATALOG_SERVICE_ADDR: address,
      ORDERS_SERVICE_ADDR: address,
      GRPC_DEADLINE_MS: '300',
    });
    // Without its tables every API-key query fails, as it would with the database gone.
    await broken.database.execute(sql`drop table ${apiKeyUsage}, ${apiKeys}`);
    fixtures = await seedContractFixtures(api);
  });
  afterAll(async () => {
    await Promise.all([api, limited, down, broken].map((started) => started?.close()));
    await failing?.close();
  });

  const send = (target: TestRestApi, { method, path, ...options }: ContractRequest) => target.call(method, path, options);

  /** Sends `request` where it meets the shared failure `status`. The fixtures' tokens are valid on every instance. */
  const sendFailing = async (status: number, request: ContractRequest): Promise<ApiResponse<unknown>> => {
    if (status === 429) {
      await send(limited, request);
      return send(limited, request);
    }
    if (status === 503) return send(down, request);
    failing.failWith(status === 504 ? 'silence' : 'internal');
    return send(broken, request);
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
