import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { SessionError } from '../session/session-api';
import { useSession } from '../session/session-context';
import { ErrorMessage } from '../ui/status-message';
import { DEMO_USERS } from './demo-users';

/** Pages that need a user send people here with `state.from`, and they return there after logging in. */
export function LoginPage() {
  const { session, logIn, logOut } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  async function logInAs(credentials: { email: string; password: string }) {
    setPending(true);
    setError(null);
    try {
      await logIn(credentials.email, credentials.password);
    } catch (failed) {
      setError(failed instanceof SessionError ? failed : new SessionError('Could not log in: try again.'));
      return;
    } finally {
      setPending(false);
    }
    await navigate(from, { replace: true });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void logInAs({ email, password });
  }

  return (
    <section aria-labelledby="login-heading" className="narrow">
      <h1 id="login-heading">Log in</h1>
      {session && (
        <p>
          You are logged in as {session.user.name}.{' '}
          <button type="button" className="link-button" onClick={() => void logOut().catch(setError)}>
            Log out
          </button>
        </p>
      )}
      {error && <ErrorMessage error={error} />}

      <h2>Demo users</h2>
      <ul className="demo-users">
        {DEMO_USERS.map((user) => (
          <li key={user.email}>
            <button type="button" disabled={pending} onClick={() => void logInAs(user)}>
              Log in as {user.name} ({user.email})
            </button>
          </li>
        ))}
      </ul>

      <h2>Your account</h2>
      <form className="stacked" onSubmit={submit}>
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" disabled={pending}>
          {pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
