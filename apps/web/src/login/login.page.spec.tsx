import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { SessionError, type SessionApi } from '../session/session-api';
import { SessionProvider } from '../session/session-context';
import { ALICE, fakeSessions } from '../testing/render-page';
import { AppLayout } from '../ui/app-layout';
import { CartProvider } from '../cart/cart-context';
import { LastTraceProvider } from '../tracing/last-trace-context';
import { LoginPage } from './login.page';

function renderLogin(api: SessionApi) {
  render(
    <SessionProvider api={api}>
      <LastTraceProvider>
        <CartProvider>
          <MemoryRouter initialEntries={[{ pathname: '/login', state: { from: '/orders' } }]}>
            <Routes>
              <Route element={<AppLayout />}>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/orders" element={<p>Orders page</p>} />
              </Route>
            </Routes>
          </MemoryRouter>
        </CartProvider>
      </LastTraceProvider>
    </SessionProvider>,
  );
}

describe('LoginPage', () => {
  it('signs in through the gateway and returns to the page that sent the user here', async () => {
    renderLogin(fakeSessions());
    await userEvent.click(await screen.findByRole('button', { name: 'Log in as Alice (alice@triad.dev)' }));
    expect(await screen.findByText('Orders page')).toBeTruthy();
    expect(screen.getByText('Signed in as Alice')).toBeTruthy();
  });

  it('shows the gateway’s reason when signing in fails, and stays signed out', async () => {
    const refusing: SessionApi = {
      ...fakeSessions(),
      signIn: () => Promise.reject(new SessionError('The email or password is wrong.')),
    };
    renderLogin(refusing);
    await userEvent.type(await screen.findByLabelText('Email'), 'alice@triad.dev');
    await userEvent.type(screen.getByLabelText('Password'), 'not-her-password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is wrong.');
    expect(screen.getByRole('link', { name: 'Log in' })).toBeTruthy();
  });

  it('keeps the session, and says so, when the gateway cannot sign the user out', async () => {
    const stuck: SessionApi = { ...fakeSessions(ALICE), signOut: () => Promise.reject(new SessionError('The gateway is not reachable.')) };
    renderLogin(stuck);
    await userEvent.click((await screen.findAllByRole('button', { name: 'Log out' }))[0]!);
    expect((await screen.findByRole('alert')).textContent).toBe('The gateway is not reachable.');
    expect(screen.getByText('Signed in as Alice')).toBeTruthy();
  });

  it('says so when the gateway cannot tell who is signed in, rather than sign the user out', async () => {
    const unreachable: SessionApi = {
      ...fakeSessions(ALICE),
      current: () => Promise.reject(new SessionError('The gateway is not reachable.')),
    };
    renderLogin(unreachable);
    expect((await screen.findByRole('alert')).textContent).toBe('The gateway is not reachable.');
  });
});
