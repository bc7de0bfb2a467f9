import { Directive, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyModel, PageInfoModel } from '@triad/platform';

export enum OrderStatusModel {
  PENDING = 'pending',
  CONFIRMED = 'confirmed',
  SHIPPED = 'shipped',
  DELIVERED = 'delivered',
  CANCELLED = 'cancelled',
}
registerEnumType(OrderStatusModel, {
  name: 'OrderStatus',
  description: 'Where an order is in its lifecycle: PENDING → CONFIRMED → SHIPPED → DELIVERED, or CANCELLED.',
});

/** catalog-service owns `Product`; orders only points at it, and the gateway fetches the fields asked for. */
@ObjectType('Product')
@Directive('@key(fields: "id", resolvable: false)')
export class ProductReference {
  @Field(() => ID)
  id!: string;
}

/** users-service owns `User`; orders adds `User.orders`. */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class UserReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType('OrderItem', { description: 'One product of an order, at the price it was charged.' })
export class OrderItemModel {
  @Field(() => ProductReference)
  product!: ProductReference;

  @Field(() => Int)
  quantity!: number;

  @Field(() => MoneyModel)
  unitPrice!: MoneyModel;

  @Field(() => MoneyModel)
  lineTotal!: MoneyModel;
}

@ObjectType('Order', { description: 'An order. Only its owner and admins can see it.' })
@Directive('@key(fields: "id")')
export class OrderModel {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderStatusModel)
  status!: OrderStatusModel;

  @Field(() => [OrderItemModel])
  items!: OrderItemModel[];

  @Field(() => MoneyModel)
  total!: MoneyModel;

  @Field(() => UserReference, { description: 'Who placed the order.' })
  user!: UserReference;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;
}

@ObjectType('OrderConnection')
export class OrderConnectionModel {
  @Field(() => [OrderModel])
  nodes!: OrderModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

@InputType('OrderLineInput')
export class OrderLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  quantity!: number;
}

@InputType('PlaceOrderInput')
export class PlaceOrderInput {
  @Field({ description: 'Chosen by the client per order; sending the same key again returns the same order.' })
  idempotencyKey!: string;

  @Field(() => [OrderLineInput])
  items!: OrderLineInput[];
}
