import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { CatalogServiceClient } from '@triad/contracts/catalog/v1';
import type { ListOrdersRequest, OrdersServiceClient } from '@triad/contracts/orders/v1';
import { DomainError, unaryCall, type Caller } from '@triad/platform';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, RequireCaller } from '../auth/caller-auth.guard.js';
import { CATALOG_CLIENT } from '../catalog/catalog-client.js';
import { Cacheable } from '../http/http-cache.hook.js';
import { PagedList } from '../http/page-links.hook.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { toProductResource } from '../products/products.dto.js';
import { nextPageToken, PageQuery } from '../resources/page.dto.js';
import { ORDERS_CLIENT } from './orders-client.js';
import { ListOrdersQuery, OrderListResource, OrderResource, PlaceOrderBody, toOrderResource } from './orders.dto.js';

/** The header that makes placing an order safe to retry (IETF draft-ietf-httpapi-idempotency-key-header). */
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

const orderIdParam = ApiParam({ name: 'id', format: 'uuid', description: 'The id of the order.' });

/**
 * `/v1/orders` over orders-service. The caller's token travels with every call, so orders-service decides
 * whose orders the caller may see or cancel, and this controller only translates.
 */
@ApiTags('orders')
@Controller('v1')
@RequireCaller()
export class OrdersHttpController {
  constructor(
    @Inject(ORDERS_CLIENT) private readonly orders: OrdersServiceClient,
    @Inject(CATALOG_CLIENT) private readonly catalog: CatalogServiceClient,
  ) {}

  @Get('orders')
  @Cacheable('private')
  @PagedList()
  @ApiOperation({
    operationId: 'listOrders',
    summary: 'List my orders',
    description:
      "The signed-in user's orders, newest first. With `expand=items.product` each item carries its product, so an order " +
      'history with product names is one call, not one per product.',
  })
  @ApiOkResponse({ type: OrderListResource, description: 'One page of orders.' })
  @ApiProblemResponses(400)
  async listOrders(@CurrentCaller() caller: Caller, @Query() query: ListOrdersQuery): Promise<OrderListResource> {
    const page = await this.orderPage({ userId: caller.userId, pageSize: query.page_size ?? 0, pageToken: query.page_token ?? '' });
    return query.expand === 'items.product' ? { ...page, orders: await this.withProducts(page.orders) } : page;
  }

