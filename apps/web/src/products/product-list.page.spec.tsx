import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { GATEWAY_UNREACHABLE } from '../graphql/describe-error';
import { fakeGateway, gatewayDown, renderPage } from '../testing/render-page';
import { ProductListPage } from './product-list.page';

const chair = { id: 'p1', sku: 'CHAIR-1', name: 'Chair', inStock: true, price: { amountMinor: 4999, currencyCode: 'USD' } };

function productPage(nodes: unknown[], hasNextPage = false) {
  return { data: { products: { nodes, pageInfo: { hasNextPage, endCursor: hasNextPage ? 'cursor-1' : null } } } };
}

function renderProducts(gateway: ReturnType<typeof fakeGateway>, path = '/') {
  renderPage(gateway.client, { path, route: '/', page: <ProductListPage /> });
}

describe('ProductListPage', () => {
  it('says it is loading while the gateway has not answered', () => {
    renderProducts(fakeGateway(() => 'pending'));
    expect(screen.getByRole('status').textContent).toBe('Loading products…');
  });

  it('tells the user to start the gateway when it is not reachable', async () => {
    renderProducts(fakeGateway(gatewayDown));
    expect((await screen.findByRole('alert')).textContent).toBe(GATEWAY_UNREACHABLE);
  });

  it('says that nothing matches a search with no results', async () => {
    renderProducts(
      fakeGateway(() => productPage([])),
      '/?search=lamp',
    );
    expect(await screen.findByText('No products match “lamp”.')).toBeTruthy();
  });

  it('lists products with their prices and asks for the next page by cursor', async () => {
    const gateway = fakeGateway((_name, variables) => (variables['after'] ? productPage([]) : productPage([chair], true)));
    renderProducts(gateway, '/?search=chair');

    expect(await screen.findByRole('link', { name: 'Chair' })).toBeTruthy();
    expect(screen.getByText('$49.99')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));

    expect(gateway.sent.at(-1)?.variables).toMatchObject({ after: 'cursor-1', search: 'chair' });
  });

  it('adds a product to the cart', async () => {
    renderProducts(fakeGateway(() => productPage([chair])));
    await userEvent.click(await screen.findByRole('button', { name: 'Add Chair to cart' }));
    expect(screen.getByText('Added Chair')).toBeTruthy();
    expect(JSON.parse(window.sessionStorage.getItem('triad.cart') ?? '{}').lines).toMatchObject([{ productId: 'p1', quantity: 1 }]);
  });
});
