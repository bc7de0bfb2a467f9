import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AccessTokens, accessTokenConfig, serviceAudience } from '../auth/access-tokens.js';
import { ServiceCredentials, serviceCredentialsConfig } from '../auth/service-credentials.js';
import { SERVICE_AUDIENCE } from '../auth/service-only.guard.js';
import type { ServiceClientId } from '../auth/service-grants.js';
import { env, loadConfig, requireInProduction } from '../config/config.js';
import { databaseProviders } from '../database/database.providers.js';
import { openDatabase, type DatabaseHandle } from '../database/database.js';
import { graphQLContextFactory, type GraphQLContext } from '../graphql/graphql-context.js';
import { GraphQLDomainErrorFilter } from '../graphql/graphql-domain-error.filter.js';
import { subgraphOptions } from '../graphql/subgraph-options.js';
import { grpcClientConfig, type LoadBalancing } from '../grpc/grpc-client.js';
import { GrpcClientModule } from '../grpc/grpc-client.module.js';
import { GrpcServerControl } from '../grpc/grpc-server.js';
import { HealthHttpController } from '../http/health.http-controller.js';
import { startService, type RunningService } from '../lifecycle/service-runner.js';
import { createLogger, LOGGER } from '../logging/logger.js';
import { connectValkey, valkeyProviders, valkeyUrlSetting, type Valkey } from '../shared-state/valkey.js';
import { defaultGrpcAddress, processEntry, SYSTEM, serviceCalls, serviceSettingNames, type ServiceName } from '../system/registry.js';

/** What every service reads from the environment, whatever the service; see `shellConfigShape`. */
export interface ShellConfig {
  NODE_ENV: 'development' | 'test' | 'production';
  HOST: string;
  /** Its gRPC and HTTP ports, read from `<SCOPE>_GRPC_PORT` and `<SCOPE>_HTTP_PORT` (0: any free port). */
  GRPC_PORT: number;
  HTTP_PORT: number;
  /** PostgreSQL, or unset for embedded PGlite in DATA_DIR. */
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  /** Fills an empty database with demo data, for services that have any. */
  SEED_DEMO_DATA: boolean;
  LOG_LEVEL: string;
  AUTH_ISSUER: string;
  AUTH_SERVER_URL: string;
  /** The deadline of every unary call it makes to the services it calls. */
  GRPC_DEADLINE_MS: number;
  /** How its gRPC clients spread calls over a service's replicas (`GRPC_LB_POLICY`). */
  GRPC_LB_POLICY: LoadBalancing;
  /** How long a client's connection to its gRPC server lasts before the client is asked to reconnect (and re-resolve). */
  GRPC_MAX_CONNECTION_AGE_MS: number;
  /** Its OAuth client secret, for the service-only RPCs it calls (required in production when it calls any). */
  SERVICE_CLIENT_SECRET?: string | undefined;
  /** Where each service it calls listens, read from `<SCOPE>_SERVICE_ADDR`. */
  UPSTREAMS: Readonly<Partial<Record<ServiceName, string>>>;
  /** Valkey, for a service whose replicas share state (the registry's `sharedState`); unset: in memory. */
  VALKEY_URL?: string | undefined;
}

/** What a service is started with: the shell's settings and its own. */
export interface ServiceContext<Config, TSchema extends Record<string, unknown>> {
  config: Config;
  logger: Logger;
  database: DatabaseHandle<TSchema>;
  /** Where its replicas share state, for a service the registry marks `sharedState` and given a VALKEY_URL. */
  valkey?: Valkey | undefined;
}

/** What a service adds to the shell: its own modules, and what its subgraph's requests carry. */
export interface ServiceParts {
  /** Its feature modules (controllers, resolvers, services, repositories). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Providers every feature module may inject, beside the shell's (LOGGER, AccessTokens, the database…). */
  providers?: Provider[];
  /** Verifies callers' tokens; by default with users-service's published keys (AUTH_SERVER_URL). */
  tokens?: AccessTokens;
  /**
   * The subgraph's per-request context: the shell's (`requestId`, `caller()`) plus what `extend` adds, usually
   * DataLoaders made from the providers named in `inject`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest injects by token, untyped
  graphql: { inject: InjectionToken[]; extend: (...injected: any[]) => (base: GraphQLContext) => object };
  /** Runs once Nest is initialised, before the ports open: extra HTTP handlers. */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
  /** Fills an empty database with demo data when SEED_DEMO_DATA is on. */
  seed?: (app: NestFastifyApplication) => Promise<void>;
}

