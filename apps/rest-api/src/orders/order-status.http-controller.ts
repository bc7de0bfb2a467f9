import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { OrdersServiceClient } from '@triad/contracts/orders/v1';
import { unaryCall } from '@triad/platform';
import { RequireCaller } from '../auth/caller-auth.guard.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { ORDERS_CLIENT } from './orders-client.js';
import { OrderResource, protoOrderStatus, toOrderResource } from './orders.dto.js';
import { TransitionOrderBody } from './order-status.dto.js';

/** Moving orders along their lifecycle, for the people who fulfil them; orders-service allows admins only. */
@ApiTags('orders')
@Controller('v1')
@RequireCaller()
export class OrderStatusHttpController {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: OrdersServiceClient) {}

  // A custom method, as `:cancel` is, rather than `PATCH /v1/orders/{id}`: the status is not a field a client
  // writes but a state the order moves through, forwards only and by rules (Google AIP-216), and a PATCH would
  // suggest that any field may be set. The route pattern is explained on `:cancel` in orders.http-controller.ts.
  @Post('orders/:id(^[^:]+)::transition')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'transitionOrder',
    summary: 'Move an order to another status (admins only)',
    description:
      'One step at a time along pending → confirmed → shipped → delivered; `cancelled` cancels an order that has not ' +
      'shipped and puts its stock back on sale. Watchers of the order (`GET /v1/orders/{id}/events`) see the change.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the order.' })
  @ApiOkResponse({ type: OrderResource, description: 'The order with its new status.' })
  @ApiProblemResponses(
    400,
    { status: 403, description: 'The caller is not an admin (`AUTH.PERMISSION_DENIED`).' },
    { status: 404, description: 'No order has this id.' },
    {
      status: 422,
      description:
        'The order cannot move to that status from the one it has, such as back or past a step (`ORDERS.ILLEGAL_STATUS_CHANGE`).',
    },
  )
  async transitionOrder(@Param('id') id: string, @Body() body: TransitionOrderBody): Promise<OrderResource> {
    const { order } = await unaryCall(this.orders.updateOrderStatus({ id, status: protoOrderStatus(body.status) }), 'orders-service');
    return toOrderResource(order);
  }
}
