import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  CLIENT_ADDRESS_HEADER,
  DomainError,
  REQUEST_ID_HEADER,
  SERVICE_TOKEN_METADATA_KEY,
  type ServiceCredentials,
} from '@triad/platform';
import type { Logger } from 'pino';
import type { GatewayContext } from './gateway-context.js';

export interface SubgraphSettings {
  name: string;
  url: string;
  /** The setting that holds `url`, named in the log when the subgraph cannot be reached. */
  variable: string;
  timeoutMs: number;
  logger: Logger;
  /** The gateway's own identity at this subgraph's service, sent with the client address it vouches for. */
  identity?: { credentials: ServiceCredentials; audience: string; scopes: readonly string[] };
}

/**
 * How the gateway calls one subgraph: with the caller's `Authorization` and the request id, so the subgraph
 * checks the same identity and logs under the same id; within a deadline; and with a failed connection or
 * timeout reported to the client as SERVICE_UNAVAILABLE or DEADLINE_EXCEEDED rather than an internal error.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly settings: SubgraphSettings) {
    super({
      url: settings.url,
      // Node's fetch, so each call can carry its own deadline.
      fetcher: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(settings.timeoutMs) }),
    });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Only operations from clients carry a request context; schema loads and health checks have none.
    if (!('incomingRequestContext' in options)) return;
    const { request, context } = options;
    const headers = request.http?.headers;
    headers?.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) headers?.set('authorization', context.authorization);
    const { identity } = this.settings;
    if (!context.clientAddress || !identity) return;
    headers?.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
    // Without its token the subgraph ignores the address and counts the gateway as the client: worse limits,
    // but the operation still runs, so a token that cannot be had now is logged rather than fatal.
    const token = await identity.credentials.tokenFor(identity.audience, identity.scopes).catch((error: unknown) => {
      this.settings.logger.warn({ subgraph: this.settings.name, err: error }, 'no service token to vouch for the client address');
      return undefined;
    });
    if (token) headers?.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): never {
    const { name, url, variable, timeoutMs } = this.settings;
    if (error.name === 'TimeoutError') {
      this.settings.logger.warn({ subgraph: name, url, timeoutMs }, 'subgraph did not answer in time');
      throw new DomainError(
        'DEADLINE_EXCEEDED',
        'GATEWAY.SUBGRAPH_TIMEOUT',
        `The ${name} service did not answer in time; try again shortly.`,
      );
    }
    if (response === undefined || response.status >= 502) {
      this.settings.logger.warn({ subgraph: name, url, status: response?.status, err: error }, `subgraph unavailable: check ${variable}`);
      throw new DomainError('UNAVAILABLE', 'GATEWAY.SUBGRAPH_UNAVAILABLE', `The ${name} service is unavailable; try again shortly.`);
    }
    throw error;
  }
}
