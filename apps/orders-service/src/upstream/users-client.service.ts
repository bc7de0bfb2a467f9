import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { DomainError, unaryCall } from '@triad/platform';

/** What orders-service asks users-service. The caller's token travels with each call (platform client policy). */
@Injectable()
export class UsersClient implements OnModuleInit {
  private users!: UsersServiceClient;

  constructor(@Inject(TRIAD_USERS_V1_PACKAGE_NAME) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.users = this.client.getService<UsersServiceClient>(USERS_SERVICE_NAME);
  }

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
