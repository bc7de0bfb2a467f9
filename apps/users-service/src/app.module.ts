import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import {
  AccessTokens,
  ClientAddresses,
  databaseProviders,
  SERVICE_AUDIENCE,
  serviceAudience,
  UserTokenSigner,
  type PrivateSigningJwk,
  graphQLContextFactory,
  GraphQLDomainErrorFilter,
  HealthHttpController,
  LOGGER,
  subgraphOptions,
  type DatabaseHandle,
} from '@triad/platform';
import type { Logger } from 'pino';
import { AccessTokenIssuer } from './auth/access-token-issuer.service.js';
import { USERS_DATABASE } from './db/database.js';
import type { schema } from './db/schema.js';
import type { UsersConfig } from './users.config.js';
import type { UsersGraphQLContext } from './users/users.resolver.js';
import { createUsersLoader } from './users/users.loader.js';
import { UsersModule } from './users/users.module.js';
import { SignInThrottle } from './users/sign-in-throttle.service.js';
import { UsersService } from './users/users.service.js';

export interface UsersServiceDependencies {
  config: UsersConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
  /** The private signing keys, first one signing (see `loadSigningKeys`). */
  keys: readonly PrivateSigningJwk[];
  /** Verifies its own tokens: those users sign in with, and those the edges prove themselves with. */
  tokens: AccessTokens;
  /** Which client a call serves, for the sign-in throttle. */
  clientAddresses: ClientAddresses;
}

/** users-service: accounts and sign-in over gRPC, the `User` entity over GraphQL, health over HTTP. */
@Module({})
export class AppModule {
  static async register({ config, database, logger, keys, tokens, clientAddresses }: UsersServiceDependencies): Promise<DynamicModule> {
    const issuer = new AccessTokenIssuer(await UserTokenSigner.create(keys, config.AUTH_ISSUER), config.JWT_TTL_SECONDS);
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
        { provide: AccessTokenIssuer, useValue: issuer },
        { provide: ClientAddresses, useValue: clientAddresses },
        { provide: SERVICE_AUDIENCE, useValue: serviceAudience('users-service') },
        { provide: SignInThrottle, useValue: new SignInThrottle(config) },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: GraphQLDomainErrorFilter },
      ],
      exports: [USERS_DATABASE, AccessTokens, AccessTokenIssuer, ClientAddresses, SERVICE_AUDIENCE, SignInThrottle, LOGGER],
    };
  }
}
