import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { Plugin, type ApolloGatewayDriver } from '@nestjs/apollo';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import {
  AccessTokens,
  acceptRequestId,
  clientAddressOf,
  DomainError,
  graphQLErrorFormatter,
  LOGGER,
  REQUEST_ID_HEADER,
  StartupError,
  toGraphQLError,
  trustProxies,
} from '@triad/platform';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { GATEWAY_CONFIG, operationLimits, type GatewayConfig } from '../gateway.config.js';
import { gatewayContext, type GatewayContext } from '../gateway/gateway-context.js';
import { GRAPHQL_PATH } from '../gateway/gateway-options.js';
import { SupergraphSchemaPlugin } from '../gateway/supergraph-schema.plugin.js';
import { limitViolation } from '../protection/operation-limits.js';
import { BrowserSessions } from '../sessions/browser-sessions.service.js';
import { sessionAuthorization } from '../sessions/session-cookie.js';
import { OrderStatusResolver, type RunQuery } from './order-status.resolver.js';
import { OrderWatchService } from './order-watch.service.js';

type SocketContext = Context<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>;

/**
 * Subscriptions over WebSocket on the GraphQL path, in the graphql-transport-ws protocol (the graphql-ws
 * library). Apollo Gateway executes no subscriptions, so they run here, on the gateway's own schema: each
 * operation is validated and held to the same limits as over HTTP, its token is checked, and graphql-js
 * executes it with {@link OrderStatusResolver}. The subscriber is the bearer token sent with the connection or,
 * for the web app, the session of the cookie sent with the upgrade. Errors leave through the platform's formatter, as over HTTP.
 *
 * It is also an Apollo plugin, to close its sockets when Apollo drains the HTTP server on shutdown: that drain
 * waits for every connection, WebSockets included, so they must close alongside it, not after.
 */
