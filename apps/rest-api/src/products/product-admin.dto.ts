import { ApiProperty, ApiPropertyOptional, ApiSchema, PartialType } from '@nestjs/swagger';
import type { CreateProductRequest, UpdateProductRequest } from '@triad/contracts/catalog/v1';
import type { Money } from '@triad/contracts/common/v1';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { IsInt32 } from '../resources/int32.js';

// As for orders, the edge checks the shape of a request and catalog-service owns the rules and their
// messages (the SKU's format, lengths, ranges), so a rule changes in one place. The limits below only
// document those rules.

export class PriceBody {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 2_147_483_647,
    example: 1299,
    description: "The amount in the currency's minor unit (cents for USD), never a decimal: 1299 is $12.99.",
  })
  @IsDefined({ message: 'is required' })
  @IsInt({ message: 'must be a whole number of minor units, such as 1999 for 19.99' })
  amount_minor!: number;

  @ApiProperty({ pattern: '^[A-Za-z]{3}$', example: 'USD', description: 'The ISO 4217 currency code; stored in upper case.' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  currency_code!: string;
}

export class CreateProductBody {
  @ApiProperty({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    example: 'MUG-BLUE-350',
    description: 'The stock keeping unit, unique across the catalog; stored in upper case.',
  })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  sku!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Blue mug, 350 ml' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 5000, default: '', description: 'The longer text shown on the product page.' })
  // Left out means empty; null is refused like any other value that is not a string.
  @ValidateIf((_body: unknown, value: unknown) => value !== undefined)
  @IsString({ message: 'must be a string' })
  description?: string;

  @ApiProperty({ type: PriceBody, description: 'The price of one unit.' })
  @IsDefined({ message: 'is required' })
  @ValidateNested({ message: 'must be an object such as { "amount_minor": 1299, "currency_code": "USD" }' })
  @Type(() => PriceBody)
  price!: PriceBody;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 2_147_483_647,
    example: 12,
    description: 'Units on hand that can be ordered.',
  })
  @IsDefined({ message: 'is required' })
  @IsInt32()
  stock_on_hand!: number;
}

/**
 * The fields to change: each one sent replaces the product's value, each one left out keeps it. Null is
 * refused rather than read as "left out" (`skipNullProperties: false`): no field of a product can be unset.
 */
@ApiSchema({ description: 'The fields to change; a field left out keeps its value.' })
export class UpdateProductBody extends PartialType(CreateProductBody, { skipNullProperties: false }) {
  // Documented again: here, leaving it out keeps the text rather than making it empty.
  @ApiPropertyOptional({ maxLength: 5000, description: 'The longer text shown on the product page; "" clears it.' })
  override description?: string;
}

/** The catalog-service request that creates the product a body describes. */
export function toCreateProductRequest(body: CreateProductBody): CreateProductRequest {
  return {
    sku: body.sku,
    name: body.name,
    description: body.description ?? '',
    price: toMoney(body.price),
    stockOnHand: body.stock_on_hand,
  };
}

/** The catalog-service request that changes product `id`: only the fields the body has are set (proto3 `optional`). */
export function toUpdateProductRequest(id: string, body: UpdateProductBody): UpdateProductRequest {
  const { sku, name, description, price, stock_on_hand: stockOnHand } = body;
  return {
    id,
    ...(sku === undefined ? {} : { sku }),
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
    ...(price === undefined ? {} : { price: toMoney(price) }),
    ...(stockOnHand === undefined ? {} : { stockOnHand }),
  };
}

/** A price as the proto `Money`, whose int64 travels as a decimal string. */
function toMoney(price: PriceBody): Money {
  return { amountMinor: String(price.amount_minor), currencyCode: price.currency_code };
}
