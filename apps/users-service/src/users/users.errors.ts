import { DomainError } from '@triad/platform';

/** The errors users-service raises on purpose; each code is stable and documented for clients. */
export const UsersErrors = {
  emailTaken: (email: string) =>
    new DomainError('ALREADY_EXISTS', 'USERS.EMAIL_TAKEN', `An account with the email ${email} already exists: sign in instead.`),
  notFound: (id: string) => DomainError.notFound('USERS.NOT_FOUND', `No user has the id ${id}.`),
  invalidCredentials: () => new DomainError('UNAUTHENTICATED', 'USERS.INVALID_CREDENTIALS', 'The email or password is not correct.'),
};
