import { Inject, Injectable } from '@nestjs/common';
import { USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { DomainError, grpcClient, unaryCall } from '@triad/platform';

/** What orders-service asks users-service. The caller's token travels with each call (platform client policy). */
@Injectable()
export class UsersClient {
  constructor(@Inject(grpcClient('users-service', USERS_SERVICE_NAME)) private readonly users: UsersServiceClient) {}

  /** Resolves when the user exists; an unknown user is FAILED_PRECONDITION for the order being placed. */
  async requireUser(userId: string): Promise<void> {
    await unaryCall(this.users.getUser({ id: userId }), 'users-service').catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'NOT_FOUND') {
        throw new DomainError(
          'FAILED_PRECONDITION',
          'ORDERS.USER_NOT_FOUND',
          `No user has the id ${userId}, so no order can be placed for it.`,
        );
      }
      throw error;
    });
  }
}
