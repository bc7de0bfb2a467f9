import {
  IdempotencyLevel,
  loadFileDescriptorSetFromObject,
  type AnyDefinition,
  type Options,
  type PackageDefinition,
  type ServiceDefinition,
} from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/** The parts of a decoded FileDescriptorSet this module reads or rewrites. */
interface FieldObject {
  name?: string;
  jsonName?: string;
}
interface MessageObject {
  field?: FieldObject[];
  nestedType?: MessageObject[];
}
interface MethodObject {
  name?: string;
  options?: { idempotencyLevel?: string; deprecated?: boolean };
}
interface FileObject {
  package?: string;
  messageType?: MessageObject[];
  service?: { name?: string; method?: MethodObject[] }[];
}

/**
 * Builds a proto-loader package definition from a serialized FileDescriptorSet (`buf build -o`), filling two
 * gaps in `loadFileDescriptorSetFromBuffer` (proto-loader 0.8.1), which behaves unlike `load()` on .proto files:
 * - it ignores `keepCase: false`, so messages would arrive with snake_case keys while the ts-proto types are
 *   camelCase. Fields are renamed to their protoc JSON names (`create_time` → `createTime`, the same rule
 *   ts-proto uses for lower_snake_case names) before loading; field numbers, and so the wire format, are unchanged.
 * - it drops method options, so `idempotency_level` would read IDEMPOTENCY_UNKNOWN for every RPC. They are
 *   copied back from the descriptors.
 * Every definition's `fileDescriptorProtos` are the original file descriptors, snake_case names and comments
 * included, so gRPC server reflection built from the definition describes the real .proto files.
 */
export function packageDefinitionFromDescriptorSet(bytes: Uint8Array, options: Options): PackageDefinition {
  const decoded = descriptor.FileDescriptorSet.decode(bytes);
  const files = (descriptor.FileDescriptorSet.toObject(decoded, { enums: String }).file ?? []) as FileObject[];
  const originals = (decoded as unknown as { file: object[] }).file.map((file) =>
    Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()),
  );

  if (!options.keepCase) for (const file of files) file.messageType?.forEach(useJsonNames);
  const definition = loadFileDescriptorSetFromObject({ file: files }, options);

  for (const value of Object.values(definition)) withOriginalFiles(value, originals);
  for (const file of files) {
    for (const service of file.service ?? []) {
      const methods = definition[`${file.package}.${service.name}`] as ServiceDefinition;
      for (const method of service.method ?? []) copyMethodOptions(method, methods[method.name ?? '']);
    }
  }
  return definition;
}

function useJsonNames(message: MessageObject): void {
  for (const field of message.field ?? []) field.name = field.jsonName ?? field.name;
  message.nestedType?.forEach(useJsonNames);
}

function withOriginalFiles(value: AnyDefinition, originals: Buffer[]): void {
  if ('format' in value) {
    value.fileDescriptorProtos = originals;
    return;
  }
  for (const method of Object.values(value)) {
    method.requestType.fileDescriptorProtos = originals;
    method.responseType.fileDescriptorProtos = originals;
  }
}

function copyMethodOptions(source: MethodObject, target: ServiceDefinition[string] | undefined): void {
  if (!target || !source.options) return;
  const level = source.options.idempotencyLevel as IdempotencyLevel | undefined;
  target.options = {
    ...target.options,
    deprecated: source.options.deprecated ?? false,
    idempotency_level: level ?? IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
  };
}
