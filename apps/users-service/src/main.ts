import 'reflect-metadata';
import { runService } from '@triad/platform';
import { usersService } from './users-service.js';

runService(usersService);
