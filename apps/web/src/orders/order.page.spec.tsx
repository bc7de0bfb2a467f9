import { act, screen } from '@testing-library/react';
import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { makeSubject } from 'wonka';
import { fakeGateway, renderPage } from '../testing/render-page';
import { OrderPage } from './order.page';

const usd = (amountMinor: number) => ({ amountMinor, currencyCode: 'USD' });
const order = {
  id: 'order-1',
  status: 'PENDING',
  createdAt: '2026-01-01T10:00:00Z',
  updatedAt: '2026-01-01T10:00:00Z',
  total: usd(500),
  items: [{ quantity: 2, product: { id: 'pen', name: 'Pen' }, unitPrice: usd(250), lineTotal: usd(500) }],
};

function renderOrder() {
  const events = makeSubject<{ data?: unknown; error?: CombinedError }>();
  const gateway = fakeGateway((name) => (name === 'OrderStatusChanged' ? { source: events.source } : { data: { order } }));
  renderPage(gateway.client, { path: '/orders/order-1', route: '/orders/:orderId', page: <OrderPage /> });
  return { events, gateway };
}

const statusEvent = (status: string) => ({
  data: {
    orderStatusChanged: { status, changedAt: '2026-01-01T10:05:00Z', order: { id: 'order-1', status, updatedAt: '2026-01-01T10:05:00Z' } },
  },
});

describe('OrderPage', () => {
  it('shows the status pushed by the orderStatusChanged subscription', async () => {
    const { events, gateway } = renderOrder();
    expect((await screen.findByText(/^Status:/)).textContent).toContain('Pending');

    act(() => events.next(statusEvent('SHIPPED')));

    expect(screen.getByText(/^Status:/).textContent).toContain('Shipped');
    expect(gateway.sent.find((operation) => operation.operationName === 'OrderStatusChanged')?.variables).toEqual({ orderId: 'order-1' });
    // A shipped order can no longer be cancelled.
    expect(screen.queryByRole('button', { name: 'Cancel order' })).toBeNull();
  });

  it('says live updates are unavailable when the subscription fails, and keeps the loaded status', async () => {
    const { events } = renderOrder();
    await screen.findByText(/^Status:/);

    act(() => events.next({ error: new CombinedError({ networkError: new Error('socket closed') }) }));

    expect(screen.getByRole('alert').textContent).toContain('Live status updates are not available');
    expect(screen.getByRole('button', { name: 'Check the status again' })).toBeTruthy();
    expect(screen.getByText(/^Status:/).textContent).toContain('Pending');
  });
});
