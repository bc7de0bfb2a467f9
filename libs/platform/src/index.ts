export {
  attemptThrottle,
  MemoryAttemptThrottle,
  SharedAttemptThrottle,
  type AttemptThrottle,
  type AttemptThrottleSettings,
} from './auth/attempt-throttle.js';
export {
  AccessTokens,
  accessTokenConfig,
  AUTH_PATHS,
  bearerToken,
  canActFor,
  requireAdmin,
  requireCaller,
  serviceAudience,
  TOKEN_ALGORITHM,
  USER_TOKEN_AUDIENCE,
  type Caller,
  type ServiceCaller,
} from './auth/access-tokens.js';
export { SERVICE_TOKEN_METADATA_KEY, ServiceCredentials, serviceCredentialsConfig } from './auth/service-credentials.js';
export { SERVICE_AUDIENCE, ServiceOnly, ServiceOnlyGuard } from './auth/service-only.guard.js';
export { SERVICE_GRANTS, SERVICE_SCOPES, type ServiceClientId } from './auth/service-grants.js';
export { grantableApiScopes, requireScope, requireUserThemselves, USER_SCOPE_DESCRIPTIONS, USER_SCOPES } from './auth/user-scopes.js';
export { ClientAddresses } from './auth/client-addresses.js';
export { hashRandomSecret, newRandomSecret } from './auth/random-secrets.js';
export { TokenCache, type CachedToken } from './auth/token-cache.js';
export { generateSigningKey, publicJwks, UserTokenSigner, type PrivateSigningJwk } from './auth/signing-keys.js';
export { ConfigError, env, loadConfig, requireInProduction } from './config/config.js';
export { lockDataFolder } from './database/data-folder-lock.js';
export { openDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from './database/database.js';
export { type Unlisten } from './database/notifications.js';
export { asDomainError, DomainError, type FieldViolation } from './errors/domain-error.js';
export { ERROR_TABLE, errorKindFromGrpcStatus, type ErrorKind } from './errors/error-table.js';
export { formatGraphQLError, graphQLErrorFormatter, toGraphQLError } from './errors/graphql-errors.js';
export { subgraphOptions } from './graphql/subgraph-options.js';
export { ERROR_CODE_METADATA_KEY, FIELD_VIOLATIONS_METADATA_KEY, fromGrpcError, toGrpcError } from './errors/grpc-errors.js';
export { PROBLEM_TYPE_BASE, toProblemDocument, type ProblemDocument } from './errors/problem.js';
export { graphQLContextFactory, type GraphQLContext } from './graphql/graphql-context.js';
export { callerFromMetadata, GrpcCaller, type WithCaller } from './grpc/grpc-caller.js';
export { grpcClient, GrpcClientModule, type GrpcClientModuleSettings } from './grpc/grpc-client.module.js';
export { grpcClientConfig, grpcClientOptions, idempotentMethods, type GrpcClientSettings, type LoadBalancing } from './grpc/grpc-client.js';
export { GrpcController } from './grpc/grpc-controller.decorator.js';
export { GrpcErrorFilter } from './grpc/grpc-error.filter.js';
export { GrpcRequestInterceptor } from './grpc/grpc-request.interceptor.js';
export { GrpcServerControl, grpcServerOptions } from './grpc/grpc-server.js';
export { createFastifyAdapter } from './http/fastify-adapter.js';
export { HealthHttpController, READINESS_CHECK, type ReadinessCheck } from './http/health.http-controller.js';
export { isUuid, uuidv7 } from './ids/uuid-v7.js';
export { serviceCalls } from './system/registry.js';
export {
  defineService,
  type ServiceConfig,
  type ServiceContext,
  type ServiceDeclaration,
  type ServiceParts,
  type ShellConfig,
  type TriadService,
} from './service/define-service.js';
export {
  defaultGrpcAddress,
  defaultSubgraphUrl,
  edgeSettingNames,
  PROCESS_NAMES,
  SERVICE_NAMES,
  serviceSettingNames,
  subgraphProcesses,
  subgraphUrlSetting,
  SYSTEM,
  type EdgeName,
  type ProcessEntry,
  type ProcessName,
  type ServiceName,
} from './system/registry.js';
export {
  runMain,
  runService,
  startService,
  StartupError,
  type RunningService,
  type ServiceDefinition,
} from './lifecycle/service-runner.js';
export { createLogger, LOGGER, NestPinoLogger } from './logging/logger.js';
export { scrubLogText, serializeError } from './logging/safe-error.js';
export {
  acceptRequestId,
  currentRequestContext,
  CLIENT_ADDRESS_HEADER,
  REQUEST_ID_HEADER,
  runWithRequestContext,
  type ForwardedClient,
  type RequestContext,
} from './logging/request-context.js';
export { DEFAULT_PAGE_SIZE, decodePageToken, encodePageToken, MAX_PAGE_SIZE, resolvePageSize } from './pagination/page-token.js';
export { fromTimestamp, toTimestamp } from './grpc/timestamp.js';
export { toProtoMoney, type MoneyAmount } from './grpc/money.js';
export { DATABASE_HANDLE, databaseProviders } from './database/database.providers.js';
export { isDataException, isUniqueViolation } from './database/postgres-errors.js';
export { PageInfoModel } from './graphql/page-info.model.js';
export { parseInput, requireUuid } from './validation/parse-input.js';
export { multiLineText, quoteInput, quotePath, singleLineText } from './validation/text.js';
export { unaryCall } from './grpc/unary-call.js';
export { MoneyModel } from './graphql/money.model.js';
export { GraphQLDomainErrorFilter } from './graphql/graphql-domain-error.filter.js';
export { type ConnectionErrorBody, type ConnectionErrorRejection } from './http/connection-errors.js';
export { setConnectionErrorBody } from './http/hardened-fastify-adapter.js';
export { HTTP_TIMEOUTS } from './http/http-timeouts.js';
export { MAX_JSON_DEPTH } from './http/json-body.parser.js';
export { graphQLRequestError, requestErrorCode, RequestRejection, type GraphQLRequestErrorBody } from './http/request-rejection.js';
export { prometheusMetrics, stopTelemetry } from './telemetry/running-telemetry.js';
export { activeTraceparent, spanContextOf, traceFields } from './telemetry/trace-context.js';
export { graphqlMetricsPlugin } from './telemetry/graphql-metrics.plugin.js';
export { lazyCounter, observeGauge } from './telemetry/instruments.js';
export { errorType, inNewTrace, inSpan, recordLinkedSpan } from './telemetry/spans.js';
export { addTraceResponseHeader, TRACEPARENT_HEADER } from './http/trace-response-header.js';
export { INFRASTRUCTURE_PATHS } from './http/infrastructure-paths.js';
export { pathOf } from './http/request-path.js';
export { clientAddressOf, trustedProxiesSetting, trustProxies, type TrustProxy } from './http/trusted-proxies.js';
export {
  connectValkey,
  VALKEY,
  valkeyProviders,
  valkeyScript,
  valkeyUrlSetting,
  type Valkey,
  type ValkeyScript,
} from './shared-state/valkey.js';
export { OutageLog } from './shared-state/outage-log.js';
