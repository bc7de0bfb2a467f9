import 'reflect-metadata';
import { runMain } from '@triad/platform';
import { loadGatewayConfig } from './gateway.config.js';
import { startGateway } from './start-gateway.js';

// async, so that a configuration error becomes a rejection that runMain prints as one line.
runMain('graphql-gateway', async () => startGateway(loadGatewayConfig()));
