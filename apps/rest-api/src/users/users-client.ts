import { USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { grpcClient } from '@triad/platform';

/** Nest token of the typed users-service client (see AppModule's GrpcClientModule); inject it as `UsersServiceClient`. */
export const USERS_CLIENT = grpcClient('users-service', USERS_SERVICE_NAME);
