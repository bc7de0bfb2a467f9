import { createLogger, subgraphProcesses, subgraphUrlSetting, type RunningService } from '@triad/platform';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { loadGatewayConfig } from '../gateway.config.js';
import { startGateway } from '../start-gateway.js';

/**
 * Where nothing answers: port 1 is privileged, so no test process listens there, and a free port (port 0)
 * is never it. The gateway's defaults are the ports of a running `npm start`, which a spec must not reach.
 */
const NOTHING_LISTENS = '127.0.0.1:1';

/** Every service the gateway reaches, and the authority whose tokens it trusts, at {@link NOTHING_LISTENS}. */
const UNREACHABLE = {
  AUTH_SERVER_URL: `http://${NOTHING_LISTENS}`,
  ORDERS_SERVICE_ADDR: NOTHING_LISTENS,
  USERS_SERVICE_ADDR: NOTHING_LISTENS,
  ...Object.fromEntries(subgraphProcesses().map(({ process }) => [subgraphUrlSetting(process), `http://${NOTHING_LISTENS}/graphql`])),
};

/**
 * Starts the gateway as main.ts does, on a free port, quietly. `environment` adds to the test settings: a spec
 * that starts services passes their `gatewayEnv` (see graph-services.ts); every subgraph and service it does
 * not point at is where nothing answers. It serves the built web app if there is one, or the one in
 * `options.webAppDir`; it logs to `options.logger`, if given, for a spec that reads the log.
 */
export async function startTestGateway(
  environment: Record<string, string> = {},
  options: { webAppDir?: string; logger?: Logger } = {},
): Promise<RunningService> {
  const config = loadGatewayConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', GATEWAY_PORT: '0', ...UNREACHABLE, ...environment });
  return startGateway(config, options.logger ?? createLogger('graphql-gateway', 'silent'), options.webAppDir);
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
}

/** A POST to /graphql as a client sends it: `body` is the JSON request (query, variables, extensions). */
export async function postGraphQL(gateway: RunningService, body: object, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(`${gateway.httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

/** How a subscription ended: the errors the server failed it with, or a connection that went away. */
export interface SubscriptionEnd {
  errors?: readonly GraphQLFormattedError[];
  closed?: boolean;
}

export interface TestSubscription {
  /** Every result the server sent, in order. */
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  /** Settles when the server completes or fails the subscription, or the connection goes. */
  ended: Promise<SubscriptionEnd>;
  /** Stops listening, as a client does: a `complete` message on a connection that stays open. */
  unsubscribe(): void;
  /** Cuts the connection with no goodbye, as a client that loses its network does. */
  drop(): void;
  /** Closes the connection cleanly. */
  close(): Promise<void>;
}

/**
 * Opens one subscription on its own graphql-ws connection. `token` travels as `connectionParams.authorization`,
 * as browsers send it; `headers` go on the upgrade request.
 */
export function subscribe(
  gateway: RunningService,
  request: { query: string; variables?: Record<string, unknown> },
  options: { token?: string; headers?: Record<string, string> } = {},
): TestSubscription {
  let socket: WebSocket | undefined;
  const client = createClient({
    url: `${gateway.httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: options.headers ?? {} });
      }
    },
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: { connected: (connected) => (socket = connected as WebSocket) },
    // The subscription's own sink hears of a lost connection; the default would also print it.
    onNonLazyError: () => undefined,
  });
  const results: TestSubscription['results'] = [];
  let unsubscribe: () => void = () => undefined;
  const ended = new Promise<SubscriptionEnd>((resolve) => {
    unsubscribe = client.subscribe(request, {
      next: (result) => results.push(result),
      error: (error) => resolve(Array.isArray(error) ? { errors: error } : { closed: true }),
      complete: () => resolve({}),
    });
  });
  return { results, ended, unsubscribe, drop: () => socket?.terminate(), close: async () => client.dispose() };
}
