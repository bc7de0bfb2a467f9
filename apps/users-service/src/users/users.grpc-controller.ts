import { Payload } from '@nestjs/microservices';
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
import { GrpcCaller, GrpcController, ServiceOnly, SERVICE_SCOPES, toTimestamp, type Caller, type WithCaller } from '@triad/platform';
import { UsersService, type Role, type UserView } from './users.service.js';

/** The gRPC face of users-service: translates messages to use-case calls and back, nothing more. */
@GrpcController()
@UsersServiceControllerMethods()
export class UsersGrpcController implements WithCaller<UsersServiceController> {
  constructor(private readonly users: UsersService) {}

  async createUser(@Payload() request: CreateUserRequest, @GrpcCaller() caller: Caller | undefined): Promise<CreateUserResponse> {
    const role = roleFromProto(request.role);
    const user = await this.users.createUser(
      { email: request.email, name: request.name, password: request.password, ...(role ? { role } : {}) },
      caller,
    );
    return { user: toProtoUser(user) };
  }

  async getUser(@Payload() request: GetUserRequest, @GrpcCaller() caller: Caller | undefined): Promise<GetUserResponse> {
    const user = await this.users.getUser(request.id, caller);
    return { user: toProtoUser(user) };
  }

  async batchGetUsers(@Payload() request: BatchGetUsersRequest, @GrpcCaller() caller: Caller | undefined): Promise<BatchGetUsersResponse> {
    const users = await this.users.batchGetUsers(request.ids, caller);
    return { users: users.map(toProtoUser) };
  }

  async listUsers(@Payload() request: ListUsersRequest, @GrpcCaller() caller: Caller | undefined): Promise<ListUsersResponse> {
    const page = await this.users.listUsers({ pageSize: request.pageSize, pageToken: request.pageToken }, caller);
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

export function toProtoUser(user: UserView): User {
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
