// The generated contracts of the triad.orders.v1 proto package, as @triad/contracts/orders/v1.
export * from './generated/triad/orders/v1/orders_service.js';
