// How the bench talks to each style, counting what crosses the wire: HTTP answers with their header and payload
// bytes, gRPC answers with their message bytes (from the deserializer) and metadata.
import { credentials, loadPackageDefinition as grpcPackage, Metadata } from '@grpc/grpc-js';
import { bearer } from '@triad/testing';
import { loadPackageDefinition } from '@triad/contracts';

/** Bytes of the answers read so far, by kind; a variant's sample reads them around one request. */
export const received = { payload: 0, headers: 0, calls: 0 };

/** One HTTP exchange; throws unless the status is expected (and, for GraphQL, unless there are no errors). */
export async function http(url, init = {}, expected = [200]) {
  const response = await fetch(url, init);
  const body = Buffer.from(await response.arrayBuffer());
  if (!expected.includes(response.status))
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${body.toString().slice(0, 300)}`);
  received.calls += 1;
  // What the server sent: the status line and each header line, and the body as sent (compressed or not).
  let headers = 'HTTP/1.1 200 OK\r\n'.length + 2;
  for (const [name, value] of response.headers) headers += name.length + 2 + value.length + 2;
  received.headers += headers;
  received.payload += Number(response.headers.get('content-length') ?? body.length);
  return body;
}

/** A JSON HTTP exchange, parsed. */
export async function json(url, init, expected) {
  return JSON.parse((await http(url, init, expected)).toString());
}

/** A GraphQL operation over HTTP POST; errors in the answer throw. */
export async function graphql(url, query, variables = {}, token) {
  const answer = await json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  if (answer.errors) throw new Error(`GraphQL: ${JSON.stringify(answer.errors).slice(0, 300)}`);
  return answer.data;
}

/**
 * A plain grpc-js client of a Triad service (`triad.catalog.v1.CatalogService`), from the same package
 * definition the services serve, whose deserializers count the bytes of every answer.
 */
export function grpcClient(fullName, address) {
  // grpc-js nests the loaded package by the dots in its name: `triad.catalog.v1.CatalogService` → .triad.catalog…
  const loaded = grpcPackage({ [fullName]: withDeserializers(loadPackageDefinition()[fullName]) });
  const Client = fullName.split('.').reduce((namespace, part) => namespace[part], loaded);
  return new Client(address, credentials.createInsecure());
}

function withDeserializers(service) {
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => [
      name,
      { ...method, responseDeserialize: countingDeserializer(method.responseDeserialize) },
    ]),
  );
}

function countingDeserializer(deserialize) {
  return (bytes) => {
    // gRPC frames each message with 5 bytes (compressed flag and length).
    received.payload += bytes.length + 5;
    return deserialize(bytes);
  };
}

/**
 * One unary gRPC call, with its answer's metadata and trailers counted as header bytes: names and values as text,
 * without HTTP/2's pseudo-headers, framing or HPACK compression, so an estimate.
 */
export { bearer };

export function unary(client, method, request, metadata = new Metadata()) {
  return new Promise((resolve, reject) => {
    const call = client[method](request, metadata, { deadline: Date.now() + 30_000 }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
    received.calls += 1;
    call.on('metadata', (headers) => (received.headers += metadataBytes(headers)));
    call.on('status', (status) => {
      received.headers += metadataBytes(status.metadata) + `grpc-status${status.code}grpc-message${status.details}`.length;
    });
  });
}

function metadataBytes(metadata) {
  let bytes = 0;
  for (const [key, values] of Object.entries(metadata.toJSON())) for (const value of values) bytes += key.length + String(value).length;
  return bytes;
}
