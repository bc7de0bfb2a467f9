import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, type ApiResponseOptions } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemResource } from './problem.dto.js';

/** What each error status means on this API, as the OpenAPI document tells clients. */
const MEANINGS: Readonly<Record<number, string>> = {
  400: 'The request is invalid; `errors` lists each field to fix.',
  401: 'The access token or API key is missing, malformed, expired or revoked, or the credentials are wrong.',
  403: 'The caller is signed in but may not do this.',
  404: 'No such resource.',
  409: 'The request conflicts with existing data.',
  422: 'The request is valid but cannot be carried out as things stand; `code` says why.',
  500: 'Something went wrong on our side; quote `request_id` when reporting it.',
  503: 'A backend service is unavailable; try again shortly.',
  504: 'A backend service did not answer in time; try again shortly.',
};

/** An error status an operation can answer with, and optionally what it means there (which codes, what to do). */
export type ProblemResponse = number | { status: number; description: string };

/** An error response with the problem+json schema, for `@ApiResponse` or `DocumentBuilder.addGlobalResponse`. */
export function problemResponse(
  status: number,
  description = MEANINGS[status] ?? 'An error; see the problem document.',
): ApiResponseOptions {
  return {
    status,
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResource) } } },
  };
}

/** Documents the error statuses an operation can answer with, each as an RFC 9457 problem document. */
export function ApiProblemResponses(...responses: ProblemResponse[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...responses.map((response) =>
      ApiResponse(typeof response === 'number' ? problemResponse(response) : problemResponse(response.status, response.description)),
    ),
  );
}
