import { SERVICE_GRANTS, serviceAudience, ServiceCredentials, type ServiceClientId } from '@triad/platform';
import type { RunningSystem } from './system.js';

/**
 * A token of `client`'s for calls to `service` in a running system, with the scopes it is granted there, as the
 * client gets one. Apart from system.ts, which `npm start`'s launcher loads without the platform's Nest, Apollo
 * and gRPC.
 */
export function serviceToken(system: RunningSystem, client: ServiceClientId, service: string): Promise<string> {
  return new ServiceCredentials({
    clientId: client,
    clientSecret: system.clientSecrets[client],
    authServerUrl: `http://127.0.0.1:${system.ports.usersHttp}`,
  }).tokenFor(serviceAudience(service), (SERVICE_GRANTS[client] as Record<string, readonly string[]>)[service] ?? []);
}
