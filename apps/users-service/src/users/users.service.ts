import { Injectable } from '@nestjs/common';
import {
  canActFor,
  ClientAddresses,
  decodePageToken,
  DomainError,
  encodePageToken,
  lazyCounter,
  parseInput,
  requireAdmin,
  requireCaller,
  requireUserThemselves,
  requireUuid,
  resolvePageSize,
  uuidv7,
  type Caller,
} from '@triad/platform';
import { AccessTokenIssuer, DELEGATED_TOKEN_TTL_SECONDS } from '../auth/access-token-issuer.service.js';
import type { UserRow } from '../db/schema.js';
import { PasswordHasher } from './password-hasher.service.js';
import { PasswordPolicy } from './password-policy.service.js';
import { SignInThrottle } from './sign-in-throttle.service.js';
import { credentialsInput, newUserInput, requireUserId } from './user-input.schema.js';
import { UsersErrors } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

export type Role = 'customer' | 'admin';

/** A user as a particular caller may see it: `email` only for that user or an admin. */
export interface UserView {
  id: string;
  email?: string;
  name: string;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessGrant {
  accessToken: string;
  expiresAt: Date;
  user: UserView;
}

export interface NewUserRequest {
  email: string;
  name: string;
  password: string;
  role?: Role;
}

const USERS_LIST = 'users';
const INVALID_INPUT = 'USERS.INVALID_INPUT';

const signInsFailed = lazyCounter('users', 'triad.sign_ins.failed', 'Sign-ins refused for a wrong email or password.');
const signInsThrottled = lazyCounter('users', 'triad.sign_ins.throttled', 'Sign-ins refused unchecked: too many recent failures.');

/** The use cases of users-service. Every transport (gRPC, GraphQL) calls these and translates the result. */
@Injectable()
export class UsersService {
  /** Verified against when an email is unknown, so a login takes as long whether or not the account exists. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly repository: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenIssuer,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly throttle: SignInThrottle,
    private readonly clientAddresses: ClientAddresses,
  ) {
    // At 0 from the start, for dashboards and rate().
    signInsFailed();
    signInsThrottled();
  }

  async createUser(request: NewUserRequest, caller: Caller | undefined): Promise<UserView> {
    const input = parseInput(newUserInput, { ...request, role: request.role ?? 'customer' }, INVALID_INPUT);
    if (input.role === 'admin') requireUserThemselves(requireAdmin(caller, 'create an admin account'), 'create an admin account');
    // Anyone may create an account, and each costs a strength check and a password hash: a client may try
    // only so many an hour, signed in or not; admins creating accounts are not held to it.
    if (caller?.role !== 'admin' || caller.scopes !== undefined)
      await this.throttle.assertMaySignUp(await this.clientAddresses.ofCurrentCall());
    const weak = this.passwordPolicy.violation(input.password, input);
    if (weak) throw DomainError.invalidArgument(INVALID_INPUT, [weak]);
    const now = new Date();
    const created = await this.repository.insert({
      id: uuidv7(now.getTime()),
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: await this.hasher.hash(input.password),
      createdAt: now,
      updatedAt: now,
    });
    if (!created) throw UsersErrors.emailTaken(input.email);
    return toView(created, caller ?? { userId: created.id, role: created.role });
  }

  /** Creates a customer account and signs it in, for a sign-up form. */
  async signUp(request: Omit<NewUserRequest, 'role'>): Promise<AccessGrant> {
    const user = await this.createUser(request, undefined);
    return this.grant(user);
  }

  async getUser(id: string, caller: Caller | undefined): Promise<UserView> {
    const viewer = requireCaller(caller);
    const row = await this.repository.findById(requireUserId(id));
    if (!row) throw UsersErrors.notFound(id);
    return toView(row, viewer);
  }

