import 'reflect-metadata';
import { runMain } from '@triad/platform';
import { loadUsersConfig } from './users.config.js';
import { startUsersService } from './users-service.js';

runMain('users-service', () => startUsersService(loadUsersConfig()));
