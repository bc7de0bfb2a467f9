import { Controller, Headers, Inject, Param, Req, Res, Sse, SseSignal, type MessageEvent } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { OrdersServiceClient } from '@triad/contracts/orders/v1';
import { fromGrpcError, recordLinkedSpan } from '@triad/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EMPTY, filter, finalize, map, tap, type Observable } from 'rxjs';
import { RequireCaller } from '../../auth/caller-auth.guard.js';
import { RATE_LIMITED_RESPONSE } from '../../http/rate-limit.hook.js';
import { ApiProblemResponses } from '../../problems/api-problem-responses.decorator.js';
import { REST_API_CONFIG, type RestApiConfig } from '../../rest-api.config.js';
import { ORDERS_CLIENT } from '../orders-client.js';
import { startStream, whenAborted, withHeartbeats } from './event-streams.js';
import { OpenStreams } from './open-streams.service.js';
import {
  LAST_EVENT_ID_HEADER,
  lastEventId,
  OrderStatusEventResource,
  toOrderStatusEvent,
  type OrderStatusEvent,
} from './order-status-event.dto.js';

const EXAMPLE_STREAM =
  'id: 1732492800123000000\nevent: status\n' +
  'data: {"order_id":"01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10","status":"pending","changed_at":"2024-11-25T00:00:00.123Z"}\n\n' +
  ': keep-alive\n\n' +
  'id: 1732492861456000000\nevent: status\n' +
  'data: {"order_id":"01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10","status":"confirmed","changed_at":"2024-11-25T00:01:01.456Z"}\n\n';

/**
 * Live order status as server-sent events, over orders-service's WatchOrder stream. Nest's `@Sse()` runs the
 * response: it sends the headers, writes the events, and unsubscribes when the client goes away, which cancels
 * the gRPC call. The handler waits for the stream's first message before returning, so an order that does not
 * exist (or is someone else's) is an ordinary 404 problem rather than an error event on a 200 stream.
 * A live view has no deadline: a stream lasts as long as its client stays, and each caller may hold only
 * `REST_SSE_MAX_STREAMS_PER_CALLER` of them at once.
 */
@ApiTags('orders')
@Controller('v1')
@RequireCaller()
@ApiExtraModels(OrderStatusEventResource)
export class OrderEventsHttpController {
  private readonly heartbeatMs: number;
  private readonly streams: OpenStreams;

  constructor(
    @Inject(ORDERS_CLIENT) private readonly orders: OrdersServiceClient,
    @Inject(REST_API_CONFIG) config: RestApiConfig,
  ) {
    this.heartbeatMs = config.REST_SSE_HEARTBEAT_MS;
    this.streams = new OpenStreams(config.REST_SSE_MAX_STREAMS_PER_CALLER);
  }

  @Sse('orders/:id/events')
  @ApiOperation({
    operationId: 'watchOrder',
    summary: "Follow an order's status as it changes",
    description:
      'Server-sent events: the current status first, then each change, one `status` event each; the stream ends after a ' +
      'final status (delivered or cancelled). A comment line (`: keep-alive`) comes every 15 seconds, so that proxies ' +
      'keep a quiet stream open. Each event id is the time of the change, so an `EventSource` that reconnects with ' +
      '`Last-Event-ID` gets only the changes it has not seen; once it has seen the final status, the answer is 204 and ' +
      'it stops reconnecting. Only the user who placed the order and admins can watch it. A caller (a user, or an API ' +
      'key) may hold 5 streams open at once unless configured otherwise; one more is answered 429.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the order.' })
  @ApiHeader({
    name: LAST_EVENT_ID_HEADER,
    required: false,
    description: 'The id of the last event received; an `EventSource` sends it when it reconnects.',
    schema: { type: 'string', pattern: '^[0-9]{1,30}$' },
  })
  @ApiOkResponse({
    description: 'The event stream; the schema describes one event.',
    content: {
      'text/event-stream': {
        schema: {
          type: 'object',
          required: ['id', 'event', 'data'],
          properties: {
            id: {
              type: 'string',
              pattern: '^[0-9]+$',
              description: 'The time of the change in nanoseconds since 1970; later changes have larger ids.',
            },
            event: { type: 'string', enum: ['status'] },
            data: { $ref: getSchemaPath(OrderStatusEventResource) },
          },
        },
        example: EXAMPLE_STREAM,
      },
    },
  })
  @ApiResponse({ status: 204, description: 'The order is final and `Last-Event-ID` names its final status: nothing more will come.' })
  @ApiProblemResponses(400, { status: 404, description: 'No order has this id, or it belongs to someone else: ids cannot be probed.' })
  @ApiResponse({
    ...RATE_LIMITED_RESPONSE,
    description:
      'The caller already has as many event streams open as it may (`REQUEST.TOO_MANY_STREAMS`): close one, or wait ' +
      '`Retry-After` seconds and try again. Or the client sent too many requests this minute (`REQUEST.RATE_LIMITED`).',
    headers: {
      ...RATE_LIMITED_RESPONSE.headers,
      'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
      'RateLimit-Remaining': { description: 'Requests left in this minute.', schema: { type: 'integer' } },
    },
  })
  async watchOrder(
    @Param('id') id: string,
    @Headers(LAST_EVENT_ID_HEADER) lastEventIdHeader: string | undefined,
    @SseSignal() signal: AbortSignal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Observable<MessageEvent>> {
    const seen = lastEventId(lastEventIdHeader);
    // The slot is given back once, however the response ends: the client leaving (during setup too), the stream
    // completing, or an error before it starts. The signal covers the first two, even when Nest never subscribes.
    const release = this.streams.take(request);
    whenAborted(signal, release);
    try {
      const { first, values } = await startStream(this.orders.watchOrder({ id }).pipe(map(toOrderStatusEvent)), signal).catch(
        (error: unknown) => {
          throw fromGrpcError(error, 'orders-service');
        },
      );
      const isNew = (event: OrderStatusEvent) => seen === undefined || event.id > seen;
      // WatchOrder starts with the current status (`first` is missing only if the client left meanwhile). When the
      // client has seen it and it is final, nothing more can come, and 204 tells an EventSource to stop reconnecting.
      if (first === undefined || (first.final && !isNew(first))) {
        release();
        void reply.status(204);
        return EMPTY;
      }
      const events = values.pipe(
        filter(isNew),
        // Each event sent is a span linked to the trace of the request that changed the order.
        tap((event) =>
          recordLinkedSpan('order.status.deliver', event.traceparent, {
            'triad.order.id': event.resource.order_id,
            'triad.order.status': event.resource.status,
            'triad.stream.kind': 'sse',
          }),
        ),
        map((event): MessageEvent => ({ id: event.id.toString(), type: 'status', data: event.resource })),
      );
      return withHeartbeats(events, this.heartbeatMs).pipe(finalize(release));
    } catch (error) {
      release();
      throw error;
    }
  }
}
