import { Module, type DynamicModule } from '@nestjs/common';
import { GrpcClientModule, LOGGER, type ServiceCredentials } from '@triad/platform';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../gateway.config.js';
import { BrowserSessions } from './browser-sessions.service.js';
import { SessionHttpController } from './session.http-controller.js';

export interface SessionsDependencies {
  config: GatewayConfig;
  /** The gateway's own identity: only it may call users-service's SessionsService. */
  credentials: ServiceCredentials;
  logger: Logger;
}

/** The web app's sessions: sign-in and sign-out at /session, and the session behind each request's cookie. */
@Module({})
export class SessionsModule {
  static register({ config, credentials, logger }: SessionsDependencies): DynamicModule {
    return {
      module: SessionsModule,
      imports: [
        GrpcClientModule.register('users-service', {
          caller: 'graphql-gateway',
          address: config.USERS_SERVICE_ADDR,
          deadlineMs: config.SUBGRAPH_TIMEOUT_MS,
          credentials,
          loadBalancing: config.GRPC_LB_POLICY,
        }),
      ],
      controllers: [SessionHttpController],
      providers: [BrowserSessions, { provide: LOGGER, useValue: logger }],
      exports: [BrowserSessions],
    };
  }
}
