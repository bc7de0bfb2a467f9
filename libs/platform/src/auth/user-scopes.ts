import { DomainError } from '../errors/domain-error.js';
import type { Caller } from './access-tokens.js';

/**
 * What a client acting for a user (an OAuth 2.0 client: a script, a command-line tool, a third-party app) may
 * do with Triad's APIs, each scope named for what it allows. The user's own sessions and API keys are not
 * limited by scopes; their tokens carry none.
 */
export const USER_SCOPES = {
  ordersRead: 'orders:read',
  ordersWrite: 'orders:write',
  catalogWrite: 'catalog:write',
} as const;

type UserScope = (typeof USER_SCOPES)[keyof typeof USER_SCOPES];

/** What each scope lets a client do, as a consent page tells the user; in the order it lists them. */
export const USER_SCOPE_DESCRIPTIONS: Readonly<Record<UserScope, string>> = {
  'orders:read': 'see your orders and follow their status',
  'orders:write': 'place and cancel orders for you',
  'catalog:write': 'change the catalog (admins only)',
};

const API_SCOPES = Object.keys(USER_SCOPE_DESCRIPTIONS) as UserScope[];

/** The API scopes a user of `role` can grant a client: what the user may do themselves. */
export function grantableApiScopes(role: Caller['role']): UserScope[] {
  return API_SCOPES.filter((scope) => scope !== USER_SCOPES.catalogWrite || role === 'admin');
}

/**
 * Raises PERMISSION_DENIED when the caller is a client whose token lacks `scope`; `action` completes "This
 * token does not allow …". A caller without scopes is the user themselves (a session, an API key): what they
 * may do is decided by their role and ownership, as before.
 */
export function requireScope(caller: Caller, scope: UserScope, action: string): Caller {
  if (caller.scopes !== undefined && !caller.scopes.includes(scope)) {
    throw new DomainError('PERMISSION_DENIED', 'AUTH.SCOPE_MISSING', `This token does not allow ${action}: it lacks the scope ${scope}.`);
  }
  return caller;
}

/**
 * Raises PERMISSION_DENIED for a client acting for the user: managing the user's credentials (API keys, OAuth
 * clients) and other users is for the user themselves, so a token given to a script cannot make itself more.
 */
export function requireUserThemselves(caller: Caller, action: string): Caller {
  if (caller.scopes !== undefined) {
    throw new DomainError('PERMISSION_DENIED', 'AUTH.USER_ONLY', `Only the user themselves can ${action}, not a client acting for them.`);
  }
  return caller;
}
