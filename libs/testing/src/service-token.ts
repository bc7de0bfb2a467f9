import { SERVICE_GRANTS, serviceAudience, ServiceCredentials, type ServiceClientId } from '@triad/platform';

/** Where a running system's services get their own tokens, and with which secrets. */
export interface ServiceTokenSource {
  clientSecrets: Readonly<Record<ServiceClientId, string>>;
  /** users-service's HTTP address, where its token endpoint is. */
  authServerUrl: string;
}

/**
 * A token of `client`'s for calls to `service`, with the scopes it is granted there, as the client gets one.
 * Apart from system.ts, which `npm start`'s launcher loads without the platform's Nest, Apollo and gRPC.
 */
export function serviceToken(source: ServiceTokenSource, client: ServiceClientId, service: string): Promise<string> {
  return new ServiceCredentials({
    clientId: client,
    clientSecret: source.clientSecrets[client],
    authServerUrl: source.authServerUrl,
  }).tokenFor(serviceAudience(service), (SERVICE_GRANTS[client] as Record<string, readonly string[]>)[service] ?? []);
}
