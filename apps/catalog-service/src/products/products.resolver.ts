import { Args, Context, ID, Int, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { DomainError, MoneyModel, PageInfoModel, type GraphQLContext } from '@triad/platform';
import type DataLoader from 'dataloader';
import { requireProductId } from './product-input.schema.js';
import { CreateProductInput, ProductConnectionModel, ProductModel } from './product.model.js';
import { ProductsService, type ProductView } from './products.service.js';

/** The context of catalog-service's subgraph: the platform's, plus a per-request batch loader of products. */
export interface CatalogGraphQLContext extends GraphQLContext {
  productsById: DataLoader<string, ProductView | undefined>;
}

/** The use cases name fields as the .proto does; this subgraph's clients know them by their GraphQL names. */
const GRAPHQL_FIELDS = {
  page_size: 'first',
  page_token: 'after',
  query: 'search',
  stock_on_hand: 'stockOnHand',
  'price.amount_minor': 'price.amountMinor',
  'price.currency_code': 'price.currencyCode',
};
const withGraphQLFields = (error: unknown) => Promise.reject(DomainError.renameFields(error, GRAPHQL_FIELDS));

/** The catalog subgraph: owns the `Product` entity. Reading is public; changing the catalog is for admins. */
@Resolver(() => ProductModel)
export class ProductsResolver {
  constructor(private readonly productsService: ProductsService) {}

  @Query(() => ProductModel, { nullable: true, description: 'A product by id, or null when none has it.' })
  async product(@Args('id', { type: () => ID }) id: string, @Context() context: CatalogGraphQLContext): Promise<ProductModel | null> {
    const product = await context.productsById.load(requireProductId(id));
    return product ? toModel(product) : null;
  }

  @Query(() => ProductConnectionModel, {
    description: 'Products, oldest first; with `search`, only those whose name or SKU contains it, ignoring case.',
  })
  async products(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Args('search', { type: () => String, nullable: true }) search?: string | null,
  ): Promise<ProductConnectionModel> {
    const page = await this.productsService
      .listProducts({ pageSize: first, ...(after ? { pageToken: after } : {}), ...(search ? { query: search } : {}) })
      .catch(withGraphQLFields);
    return { nodes: page.products.map(toModel), pageInfo: PageInfoModel.fromNextPageToken(page.nextPageToken) };
  }

  @Mutation(() => ProductModel, { description: 'Adds a product to the catalog. Admins only.' })
  async createProduct(@Args('input') input: CreateProductInput, @Context() context: CatalogGraphQLContext): Promise<ProductModel> {
    const request = { ...input, description: input.description ?? undefined };
    return toModel(await this.productsService.createProduct(request, await context.caller()).catch(withGraphQLFields));
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }, context: CatalogGraphQLContext): Promise<ProductModel | null> {
    const product = await context.productsById.load(reference.id);
    return product ? toModel(product) : null;
  }
}

function toModel(product: ProductView): ProductModel {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: MoneyModel.of(product.price.amountMinor, product.price.currencyCode),
    stockOnHand: product.stockOnHand,
    inStock: product.stockOnHand > 0,
  };
}
