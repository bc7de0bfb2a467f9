import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { LoginMutation } from '../session/session.documents';
import { useSession } from '../session/session-context';
import { ErrorMessage } from '../ui/status-message';
import { DEMO_USERS } from './demo-users';

/** Pages that need a user send people here with `state.from`, and they return there after logging in. */
export function LoginPage() {
  const { session, logIn, logOut } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const [result, login] = useMutation(LoginMutation);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  async function logInAs(credentials: { email: string; password: string }) {
    const response = await login(credentials);
    if (response.data) {
      logIn(response.data.login);
      await navigate(from, { replace: true });
    }
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
          <button type="button" className="link-button" onClick={logOut}>
            Log out
          </button>
        </p>
      )}
      {result.error && <ErrorMessage error={result.error} />}

      <h2>Demo users</h2>
      <ul className="demo-users">
        {DEMO_USERS.map((user) => (
          <li key={user.email}>
            <button type="button" disabled={result.fetching} onClick={() => void logInAs(user)}>
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
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
