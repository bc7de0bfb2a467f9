import type { Metadata } from '@grpc/grpc-js';
import { Inject } from '@nestjs/common';
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
import {
  AccessTokens,
  callerFromMetadata,
  canActFor,
  decodePageToken,
  DomainError,
  encodePageToken,
  GrpcController,
  requireCaller,
  resolvePageSize,
  ServiceOnly,
  SERVICE_SCOPES,
  toTimestamp,
  uuidv7,
  type Caller,
  type FieldViolation,
} from '@triad/platform';

/** Nest token of the stand-in authorization server that signs the stand-in's tokens (a `TestAuthority`). */
export const TOKEN_SIGNER = Symbol('TOKEN_SIGNER');

/** What the stand-in needs of a `TestAuthority`: signing users' tokens as users-service does. */
export interface TokenSigner {
  tokenFor(caller: Caller, ttlSeconds?: number): Promise<string>;
}

export interface StoredUser {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
  password: string;
  createdAt: Date;
}

/** The accounts of the stand-in users-service, which a spec seeds and reads directly. */
export class InMemoryUsers {
  readonly byId = new Map<string, StoredUser>();
  /** Makes GetUser answer without a user, the way a broken upstream would. */
  answerWithoutUser = false;
  /** How many tokens CreateDelegatedToken issued, to see that the edge reuses them. */
  delegatedTokensIssued = 0;

  add(user: Omit<StoredUser, 'id' | 'createdAt'>): StoredUser {
    const stored = { ...user, id: uuidv7(), createdAt: new Date() };
    this.byId.set(stored.id, stored);
    return stored;
  }

  findByEmail(email: string): StoredUser | undefined {
    return [...this.byId.values()].find((user) => user.email === email);
  }
}

/**
 * A users-service for rest-api's specs: the generated contract over an in-memory map, failing with the same
 * domain errors (and so the same gRPC statuses and trailing metadata) as the real service.
 */
@GrpcController()
@UsersServiceControllerMethods()
export class InMemoryUsersGrpcController implements UsersServiceController {
  constructor(
    private readonly users: InMemoryUsers,
    private readonly tokens: AccessTokens,
    @Inject(TOKEN_SIGNER) private readonly signer: TokenSigner,
  ) {}

  createUser(request: CreateUserRequest): CreateUserResponse {
    const violations: FieldViolation[] = [];
    if (!request.email.includes('@')) violations.push({ field: 'email', description: 'must be an email address such as ada@example.com' });
    if (request.name.trim() === '') violations.push({ field: 'name', description: 'must not be empty' });
    if (request.password.length < 10) violations.push({ field: 'password', description: 'must be at least 10 characters' });
    if (violations.length > 0) throw DomainError.invalidArgument('USERS.INVALID_INPUT', violations);
    if (this.users.findByEmail(request.email)) {
      throw new DomainError(
        'ALREADY_EXISTS',
        'USERS.EMAIL_TAKEN',
        `An account with the email ${request.email} already exists: sign in instead.`,
      );
    }
    const user = this.users.add({ email: request.email, name: request.name, password: request.password, role: 'customer' });
    return { user: toProtoUser(user, { userId: user.id, role: user.role }) };
  }

  async getUser(request: GetUserRequest, metadata: Metadata): Promise<GetUserResponse> {
    const caller = requireCaller(await callerFromMetadata(this.tokens, metadata));
    const user = this.users.byId.get(request.id);
    if (!user) throw DomainError.notFound('USERS.NOT_FOUND', `No user has the id ${request.id}.`);
    return { user: this.users.answerWithoutUser ? undefined : toProtoUser(user, caller) };
  }

  async batchGetUsers(request: BatchGetUsersRequest, metadata: Metadata): Promise<BatchGetUsersResponse> {
    const caller = requireCaller(await callerFromMetadata(this.tokens, metadata));
    return { users: request.ids.flatMap((id) => this.users.byId.get(id) ?? []).map((user) => toProtoUser(user, caller)) };
  }

  async listUsers(request: ListUsersRequest, metadata: Metadata): Promise<ListUsersResponse> {
    const caller = requireCaller(await callerFromMetadata(this.tokens, metadata));
    if (caller.role !== 'admin') throw DomainError.permissionDenied('Only an admin can list users.');
    const size = resolvePageSize(request.pageSize);
    const offset = Number(decodePageToken('users', request.pageToken)?.['offset'] ?? 0);
    const all = [...this.users.byId.values()];
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? encodePageToken('users', { offset: String(offset + size) }) : '';
    return { users: page.map((user) => toProtoUser(user, caller)), nextPageToken: next };
  }

  async authenticate(request: AuthenticateRequest): Promise<AuthenticateResponse> {
    const user = this.users.findByEmail(request.email);
    if (!user || user.password !== request.password) {
      throw new DomainError('UNAUTHENTICATED', 'USERS.INVALID_CREDENTIALS', 'The email or password is not correct.');
    }
    const caller: Caller = { userId: user.id, role: user.role };
    const token = await this.signer.tokenFor(caller, 3600);
    return {
      accessToken: token,
      tokenType: 'Bearer',
      expireTime: toTimestamp(new Date(Date.now() + 3600_000)),
      user: toProtoUser(user, caller),
    };
  }

  @ServiceOnly(SERVICE_SCOPES.usersDelegate)
  async createDelegatedToken(request: CreateDelegatedTokenRequest): Promise<CreateDelegatedTokenResponse> {
    const user = this.users.byId.get(request.userId);
    if (!user) throw DomainError.notFound('USERS.NOT_FOUND', 'No user has that id.');
    const role = request.role === UserRole.USER_ROLE_ADMIN && user.role === 'admin' ? 'admin' : 'customer';
    this.users.delegatedTokensIssued += 1;
    const token = await this.signer.tokenFor({ userId: user.id, role }, 300);
    return { accessToken: token, expireTime: toTimestamp(new Date(Date.now() + 300_000)) };
  }
}

function toProtoUser(user: StoredUser, viewer: Caller): User {
  return {
    id: user.id,
    ...(canActFor(viewer, user.id) ? { email: user.email } : {}),
    name: user.name,
    role: user.role === 'admin' ? UserRole.USER_ROLE_ADMIN : UserRole.USER_ROLE_CUSTOMER,
    createTime: toTimestamp(user.createdAt),
    updateTime: toTimestamp(user.createdAt),
  };
}
