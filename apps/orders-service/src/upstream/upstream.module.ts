import { Module } from '@nestjs/common';
import { CatalogClient } from './catalog-client.service.js';
import { UsersClient } from './users-client.service.js';

/**
 * What orders-service asks the services it calls, in its own terms. The gRPC clients under them come from the
 * service shell (one per service the registry says it calls), with a deadline on every call; calls to
 * catalog-service also carry orders-service's own identity, which reserving and releasing stock require.
 */
@Module({
  providers: [UsersClient, CatalogClient],
  exports: [UsersClient, CatalogClient],
})
export class UpstreamModule {}
