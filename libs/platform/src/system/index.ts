// `@triad/platform/system`: the registry and the service-to-service grants, plain data that tools and the
// launcher read without loading the rest of the platform (Nest, Apollo, gRPC).
export * from './registry.js';
export { SERVICE_GRANTS, SERVICE_SCOPES, type ServiceClientId } from '../auth/service-grants.js';
