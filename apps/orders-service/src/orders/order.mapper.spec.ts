import { OrderStatus as ProtoOrderStatus } from '@triad/contracts/orders/v1';
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from './order.js';
import { orderToProto, statusFromProto, statusToProto } from './order.mapper.js';

describe('order status on the wire', () => {
  it.each([
    ['pending', ProtoOrderStatus.ORDER_STATUS_PENDING],
    ['confirmed', ProtoOrderStatus.ORDER_STATUS_CONFIRMED],
    ['shipped', ProtoOrderStatus.ORDER_STATUS_SHIPPED],
    ['delivered', ProtoOrderStatus.ORDER_STATUS_DELIVERED],
    ['cancelled', ProtoOrderStatus.ORDER_STATUS_CANCELLED],
  ] as [OrderStatus, ProtoOrderStatus][])('sends %s as %s and reads it back', (status, proto) => {
    expect(statusToProto(status)).toBe(proto);
    expect(statusFromProto(proto)).toBe(status);
  });

  it.each([ProtoOrderStatus.ORDER_STATUS_UNSPECIFIED, 'ORDER_STATUS_LOST', 'cancelled', ''])(
    'refuses %j as a status, naming the field',
    (status) => {
      expect(() => statusFromProto(status)).toThrow(
        expect.objectContaining({
          kind: 'INVALID_ARGUMENT',
          code: 'ORDERS.INVALID_INPUT',
          fieldViolations: [expect.objectContaining({ field: 'status' })],
        }),
      );
    },
  );
});

describe('orderToProto', () => {
  it('sends every amount as an exact decimal string, however large', () => {
    const unitPrice = { amountMinor: 2_147_483_647n, currencyCode: 'USD' };
    const lineTotal = { amountMinor: 214_748_364_700n, currencyCode: 'USD' };
    const at = new Date('2025-01-02T03:04:05.678Z');
    const order = orderToProto({
      id: 'order-1',
      userId: 'user-1',
      status: 'pending',
      items: [{ productId: 'product-1', quantity: 100, unitPrice, lineTotal }],
      total: lineTotal,
      idempotencyKey: 'key-1',
      createdAt: at,
      updatedAt: at,
    });
    expect(order.items[0]).toEqual({
      productId: 'product-1',
      quantity: 100,
      unitPrice: { amountMinor: '2147483647', currencyCode: 'USD' },
      lineTotal: { amountMinor: '214748364700', currencyCode: 'USD' },
    });
    expect(order.total).toEqual({ amountMinor: '214748364700', currencyCode: 'USD' });
    expect(order.status).toBe(ProtoOrderStatus.ORDER_STATUS_PENDING);
  });
});
