import { existsSync } from 'node:fs';
import type { MessageTypeDefinition, PackageDefinition, ServiceDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_SET_PATH, loadPackageDefinition } from './index.js';
import { QuoteCartRequest } from './orders-v1.js';
import { GetUserResponse, UserRole } from './users-v1.js';

function service(definition: PackageDefinition, name: string): ServiceDefinition {
  return definition[name] as ServiceDefinition;
}

/** Encodes a value the way a Nest client sends it and decodes it the way a Nest server receives it. */
function roundTrip(method: ServiceDefinition[string], side: 'request' | 'response', value: object): unknown {
  return side === 'request'
    ? method.requestDeserialize(method.requestSerialize(value))
    : method.responseDeserialize(method.responseSerialize(value));
}

describe('loadPackageDefinition', () => {
  const definition = loadPackageDefinition();
  const getUser = service(definition, 'triad.users.v1.UsersService')['GetUser']!;

  it('reads the descriptor set that generate writes', () => {
    expect(existsSync(DESCRIPTOR_SET_PATH)).toBe(true);
    expect(loadPackageDefinition()).toBe(definition);
  });

  it('decodes messages with the camelCase keys, string int64s and enum names of the generated types', () => {
    const response: GetUserResponse = {
      user: {
        id: 'u1',
        email: 'ada@example.com',
        name: 'Ada',
        role: UserRole.USER_ROLE_ADMIN,
        createTime: { seconds: '1700000000', nanos: 5 },
        updateTime: { seconds: '-62135596800', nanos: 0 },
      },
    };
    expect(roundTrip(getUser, 'response', response)).toMatchObject(response);
  });

  it('leaves out an unset optional field and sets an unset message field to null', () => {
    const decoded = roundTrip(getUser, 'response', { user: { id: 'u1' } }) as { user: Record<string, unknown> };
    expect(decoded.user).not.toHaveProperty('email');
    expect(decoded.user).toMatchObject({ name: '', role: 'USER_ROLE_UNSPECIFIED', createTime: null });
  });

  it('decodes a oneof member under its camelCase name and names the member that is set', () => {
    const quoteCart = service(definition, 'triad.orders.v1.OrdersService')['QuoteCart']!;
    const request: QuoteCartRequest = { setLine: { productId: 'p1', quantity: 2 } };
    expect(roundTrip(quoteCart, 'request', request)).toEqual({ ...request, edit: 'setLine' });
  });

  it('keeps the idempotency level each RPC declares, which client retry policies rely on', () => {
    const catalog = service(definition, 'triad.catalog.v1.CatalogService');
    expect(catalog['GetProduct']!.options.idempotency_level).toBe('NO_SIDE_EFFECTS');
    expect(catalog['ReserveStock']!.options.idempotency_level).toBe('IDEMPOTENT');
    expect(catalog['CreateProduct']!.options.idempotency_level).toBe('IDEMPOTENCY_UNKNOWN');
  });

  it('hands reflection the original file descriptors, snake_case names and comments included', () => {
    const user = definition['triad.users.v1.User'] as MessageTypeDefinition<object, object>;
    const files = user.fileDescriptorProtos.map(
      (bytes) =>
        descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as {
          name: string;
          messageType?: { name: string; field: { name: string }[] }[];
          sourceCodeInfo?: unknown;
        },
    );
    const usersFile = files.find((file) => file.name === 'triad/users/v1/users_service.proto');
    const fields = usersFile?.messageType?.find((message) => message.name === 'User')?.field.map((field) => field.name);
    expect(fields).toContain('create_time');
    expect(usersFile?.sourceCodeInfo).toBeDefined();
    expect(files.map((file) => file.name)).toContain('google/protobuf/timestamp.proto');
  });
});
