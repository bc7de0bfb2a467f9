import 'reflect-metadata';
import { runService } from '@triad/platform';
import { ordersService } from './orders-service.js';

runService(ordersService);
