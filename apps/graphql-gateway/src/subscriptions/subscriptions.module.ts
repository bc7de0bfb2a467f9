import { Module, type DynamicModule } from '@nestjs/common';
import { AccessTokens, GrpcClientModule, LOGGER } from '@triad/platform';
import type { Logger } from 'pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { SupergraphSchemaPlugin } from '../gateway/supergraph-schema.plugin.js';
import { OrderWatchService } from './order-watch.service.js';
import { SubscriptionServer } from './subscription-server.js';

export interface SubscriptionsDependencies {
  config: GatewayConfig;
  logger: Logger;
  tokens: AccessTokens;
  /** The plugin that holds the schema Apollo loaded, the one subscriptions run on. */
  schema: SupergraphSchemaPlugin;
  /** The module of the web app's sessions, whose cookie also opens a subscription. */
  sessions: DynamicModule;
}

/** GraphQL subscriptions over WebSocket, fed by orders-service's WatchOrder stream. */
@Module({})
export class SubscriptionsModule {
  static register({ config, logger, tokens, schema, sessions }: SubscriptionsDependencies): DynamicModule {
    return {
      module: SubscriptionsModule,
      imports: [
        sessions,
        GrpcClientModule.register('orders-service', {
          caller: 'graphql-gateway',
          address: config.ORDERS_SERVICE_ADDR,
          // Only unary calls get this deadline; WatchOrder is a stream, open as long as its subscriber wants.
          deadlineMs: config.SUBGRAPH_TIMEOUT_MS,
          loadBalancing: config.GRPC_LB_POLICY,
        }),
      ],
      providers: [
        OrderWatchService,
        SubscriptionServer,
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: AccessTokens, useValue: tokens },
        { provide: SupergraphSchemaPlugin, useValue: schema },
      ],
      exports: [OrderWatchService],
    };
  }
}
