import { defineService } from '@triad/platform';
import { MIGRATIONS_FOLDER, ORDERS_DATABASE } from './db/database.js';
import { schema } from './db/schema.js';
import { ordersSettings } from './orders.config.js';
import { createOrdersLoader } from './orders/orders.loader.js';
import { OrdersModule } from './orders/orders.module.js';
import type { OrdersGraphQLContext } from './orders/orders.resolver.js';
import { OrdersService } from './orders/orders.service.js';

/**
 * orders-service: placing and following orders over gRPC, the `Order` entity over GraphQL; it calls
 * users-service and catalog-service (the registry says so, and the shell makes the clients). The shell
 * (libs/platform's `defineService`) does the rest; main.ts and the integration tests start it the same way.
 */
export const ordersService = defineService({
  name: 'orders-service',
  database: { schema, migrationsFolder: MIGRATIONS_FOLDER, token: ORDERS_DATABASE },
  config: ordersSettings,
  parts: ({ config }) => ({
    imports: [
      OrdersModule.register({
        // Three calls, each bounded by the deadline, plus the database: a placement older than this has ended.
        recovery: { abandonedAfterMs: 4 * config.GRPC_DEADLINE_MS + 10_000, intervalMs: 15_000 },
        fulfilment: { enabled: config.FULFILMENT_SIMULATOR, stepMs: config.FULFILMENT_STEP_MS },
      }),
    ],
    graphql: {
      inject: [OrdersService],
      extend:
        (orders: OrdersService) =>
        (base): OrdersGraphQLContext => ({ ...base, ordersById: createOrdersLoader(orders, base) }),
    },
  }),
});
