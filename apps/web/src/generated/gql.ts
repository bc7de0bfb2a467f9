/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n    requestsToday\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query MyApiKeys {\n    me {\n      id\n      apiKeys {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.MyApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  fragment OAuthClientFields on OAuthClient {\n    clientId\n    name\n    scopes\n    createdAt\n  }\n": typeof types.OAuthClientFieldsFragmentDoc,
    "\n  query MyOAuthClients {\n    me {\n      id\n      oauthClients {\n        ...OAuthClientFields\n      }\n    }\n    oauthScopes {\n      name\n      description\n    }\n  }\n": typeof types.MyOAuthClientsDocument,
    "\n  mutation CreateOAuthClient($name: String!, $scopes: [String!]!) {\n    createOAuthClient(name: $name, scopes: $scopes) {\n      oauthClient {\n        ...OAuthClientFields\n      }\n      clientSecret\n      tokenEndpoint\n    }\n  }\n": typeof types.CreateOAuthClientDocument,
    "\n  mutation RevokeOAuthClient($clientId: ID!) {\n    revokeOAuthClient(clientId: $clientId)\n  }\n": typeof types.RevokeOAuthClientDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      id\n      status\n    }\n  }\n": typeof types.PlaceOrderDocument,
    "\n  query MyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        nodes {\n          id\n          status\n          createdAt\n          total {\n            amountMinor\n            currencyCode\n          }\n          items {\n            quantity\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.MyOrdersDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      updatedAt\n      total {\n        amountMinor\n        currencyCode\n      }\n      items {\n        quantity\n        product {\n          id\n          name\n        }\n        unitPrice {\n          amountMinor\n          currencyCode\n        }\n        lineTotal {\n          amountMinor\n          currencyCode\n        }\n      }\n    }\n  }\n": typeof types.OrderDocument,
    "\n  subscription OrderStatusChanged($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      status\n      changedAt\n      order {\n        id\n        status\n        updatedAt\n      }\n    }\n  }\n": typeof types.OrderStatusChangedDocument,
    "\n  mutation CancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": typeof types.CancelOrderDocument,
    "\n  query ProductList($first: Int!, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      nodes {\n        id\n        sku\n        name\n        inStock\n        price {\n          amountMinor\n          currencyCode\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ProductListDocument,
    "\n  query ProductDetail($id: ID!) {\n    product(id: $id) {\n      id\n      sku\n      name\n      description\n      stockOnHand\n      inStock\n      price {\n        amountMinor\n        currencyCode\n      }\n    }\n  }\n": typeof types.ProductDetailDocument,
};
const documents: Documents = {
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n    requestsToday\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query MyApiKeys {\n    me {\n      id\n      apiKeys {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.MyApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  fragment OAuthClientFields on OAuthClient {\n    clientId\n    name\n    scopes\n    createdAt\n  }\n": types.OAuthClientFieldsFragmentDoc,
    "\n  query MyOAuthClients {\n    me {\n      id\n      oauthClients {\n        ...OAuthClientFields\n      }\n    }\n    oauthScopes {\n      name\n      description\n    }\n  }\n": types.MyOAuthClientsDocument,
    "\n  mutation CreateOAuthClient($name: String!, $scopes: [String!]!) {\n    createOAuthClient(name: $name, scopes: $scopes) {\n      oauthClient {\n        ...OAuthClientFields\n      }\n      clientSecret\n      tokenEndpoint\n    }\n  }\n": types.CreateOAuthClientDocument,
    "\n  mutation RevokeOAuthClient($clientId: ID!) {\n    revokeOAuthClient(clientId: $clientId)\n  }\n": types.RevokeOAuthClientDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      id\n      status\n    }\n  }\n": types.PlaceOrderDocument,
    "\n  query MyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        nodes {\n          id\n          status\n          createdAt\n          total {\n            amountMinor\n            currencyCode\n          }\n          items {\n            quantity\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.MyOrdersDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      updatedAt\n      total {\n        amountMinor\n        currencyCode\n      }\n      items {\n        quantity\n        product {\n          id\n          name\n        }\n        unitPrice {\n          amountMinor\n          currencyCode\n        }\n        lineTotal {\n          amountMinor\n          currencyCode\n        }\n      }\n    }\n  }\n": types.OrderDocument,
    "\n  subscription OrderStatusChanged($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      status\n      changedAt\n      order {\n        id\n        status\n        updatedAt\n      }\n    }\n  }\n": types.OrderStatusChangedDocument,
    "\n  mutation CancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n": types.CancelOrderDocument,
    "\n  query ProductList($first: Int!, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      nodes {\n        id\n        sku\n        name\n        inStock\n        price {\n          amountMinor\n          currencyCode\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ProductListDocument,
    "\n  query ProductDetail($id: ID!) {\n    product(id: $id) {\n      id\n      sku\n      name\n      description\n      stockOnHand\n      inStock\n      price {\n        amountMinor\n        currencyCode\n      }\n    }\n  }\n": types.ProductDetailDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n    requestsToday\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n    requestsToday\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyApiKeys {\n    me {\n      id\n      apiKeys {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyApiKeys {\n    me {\n      id\n      apiKeys {\n        ...ApiKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OAuthClientFields on OAuthClient {\n    clientId\n    name\n    scopes\n    createdAt\n  }\n"): (typeof documents)["\n  fragment OAuthClientFields on OAuthClient {\n    clientId\n    name\n    scopes\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyOAuthClients {\n    me {\n      id\n      oauthClients {\n        ...OAuthClientFields\n      }\n    }\n    oauthScopes {\n      name\n      description\n    }\n  }\n"): (typeof documents)["\n  query MyOAuthClients {\n    me {\n      id\n      oauthClients {\n        ...OAuthClientFields\n      }\n    }\n    oauthScopes {\n      name\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOAuthClient($name: String!, $scopes: [String!]!) {\n    createOAuthClient(name: $name, scopes: $scopes) {\n      oauthClient {\n        ...OAuthClientFields\n      }\n      clientSecret\n      tokenEndpoint\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOAuthClient($name: String!, $scopes: [String!]!) {\n    createOAuthClient(name: $name, scopes: $scopes) {\n      oauthClient {\n        ...OAuthClientFields\n      }\n      clientSecret\n      tokenEndpoint\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeOAuthClient($clientId: ID!) {\n    revokeOAuthClient(clientId: $clientId)\n  }\n"): (typeof documents)["\n  mutation RevokeOAuthClient($clientId: ID!) {\n    revokeOAuthClient(clientId: $clientId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        nodes {\n          id\n          status\n          createdAt\n          total {\n            amountMinor\n            currencyCode\n          }\n          items {\n            quantity\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        nodes {\n          id\n          status\n          createdAt\n          total {\n            amountMinor\n            currencyCode\n          }\n          items {\n            quantity\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      updatedAt\n      total {\n        amountMinor\n        currencyCode\n      }\n      items {\n        quantity\n        product {\n          id\n          name\n        }\n        unitPrice {\n          amountMinor\n          currencyCode\n        }\n        lineTotal {\n          amountMinor\n          currencyCode\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Order($id: ID!) {\n    order(id: $id) {\n      id\n      status\n      createdAt\n      updatedAt\n      total {\n        amountMinor\n        currencyCode\n      }\n      items {\n        quantity\n        product {\n          id\n          name\n        }\n        unitPrice {\n          amountMinor\n          currencyCode\n        }\n        lineTotal {\n          amountMinor\n          currencyCode\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OrderStatusChanged($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      status\n      changedAt\n      order {\n        id\n        status\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription OrderStatusChanged($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      status\n      changedAt\n      order {\n        id\n        status\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      id\n      status\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductList($first: Int!, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      nodes {\n        id\n        sku\n        name\n        inStock\n        price {\n          amountMinor\n          currencyCode\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductList($first: Int!, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      nodes {\n        id\n        sku\n        name\n        inStock\n        price {\n          amountMinor\n          currencyCode\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductDetail($id: ID!) {\n    product(id: $id) {\n      id\n      sku\n      name\n      description\n      stockOnHand\n      inStock\n      price {\n        amountMinor\n        currencyCode\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductDetail($id: ID!) {\n    product(id: $id) {\n      id\n      sku\n      name\n      description\n      stockOnHand\n      inStock\n      price {\n        amountMinor\n        currencyCode\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;