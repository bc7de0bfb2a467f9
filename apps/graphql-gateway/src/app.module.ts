import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloGatewayDriverConfig } from '@nestjs/apollo';
import { AccessTokens, HealthHttpController, READINESS_CHECK, valkeyProviders, type Valkey } from '@triad/platform';
import type { Logger } from 'pino';
import type { GatewayConfig } from './gateway.config.js';
import { gatewayOptions } from './gateway/gateway-options.js';
import { SupergraphSchemaPlugin } from './gateway/supergraph-schema.plugin.js';
import type { Supergraph } from './gateway/supergraph.loader.js';
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
 * plus health over HTTP. No gRPC server of its own.
 */
@Module({})
export class AppModule {
  static register({ config, supergraph, logger, valkey }: GatewayDependencies): DynamicModule {
    // Shared by Apollo (which fills it in), the subscription server and readiness.
    const schema = new SupergraphSchemaPlugin();
    const tokens = new AccessTokens(config);
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<ApolloGatewayDriverConfig>(gatewayOptions({ config, supergraph, logger, tokens, valkey, schema })),
        SubscriptionsModule.register({ config, logger, tokens, schema }),
      ],
      controllers: [HealthHttpController],
      providers: [{ provide: READINESS_CHECK, useValue: () => schema.check() }, ...(valkey ? valkeyProviders(valkey) : [])],
    };
  }
}
