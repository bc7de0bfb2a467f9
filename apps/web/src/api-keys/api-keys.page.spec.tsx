import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiKeyFieldsFragment, OAuthClientFieldsFragment } from '../generated/graphql';
import { GATEWAY_UNREACHABLE } from '../graphql/describe-error';
import { fakeGateway, gatewayDown, renderPage } from '../testing/render-page';
import { ApiKeysPage } from './api-keys.page';

const nightly: ApiKeyFieldsFragment = {
  id: 'key-1',
  name: 'Nightly export',
  prefix: 'triad_ab12cd34',
  createdAt: '2026-01-01T10:00:00Z',
  lastUsedAt: '2026-01-02T08:30:00Z',
  revokedAt: null,
  requestsToday: 7,
};

const exporter: OAuthClientFieldsFragment = {
  clientId: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10',
  name: 'Order export',
  scopes: ['orders:read'],
  createdAt: '2026-01-01T11:00:00Z',
};

/** The scopes the gateway offers a customer. */
const CUSTOMER_SCOPES = [
  { name: 'orders:read', description: 'see your orders and follow their status' },
  { name: 'orders:write', description: 'place and cancel orders for you' },
];

/**
 * A fake gateway that keeps the user's keys and OAuth clients, so creating and revoking change what the next query
 * returns.
 */
function keyStore(initial: ApiKeyFieldsFragment[], initialClients: OAuthClientFieldsFragment[] = []) {
  let keys = [...initial];
  let clients = [...initialClients];
  return fakeGateway((name, variables) => {
    if (name === 'MyApiKeys') return { data: { me: { id: 'user-1', apiKeys: keys } } };
    if (name === 'MyOAuthClients') return { data: { me: { id: 'user-1', oauthClients: clients }, oauthScopes: CUSTOMER_SCOPES } };
    if (name === 'CreateOAuthClient') {
      const oauthClient = { ...exporter, clientId: 'client-2', name: String(variables['name']), scopes: variables['scopes'] as string[] };
      clients = [oauthClient, ...clients];
      const tokenEndpoint = 'http://localhost:3000/oidc/token';
      return { data: { createOAuthClient: { oauthClient, clientSecret: 'triad_cs_the-whole-client-secret', tokenEndpoint } } };
    }
    if (name === 'RevokeOAuthClient') {
      clients = clients.filter((client) => client.clientId !== variables['clientId']);
      return { data: { revokeOAuthClient: variables['clientId'] } };
    }
    if (name === 'CreateApiKey') {
      const apiKey = {
        ...nightly,
        id: 'key-2',
        name: String(variables['name']),
        prefix: 'triad_ff00ee11',
        lastUsedAt: null,
        requestsToday: 0,
      };
      keys = [apiKey, ...keys];
      return { data: { createApiKey: { apiKey, secret: 'triad_ff00ee11_the-whole-secret' } } };
    }
    if (name === 'RevokeApiKey') {
      keys = keys.map((key) => (key.id === variables['id'] ? { ...key, revokedAt: '2026-01-03T12:00:00Z' } : key));
      return { data: { revokeApiKey: keys.find((key) => key.id === variables['id']) } };
    }
    throw new Error(`unexpected operation ${name}`);
  });
}

const renderKeys = (gateway: ReturnType<typeof fakeGateway>) =>
  renderPage(gateway.client, { path: '/api-keys', route: '/api-keys', page: <ApiKeysPage /> });

