import { DomainError } from '@triad/platform';

/** The errors the OAuth clients feature raises on purpose; each code is stable and documented for clients. */
export const OAuthClientsErrors = {
  notFound: (id: string) => DomainError.notFound('OAUTH_CLIENTS.NOT_FOUND', `You have no OAuth client with the id ${id}.`),
  limitReached: (limit: number) =>
    new DomainError(
      'FAILED_PRECONDITION',
      'OAUTH_CLIENTS.LIMIT_REACHED',
      `You already have ${limit} OAuth clients, the most one user may hold: revoke one you no longer use first.`,
    ),
};
