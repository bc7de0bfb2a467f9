import type { Metadata } from '@grpc/grpc-js';
import {
  UserRole,
  UsersServiceControllerMethods,
  type AuthenticateRequest,
  type AuthenticateResponse,
  type BatchGetUsersRequest,
  type BatchGetUsersResponse,
  type CreateDelegatedTokenRequest,
  type CreateDelegatedTokenResponse,
  type CreateUserRequest,
  type CreateUserResponse,
  type GetUserRequest,
  type GetUserResponse,
  type ListUsersRequest,
  type ListUsersResponse,
  type User,
  type UsersServiceController,
} from '@triad/contracts/users/v1';
import { AccessTokens, callerFromMetadata, GrpcController, ServiceOnly, SERVICE_SCOPES, toTimestamp } from '@triad/platform';
import { UsersService, type Role, type UserView } from './users.service.js';

/** The gRPC face of users-service: translates messages to use-case calls and back, nothing more. */
@GrpcController()
@UsersServiceControllerMethods()
export class UsersGrpcController implements UsersServiceController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: AccessTokens,
  ) {}

  async createUser(request: CreateUserRequest, metadata: Metadata): Promise<CreateUserResponse> {
    const caller = await callerFromMetadata(this.tokens, metadata);
    const role = roleFromProto(request.role);
    const user = await this.users.createUser(
      { email: request.email, name: request.name, password: request.password, ...(role ? { role } : {}) },
      caller,
    );
    return { user: toProtoUser(user) };
  }

  async getUser(request: GetUserRequest, metadata: Metadata): Promise<GetUserResponse> {
    const user = await this.users.getUser(request.id, await callerFromMetadata(this.tokens, metadata));
    return { user: toProtoUser(user) };
  }

  async batchGetUsers(request: BatchGetUsersRequest, metadata: Metadata): Promise<BatchGetUsersResponse> {
    const users = await this.users.batchGetUsers(request.ids, await callerFromMetadata(this.tokens, metadata));
    return { users: users.map(toProtoUser) };
  }

  async listUsers(request: ListUsersRequest, metadata: Metadata): Promise<ListUsersResponse> {
    const page = await this.users.listUsers(
      { pageSize: request.pageSize, pageToken: request.pageToken },
      await callerFromMetadata(this.tokens, metadata),
    );
    return { users: page.users.map(toProtoUser), nextPageToken: page.nextPageToken };
  }

  async authenticate(request: AuthenticateRequest): Promise<AuthenticateResponse> {
    const grant = await this.users.authenticate(request.email, request.password);
    return {
      accessToken: grant.accessToken,
      tokenType: 'Bearer',
      expireTime: toTimestamp(grant.expiresAt),
      user: toProtoUser(grant.user),
    };
  }

  @ServiceOnly(SERVICE_SCOPES.usersDelegate)
  async createDelegatedToken(request: CreateDelegatedTokenRequest): Promise<CreateDelegatedTokenResponse> {
    const delegated = await this.users.createDelegatedToken(request.userId, roleFromProto(request.role) ?? 'customer');
    return { accessToken: delegated.accessToken, expireTime: toTimestamp(delegated.expiresAt) };
  }
}

function toProtoUser(user: UserView): User {
  return {
    id: user.id,
    ...(user.email === undefined ? {} : { email: user.email }),
    name: user.name,
    role: user.role === 'admin' ? UserRole.USER_ROLE_ADMIN : UserRole.USER_ROLE_CUSTOMER,
    createTime: toTimestamp(user.createdAt),
    updateTime: toTimestamp(user.updatedAt),
  };
}

function roleFromProto(role: UserRole | undefined): Role | undefined {
  if (role === UserRole.USER_ROLE_ADMIN) return 'admin';
  if (role === UserRole.USER_ROLE_CUSTOMER) return 'customer';
  return undefined;
}
