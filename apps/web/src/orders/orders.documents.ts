import { graphql } from '../generated';

export const MyOrdersQuery = graphql(`
  query MyOrders($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        nodes {
          id
          status
          createdAt
          total {
            amountMinor
            currencyCode
          }
          items {
            quantity
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const OrderQuery = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      id
      status
      createdAt
      updatedAt
      total {
        amountMinor
        currencyCode
      }
      items {
        quantity
        product {
          id
          name
        }
        unitPrice {
          amountMinor
          currencyCode
        }
        lineTotal {
          amountMinor
          currencyCode
        }
      }
    }
  }
`);

export const OrderStatusChangedSubscription = graphql(`
  subscription OrderStatusChanged($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      status
      changedAt
      order {
        id
        status
        updatedAt
      }
    }
  }
`);

export const CancelOrderMutation = graphql(`
  mutation CancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
      updatedAt
    }
  }
`);
