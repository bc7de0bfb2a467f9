import { AttemptThrottle, DomainError } from '@triad/platform';

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
 * does not either); an account that signs in is forgiven its failures, an address is not.
 */
export class SignInThrottle {
  private readonly accounts: AttemptThrottle;
  private readonly clients: AttemptThrottle;
  private readonly signUps: AttemptThrottle;

  constructor(settings: SignInThrottleSettings, now: () => number = Date.now) {
    const waits = { firstWaitMs: 30_000, maxWaitMs: QUARTER_HOUR_MS };
    this.accounts = new AttemptThrottle({ maxAttempts: settings.SIGN_IN_FAILURES_PER_ACCOUNT, windowMs: QUARTER_HOUR_MS, ...waits }, now);
    this.clients = new AttemptThrottle({ maxAttempts: settings.SIGN_IN_FAILURES_PER_CLIENT, windowMs: QUARTER_HOUR_MS, ...waits }, now);
    this.signUps = new AttemptThrottle({ maxAttempts: settings.SIGN_UPS_PER_CLIENT, windowMs: HOUR_MS, ...waits }, now);
  }

  /**
   * Refuses a sign-in the account or the client must still wait for (RESOURCE_EXHAUSTED with Retry-After), and
   * otherwise counts it as failed until `signedIn` says it was not: a burst of guesses sent at once is counted
   * before any of them is checked.
   */
  beginSignIn(email: string, client: string): void {
    const wait = Math.max(this.accounts.waitSeconds(email), this.clients.waitSeconds(client));
    if (wait > 0) {
      throw DomainError.tooManyRequests('AUTH.TOO_MANY_SIGN_IN_ATTEMPTS', `Too many failed sign-ins: try again in ${wait} seconds.`, wait);
    }
    this.accounts.record(email);
    this.clients.record(client);
  }

  /** The sign-in `beginSignIn` counted succeeded: the account is forgiven its failures, the client this one. */
  signedIn(email: string, client: string): void {
    this.accounts.reset(email);
    this.clients.refund(client);
  }

  /** Counts a sign-up of `client`, refusing it once the client created too many accounts this hour. */
  assertMaySignUp(client: string): void {
    const wait = this.signUps.waitSeconds(client);
    if (wait > 0) {
      throw DomainError.tooManyRequests(
        'AUTH.TOO_MANY_SIGN_UPS',
        `Too many new accounts from this client: try again in ${wait} seconds.`,
        wait,
      );
    }
    this.signUps.record(client);
  }
}
