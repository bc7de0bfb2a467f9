import { attemptThrottle, DomainError, type AttemptThrottle, type Valkey } from '@triad/platform';

export interface SignInThrottleSettings {
  /** Failed sign-ins an account may have in 15 minutes before each further try must wait; 0 turns it off. */
  SIGN_IN_FAILURES_PER_ACCOUNT: number;
  /** Failed sign-ins one client address may have in 15 minutes, over every account it tries. */
  SIGN_IN_FAILURES_PER_CLIENT: number;
  /** Accounts one client address may create in an hour. */
  SIGN_UPS_PER_CLIENT: number;
}

const QUARTER_HOUR_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;

/**
 * Slows down password guessing wherever it comes from. users-service is the only process that checks a
 * password, so every way in (REST `/v1/auth/token`, GraphQL `login` and `signUp`, gRPC `Authenticate`) passes
 * here, whatever token, header or edge the caller uses. Attempts count per account (so spreading a guess over
 * many addresses does not help) and per client address as the edge saw it (so spreading over many accounts
 * does not either); an account that signs in is forgiven its failures, an address is not. With Valkey
 * (VALKEY_URL) every replica of users-service counts together; without it, each counts in its own memory.
 */
export class SignInThrottle {
  private readonly accounts: AttemptThrottle;
  private readonly clients: AttemptThrottle;
  private readonly signUps: AttemptThrottle;

  constructor(settings: SignInThrottleSettings, store: { valkey?: Valkey | undefined; now?: () => number } = {}) {
    const waits = { firstWaitMs: 30_000, maxWaitMs: QUARTER_HOUR_MS };
    const throttle = (name: string, maxAttempts: number, windowMs: number) =>
      attemptThrottle(`users-service:${name}`, { maxAttempts, windowMs, ...waits }, store);
    this.accounts = throttle('sign-in:account', settings.SIGN_IN_FAILURES_PER_ACCOUNT, QUARTER_HOUR_MS);
    this.clients = throttle('sign-in:client', settings.SIGN_IN_FAILURES_PER_CLIENT, QUARTER_HOUR_MS);
    this.signUps = throttle('sign-up:client', settings.SIGN_UPS_PER_CLIENT, HOUR_MS);
  }

  /**
   * Refuses a sign-in the account or the client must still wait for (RESOURCE_EXHAUSTED with Retry-After), and
   * otherwise counts it as failed until `signedIn` says it was not: a burst of guesses sent at once is counted
   * before any of them is checked.
   */
  async beginSignIn(email: string, client: string): Promise<void> {
    const [account, address] = await Promise.all([this.accounts.attempt(email), this.clients.attempt(client)]).catch(storeUnavailable);
    const wait = Math.max(account, address);
    if (wait > 0) {
      // Refused: the count that one of the two took goes back, as it would never have been made.
      await Promise.all([account === 0 ? this.accounts.refund(email) : undefined, address === 0 ? this.clients.refund(client) : undefined]);
      throw DomainError.tooManyRequests('AUTH.TOO_MANY_SIGN_IN_ATTEMPTS', `Too many failed sign-ins: try again in ${wait} seconds.`, wait);
    }
  }

  /** The sign-in `beginSignIn` counted succeeded: the account is forgiven its failures, the client this one. */
  async signedIn(email: string, client: string): Promise<void> {
    // The password was right: a lost count to forgive must not turn the sign-in down.
    await Promise.all([this.accounts.reset(email), this.clients.refund(client)]).catch(() => undefined);
  }

  /** Counts a sign-up of `client`, refusing it once the client created too many accounts this hour. */
  async assertMaySignUp(client: string): Promise<void> {
    const wait = await this.signUps.attempt(client).catch(storeUnavailable);
    if (wait > 0) {
      throw DomainError.tooManyRequests(
        'AUTH.TOO_MANY_SIGN_UPS',
        `Too many new accounts from this client: try again in ${wait} seconds.`,
        wait,
      );
    }
  }
}

/**
 * Where the counts are shared (Valkey) and cannot be read, no attempt is let through uncounted: sign-ins and
 * sign-ups wait, as a 503 the client may retry, rather than letting password guesses go unlimited.
 */
function storeUnavailable(): never {
  throw new DomainError('UNAVAILABLE', 'AUTH.SIGN_IN_UNAVAILABLE', 'Signing in is unavailable for a moment; try again shortly.');
}
