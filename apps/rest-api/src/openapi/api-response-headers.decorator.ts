import { DECORATORS, type HeadersObject } from '@nestjs/swagger';

interface DocumentedResponse {
  description?: string;
  headers?: HeadersObject;
}

/**
 * Documents headers of an operation's `status` response, beside the ones already documented. `@ApiResponse()`
 * replaces a response's `headers` whole, so a decorator that adds one header (`ETag`, `Link`) uses this
 * instead, and the order of the decorators on a route does not matter.
 */
export function ApiResponseHeaders(status: number, headers: HeadersObject): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as Record<string, DocumentedResponse>;
    const response = responses[status] ?? { description: '' };
    Reflect.defineMetadata(
      DECORATORS.API_RESPONSE,
      { ...responses, [status]: { ...response, headers: { ...response.headers, ...headers } } },
      handler,
    );
  };
}
