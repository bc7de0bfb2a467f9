import 'reflect-metadata';
import { createLogger, runMain } from '@triad/platform';
import { loadRestApiConfig } from './rest-api.config.js';
import { startRestApi } from './rest-api.js';

runMain('rest-api', async () => {
  const config = loadRestApiConfig();
  return startRestApi(config, createLogger('rest-api', config.LOG_LEVEL));
});
