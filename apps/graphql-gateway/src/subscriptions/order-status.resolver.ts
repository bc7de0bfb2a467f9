import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import { concatMap } from 'rxjs';
import type { GatewayContext } from '../gateway/gateway-context.js';
import { toAsyncIterator } from './observable-iterator.js';
import type { OrderStatusChange, OrderWatchService } from './order-watch.service.js';
import { gatewayData, gatewayDataField, selectionQuery, type GatewayResult } from './supergraph-selection.js';

/** One event of a subscription, with the context its `order` is fetched in. */
interface SubscriptionEvent {
  change: OrderStatusChange;
  context: GatewayContext;
}

/** Runs a query through the gateway's own executor, on behalf of the subscriber in `context`. */
export type RunQuery = (query: string, variables: Record<string, unknown>, context: GatewayContext) => Promise<GatewayResult>;

/**
 * Resolves the gateway's subscriptions (schema.graphql). Events come from orders-service's WatchOrder stream;
 * the `order` of each event is fetched through the supergraph with the subscriber's own selection, so it
 * reaches every subgraph (`order { items { product { name } } user { name } }`) and is authorised there as
 * any query is. A subscriber who selects no `order` costs no query.
 */
export class OrderStatusResolver {
  /** The Subscription fields resolved here; the subscription server refuses to start if the schema has others. */
  static readonly subscriptionFields: readonly string[] = ['orderStatusChanged'];

  constructor(
    private readonly watches: OrderWatchService,
    private readonly runQuery: RunQuery,
  ) {}

  /**
   * The event stream of a subscription's root field. A subscriber by session is renewed at each event after the
   * first, whose `order` is then fetched with a fresh token; a session that has ended fails the subscription there.
   */
  readonly subscribe: GraphQLFieldResolver<unknown, GatewayContext> = (_root, args, context) =>
    toAsyncIterator(
      this.watches.watch(String(args['orderId']), context).pipe(
        // The first event (the status now) follows the check the subscription has just passed; later ones renew it.
        concatMap(async (change, index): Promise<SubscriptionEvent> => ({
          change,
          context: index > 0 && context.renew ? await context.renew() : context,
        })),
      ),
    );

  /** Every other field of a subscription's result, event by event. */
  readonly resolve: GraphQLFieldResolver<unknown, GatewayContext> = (source, args, context, info) => {
    switch (info.parentType.name) {
      case 'Subscription':
        return source;
      case 'OrderStatusEvent':
        return this.eventField(source as SubscriptionEvent, info);
      default:
        return gatewayDataField(source, args, context, info);
    }
  };

  private async eventField({ change, context }: SubscriptionEvent, info: GraphQLResolveInfo): Promise<unknown> {
    if (info.fieldName !== 'order') return change[info.fieldName as keyof OrderStatusChange];
    const { query, variables } = selectionQuery(info, 'order', change.orderId);
    return gatewayData(await this.runQuery(query, variables, context), 'order');
  }
}