/** A service's declaration: its name in the registry and what is its own. */
export interface ServiceDeclaration<Shape extends z.ZodRawShape, TSchema extends Record<string, unknown>> {
  name: ServiceName;
  /** Its database: the drizzle schema, the migrations drizzle-kit wrote, and the Nest token of the handle. */
  database: { schema: TSchema; migrationsFolder: string; token: symbol };
  /** Its own settings, beside the shell's; keys are the variable names. */
  config?: Shape;
  /** Settings of its own that production must set. */
  requiredInProduction?: readonly (keyof z.infer<z.ZodObject<Shape>> & string)[];
  /** Builds its parts once its config, logger and database are ready. */
  parts(context: ServiceContext<ServiceConfig<Shape>, TSchema>): ServiceParts | Promise<ServiceParts>;
}

export type ServiceConfig<Shape extends z.ZodRawShape> = ShellConfig & z.infer<z.ZodObject<Shape>>;

/** A declared service: how to read its config and how to start it. */
export interface TriadService<Config> {
  name: ServiceName;
  /** Reads and validates its settings (the shell's and its own) from `source`, by default the environment. */
  loadConfig(source?: Record<string, string | undefined>): Config;
  /** Starts it: database migrated, demo data seeded, gRPC and HTTP serving. Tests call this as main.ts does. */
  start(config: Config, logger?: Logger): Promise<RunningService>;
}

/**
 * The service shell: everything every backend service does the same way, once. A service declares its name,
 * its database and its parts; the shell reads the config (ports and upstream addresses from the system
 * registry), opens and migrates the database, verifies tokens, serves the gRPC contract the registry names
 * with health and reflection, serves the subgraph and `/healthz` `/readyz` over HTTP, makes a client for
 * every service the registry says it calls, seeds demo data, and shuts down gracefully.
 */
export function defineService<Shape extends z.ZodRawShape, TSchema extends Record<string, unknown>>(
  declaration: ServiceDeclaration<Shape, TSchema>,
): TriadService<ServiceConfig<Shape>> {
  const { name } = declaration;
  return {
    name,
    loadConfig: (source = process.env) => loadServiceConfig(declaration, source),
    start: async (config, logger = createLogger(name, config.LOG_LEVEL)) => {
      const { schema, migrationsFolder, token } = declaration.database;
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder });
      logger.info({ database: database.location }, 'database ready, migrations applied');
      const valkey = config.VALKEY_URL ? await connectValkey(config.VALKEY_URL, { name, logger }) : undefined;
      const parts = await declaration.parts({ config, logger, database, valkey });
      const { grpc } = SYSTEM[name];
      const settings = serviceSettingNames(name);
      return startService({
        rootModule: shellModule(name, config, logger, token, database, parts, valkey),
        logger,
        http: { host: config.HOST, port: config.HTTP_PORT, portVariable: settings.httpPort },
        grpc: {
          control: new GrpcServerControl(grpc.services.map((service: string) => `${grpc.package}.${service}`)),
          packages: [grpc.package],
          host: config.HOST,
          port: config.GRPC_PORT,
          portVariable: settings.grpcPort,
          maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
        },
        beforeListen: async (app) => {
          await parts.beforeListen?.(app);
          // Under the start-up lock: replicas starting together on an empty database seed it once.
          const seed = parts.seed;
          if (config.SEED_DEMO_DATA && seed) await database.exclusively(() => seed(app));
        },
      }).catch(async (error: unknown) => {
        valkey?.disconnect();
        await database.close().catch(() => undefined);
        throw error;
      });
    },
  };
}

