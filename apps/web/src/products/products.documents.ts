import { graphql } from '../generated';

export const ProductListQuery = graphql(`
  query ProductList($first: Int!, $after: String, $search: String) {
    products(first: $first, after: $after, search: $search) {
      nodes {
        id
        sku
        name
        inStock
        price {
          amountMinor
          currencyCode
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ProductDetailQuery = graphql(`
  query ProductDetail($id: ID!) {
    product(id: $id) {
      id
      sku
      name
      description
      stockOnHand
      inStock
      price {
        amountMinor
        currencyCode
      }
    }
  }
`);
