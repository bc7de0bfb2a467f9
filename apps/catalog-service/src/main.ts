import 'reflect-metadata';
import { runService } from '@triad/platform';
import { catalogService } from './catalog-service.js';

runService(catalogService);