@Plugin()
export class SubscriptionServer implements OnApplicationBootstrap, ApolloServerPlugin {
  private readonly format: ReturnType<typeof graphQLErrorFormatter>;
  private readonly requestIds = new WeakMap<IncomingMessage, string>();
  private resolver!: OrderStatusResolver;
  private close: (() => Promise<void>) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly schema: SupergraphSchemaPlugin,
    private readonly watches: OrderWatchService,
    private readonly tokens: AccessTokens,
    private readonly sessions: BrowserSessions,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.format = graphQLErrorFormatter(logger);
  }

  /** After Apollo has started (the schema is loaded) and before the port opens. */
  onApplicationBootstrap(): void {
    const declared = Object.keys(this.schema.current().getSubscriptionType()?.getFields() ?? {});
    const unresolved = declared.filter((name) => !OrderStatusResolver.subscriptionFields.includes(name));
    if (unresolved.length > 0) {
      throw new StartupError(
        `schema.graphql declares subscriptions with no resolver (${unresolved.join(', ')}): resolve them in src/subscriptions/.`,
      );
    }
    this.resolver = new OrderStatusResolver(this.watches, this.gatewayExecutor());

    const sockets = new WebSocketServer({ noServer: true, maxPayload: this.config.GRAPHQL_BODY_LIMIT_BYTES });
    const graphqlWs = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
      {
        onSubscribe: (context, id, payload) => this.prepare(context, id, payload),
        onNext: (_context, _id, _payload, _args, result) =>
          result.errors ? { ...result, errors: result.errors.map((error) => this.format(error.toJSON(), error)) } : undefined,
        onError: (_context, _id, _payload, errors) => errors.map((error) => this.format(error.toJSON(), error)),
        onComplete: (context, id) =>
          this.logger.info(
            { requestId: this.requestIdOf(context), subscription: id, openWatchOrderCalls: this.watches.openCalls },
            'subscription ended',
          ),
      },
      sockets,
    );
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const connections = new Map<string, number>();
    // Behind a trusted proxy (an Ingress controller) every socket is the proxy's: the client is in X-Forwarded-For.
    const trust = trustProxies(this.config.TRUSTED_PROXIES);
    const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://gateway').pathname !== GRAPHQL_PATH) return void socket.destroy();
      const address = clientAddressOf(request, trust);
      const open = connections.get(address) ?? 0;
      if (open >= this.config.GRAPHQL_MAX_CONNECTIONS_PER_CLIENT) {
        this.logger.warn({ connections: open }, 'WebSocket refused: its client is at the cap');
        return void socket.end(tooManyConnections(this.config.GRAPHQL_MAX_CONNECTIONS_PER_CLIENT));
      }
      connections.set(address, open + 1);
      socket.once('close', () => {
        const left = (connections.get(address) ?? 1) - 1;
        if (left > 0) connections.set(address, left);
        else connections.delete(address);
      });
      sockets.handleUpgrade(request, socket, head, (client) => {
        sockets.emit('connection', client, request);
        // graphql-ws prints socket errors to stderr as bugs in the server; here they are a client's doing (a
        // message over GRAPHQL_BODY_LIMIT_BYTES, a broken connection), so they go to the log instead.
        client.removeAllListeners('error').on('error', (error) => this.logger.warn({ err: error }, 'WebSocket connection failed'));
      });
    };
    http.on('upgrade', upgrade);
    this.close = async () => {
      http.off('upgrade', upgrade);
      // Closing each socket ends its subscriptions, which cancels their WatchOrder calls.
      await graphqlWs.dispose();
    };
  }

  async serverWillStart(): Promise<GraphQLServerListener> {
    return { drainServer: async () => this.close?.() };
  }

  /** Apollo's own pipeline (the gateway's executor, plugins and limits) for the queries behind each event. */
  private gatewayExecutor(): RunQuery {
    const driver = this.moduleRef.get(GraphQLModule, { strict: false }).graphQlAdapter as ApolloGatewayDriver;
    return async (query, variables, contextValue) => {
      const { body } = await driver.instance.executeOperation({ query, variables }, { contextValue });
      if (body.kind !== 'single') throw new Error('The gateway answered a subscription query incrementally.');
      return body.singleResult;
    };
  }

  /** Checks one subscribe message and turns it into what graphql-js executes, or into the errors to answer. */
  private async prepare(context: SocketContext, id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> {
    // graphql-ws records a subscription before it asks here, so this one counts, as do those still being prepared.
    const cap = this.config.GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    if (Object.keys(context.subscriptions).length > cap) {
      this.logger.warn(
        { requestId: this.requestIdOf(context), subscription: id, cap },
        'subscription refused: its connection is at the cap',
      );
      return [tooManySubscriptions(cap)];
    }
    const schema = this.schema.current();
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid;
    const operation = getOperationAST(document, payload.operationName);
    if (operation?.operation !== 'subscription') {
      return [
        badRequest(
          operation
            ? 'This WebSocket serves subscriptions: send queries and mutations over HTTP.'
            : 'Set operationName to the operation to run.',
        ),
      ];
    }
    const variables = payload.variables ?? {};
    const violation = limitViolation(schema, document, operation, variables, operationLimits(this.config));
    if (violation) return [violation];

    const requestId = this.requestIdOf(context);
    try {
      const contextValue = await this.subscriberContext(context, requestId);
      this.logger.info({ requestId, subscription: id, operationName: operation.name?.value }, 'subscription started');
      const { subscribe, resolve } = this.resolver;
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: variables,
        contextValue,
        subscribeFieldResolver: subscribe,
        fieldResolver: resolve,
      };
    } catch (error) {
      if (error instanceof DomainError) return [toGraphQLError(error)];
      throw error;
    }
  }

  /**
   * Who subscribes: the bearer token sent with the connection, else the web app's session of the cookie sent with
   * the upgrade, which is resumed again for each event (`GatewayContext.renew`).
   */
  private async subscriberContext(context: SocketContext, requestId: string): Promise<GatewayContext> {
    const bearer = authorizationOf(context);
    if (bearer !== undefined) return gatewayContext(this.tokens, requestId, bearer);
    const { headers } = context.extra.request;
    const ofSession = async () => gatewayContext(this.tokens, requestId, await sessionAuthorization(this.sessions, headers));
    const subscriber = await ofSession();
    return subscriber.caller ? { ...subscriber, renew: ofSession } : subscriber;
  }

  /** One request id per connection, as per HTTP request: the client's `x-request-id` on the upgrade, or a new one. */
  private requestIdOf({ extra: { request } }: SocketContext): string {
    const id = this.requestIds.get(request) ?? acceptRequestId(request.headers[REQUEST_ID_HEADER]);
    this.requestIds.set(request, id);
    return id;
  }
}

/**
 * The subscriber's `Bearer` token: from the connection_init payload's `authorization` (browsers cannot set
 * headers on a WebSocket), else from the upgrade request's Authorization header.
 */
function authorizationOf({ connectionParams, extra }: SocketContext): string | undefined {
  const sent = connectionParams?.['authorization'] ?? connectionParams?.['Authorization'];
  return typeof sent === 'string' ? sent : extra.request.headers.authorization;
}

/** Refuses one subscription; the others of the connection carry on. */
function tooManySubscriptions(cap: number): GraphQLError {
  return toGraphQLError(
    new DomainError(
      'RESOURCE_EXHAUSTED',
      'GATEWAY.TOO_MANY_SUBSCRIPTIONS',
      `This connection already has ${cap} subscriptions open, the most one connection may have: complete one before starting another.`,
    ),
  );
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

/**
 * The HTTP answer to an upgrade over the connection cap, in the gateway's error shape: the WebSocket is never
 * opened, so there is no graphql-ws message to send instead.
 */
function tooManyConnections(cap: number): string {
  const body = JSON.stringify({
    errors: [
      {
        message: `This client already has ${cap} WebSocket connections open, the most one may have: close one before opening another.`,
        extensions: { code: 'RATE_LIMITED', errorCode: 'GATEWAY.TOO_MANY_CONNECTIONS' },
      },
    ],
  });
  return [
    'HTTP/1.1 429 Too Many Requests',
    'Content-Type: application/json',
    'Retry-After: 10',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
