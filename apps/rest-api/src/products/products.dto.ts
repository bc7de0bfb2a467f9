import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Product } from '@triad/contracts/catalog/v1';
import { IsOptional, IsString } from 'class-validator';
import { isoTime } from '../resources/iso-time.js';
import { MoneyResource, toMoneyResource } from '../resources/money.dto.js';
import { PageQuery, PageResource } from '../resources/page.dto.js';

export class ListProductsQuery extends PageQuery {
  @ApiPropertyOptional({
    maxLength: 100,
    example: 'mug',
    description: 'Text to look for in product names and SKUs, ignoring case. A `page_token` continues only the search it came from.',
  })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  search?: string;
}

export class ProductResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10' })
  id!: string;

  @ApiProperty({ example: 'MUG-BLUE-350', description: 'The stock keeping unit, unique across the catalog.' })
  sku!: string;

  @ApiProperty({ example: 'Blue mug, 350 ml' })
  name!: string;

  @ApiProperty({ description: 'The longer text shown on the product page; may be empty.' })
  description!: string;

  @ApiProperty({ type: MoneyResource, description: 'The price of one unit.' })
  price!: MoneyResource;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units that can be ordered now (stock held for open orders is not counted).' })
  stock_on_hand!: number;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', description: 'When the product last changed, stock changes included.' })
  updated_at!: string;
}

export class ProductListResource extends PageResource {
  @ApiProperty({ type: [ProductResource] })
  products!: ProductResource[];
}

/** The REST shape of a catalog-service `Product`. */
export function toProductResource(product: Product | undefined | null): ProductResource {
  // proto-loader delivers an unset message field as null; catalog-service always sets it, so this is a broken contract.
  if (!product) throw new Error('catalog-service answered without a product');
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: toMoneyResource(product.price),
    stock_on_hand: product.stockOnHand,
    created_at: isoTime(product.createTime),
    updated_at: isoTime(product.updateTime),
  };
}
