import { Directive, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { MoneyModel, PageInfoModel } from '@triad/platform';

@ObjectType('Product', { description: 'An item for sale.' })
@Directive('@key(fields: "id")')
export class ProductModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The stock keeping unit: unique across the catalog, upper case.' })
  sku!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => MoneyModel, {
    description:
      'The price of one unit, in minor units (cents). GraphQL Int is 32-bit, which is fine for catalog prices: ' +
      'the catalog refuses prices above 2147483647 minor units (21,474,836.47 USD).',
  })
  price!: MoneyModel;

  @Field(() => Int, { description: 'The units for sale now, not counting those held for orders being placed.' })
  stockOnHand!: number;

  @Field({ description: 'Whether at least one unit is for sale.' })
  inStock!: boolean;
}

@ObjectType('ProductConnection')
export class ProductConnectionModel {
  @Field(() => [ProductModel])
  nodes!: ProductModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

@InputType('MoneyInput', { description: 'An amount of money in one currency.' })
export class MoneyInput {
  @Field(() => Int, { description: "The amount in the currency's minor unit (1999 for 19.99 USD), from 0 to 2147483647." })
  amountMinor!: number;

  @Field({ description: 'The three-letter ISO 4217 currency code, such as USD.' })
  currencyCode!: string;
}

@InputType('CreateProductInput')
export class CreateProductInput {
  @Field({ description: 'Letters, digits, ".", "_" and "-"; stored upper case, and unique across the catalog.' })
  sku!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Empty when left out.' })
  description?: string | null;

  @Field(() => MoneyInput)
  price!: MoneyInput;

  @Field(() => Int, { description: 'The units for sale to start with.' })
  stockOnHand!: number;
}
