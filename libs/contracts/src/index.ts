import type { Options, PackageDefinition } from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageDefinitionFromDescriptorSet } from './descriptor-set.loader.js';

export type { Timestamp } from './generated/google/protobuf/timestamp.js';

/**
 * How @grpc/proto-loader turns wire messages into plain objects for Nest. These must agree with the
 * ts-proto options in proto/buf.gen.yaml, or values will not have the types the generated interfaces claim:
 * camelCase keys (`keepCase: false`), int64 as decimal strings (`forceLong=string`), enums as their value
 * names (`stringEnums=true`), and Timestamps as `{ seconds: string; nanos: number }` (`useDate=false`).
 * With `defaults: true`, unset scalars and lists arrive as their zero values, but an unset message field
 * arrives as `null` and an unset `optional` or oneof field is absent. `oneofs: true` adds a key the types do
 * not declare, naming the member that is set: `edit: 'setLine'`, or `_email: 'email'` for a proto3 optional.
 * proto-loader ignores `keepCase` for descriptor sets; {@link loadPackageDefinition} applies it itself.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  objects: true,
};

/**
 * Absolute path of the FileDescriptorSet that `nx run contracts:generate` writes: every Triad proto file and
 * the google/protobuf files they import. The URL is relative to this module, which works both from
 * `src/index.ts` and from the built `dist/index.js` because both sit one level below the project root.
 */
export const DESCRIPTOR_SET_PATH = fileURLToPath(new URL('../src/generated/triad.binpb', import.meta.url));

let packageDefinition: PackageDefinition | undefined;

/**
 * The package definition of every Triad service, for Nest's gRPC `packageDefinition` option and for server
 * reflection. It is read from {@link DESCRIPTOR_SET_PATH} on the first call and shared afterwards.
 */
export function loadPackageDefinition(): PackageDefinition {
  packageDefinition ??= packageDefinitionFromDescriptorSet(readFileSync(DESCRIPTOR_SET_PATH), PROTO_LOADER_OPTIONS);
  return packageDefinition;
}
