import { DomainError } from '@triad/platform';

/** The errors orders-service raises on purpose; each code is stable and documented for clients. */
export const OrdersErrors = {
  INVALID_INPUT: 'ORDERS.INVALID_INPUT',
  notFound: (id: string) => DomainError.notFound('ORDERS.NOT_FOUND', `No order has the id ${id}.`),
  notYours: () => DomainError.permissionDenied('Only the owner of these orders or an admin can see them.'),
  keyReused: (key: string) =>
    new DomainError(
      'FAILED_PRECONDITION',
      'ORDERS.IDEMPOTENCY_KEY_REUSED',
      `The idempotency key ${key} was already used for a different order: use a new key for a new order.`,
    ),
  placementInProgress: (key: string) =>
    new DomainError(
      'ABORTED',
      'ORDERS.PLACEMENT_IN_PROGRESS',
      `The order with idempotency key ${key} is still being placed: retry in a moment.`,
    ),
  productNotFound: (productId: string) =>
    new DomainError('FAILED_PRECONDITION', 'ORDERS.PRODUCT_NOT_FOUND', `No product has the id ${productId}: remove it from the order.`),
  mixedCurrencies: () =>
    new DomainError(
      'FAILED_PRECONDITION',
      'ORDERS.MIXED_CURRENCIES',
      'The products are priced in different currencies; place one order per currency.',
    ),
  illegalTransition: (from: string, to: string) =>
    new DomainError('FAILED_PRECONDITION', 'ORDERS.ILLEGAL_STATUS_CHANGE', `An order that is ${from} cannot become ${to}.`),
};
