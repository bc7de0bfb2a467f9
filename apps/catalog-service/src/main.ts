import 'reflect-metadata';
import { runMain } from '@triad/platform';
import { loadCatalogConfig } from './catalog.config.js';
import { startCatalogService } from './catalog-service.js';

runMain('catalog-service', () => startCatalogService(loadCatalogConfig()));
