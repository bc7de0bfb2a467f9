import { Body, Controller, HttpCode, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { CatalogServiceClient } from '@triad/contracts/catalog/v1';
import { unaryCall } from '@triad/platform';
import type { FastifyReply } from 'fastify';
import { RequireCaller } from '../auth/caller-auth.guard.js';
import { CATALOG_CLIENT } from '../catalog/catalog-client.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { CreateProductBody, toCreateProductRequest, toUpdateProductRequest, UpdateProductBody } from './product-admin.dto.js';
import { ProductResource, toProductResource } from './products.dto.js';

const FORBIDDEN = { status: 403, description: 'The caller is not an admin (`AUTH.PERMISSION_DENIED`).' };
const SKU_TAKEN = { status: 409, description: 'Another product has this SKU (`CATALOG.SKU_TAKEN`).' };

/**
 * Changing the catalog. The token travels with every call and catalog-service decides who may change
 * products (admins), so a customer's token is answered 403 by the service, not guessed at here.
 */
@ApiTags('products')
@Controller('v1/products')
@RequireCaller()
export class ProductAdminHttpController {
  constructor(@Inject(CATALOG_CLIENT) private readonly catalog: CatalogServiceClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createProduct', summary: 'Add a product (admins only)' })
  @ApiCreatedResponse({
    type: ProductResource,
    description: 'The new product.',
    headers: { Location: { description: 'The URL of the new product.', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, FORBIDDEN, SKU_TAKEN)
  async createProduct(@Body() body: CreateProductBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProductResource> {
    const { product } = await unaryCall(this.catalog.createProduct(toCreateProductRequest(body)), 'catalog-service');
    const created = toProductResource(product);
    void reply.header('location', `/v1/products/${created.id}`);
    return created;
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateProduct',
    summary: 'Change a product (admins only)',
    description: 'Changes the fields the body has and keeps the others; `stock_on_hand` replaces the count.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the product.' })
  @ApiOkResponse({ type: ProductResource, description: 'The product after the change.' })
  @ApiProblemResponses(400, FORBIDDEN, 404, SKU_TAKEN)
  async updateProduct(@Param('id') id: string, @Body() body: UpdateProductBody): Promise<ProductResource> {
    const { product } = await unaryCall(this.catalog.updateProduct(toUpdateProductRequest(id, body)), 'catalog-service');
    return toProductResource(product);
  }
}
