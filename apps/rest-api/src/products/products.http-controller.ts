import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { CatalogServiceClient } from '@triad/contracts/catalog/v1';
import { DomainError, unaryCall } from '@triad/platform';
import { CATALOG_CLIENT } from '../catalog/catalog-client.js';
import { Cacheable } from '../http/http-cache.hook.js';
import { PagedList } from '../http/page-links.hook.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { nextPageToken } from '../resources/page.dto.js';
import { ListProductsQuery, ProductListResource, ProductResource, toProductResource } from './products.dto.js';

/** `/v1/products` over catalog-service: the catalog is public, so these routes need no token. */
@ApiTags('products')
@Controller('v1/products')
export class ProductsHttpController {
  constructor(@Inject(CATALOG_CLIENT) private readonly catalog: CatalogServiceClient) {}

  @Get()
  @Cacheable('public')
  @PagedList()
  @ApiOperation({
    operationId: 'listProducts',
    summary: 'List or search products',
    description: 'In the order they were added. No token needed.',
  })
  @ApiOkResponse({ type: ProductListResource, description: 'One page of products.' })
  @ApiProblemResponses(400)
  async listProducts(@Query() query: ListProductsQuery): Promise<ProductListResource> {
    const request = { pageSize: query.page_size ?? 0, pageToken: query.page_token ?? '', query: query.search ?? '' };
    const page = await unaryCall(this.catalog.listProducts(request), 'catalog-service').catch((error: unknown) => {
      // catalog-service calls the search text `query`, as its contract does; this API calls it `search`.
      throw DomainError.renameFields(error, { query: 'search' });
    });
    return { products: page.products.map(toProductResource), next_page_token: nextPageToken(page.nextPageToken) };
  }

  @Get(':id')
  @Cacheable('public')
  @ApiOperation({ operationId: 'getProduct', summary: 'Get a product', description: 'No token needed.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the product.' })
  @ApiOkResponse({ type: ProductResource, description: 'The product.' })
  @ApiProblemResponses(400, 404)
  async getProduct(@Param('id') id: string): Promise<ProductResource> {
    const { product } = await unaryCall(this.catalog.getProduct({ id }), 'catalog-service');
    return toProductResource(product);
  }
}