function loadServiceConfig<Shape extends z.ZodRawShape>(
  declaration: ServiceDeclaration<Shape, Record<string, unknown>>,
  source: Record<string, string | undefined>,
): ServiceConfig<Shape> {
  const { name } = declaration;
  const names = serviceSettingNames(name);
  const calls = serviceCalls(name);
  const upstreamShape = Object.fromEntries(
    calls.map((target) => [serviceSettingNames(target).address, env.grpcAddress(defaultGrpcAddress(target))]),
  );
  const values = loadConfig(
    {
      ...accessTokenConfig,
      ...serviceCredentialsConfig,
      HOST: env.string('0.0.0.0'),
      [names.grpcPort]: env.port(SYSTEM[name].grpc.port),
      [names.httpPort]: env.port(SYSTEM[name].http.port),
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string(`.data/${name}`),
      SEED_DEMO_DATA: env.boolean(true),
      LOG_LEVEL: env.logLevel(),
      GRPC_DEADLINE_MS: env.duration(5_000),
      ...grpcClientConfig,
      GRPC_MAX_CONNECTION_AGE_MS: env.duration(5 * 60_000),
      ...(processEntry(name).sharedState ? { VALKEY_URL: valkeyUrlSetting() } : {}),
      ...upstreamShape,
      ...declaration.config,
    },
    source,
  ) as Record<string, unknown>;
  const config = {
    ...values,
    GRPC_PORT: values[names.grpcPort],
    HTTP_PORT: values[names.httpPort],
    UPSTREAMS: Object.fromEntries(calls.map((target) => [target, values[serviceSettingNames(target).address]])),
  } as unknown as ServiceConfig<Shape>;
  // A service that calls service-only RPCs cannot do its job in production without its own identity.
  const required = [...(callsServiceOnlyRpcs(name) ? ['SERVICE_CLIENT_SECRET'] : []), ...(declaration.requiredInProduction ?? [])];
  return requireInProduction(config, required as (keyof ServiceConfig<Shape> & string)[]);
}

function callsServiceOnlyRpcs(name: ServiceName): boolean {
  return serviceCalls(name).some((target) => GrpcClientModule.grantedScopes(name, target) !== undefined);
}

function shellModule(
  name: ServiceName,
  config: ShellConfig,
  logger: Logger,
  databaseToken: symbol,
  database: DatabaseHandle<Record<string, unknown>>,
  parts: ServiceParts,
  valkey: Valkey | undefined,
): DynamicModule {
  const tokens = parts.tokens ?? new AccessTokens(config);
  const credentials = callsServiceOnlyRpcs(name)
    ? new ServiceCredentials({
        clientId: name as ServiceClientId,
        clientSecret: config.SERVICE_CLIENT_SECRET,
        authServerUrl: config.AUTH_SERVER_URL,
      })
    : undefined;
  const upstreams = serviceCalls(name).map((target) =>
    GrpcClientModule.register(target, {
      caller: name,
      address: config.UPSTREAMS[target] ?? defaultGrpcAddress(target),
      deadlineMs: config.GRPC_DEADLINE_MS,
      loadBalancing: config.GRPC_LB_POLICY,
      ...(credentials ? { credentials } : {}),
    }),
  );
  const shared: Provider[] = [
    ...databaseProviders(databaseToken, database),
    ...(valkey ? valkeyProviders(valkey) : []),
    { provide: AccessTokens, useValue: tokens },
    { provide: SERVICE_AUDIENCE, useValue: serviceAudience(name) },
    { provide: LOGGER, useValue: logger },
    ...(parts.providers ?? []),
  ];
  return {
    module: ServiceShellModule,
    global: true,
    imports: [
      ...upstreams,
      ...parts.imports,
      GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
        driver: ApolloFederationDriver,
        imports: parts.imports,
        inject: parts.graphql.inject,
        useFactory: (...injected: unknown[]) => {
          const base = graphQLContextFactory(tokens);
          const extend = parts.graphql.extend(...injected);
          return subgraphOptions(logger, (request) => extend(base(request)));
        },
      }),
    ],
    controllers: [HealthHttpController],
    providers: [...shared, { provide: APP_FILTER, useClass: GraphQLDomainErrorFilter }],
    exports: shared.map((provider) => ('provide' in provider ? provider.provide : provider)),
  };
}

/** The root module of every service; `defineService` fills it. */
@Module({})
class ServiceShellModule {}
