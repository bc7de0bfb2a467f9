/** The accounts `npm start` seeds (see the repository README), for logging in with one click. */
export const DEMO_USERS = [
  { name: 'Admin', email: 'admin@triad.dev', password: 'admin-password' },
  { name: 'Alice', email: 'alice@triad.dev', password: 'alice-password' },
  { name: 'Bob', email: 'bob@triad.dev', password: 'bob-password' },
] as const;
