import { DomainError, type Caller } from '@triad/platform';
import { sharedTestAuthority } from '@triad/testing';
import { startStandInOrdersService, StandInOrders, type StandInOrder } from './stand-in-orders.grpc-controller.js';
import { startStandInSubgraph, type StandInContext, type StandInSubgraph } from './stand-in-subgraph.js';

const USERS = {
  alice: { id: 'user-alice', name: 'Alice Customer', role: 'customer' },
  bob: { id: 'user-bob', name: 'Bob Customer', role: 'customer' },
  admin: { id: 'user-admin', name: 'Ada Admin', role: 'admin' },
} as const;
const PRODUCTS: Record<string, string> = { lamp: 'Desk lamp', chair: 'Office chair' };

export type StandInUser = keyof typeof USERS;

export interface StandInGraph {
  orders: StandInOrders;
  subgraphs: Record<'users' | 'catalog' | 'orders', StandInSubgraph>;
  /** The gateway settings that point it at the stand-ins. */
  environment: Record<string, string>;
  /** An order of `user`'s: two lamps and a chair, PENDING. */
  placeOrder(user: StandInUser): StandInOrder;
  /** A token for `user`, as users-service signs it. */
  tokenFor(user: StandInUser): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The services behind the gateway, stood in for in memory: the users, catalog and orders subgraphs over HTTP
 * (the parts of their schemas the specs query, with their entity references) and orders-service's WatchOrder
 * over gRPC, the orders subgraph and WatchOrder sharing one set of orders. Like the real services, the orders
 * ones check the forwarded token: only the owner or an admin sees an order.
 */
export async function startStandInGraph(): Promise<StandInGraph> {
  const orders = new StandInOrders();
  const authority = await sharedTestAuthority();
  const callerOf = ({ authorization }: StandInContext): Promise<Caller | undefined> => authority.tokens.fromAuthorization(authorization);
  const users = await startStandInSubgraph(
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
     type User @key(fields: "id") { id: ID! name: String! email: String }
     type Query { me: User }`,
    {
      Query: { me: async (_: unknown, __: unknown, context: StandInContext) => userById((await callerOf(context))?.userId) },
      User: {
        __resolveReference: ({ id }: { id: string }) => userById(id),
        // Resolved only to fail, so specs see how a failing nullable field travels.
        email: () => {
          throw DomainError.permissionDenied('Only the user and admins can see an email address.');
        },
      },
    },
  );
  const catalog = await startStandInSubgraph(
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
     type Product @key(fields: "id") { id: ID! name: String! }
     type Query { product(id: ID!): Product }`,
    {
      Query: { product: (_: unknown, { id }: { id: string }) => productById(id) },
      Product: { __resolveReference: ({ id }: { id: string }) => productById(id) },
    },
  );
  const ordersSubgraph = await startStandInSubgraph(
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
     enum OrderStatus { PENDING CONFIRMED SHIPPED DELIVERED CANCELLED }
     type Product @key(fields: "id", resolvable: false) { id: ID! }
     type User @key(fields: "id") { id: ID! orders(first: Int = 20): OrderConnection! }
     type OrderConnection { nodes: [Order!]! }
     type OrderItem { product: Product! quantity: Int! }
     type Order @key(fields: "id") { id: ID! status: OrderStatus! items: [OrderItem!]! user: User! }
     type Query { order(id: ID!): Order }`,
    {
      Query: {
        order: async (_: unknown, { id }: { id: string }, context: StandInContext) => {
          const caller = await callerOf(context);
          return caller ? (orders.visible(id, caller) ?? null) : null;
        },
      },
      User: {
        orders: ({ id }: { id: string }, { first }: { first: number }) => ({
          nodes: [...orders.byId.values()].filter((order) => order.userId === id).slice(0, first),
        }),
      },
      Order: { user: ({ userId }: StandInOrder) => ({ id: userId }) },
      OrderItem: { product: ({ productId }: { productId: string }) => ({ id: productId }) },
    },
  );
  const ordersService = await startStandInOrdersService(orders, authority.tokens);
  return {
    orders,
    subgraphs: { users, catalog, orders: ordersSubgraph },
    environment: {
      USERS_SUBGRAPH_URL: users.url,
      CATALOG_SUBGRAPH_URL: catalog.url,
      ORDERS_SUBGRAPH_URL: ordersSubgraph.url,
      ORDERS_SERVICE_ADDR: ordersService.address,
    },
    placeOrder: (user) =>
      orders.place(USERS[user].id, [
        { productId: 'lamp', quantity: 2 },
        { productId: 'chair', quantity: 1 },
      ]),
    tokenFor: (user) => authority.tokenFor({ userId: USERS[user].id, role: USERS[user].role }),
    stop: async () => {
      await Promise.all([users.stop(), catalog.stop(), ordersSubgraph.stop(), ordersService.stop()]);
    },
  };
}

function userById(id: string | undefined) {
  const user = Object.values(USERS).find((candidate) => candidate.id === id);
  return user ? { id: user.id, name: user.name } : null;
}

function productById(id: string) {
  const name = PRODUCTS[id];
  return name ? { id, name } : null;
}
