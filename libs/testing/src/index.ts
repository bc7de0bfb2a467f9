export { freePort } from './free-port.js';
export { DEFAULT_RESTART_POLICY, type RestartNotice, type RestartPolicy } from './restart-policy.js';
export {
  DEFAULT_PORTS,
  freeSystemPorts,
  portsFromEnvironment,
  startSystem,
  type RunningSystem,
  type SupervisionOptions,
  type SystemOptions,
  type SystemPorts,
} from './system.js';
export { serviceToken } from './service-token.js';
export { createTestDatabase, startTestPostgres, type TestPostgres } from './test-postgres.js';
export { startTestValkey, type TestValkey } from './test-valkey.js';
export { subgraphSdl } from './subgraph-schema.js';
export { bearer, call, failure } from './grpc-calls.js';
export { DEMO_ACCOUNTS, signIn, signInDemoAccounts, type DemoAccount, type SignedInAccount } from './demo-accounts.js';
export { rawExchange, type RawResponse } from './raw-http.js';
export { sharedTestAuthority, startTestAuthority, type TestAuthority, type TestServiceClient } from './test-authority.js';
export { startServiceProcesses, type RunningServices, type ServiceAddresses, type ServiceProcessOptions } from './service-processes.js';
export { startFaultProxy, type CallFault, type FaultProxy, type LateAnswer } from './fault-proxy.js';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { capturedLog, type LogLine } from './captured-log.js';
export {
  authorizeWithPkce,
  clientCredentialsRequest,
  completeSignIn,
  discover,
  exchangeCode,
  loopback,
  TestBrowser,
  tokenRequest,
  type Authorization,
  type Discovery,
  type TokenResponse,
} from './oauth-client.js';
