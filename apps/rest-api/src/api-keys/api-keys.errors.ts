import { DomainError } from '@triad/platform';

/** The errors the API keys feature raises on purpose; each code is stable and documented for clients. */
export const ApiKeysErrors = {
  notFound: (id: string) => DomainError.notFound('API_KEYS.NOT_FOUND', `No API key you can see has the id ${id}.`),
  unknownKey: () =>
    new DomainError(
      'UNAUTHENTICATED',
      'AUTH.INVALID_API_KEY',
      'The API key in X-API-Key is not valid: check that it was copied whole, or create a new one.',
    ),
  revokedKey: () =>
    new DomainError('UNAUTHENTICATED', 'AUTH.API_KEY_REVOKED', 'The API key in X-API-Key has been revoked: create a new one.'),
  twoCredentials: () =>
    new DomainError(
      'INVALID_ARGUMENT',
      'AUTH.TWO_CREDENTIALS',
      'The request carries both an access token (Authorization) and an API key (X-API-Key): send one of them.',
    ),
};
