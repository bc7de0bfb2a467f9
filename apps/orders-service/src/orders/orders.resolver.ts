import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { DomainError, MoneyModel, PageInfoModel, type GraphQLContext } from '@triad/platform';
import type DataLoader from 'dataloader';
import { PlaceOrderService } from '../place-order/place-order.service.js';
import type { Order } from './order.js';
import { OrderConnectionModel, OrderModel, OrderStatusModel, PlaceOrderInput, UserReference } from './order.model.js';
import { OrdersService } from './orders.service.js';

/** The context of the orders subgraph: the platform's, plus a per-request batch loader of orders. */
export interface OrdersGraphQLContext extends GraphQLContext {
  ordersById: DataLoader<string, Order | undefined>;
}

/** The orders subgraph: owns `Order`, adds `User.orders`, points `OrderItem.product` at catalog's `Product`. */
@Resolver(() => OrderModel)
export class OrdersResolver {
  constructor(
    private readonly ordersService: OrdersService,
    private readonly placement: PlaceOrderService,
  ) {}

  @Query(() => OrderModel, { nullable: true, description: 'An order by id; null when there is none you may see.' })
  async order(@Args('id', { type: () => ID }) id: string, @Context() context: OrdersGraphQLContext): Promise<OrderModel | null> {
    await context.requireCaller();
    const order = await context.ordersById.load(id);
    return order ? toModel(order) : null;
  }

  @Mutation(() => OrderModel, { description: 'Places an order for the signed-in user; the same idempotencyKey returns the same order.' })
  async placeOrder(@Args('input') input: PlaceOrderInput, @Context() context: OrdersGraphQLContext): Promise<OrderModel> {
    const caller = await context.requireCaller();
    const order = await this.placement
      .placeOrder({ idempotencyKey: input.idempotencyKey, userId: caller.userId, lines: input.items }, caller)
      .catch((error: unknown) =>
        Promise.reject(DomainError.renameFields(error, { lines: 'items', product_id: 'productId', idempotency_key: 'idempotencyKey' })),
      );
    return toModel(order);
  }

  @Mutation(() => OrderModel, { description: 'Cancels a PENDING or CONFIRMED order and returns its stock.' })
  async cancelOrder(@Args('id', { type: () => ID }) id: string, @Context() context: OrdersGraphQLContext): Promise<OrderModel> {
    return toModel(await this.ordersService.cancelOrder(id, await context.requireCaller()));
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }, context: OrdersGraphQLContext): Promise<OrderModel | null> {
    const order = await context.ordersById.load(reference.id);
    return order ? toModel(order) : null;
  }
}

/** Adds `orders` to users-service's `User`. */
@Resolver(() => UserReference)
export class UserOrdersResolver {
  constructor(private readonly ordersService: OrdersService) {}

  @ResolveField(() => OrderConnectionModel, { description: "The user's orders, newest first. Only the user and admins can see them." })
  async orders(
    @Parent() user: UserReference,
    @Context() context: OrdersGraphQLContext,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<OrderConnectionModel> {
    const page = await this.ordersService
      .listOrders({ userId: user.id, pageSize: first, ...(after ? { pageToken: after } : {}) }, await context.requireCaller())
      .catch((error: unknown) => Promise.reject(DomainError.renameFields(error, { page_size: 'first', page_token: 'after' })));
    return { nodes: page.orders.map(toModel), pageInfo: PageInfoModel.fromNextPageToken(page.nextPageToken) };
  }

  @ResolveReference()
  resolveReference(reference: { id: string }): UserReference {
    return { id: reference.id };
  }
}

function toModel(order: Order): OrderModel {
  return {
    id: order.id,
    status: order.status as OrderStatusModel,
    items: order.items.map((item) => ({
      product: { id: item.productId },
      quantity: item.quantity,
      unitPrice: MoneyModel.of(item.unitPrice.amountMinor, item.unitPrice.currencyCode),
      lineTotal: MoneyModel.of(item.lineTotal.amountMinor, item.lineTotal.currencyCode),
    })),
    total: MoneyModel.of(order.total.amountMinor, order.total.currencyCode),
    user: { id: order.userId },
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
