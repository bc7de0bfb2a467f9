import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { pathOf } from '@triad/platform';
import { parseEventStream } from '../event-stream.reader.js';
import type { ApiResponse } from '../rest-api.harness.js';

interface HeaderObject {
  required?: boolean;
  schema?: { type?: string };
}
interface ResponseObject {
  content?: Record<string, { schema?: object }>;
  headers?: Record<string, HeaderObject>;
}
interface OperationObject {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, object> };
}

/** One operation of the document, with where it is served. */
export interface DocumentedOperation extends OperationObject {
  method: string;
  path: string;
}

/** Where rest-api's OpenAPI document is checked in. */
const DOCUMENT_URL = new URL('../../../openapi.json', import.meta.url);

/** The id the document's component schemas are registered under, so that a `$ref` from anywhere reaches them. */
const COMPONENTS_ID = 'https://triad.dev/rest-api/openapi.json';

/** Keywords OpenAPI 3.1 adds to JSON Schema 2020-12: they describe, so the validator accepts and ignores them. */
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

/**
 * Checks real responses against the checked-in `openapi.json`, which is what clients are promised: the status
 * is one the operation documents, the content type is the documented one, the body validates against its
 * schema (OpenAPI 3.1 schemas are JSON Schema 2020-12), and the documented headers are there.
 */
export class OpenApiResponseValidator {
  readonly operations: DocumentedOperation[];
  private readonly ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  private readonly compiled = new Map<object, ValidateFunction>();

  /**
   * Reads the checked-in document. `optionalHeaders` names the documented headers a response may leave out,
   * each with when it does: a header the document marks `required` never may, and neither may one it does not
   * mark, since it tells clients to expect it.
   */
  constructor(private readonly optionalHeaders: Readonly<Record<string, string>> = {}) {
    const document = JSON.parse(readFileSync(DOCUMENT_URL, 'utf8')) as OpenApiDocument;
    this.operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })),
    );
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: withComponentRefs(document.components.schemas) });
  }

  /** The documented operation a request reaches; a path without parameters wins, as `/v1/users/me` over `/v1/users/{id}`. */
  operationAt(method: string, url: string): DocumentedOperation | undefined {
    const path = pathOf(url);
    const matching = this.operations.filter((operation) => operation.method === method && pathPattern(operation.path).test(path));
    return matching.sort((first, second) => parameterCount(first.path) - parameterCount(second.path))[0];
  }

  /** Everything about `response` that breaks what the document promises for `operation`; empty when it conforms. */
  violations(operation: DocumentedOperation, response: ApiResponse<unknown>): string[] {
    const documented = operation.responses[String(response.status)];
    if (!documented) {
      return [
        `${response.status} is not a documented response of ${operation.operationId} (${Object.keys(operation.responses).join(', ')})`,
      ];
    }
    return [...this.headerViolations(documented, response.headers), ...this.contentViolations(documented, response)];
  }

  private headerViolations(documented: ResponseObject, headers: Headers): string[] {
    return Object.entries(documented.headers ?? {}).flatMap(([name, header]) => {
      const value = headers.get(name);
      if (value === null) return header.required || !(name in this.optionalHeaders) ? [`the ${name} header is missing`] : [];
      const numeric = (header.schema?.type === 'integer' || header.schema?.type === 'number') && /^-?\d+(\.\d+)?$/.test(value);
      return header.schema ? this.schemaViolations(header.schema, numeric ? Number(value) : value, `header ${name}`) : [];
    });
  }

  private contentViolations(documented: ResponseObject, response: ApiResponse<unknown>): string[] {
    const mediaTypes = Object.keys(documented.content ?? {});
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (mediaTypes.length === 0) {
      return response.body === '' ? [] : [`a body was sent (${contentType ?? 'untyped'}), but the document describes none`];
    }
    if (contentType === undefined || !mediaTypes.includes(contentType)) {
      return [`the content type is ${contentType ?? 'missing'}, not one documented (${mediaTypes.join(', ')})`];
    }
    const schema = documented.content?.[contentType]?.schema;
    if (!schema) return [];
    const values = readBody(contentType, response.body);
    if (typeof values === 'string') return [values];
    const violations = values.flatMap(({ name, value }) => this.schemaViolations(schema, value, name));
    const problem = response.body as { status?: unknown };
    if (contentType === 'application/problem+json' && problem.status !== response.status) {
      violations.push(`the problem's status is ${String(problem.status)}, but the response's is ${response.status}`);
    }
    return violations;
  }

  private schemaViolations(schema: object, value: unknown, name: string): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(withComponentRefs(schema));
      this.compiled.set(schema, validate);
    }
    return validate(value) ? [] : [this.ajv.errorsText(validate.errors, { dataVar: name, separator: '; ' })];
  }
}

/**
 * The values in a body to check against its media type's schema: the body itself, or each event of a stream.
 * A string says why there are none to check.
 */
function readBody(contentType: string, body: unknown): { name: string; value: unknown }[] | string {
  if (contentType === 'application/json' || contentType.endsWith('+json')) return [{ name: 'body', value: body }];
  if (contentType !== 'text/event-stream') return `the validator cannot read a ${contentType} body`;
  // For an event stream the schema describes one event, with `data` parsed from its JSON.
  const events = parseEventStream(String(body)).map((event, index) => ({ name: `event ${index + 1}`, value: withParsedData(event) }));
  // A stream without events would pass without anything having been checked.
  return events.length > 0 ? events : 'the event stream had no events to check';
}

function withParsedData(event: { data?: string }): unknown {
  try {
    return { ...event, data: event.data === undefined ? undefined : JSON.parse(event.data) };
  } catch {
    return event;
  }
}

/** `schema` with each `#/components/schemas/X` pointed at the components registered under COMPONENTS_ID. */
function withComponentRefs<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withComponentRefs) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`)]
        : [key, withComponentRefs(value)],
    ),
  ) as T;
}

function parameterCount(path: string): number {
  return path.split('{').length - 1;
}

/** A documented path as a pattern for real paths: each `{parameter}` is one segment, up to a `/` or a `:verb`. */
function pathPattern(path: string): RegExp {
  const literal = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^/:]+')}$`);
}