  @Post('orders')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'placeOrder',
    summary: 'Place an order',
    description:
      'Reserves the stock and places the order for the signed-in user. Sending the same `Idempotency-Key` with the same items ' +
      'again returns the order placed the first time, again as 201 with the same `Location` (orders-service does not say ' +
      'whether it placed the order just now), so a client can retry after a timeout without ordering twice.',
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: true,
    description: 'A key the client makes once per order, such as a UUID, and sends again only to retry that order.',
    schema: { type: 'string', maxLength: 128 },
  })
  @ApiCreatedResponse({
    type: OrderResource,
    description: 'The order, placed now or by an earlier request with the same key.',
    headers: { Location: { description: 'The URL of the order.', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(
    400,
    { status: 409, description: 'An earlier request with this key is still being placed (`ORDERS.PLACEMENT_IN_PROGRESS`): retry shortly.' },
    {
      status: 422,
      description:
        'The order cannot be placed: not enough stock (`CATALOG.OUT_OF_STOCK`, the detail names the product), no such product ' +
        '(`ORDERS.PRODUCT_NOT_FOUND`), prices in more than one currency (`ORDERS.MIXED_CURRENCIES`), or the key was already used ' +
        'with other items (`ORDERS.IDEMPOTENCY_KEY_REUSED`).',
    },
  )
  async placeOrder(
    @CurrentCaller() caller: Caller,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey: string | undefined,
    @Body() body: PlaceOrderBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResource> {
    const request = {
      idempotencyKey: requireIdempotencyKey(idempotencyKey),
      userId: caller.userId,
      lines: body.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
    };
    const { order } = await unaryCall(this.orders.placeOrder(request), 'orders-service').catch((error: unknown) => {
      // orders-service names the fields of its request (`lines[0].product_id`, `idempotency_key`); the client
      // sent `items[0].product_id` and the header, so each violation names what the client sent.
      throw DomainError.renameFields(error, { lines: 'items', idempotency_key: IDEMPOTENCY_KEY_HEADER });
    });
    const placed = toOrderResource(order);
    void reply.header('location', `/v1/orders/${placed.id}`);
    return placed;
  }

  // An order id has no colon, as in cancelOrder's pattern below, so `/v1/orders/{id}:refund` is no order here
  // and a verb the API lacks is answered 404, rather than 405 as if it were the order's path.
  @Get('orders/:id(^[^:]+)')
  @Cacheable('private')
  @ApiOperation({
    operationId: 'getOrder',
    summary: 'Get an order',
    description: 'Only the user who placed it and admins can see an order.',
  })
  @orderIdParam
  @ApiOkResponse({ type: OrderResource, description: 'The order.' })
  @ApiProblemResponses(400, { status: 404, description: 'No order has this id, or it belongs to someone else: ids cannot be probed.' })
  async getOrder(@Param('id') id: string): Promise<OrderResource> {
    const { order } = await unaryCall(this.orders.getOrder({ id }), 'orders-service');
    return toOrderResource(order);
  }

  // `/v1/orders/{id}:cancel`, a custom method in the style of Google AIP-136. `::` is Fastify's escape for a
  // literal colon, but its router reads a parameter name up to the next `(`, `-`, `.` or `/`, so `:id::cancel`
  // would be one parameter named "id::cancel" matching any segment. The pattern ends the name, and keeps the
  // id from swallowing the verb; @nestjs/swagger drops the pattern and documents `/v1/orders/{id}:cancel`.
  @Post('orders/:id(^[^:]+)::cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelOrder',
    summary: 'Cancel an order',
    description: 'Cancels an order that has not shipped and puts its stock back on sale. Cancelling a cancelled order changes nothing.',
  })
  @orderIdParam
  @ApiOkResponse({ type: OrderResource, description: 'The order, now cancelled.' })
  @ApiProblemResponses(
    400,
    { status: 404, description: 'No order has this id, or it belongs to someone else.' },
    { status: 422, description: 'The order has shipped and can no longer be cancelled (`ORDERS.ILLEGAL_STATUS_CHANGE`).' },
  )
  async cancelOrder(@Param('id') id: string): Promise<OrderResource> {
    const { order } = await unaryCall(this.orders.cancelOrder({ id }), 'orders-service');
    return toOrderResource(order);
  }

  @Get('users/:id/orders')
  @Cacheable('private')
  @PagedList()
  @ApiOperation({
    operationId: 'listUserOrders',
    summary: "List a user's orders",
    description: 'Newest first. Only the user and admins can list them.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the user.' })
  @ApiOkResponse({ type: OrderListResource, description: 'One page of orders.' })
  @ApiProblemResponses(400, 403)
  async listUserOrders(@Param('id') userId: string, @Query() query: PageQuery): Promise<OrderListResource> {
    return this.orderPage({ userId, pageSize: query.page_size ?? 0, pageToken: query.page_token ?? '' }).catch((error: unknown) => {
      // orders-service calls the user `user_id`, as its contract does; this route takes it as the path's `id`.
      throw DomainError.renameFields(error, { user_id: 'id' });
    });
  }

  private async orderPage(request: ListOrdersRequest): Promise<OrderListResource> {
    const page = await unaryCall(this.orders.listOrders(request), 'orders-service');
    return { orders: page.orders.map(toOrderResource), next_page_token: nextPageToken(page.nextPageToken) };
  }

  /** The orders with each item's product, from one catalog-service call for the whole page. */
  private async withProducts(orders: OrderResource[]): Promise<OrderResource[]> {
    const ids = [...new Set(orders.flatMap((order) => order.items.map((item) => item.product_id)))];
    if (ids.length === 0) return orders;
    const { products } = await unaryCall(this.catalog.batchGetProducts({ ids }), 'catalog-service');
    const byId = new Map(products.map((product) => [product.id, toProductResource(product)]));
    return orders.map((order) => ({
      ...order,
      items: order.items.map((item) => ({ ...item, product: byId.get(item.product_id) ?? null })),
    }));
  }
}

function requireIdempotencyKey(value: string | undefined): string {
  if (value !== undefined && value.trim() !== '') return value;
  throw DomainError.invalidArgument('REQUEST.IDEMPOTENCY_KEY_MISSING', [
    {
      field: IDEMPOTENCY_KEY_HEADER,
      description: 'is required: make a key once per order, such as a UUID, and send it again only to retry that order',
    },
  ]);
}
