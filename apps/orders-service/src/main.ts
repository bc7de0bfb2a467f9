import 'reflect-metadata';
import { runMain } from '@triad/platform';
import { loadOrdersConfig } from './orders.config.js';
import { startOrdersService } from './orders-service.js';

runMain('orders-service', () => startOrdersService(loadOrdersConfig()));
