import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Session } from '../session/session-api';
import { ALICE, fakeGateway, gatewayDown, renderPage, type FakeAnswer } from '../testing/render-page';
import { saveCart } from './cart-store';
import { CartPage } from './cart.page';

const pen = { productId: 'pen', name: 'Pen', unitPrice: { amountMinor: 250, currencyCode: 'USD' }, quantity: 2 };
const pad = { productId: 'pad', name: 'Pad', unitPrice: { amountMinor: 1000, currencyCode: 'USD' }, quantity: 1 };

function renderCart(answers: FakeAnswer[], session: Session | null = null) {
  const gateway = fakeGateway(() => answers.shift() ?? 'pending');
  renderPage(gateway.client, {
    path: '/cart',
    route: '/cart',
    page: <CartPage />,
    routes: { '/orders/:orderId': <p>Order page</p> },
    session,
  });
  return gateway;
}

const sentKeys = (gateway: ReturnType<typeof fakeGateway>) =>
  gateway.sent.map((operation) => (operation.variables['input'] as { idempotencyKey: string }).idempotencyKey);

describe('CartPage', () => {
  it('says the cart is empty', () => {
    renderCart([]);
    expect(screen.getByText(/Your cart is empty/)).toBeTruthy();
  });

  it('prices the cart from the catalog prices and updates the total when a quantity changes', async () => {
    saveCart({ lines: [pen, pad], checkoutKey: null });
    renderCart([]);
    expect(screen.getByTestId('cart-total').textContent).toBe('$15.00');

    await userEvent.click(screen.getByRole('button', { name: 'Increase quantity of Pen' }));
    await userEvent.click(screen.getByRole('button', { name: 'Increase quantity of Pen' }));
    expect(screen.getByTestId('cart-total').textContent).toBe('$20.00');

    await userEvent.click(screen.getByRole('button', { name: 'Remove Pad from cart' }));
    expect(screen.getByTestId('cart-total').textContent).toBe('$10.00');
  });

  it('asks an anonymous user to log in before placing the order', () => {
    saveCart({ lines: [pen], checkoutKey: null });
    renderCart([]);
    expect(screen.getByRole('link', { name: 'Log in to place your order' })).toBeTruthy();
  });

  it('retries a failed checkout with the same idempotency key, then opens the order', async () => {
    saveCart({ lines: [pen], checkoutKey: null });
    const gateway = renderCart([gatewayDown(), { data: { placeOrder: { id: 'order-1', status: 'PENDING' } } }], ALICE);

    await userEvent.click(await screen.findByRole('button', { name: 'Place order' }));
    expect((await screen.findByRole('alert')).textContent).toContain('not reachable');
    await userEvent.click(screen.getByRole('button', { name: 'Try placing the order again' }));

    expect(await screen.findByText('Order page')).toBeTruthy();
    const [first, retry] = sentKeys(gateway);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(retry).toBe(first);
    expect(gateway.sent[1]?.variables['input']).toMatchObject({ items: [{ productId: 'pen', quantity: 2 }] });
    expect(JSON.parse(window.sessionStorage.getItem('triad.cart') ?? '{}').lines).toEqual([]);
  });

  it('uses a new idempotency key once the cart changes after a failure, since it is a different order', async () => {
    saveCart({ lines: [pen, pad], checkoutKey: null });
    const gateway = renderCart([gatewayDown(), gatewayDown()], ALICE);

    await userEvent.click(await screen.findByRole('button', { name: 'Place order' }));
    await screen.findByRole('alert');
    await userEvent.click(screen.getByRole('button', { name: 'Remove Pad from cart' }));
    await userEvent.click(screen.getByRole('button', { name: /placing the order again|Place order/ }));

    await screen.findByRole('alert');
    const [first, second] = sentKeys(gateway);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });
});
