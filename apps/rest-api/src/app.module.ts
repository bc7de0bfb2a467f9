import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { AccessTokens, HealthHttpController, LOGGER, READINESS_CHECK } from '@triad/platform';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import { GrpcHealthProbe } from './health/grpc-health.probe.js';
import { ProblemDetailsFilter } from './problems/problem-details.filter.js';
import { requestValidationPipe } from './problems/request-validation.pipe.js';
import type { RestApiConfig } from './rest-api.config.js';
import { UsersClientModule } from './users/users-client.module.js';
import { UsersModule } from './users/users.module.js';

export interface RestApiDependencies {
  config: RestApiConfig;
  logger: Logger;
}

/** rest-api: the public `/v1` resources over the gRPC services, with problem+json errors and health over HTTP. */
@Module({})
export class AppModule {
  static register({ config, logger }: RestApiDependencies): DynamicModule {
    const usersHealth = new GrpcHealthProbe(config.USERS_SERVICE_ADDR, `${TRIAD_USERS_V1_PACKAGE_NAME}.${USERS_SERVICE_NAME}`, config.GRPC_DEADLINE_MS);
    return {
      module: AppModule,
      global: true,
      imports: [
        UsersClientModule.register({ address: config.USERS_SERVICE_ADDR, deadlineMs: config.GRPC_DEADLINE_MS }),
        AuthModule,
        UsersModule,
      ],
      controllers: [HealthHttpController],
      providers: [
        { provide: AccessTokens, useValue: new AccessTokens(config) },
        { provide: LOGGER, useValue: logger },
        // Ready when users-service says it is serving: without it no `/v1` route can answer.
        { provide: GrpcHealthProbe, useValue: usersHealth },
        { provide: READINESS_CHECK, useValue: () => usersHealth.check() },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: requestValidationPipe() },
      ],
      exports: [AccessTokens, LOGGER],
    };
  }
}
