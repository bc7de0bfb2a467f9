import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloGatewayDriver, type ApolloGatewayDriverConfig } from '@nestjs/apollo';
import { AccessTokens, HealthHttpController, READINESS_CHECK, ServiceCredentials, valkeyProviders, type Valkey } from '@triad/platform';
import type { Logger } from 'pino';
import type { GatewayConfig } from './gateway.config.js';
import { gatewayOptions } from './gateway/gateway-options.js';
import { SupergraphSchemaPlugin } from './gateway/supergraph-schema.plugin.js';
import type { Supergraph } from './gateway/supergraph.loader.js';
import { BrowserSessions } from './sessions/browser-sessions.service.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

export interface GatewayDependencies {
  config: GatewayConfig;
  supergraph: Supergraph;
  logger: Logger;
  /** Where the replicas share persisted queries (VALKEY_URL), when they do. */
  valkey?: Valkey | undefined;
}

/**
 * graphql-gateway: one GraphQL endpoint over every subgraph, with subscriptions over WebSocket on the same path,
 * the web app's sessions (it is the web app's backend-for-frontend), plus health over HTTP. No gRPC server of its
 * own.
 */
@Module({})
export class AppModule {
  static register({ config, supergraph, logger, valkey }: GatewayDependencies): DynamicModule {
    // Shared by Apollo (which fills it in), the subscription server and readiness.
    const schema = new SupergraphSchemaPlugin();
    const tokens = new AccessTokens(config);
    // Its own identity at users-service: for the client addresses it forwards, and for the web app's sessions.
    const credentials = new ServiceCredentials({
      clientId: 'graphql-gateway',
      clientSecret: config.SERVICE_CLIENT_SECRET,
      authServerUrl: config.AUTH_SERVER_URL,
    });
    const sessions = SessionsModule.register({ config, credentials, logger });
    return {
      module: AppModule,
      imports: [
        sessions,
        GraphQLModule.forRootAsync<ApolloGatewayDriverConfig>({
          driver: ApolloGatewayDriver,
          imports: [sessions],
          inject: [BrowserSessions],
          useFactory: (browserSessions: BrowserSessions) =>
            gatewayOptions({ config, supergraph, logger, tokens, valkey, schema, credentials, sessions: browserSessions }),
        }),
        SubscriptionsModule.register({ config, logger, tokens, schema, sessions }),
      ],
      controllers: [HealthHttpController],
      providers: [{ provide: READINESS_CHECK, useValue: () => schema.check() }, ...(valkey ? valkeyProviders(valkey) : [])],
    };
  }
}