  /** The users that exist among `ids`, in request order; unknown ids are left out. */
  async batchGetUsers(ids: readonly string[], caller: Caller | undefined): Promise<UserView[]> {
    const viewer = requireCaller(caller);
    const wanted = ids.map((id, index) => requireUserId(id, `ids[${index}]`));
    const byId = new Map((await this.repository.findByIds([...new Set(wanted)])).map((row) => [row.id, row]));
    return wanted.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toView(row, viewer)] : [];
    });
  }

  async listUsers(
    page: { pageSize?: number; pageToken?: string },
    caller: Caller | undefined,
  ): Promise<{ users: UserView[]; nextPageToken: string }> {
    const viewer = requireUserThemselves(requireAdmin(caller, 'list users'), 'list users');
    const limit = resolvePageSize(page.pageSize);
    const cursor = decodePageToken(USERS_LIST, page.pageToken)?.['after'];
    const after = cursor === undefined ? undefined : requireUuid(cursor, 'page_token', INVALID_INPUT, 'a token this list returned');
    const { rows, hasMore } = await this.repository.listAfter(after, limit);
    const last = rows.at(-1);
    return {
      users: rows.map((row) => toView(row, viewer)),
      nextPageToken: hasMore && last ? encodePageToken(USERS_LIST, { after: last.id }) : '',
    };
  }

  /** Signs in with a password and issues the user's access token (see `checkPassword`). */
  async authenticate(email: string, password: string): Promise<AccessGrant> {
    const user = await this.checkPassword(email, password);
    return this.grant(toView(user, { userId: user.id, role: user.role }));
  }

  /**
   * The account whose email and password these are, or INVALID_CREDENTIALS: the one check of a password, for
   * a sign-in over gRPC or GraphQL and for the authorization server's sign-in page alike. Whether the email
   * has an account or not, the answer, its timing and the throttling are the same, so neither tells an
   * attacker which emails exist.
   */
  async checkPassword(email: string, password: string): Promise<UserRow> {
    const credentials = parseInput(credentialsInput, { email, password }, INVALID_INPUT);
    const client = await this.clientAddresses.ofCurrentCall();
    // Counted before the password is checked, so guesses sent at once cannot all pass the limit together.
    try {
      await this.throttle.beginSignIn(credentials.email, client);
    } catch (error) {
      signInsThrottled().add(1);
      throw error;
    }
    const row = await this.repository.findByEmail(credentials.email);
    const matches = await this.hasher.verify(credentials.password, row?.passwordHash ?? (await this.decoy()));
    if (!row || !matches) {
      signInsFailed().add(1);
      throw UsersErrors.invalidCredentials();
    }
    await this.throttle.signedIn(credentials.email, client);
    return row;
  }

  /**
   * A short-lived token for a user whose credential a service checked (the REST edge, for an API key's owner),
   * with the role the credential was issued for or the user's current one, whichever is lower: a key made by
   * an admin who is no longer one acts as a customer. Only services granted `users:delegate` reach this.
   */
  async createDelegatedToken(userId: string, role: Role): Promise<{ accessToken: string; expiresAt: Date }> {
    const row = await this.repository.findById(requireUserId(userId, 'user_id'));
    if (!row) throw UsersErrors.notFound(userId);
    const granted: Role = role === 'admin' && row.role === 'admin' ? 'admin' : 'customer';
    const { token, expiresAt } = await this.tokens.issue({ userId: row.id, role: granted }, DELEGATED_TOKEN_TTL_SECONDS);
    return { accessToken: token, expiresAt };
  }

  private async grant(user: UserView): Promise<AccessGrant> {
    const { token, expiresAt } = await this.tokens.issue({ userId: user.id, role: user.role });
    return { accessToken: token, expiresAt, user };
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.hasher.hash('decoy password that matches no account');
    return this.decoyHash;
  }
}

export function toView(row: UserRow, viewer: Caller): UserView {
  return {
    id: row.id,
    ...(canActFor(viewer, row.id) ? { email: row.email } : {}),
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
