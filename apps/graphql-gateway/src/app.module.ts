import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloGatewayDriverConfig } from '@nestjs/apollo';
import { HealthHttpController, READINESS_CHECK } from '@triad/platform';
import type { Logger } from 'pino';
import type { GatewayConfig } from './gateway.config.js';
import { gatewayOptions } from './gateway/gateway-options.js';
import { SupergraphReadinessPlugin } from './gateway/supergraph-readiness.plugin.js';
import type { Supergraph } from './gateway/supergraph.loader.js';

export interface GatewayDependencies {
  config: GatewayConfig;
  supergraph: Supergraph;
  logger: Logger;
}

/** graphql-gateway: one GraphQL endpoint over every subgraph, plus health over HTTP. No gRPC server of its own. */
@Module({})
export class AppModule {
  static register({ config, supergraph, logger }: GatewayDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [GraphQLModule.forRoot<ApolloGatewayDriverConfig>(gatewayOptions(config, supergraph, logger))],
      controllers: [HealthHttpController],
      providers: [
        SupergraphReadinessPlugin,
        {
          provide: READINESS_CHECK,
          inject: [SupergraphReadinessPlugin],
          useFactory: (plugin: SupergraphReadinessPlugin) => () => plugin.check(),
        },
      ],
    };
  }
}
