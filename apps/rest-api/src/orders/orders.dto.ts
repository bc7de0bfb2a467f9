import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OrderStatus, type Order, type OrderItem } from '@triad/contracts/orders/v1';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ProductResource } from '../products/products.dto.js';
import { IsInt32 } from '../resources/int32.js';
import { isoTime } from '../resources/iso-time.js';
import { MoneyResource, toMoneyResource } from '../resources/money.dto.js';
import { PageQuery, PageResource } from '../resources/page.dto.js';

// The edge checks the shape of a request; orders-service owns the rules and their messages (how many items,
// how many units), so a rule changes in one place. The limits below only document those rules.

export class OrderItemBody {
  @ApiProperty({ format: 'uuid', description: 'The id of the product.' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  product_id!: string;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 100, example: 2, description: 'How many units to buy.' })
  @IsDefined({ message: 'is required' })
  @IsInt32()
  quantity!: number;
}

export class PlaceOrderBody {
  @ApiProperty({ type: [OrderItemBody], minItems: 1, maxItems: 50, description: 'What to buy, one item per product.' })
  @IsDefined({ message: 'is required' })
  @IsArray({ message: 'must be a list of items, each { "product_id", "quantity" }' })
  @ValidateNested({ each: true, message: 'must be an object such as { "product_id": "…", "quantity": 1 }' })
  @Type(() => OrderItemBody)
  items!: OrderItemBody[];
}

export const STATUS_NAMES = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatusName = (typeof STATUS_NAMES)[number];

/** Statuses read in lower case here, without the proto enum's prefix. */
const STATUS_NAME_OF: Partial<Record<OrderStatus, OrderStatusName>> = {
  [OrderStatus.ORDER_STATUS_PENDING]: 'pending',
  [OrderStatus.ORDER_STATUS_CONFIRMED]: 'confirmed',
  [OrderStatus.ORDER_STATUS_SHIPPED]: 'shipped',
  [OrderStatus.ORDER_STATUS_DELIVERED]: 'delivered',
  [OrderStatus.ORDER_STATUS_CANCELLED]: 'cancelled',
};

/** An order status as this API writes it; an unknown one is a broken contract. */
export function orderStatusName(status: OrderStatus): OrderStatusName {
  const name = STATUS_NAME_OF[status];
  if (!name) throw new Error(`orders-service answered with the order status ${status}`);
  return name;
}

/** The proto enum value of a status name. */
export function protoOrderStatus(name: OrderStatusName): OrderStatus {
  const statuses = Object.keys(STATUS_NAME_OF) as OrderStatus[];
  return statuses.find((status) => STATUS_NAME_OF[status] === name) ?? OrderStatus.ORDER_STATUS_UNSPECIFIED;
}

/** What `?expand=` can bring along with a list of orders. */
export const ORDER_EXPANSIONS = ['items.product'] as const;
export type OrderExpansion = (typeof ORDER_EXPANSIONS)[number];

export class ListOrdersQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ORDER_EXPANSIONS,
    description:
      "`items.product` puts each item's product in the item, as `GET /v1/products/{id}` returns it now, so the orders and " +
      'what is in them take one call.',
  })
  @IsOptional()
  @IsIn(ORDER_EXPANSIONS, { message: `can only be ${ORDER_EXPANSIONS.join(', ')}` })
  expand?: OrderExpansion;
}

export class OrderItemResource {
  @ApiProperty({ format: 'uuid' })
  product_id!: string;

  @ApiPropertyOptional({
    type: ProductResource,
    nullable: true,
    description: 'Only with `expand=items.product`: the product as it is now (its price may differ from `unit_price`); null if it is gone.',
  })
  product?: ProductResource | null;

  @ApiProperty({ type: 'integer', minimum: 1 })
  quantity!: number;

  @ApiProperty({ type: MoneyResource, description: 'The price of one unit when the order was placed.' })
  unit_price!: MoneyResource;

  @ApiProperty({ type: MoneyResource, description: 'The unit price times the quantity.' })
  line_total!: MoneyResource;
}

export class OrderResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The user who placed the order.' })
  user_id!: string;

  @ApiProperty({
    enum: STATUS_NAMES,
    description:
      'pending → confirmed → shipped → delivered; an order that has not shipped can be cancelled. delivered and cancelled are final.',
  })
  status!: OrderStatusName;

  @ApiProperty({ type: [OrderItemResource] })
  items!: OrderItemResource[];

  @ApiProperty({ type: MoneyResource, description: "The sum of the items' line totals." })
  total!: MoneyResource;

  @ApiProperty({ format: 'date-time', description: 'When the order was placed.' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', description: 'When the order last changed, such as its status.' })
  updated_at!: string;
}

export class OrderListResource extends PageResource {
  @ApiProperty({ type: [OrderResource] })
  orders!: OrderResource[];
}

/** The REST shape of an orders-service `Order`. */
export function toOrderResource(order: Order | undefined | null): OrderResource {
  // proto-loader delivers an unset message field as null; orders-service always sets it, so this is a broken contract.
  if (!order) throw new Error('orders-service answered without an order');
  return {
    id: order.id,
    user_id: order.userId,
    status: orderStatusName(order.status),
    items: order.items.map(toOrderItemResource),
    total: toMoneyResource(order.total),
    created_at: isoTime(order.createTime),
    updated_at: isoTime(order.updateTime),
  };
}

function toOrderItemResource(item: OrderItem): OrderItemResource {
  return {
    product_id: item.productId,
    quantity: item.quantity,
    unit_price: toMoneyResource(item.unitPrice),
    line_total: toMoneyResource(item.lineTotal),
  };
}
