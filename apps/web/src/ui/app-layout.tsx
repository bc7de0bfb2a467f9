import { useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useCart } from '../cart/cart-context';
import { useSession } from '../session/session-context';
import { TraceFooter } from '../tracing/trace-footer';
import { ErrorMessage } from './status-message';

export function AppLayout() {
  const { session, problem, logOut } = useSession();
  // A sign-out the gateway could not take leaves the session live, and says so.
  const [signOutError, setSignOutError] = useState<Error | null>(null);
  const itemCount = useCart().lines.reduce((count, line) => count + line.quantity, 0);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand">
          Triad shop
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Products
          </NavLink>
          <NavLink to="/cart">Cart ({itemCount})</NavLink>
          <NavLink to="/orders">My orders</NavLink>
          {session && <NavLink to="/api-keys">API keys</NavLink>}
        </nav>
        <div className="account">
          {session ? (
            <>
              <span>Signed in as {session.user.name}</span>
              <button
                type="button"
                className="link-button"
                onClick={() => void logOut().then(() => setSignOutError(null), setSignOutError)}
              >
                Log out
              </button>
            </>
          ) : (
            <NavLink to="/login">Log in</NavLink>
          )}
        </div>
      </header>
      <main id="main">
        {problem && <ErrorMessage error={problem} />}
        {signOutError && <ErrorMessage error={signOutError} />}
        <Outlet />
      </main>
      <TraceFooter />
    </>
  );
}
