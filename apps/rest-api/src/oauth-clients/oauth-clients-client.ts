import { O_AUTH_CLIENTS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { grpcClient } from '@triad/platform';

/** Nest token of the typed client of users-service's OAuth clients (see AppModule); inject it as `OAuthClientsServiceClient`. */
export const OAUTH_CLIENTS_CLIENT = grpcClient('users-service', O_AUTH_CLIENTS_SERVICE_NAME);
