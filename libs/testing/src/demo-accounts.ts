import type { Observable } from 'rxjs';
import { call } from './grpc-calls.js';

/** The accounts users-service seeds with its demo data (README, "Demo logins"). */
export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@triad.dev', password: 'admin-password' },
  alice: { email: 'alice@triad.dev', password: 'alice-password' },
  bob: { email: 'bob@triad.dev', password: 'bob-password' },
  carol: { email: 'carol@triad.dev', password: 'carol-password' },
};
export type DemoAccount = keyof typeof DEMO_ACCOUNTS;

/** An account of users-service, signed in. */
export interface SignedInAccount {
  id: string;
  email: string;
  name: string;
  password: string;
  /** Its access token, signed by users-service. */
  token: string;
}

/** What signing in needs of a users-service gRPC client (the generated `UsersServiceClient` is one). */
interface Authenticator {
  authenticate(request: {
    email: string;
    password: string;
  }): Observable<{ accessToken: string; user?: { id: string; name: string } | undefined }>;
}

/** Signs an account in over gRPC `Authenticate`, as an edge does. */
export async function signIn(users: Authenticator, email: string, password: string): Promise<SignedInAccount> {
  const { accessToken, user } = await call(users.authenticate({ email, password }));
  if (!user) throw new Error(`users-service signed ${email} in without saying who that is`);
  return { id: user.id, email, name: user.name, password, token: accessToken };
}

/** Signs in every demo account at once. */
export async function signInDemoAccounts(users: Authenticator): Promise<Record<DemoAccount, SignedInAccount>> {
  const entries = await Promise.all(
    Object.entries(DEMO_ACCOUNTS).map(async ([name, { email, password }]) => [name, await signIn(users, email, password)] as const),
  );
  return Object.fromEntries(entries) as Record<DemoAccount, SignedInAccount>;
}