describe('ApiKeysPage', () => {
  it('says it is loading while the gateway has not answered', () => {
    renderKeys(fakeGateway(() => 'pending'));
    expect(screen.getByRole('status').textContent).toBe('Loading your API keys…');
  });

  it('tells the user to start the gateway when it is not reachable', async () => {
    renderKeys(fakeGateway(gatewayDown));
    expect((await screen.findByRole('alert')).textContent).toBe(GATEWAY_UNREACHABLE);
  });

  it('asks a signed-out visitor to log in', async () => {
    renderKeys(fakeGateway(() => ({ data: { me: null } })));
    expect(await screen.findByRole('link', { name: 'Log in to manage your API keys' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create key' })).toBeNull();
  });

  it('says so when the user has no keys yet', async () => {
    renderKeys(keyStore([]));
    expect(await screen.findByText(/You have no API keys yet/)).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('lists the keys with their prefix, use and state', async () => {
    renderKeys(keyStore([nightly]));
    const row = (await screen.findByRole('rowheader', { name: 'Nightly export' })).closest('tr') as HTMLElement;
    expect(row.textContent).toContain('triad_ab12cd34');
    expect(within(row).getByRole('cell', { name: '7' })).toBeTruthy();
    expect(row.textContent).toContain('Active');
    expect(within(row).getByRole('button', { name: 'Revoke Nightly export' })).toBeTruthy();
  });

  it('shows a new key’s secret once, and not after the page is left', async () => {
    const gateway = keyStore([]);
    renderKeys(gateway);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Key name'), '  CI deploys ');
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const secretBox = await screen.findByRole('region', { name: 'Secret for “CI deploys”' });
    expect(within(secretBox).getByText('triad_ff00ee11_the-whole-secret')).toBeTruthy();
    expect(secretBox.textContent).toContain('it will not be shown again');
    expect(gateway.sent.find((operation) => operation.operationName === 'CreateApiKey')?.variables).toEqual({ name: 'CI deploys' });
    expect((screen.getByLabelText('Key name') as HTMLInputElement).value).toBe('');

    await user.click(within(secretBox).getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText('Copied to the clipboard.')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe('triad_ff00ee11_the-whole-secret');

    // Coming back to the page lists the key, but the secret is gone for good.
    cleanup();
    renderKeys(gateway);
    expect(await screen.findByRole('rowheader', { name: 'CI deploys' })).toBeTruthy();
    expect(screen.queryByText('triad_ff00ee11_the-whole-secret')).toBeNull();
    expect(screen.queryByRole('region', { name: /^Secret for/ })).toBeNull();
    const stored = [window.sessionStorage, window.localStorage].flatMap((storage) =>
      Object.keys(storage).map((key) => storage.getItem(key)),
    );
    expect(stored.join('\n')).not.toContain('the-whole-secret');
  });

  it('marks a key revoked once the gateway has revoked it', async () => {
    const gateway = keyStore([nightly]);
    renderKeys(gateway);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke Nightly export' }));

    const row = (await screen.findByText(/^Revoked/)).closest('tr') as HTMLElement;
    expect(within(row).getByRole('rowheader').textContent).toBe('Nightly export');
    expect(screen.queryByRole('button', { name: 'Revoke Nightly export' })).toBeNull();
    expect(gateway.sent.find((operation) => operation.operationName === 'RevokeApiKey')?.variables).toEqual({ id: 'key-1' });
  });

  describe('OAuth clients', () => {
    it('lists the clients with their scopes, and says so when there are none', async () => {
      renderKeys(keyStore([], [exporter]));
      const row = (await screen.findByRole('rowheader', { name: 'Order export' })).closest('tr') as HTMLElement;
      expect(row.textContent).toContain(exporter.clientId);
      expect(row.textContent).toContain('orders:read');
      cleanup();

      renderKeys(keyStore([]));
      expect(await screen.findByText(/You have no OAuth clients/)).toBeTruthy();
    });

    it('registers a client with the scopes ticked, and shows its secret once', async () => {
      const gateway = keyStore([]);
      renderKeys(gateway);
      const user = userEvent.setup();
      const register = await screen.findByRole('button', { name: 'Register client' });
      expect((register as HTMLButtonElement).disabled).toBe(true);
      expect(screen.getAllByRole('checkbox').map((box) => box.closest('label')?.textContent)).toEqual([
        'orders:read see your orders and follow their status',
        'orders:write place and cancel orders for you',
      ]);

      await user.type(screen.getByLabelText('Client name'), ' Nightly sync ');
      await user.click(screen.getByRole('checkbox', { name: /orders:write/ }));
      await user.click(screen.getByRole('checkbox', { name: /orders:read/ }));
      await user.click(register);

      const box = await screen.findByRole('region', { name: 'Credentials for “Nightly sync”' });
      expect(within(box).getByText('triad_cs_the-whole-client-secret')).toBeTruthy();
      expect(within(box).getByText('client-2')).toBeTruthy();
      expect(box.textContent).toContain('it will not be shown again');
      expect(box.textContent).toContain('grant_type=client_credentials http://localhost:3000/oidc/token');
      expect(gateway.sent.find((operation) => operation.operationName === 'CreateOAuthClient')?.variables).toEqual({
        name: 'Nightly sync',
        scopes: ['orders:read', 'orders:write'],
      });
      await user.click(within(box).getByRole('button', { name: 'Copy secret' }));
      expect(await navigator.clipboard.readText()).toBe('triad_cs_the-whole-client-secret');

      cleanup();
      renderKeys(gateway);
      expect(await screen.findByRole('rowheader', { name: 'Nightly sync' })).toBeTruthy();
      expect(screen.queryByText('triad_cs_the-whole-client-secret')).toBeNull();
    });

    it('takes a revoked client off the list', async () => {
      const gateway = keyStore([], [exporter]);
      renderKeys(gateway);

      await userEvent.click(await screen.findByRole('button', { name: 'Revoke client Order export' }));

      expect(await screen.findByText(/You have no OAuth clients/)).toBeTruthy();
      expect(gateway.sent.find((operation) => operation.operationName === 'RevokeOAuthClient')?.variables).toEqual({
        clientId: exporter.clientId,
      });
    });
  });
});
