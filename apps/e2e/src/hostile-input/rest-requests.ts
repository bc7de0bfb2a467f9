import fc from 'fast-check';
import { hostileFor, hostileString, leaksIn } from './hostile-values.js';

type Schema = { type?: string; $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[] };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** One operation of the OpenAPI document, as the suite exercises it. */
export interface RestOperation {
  id: string;
  method: string;
  path: string;
  parameters: Parameter[];
  bodyType?: string;
  bodySchema?: Schema;
}

/** A request as the suite sends it. */
export interface RestRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

/** Every operation the document describes. */
export function operationsOf(document: OpenApiDocument): RestOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const [bodyType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      return {
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        ...(bodyType ? { bodyType, bodySchema: resolve(document, content?.schema) } : {}),
      };
    }),
  );
}

/**
 * Requests to `operation` with hostile values in its path, query, headers and body, each field's value drawn
 * for the field's declared type; `credentials` are the Authorization/X-API-Key headers to pick from.
 */
export function hostileRequests(
  document: OpenApiDocument,
  operation: RestOperation,
  credentials: Record<string, string>[],
): fc.Arbitrary<RestRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const optional = operation.parameters.filter((parameter) => parameter.in !== 'path');
  return fc
    .record({
      path: fc.tuple(...pathParameters.map(() => hostileString())),
      // Sometimes a segment goes unescaped, so a bad percent-escape such as %E0%A4%A reaches the server as is.
      rawPath: fc.boolean(),
      query: fc
        .subarray(optional.filter((parameter) => parameter.in === 'query'))
        .chain((chosen) =>
          fc.tuple(...chosen.map((parameter) => fc.tuple(fc.constant(parameter.name), hostileFor(parameter.schema?.type)))),
        ),
      credentials: fc.constantFrom(...credentials),
      body: operation.bodySchema ? hostileBody(document, operation.bodySchema) : fc.constant(undefined),
      rawBody: operation.method === 'GET' ? fc.constant(null) : fc.option(fc.constantFrom(...RAW_BODY_NAMES), { freq: 4 }),
    })
    .map(({ path, rawPath, query, credentials: chosen, body, rawBody }) => {
      let url = operation.path;
      pathParameters.forEach((parameter, index) => (url = url.replace(`{${parameter.name}}`, pathSegment(path[index] ?? '', rawPath))));
      const search = new URLSearchParams(query.map(([name, value]): [string, string] => [String(name), asText(value)]));
      const headers: Record<string, string> = { ...chosen };
      if (operation.method === 'POST' && operation.path === '/v1/orders') headers['idempotency-key'] = 'hostile-suite';
      let text: string | Uint8Array<ArrayBuffer> | undefined;
      if (rawBody) [text, headers['content-type']] = RAW_BODIES[rawBody]();
      else if (body !== undefined) {
        headers['content-type'] = operation.bodyType ?? 'application/json';
        text = operation.bodyType === 'application/x-ndjson' ? `${JSON.stringify(body)}\n${JSON.stringify(body)}\n` : JSON.stringify(body);
      }
      return {
        method: operation.method,
        path: `${url}${search.size > 0 ? `?${search}` : ''}`,
        headers,
        ...(text === undefined ? {} : { body: text }),
      };
    });
}

/** A drawn value as a query parameter's text: objects and lists as JSON, as a careless client would send them. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** `value` as one path segment: percent-encoded as UTF-8 (a lone surrogate as U+FFFD), or as it is when asked and possible. */
function pathSegment(value: string, raw: boolean): string {
  if (raw && /^[\x21-\x7e]+$/.test(value) && !/[/?#]/.test(value)) return value;
  return [...new TextEncoder().encode(value)]
    .map((byte) =>
      /[\w.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** An object shaped like the schema, each property hostile, some left out, some extra. */
function hostileBody(document: OpenApiDocument, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema);
  if (!resolved?.properties || depth > 3) return hostileFor(resolved?.type);
  const fields = Object.entries(resolved.properties).map(([name, property]) => {
    const value =
      resolve(document, property)?.type === 'array'
        ? fc.array(hostileBody(document, resolve(document, property)?.items ?? {}, depth + 1), { maxLength: 3 })
        : hostileBody(document, property, depth + 1);
    return fc.option(fc.tuple(fc.constant(name), value), { freq: 5 });
  });
  return fc.tuple(...fields).map((entries) => Object.fromEntries(entries.filter((entry) => entry !== null)));
}

/**
 * Bodies no parser should choke on: very deep JSON, invalid UTF-8, not JSON, empty, the wrong type. Drawn by
 * name and made when sent, so a failing run's report names the body instead of printing 200 KB of brackets.
 */
const RAW_BODIES: Record<string, () => [string | Uint8Array<ArrayBuffer>, string]> = {
  'JSON nested 100,000 deep': () => [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/json'],
  'objects nested 20,000 deep': () => [`{"a":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_001)}`, 'application/json'],
  'invalid UTF-8': () => [Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'application/json'],
  'an empty JSON body': () => ['', 'application/json'],
  'text that is not JSON': () => ['not json', 'application/json'],
  'JSON cut short': () => ['{"a":1', 'application/json'],
  'a form': () => ['name=x', 'application/x-www-form-urlencoded'],
  XML: () => ['<x/>', 'application/xml'],
  'JSON null': () => ['null', 'application/json'],
};
const RAW_BODY_NAMES = Object.keys(RAW_BODIES);

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema?.allOf?.[0] ? resolve(document, schema.allOf[0]) : schema;
  return resolve(document, document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
}

/** What is wrong with a response to a hostile request: a 5xx, a leak, or an error not in problem+json. */
export function restProblems(response: { status: number; contentType: string; text: string }): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}`);
  problems.push(...leaksIn(response.text).map((leak) => `leaked ${leak}`));
  if (response.status >= 400) {
    if (!response.contentType.startsWith('application/problem+json'))
      problems.push(`answered ${response.status} as ${response.contentType || 'no content type'}`);
    else {
      const problem = JSON.parse(response.text) as Record<string, unknown>;
      for (const field of ['type', 'title', 'status', 'detail', 'code']) if (!(field in problem)) problems.push(`problem without ${field}`);
      if (problem['status'] !== response.status) problems.push(`problem status ${String(problem['status'])} on a ${response.status}`);
    }
  }
  return problems;
}
