import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import {
  AccessTokens,
  databaseProviders,
  graphQLContextFactory,
  GraphQLDomainErrorFilter,
  HealthHttpController,
  LOGGER,
  subgraphOptions,
  type DatabaseHandle,
} from '@triad/platform';
import type { Logger } from 'pino';
import { USERS_DATABASE } from './db/database.js';
import type { schema } from './db/schema.js';
import type { UsersConfig } from './users.config.js';
import type { UsersGraphQLContext } from './users/users.resolver.js';
import { createUsersLoader } from './users/users.loader.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';

export interface UsersServiceDependencies {
  config: UsersConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
}

/** users-service: accounts and sign-in over gRPC, the `User` entity over GraphQL, health over HTTP. */
@Module({})
export class AppModule {
  static register({ config, database, logger }: UsersServiceDependencies): DynamicModule {
    const tokens = new AccessTokens(config);
    return {
      module: AppModule,
      global: true,
      imports: [
        UsersModule,
        GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
          driver: ApolloFederationDriver,
          imports: [UsersModule],
          inject: [UsersService],
          useFactory: (users: UsersService) => {
            const baseContext = graphQLContextFactory(tokens);
            return subgraphOptions(logger, (request): UsersGraphQLContext => {
              const context = baseContext(request);
              return { ...context, usersById: createUsersLoader(users, context) };
            });
          },
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        ...databaseProviders(USERS_DATABASE, database),
        { provide: AccessTokens, useValue: tokens },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: GraphQLDomainErrorFilter },
      ],
      exports: [USERS_DATABASE, AccessTokens, LOGGER],
    };
  }
}
