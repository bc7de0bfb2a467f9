import { AccessTokens, ClientAddresses, defineService, isUuid, publicJwks, serviceAudience, UserTokenSigner } from '@triad/platform';
import { AccessTokenIssuer } from './auth/access-token-issuer.service.js';
import { createAuthorizationServer, mountAuthorizationServer } from './auth/authorization-server.js';
import { ExpiredSignInRecordsSweeper } from './auth/expired-sign-in-records.service.js';
import { oauthRecordsAdapter } from './auth/oauth-records.repository.js';
import { mountSignInPages } from './auth/sign-in-pages.js';
import { loadSigningKeys } from './auth/signing-keys.loader.js';
import { MIGRATIONS_FOLDER, USERS_DATABASE, type UsersDatabase } from './db/database.js';
import { schema } from './db/schema.js';
import { OAuthClientsModule } from './oauth-clients/oauth-clients.module.js';
import { OAuthClientsRepository } from './oauth-clients/oauth-clients.repository.js';
import { usersSettings, usersSettingsRequiredInProduction } from './users.config.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { seedDemoUsers } from './users/demo-users.seed.js';
import { SignInThrottle } from './users/sign-in-throttle.service.js';
import { createUsersLoader } from './users/users.loader.js';
import { UsersModule } from './users/users.module.js';
import type { UsersGraphQLContext } from './users/users.resolver.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

/**
 * users-service: accounts and sign-in over gRPC, the `User` entity over GraphQL, and the system's
 * authorization server: it alone holds the signing keys, serves the OAuth endpoints under /oidc and publishes
 * the JWKS. The shell (libs/platform's `defineService`) does the rest; main.ts and the integration tests start
 * it the same way.
 */
export const usersService = defineService({
  name: 'users-service',
  database: { schema, migrationsFolder: MIGRATIONS_FOLDER, token: USERS_DATABASE },
  config: usersSettings,
  requiredInProduction: usersSettingsRequiredInProduction,
  parts: async ({ config, logger, database, valkey }) => {
    const keys = await loadSigningKeys(config, logger);
    const db = database.db as UsersDatabase;
    const users = new UsersRepository(db);
    const oauthClients = new OAuthClientsRepository(db);
    // The account behind a token or a sign-in session; a subject that is no user id names no account.
    const findUser = (id: string) => (isUuid(id) ? users.findById(id) : Promise.resolve(undefined));
    // It verifies its own tokens with the keys it holds, not by fetching its own JWKS.
    const tokens = AccessTokens.withKeys(publicJwks(keys), config.AUTH_ISSUER);
    const authorizationServer = createAuthorizationServer({
      issuer: config.AUTH_ISSUER,
      keys,
      clientSecrets: {
        'orders-service': config.ORDERS_SERVICE_CLIENT_SECRET,
        'rest-api': config.REST_API_CLIENT_SECRET,
        'graphql-gateway': config.GRAPHQL_GATEWAY_CLIENT_SECRET,
      },
      adapter: oauthRecordsAdapter(db),
      findUser,
      findUserClient: (clientId) => oauthClients.findLive(clientId),
      logger,
    });
    const issuer = new AccessTokenIssuer(await UserTokenSigner.create(keys, config.AUTH_ISSUER), config.JWT_TTL_SECONDS);
    return {
      imports: [UsersModule, SessionsModule, OAuthClientsModule],
      tokens,
      providers: [
        { provide: AccessTokenIssuer, useValue: issuer },
        // Which client a call serves, for the sign-in throttle, which every replica keeps in Valkey when it has one.
        { provide: ClientAddresses, useValue: new ClientAddresses(tokens, serviceAudience('users-service')) },
        { provide: SignInThrottle, useValue: new SignInThrottle(config, { valkey }) },
        { provide: ExpiredSignInRecordsSweeper, useValue: new ExpiredSignInRecordsSweeper(db, logger) },
      ],
      graphql: {
        inject: [UsersService],
        extend:
          (users: UsersService) =>
          (base): UsersGraphQLContext => ({ ...base, usersById: createUsersLoader(users, base) }),
      },
      beforeListen: async (app) => {
        mountAuthorizationServer(app, authorizationServer, keys);
        const usersService = app.get(UsersService);
        await mountSignInPages(app, {
          provider: authorizationServer,
          checkPassword: (email, password) => usersService.checkPassword(email, password),
          findUser,
          logger,
        });
      },
      seed: (app) => seedDemoUsers(app.get(UsersRepository), app.get(UsersService), logger),
    };
  },
});
