import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadPackageDefinition } from '@triad/contracts';
import fc from 'fast-check';
import { hostileNumber, hostileString, leaksIn } from './hostile-values.js';

interface FieldDescriptor {
  name: string;
  type: string;
  label: string;
  typeName: string;
}
type Definition = Record<string, unknown>;

/** One RPC of a Triad service, with a generic client for its service. */
export interface GrpcMethod {
  name: string;
  definition: MethodDefinition<object, object>;
  service: string;
}

/** Every RPC of every `triad.*` service in the proto descriptors. */
export function methodsOf(): GrpcMethod[] {
  const definition = loadPackageDefinition() as Definition;
  return Object.entries(definition)
    .filter(([name, value]) => name.startsWith('triad.') && typeof value === 'object' && value !== null && !('format' in value))
    .flatMap(([service, methods]) =>
      Object.entries(methods as Record<string, MethodDefinition<object, object>>).map(([name, method]) => ({
        name: `${service.split('.').at(-1)}.${name}`,
        definition: method,
        service,
      })),
    );
}

/** A hostile request message for `method`: every field drawn for its proto type, nested messages included. */
export function hostileMessages(method: GrpcMethod): fc.Arbitrary<Record<string, unknown>> {
  const definition = loadPackageDefinition() as Definition;
  const fields = (method.definition.requestType as unknown as { type: { field: FieldDescriptor[] } }).type.field;
  return hostileMessage(definition, fields, 0);
}

function hostileMessage(definition: Definition, fields: FieldDescriptor[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const entries = fields.map((field) => {
    const single = hostileField(definition, field, depth);
    const value = field.label === 'LABEL_REPEATED' ? fc.array(single, { maxLength: depth > 0 ? 2 : 120 }) : single;
    return fc.option(fc.tuple(fc.constant(field.name), value), { freq: 6 });
  });
  return fc.tuple(...entries).map((chosen) => Object.fromEntries(chosen.filter((entry) => entry !== null)));
}

function hostileField(definition: Definition, field: FieldDescriptor, depth: number): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'TYPE_STRING':
      return hostileString();
    case 'TYPE_INT32':
    case 'TYPE_UINT32':
    case 'TYPE_SINT32':
      return hostileNumber().map((value) => Math.trunc(value) | 0);
    case 'TYPE_INT64':
    case 'TYPE_UINT64':
      return fc.oneof(fc.constantFrom('-9223372036854775808', '9223372036854775807', '0', '-1', '2147483648'), fc.bigInt().map(String));
    case 'TYPE_BOOL':
      return fc.boolean();
    case 'TYPE_ENUM':
      return fc.integer({ min: -5, max: 20 });
    case 'TYPE_MESSAGE': {
      const nested = lookup(definition, field.typeName);
      if (!nested || depth > 2) return fc.constant({});
      return hostileMessage(definition, nested, depth + 1);
    }
    default:
      return fc.constant(undefined);
  }
}

function lookup(definition: Definition, typeName: string): FieldDescriptor[] | undefined {
  const name = Object.keys(definition).find((key) => key === typeName || key.endsWith(`.${typeName}`));
  return (definition[name ?? ''] as { type?: { field?: FieldDescriptor[] } } | undefined)?.type?.field;
}

/** The outcome of one call as a client sees it. */
export interface GrpcOutcome {
  code: number;
  details: string;
  errorCode?: string;
}

/**
 * Calls `method` on `address` with `message` and `metadata` whatever its streaming kind: a stream is sent the
 * message twice and closed, and read until its first answer, its end or a short deadline.
 */
export function callOnce(address: string, method: GrpcMethod, message: Record<string, unknown>, metadata: Metadata): Promise<GrpcOutcome> {
  const client = clientFor(address);
  const { path, requestSerialize, responseDeserialize, requestStream, responseStream } = method.definition;
  const deadline = Date.now() + 3_000;
  return new Promise<GrpcOutcome>((resolve) => {
    const finish = (error: ServiceError | null) => {
      const errorCode = error?.metadata?.get('triad-error-code')[0];
      resolve({ code: error?.code ?? status.OK, details: error?.details ?? '', ...(errorCode ? { errorCode: String(errorCode) } : {}) });
    };
    if (!requestStream && !responseStream) {
      client.makeUnaryRequest(path, requestSerialize, responseDeserialize, message, metadata, { deadline }, (error) => finish(error));
      return;
    }
    if (requestStream && !responseStream) {
      const call = client.makeClientStreamRequest(path, requestSerialize, responseDeserialize, metadata, { deadline }, (error) =>
        finish(error),
      );
      call.write(message);
      call.write(message);
      call.end();
      return;
    }
    const call = requestStream
      ? client.makeBidiStreamRequest(path, requestSerialize, responseDeserialize, metadata, { deadline })
      : client.makeServerStreamRequest(path, requestSerialize, responseDeserialize, message, metadata, { deadline });
    let settled = false;
    const settle = (error: ServiceError | null) => {
      if (settled) return;
      settled = true;
      finish(error);
    };
    call.on('data', () => {
      call.cancel();
      settle(null);
    });
    call.on('error', (error: ServiceError) =>
      settle(error.code === status.CANCELLED || error.code === status.DEADLINE_EXCEEDED ? null : error),
    );
    call.on('end', () => settle(null));
    if (requestStream) {
      const writable = call as unknown as { write(message: object): void; end(): void };
      writable.write(message);
      writable.end();
    }
  });
}

const clients = new Map<string, Client>();

function clientFor(address: string): Client {
  let client = clients.get(address);
  if (!client) clients.set(address, (client = new Client(address, credentials.createInsecure())));
  return client;
}

/** Closes the connections `callOnce` opened. */
export function closeClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

/** What is wrong with the outcome of a hostile call: an internal error, an error without its code, a leak. */
export function grpcProblems(outcome: GrpcOutcome): string[] {
  const problems = leaksIn(outcome.details).map((leak) => `leaked ${leak}`);
  if (outcome.code === status.INTERNAL || outcome.code === status.UNKNOWN || outcome.code === status.DATA_LOSS) {
    problems.push(`answered ${status[outcome.code]}: ${outcome.details.slice(0, 120)}`);
  }
  if (outcome.code !== status.OK && outcome.errorCode === undefined)
    problems.push(`answered ${status[outcome.code]} without triad-error-code`);
  if (outcome.details.length > 2_000) problems.push(`a ${outcome.details.length}-character message`);
  return problems;
}
