import type { Logger } from 'pino';
import type { UsersService } from './users.service.js';
import type { UsersRepository } from './users.repository.js';

/** Demo accounts created on an empty database; the README lists them. Never used when SEED_DEMO_DATA=false. */
export const DEMO_USERS = [
  { email: 'admin@triad.dev', name: 'Ada Admin', password: 'admin-password', role: 'admin' },
  { email: 'alice@triad.dev', name: 'Alice Customer', password: 'alice-password', role: 'customer' },
  { email: 'bob@triad.dev', name: 'Bob Customer', password: 'bob-password', role: 'customer' },
  { email: 'carol@triad.dev', name: 'Carol Customer', password: 'carol-password', role: 'customer' },
] as const;

/** Seeds the demo accounts through the same use case a client would call, so they obey every rule. */
export async function seedDemoUsers(repository: UsersRepository, users: UsersService, logger: Logger): Promise<void> {
  if (!(await repository.isEmpty())) return;
  const seeder = { userId: 'seed', role: 'admin' } as const;
  for (const user of DEMO_USERS) await users.createUser(user, seeder);
  logger.info({ accounts: DEMO_USERS.map((user) => user.email) }, 'seeded demo users');
}
