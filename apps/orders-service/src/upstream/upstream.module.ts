import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME } from '@triad/contracts/users/v1';
import { grpcClientOptions, serviceAudience, SERVICE_GRANTS, type ServiceCredentials } from '@triad/platform';
import { CatalogClient } from './catalog-client.service.js';
import { UsersClient } from './users-client.service.js';

/**
 * The services orders-service calls over gRPC, each with a deadline on every call. Calls to catalog-service also
 * carry orders-service's own identity, which reserving and releasing stock require; the user's token, when the
 * call serves a user, travels beside it.
 */
@Module({})
export class UpstreamModule {
  static register(settings: {
    usersAddress: string;
    catalogAddress: string;
    deadlineMs: number;
    credentials: ServiceCredentials;
  }): DynamicModule {
    return {
      module: UpstreamModule,
      imports: [
        ClientsModule.register([
          grpcClientOptions({
            name: TRIAD_USERS_V1_PACKAGE_NAME,
            package: TRIAD_USERS_V1_PACKAGE_NAME,
            address: settings.usersAddress,
            deadlineMs: settings.deadlineMs,
          }),
          grpcClientOptions({
            name: TRIAD_CATALOG_V1_PACKAGE_NAME,
            package: TRIAD_CATALOG_V1_PACKAGE_NAME,
            address: settings.catalogAddress,
            deadlineMs: settings.deadlineMs,
            serviceIdentity: {
              credentials: settings.credentials,
              audience: serviceAudience('catalog-service'),
              scopes: SERVICE_GRANTS['orders-service']['catalog-service'],
            },
          }),
        ]),
      ],
      providers: [UsersClient, CatalogClient],
      exports: [UsersClient, CatalogClient],
    };
  }
}
