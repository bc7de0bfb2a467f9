import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, type ApiResponseOptions } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemResource } from './problem.dto.js';

/** What each error status means on this API, as the OpenAPI document tells clients. */
const MEANINGS: Readonly<Record<number, string>> = {
  400: 'The request is invalid; `errors` lists each field to fix.',
  401: 'The access token is missing, malformed or expired, or the credentials are wrong.',
  403: 'The caller is signed in but may not do this.',
  404: 'No such resource.',
  409: 'The request conflicts with existing data.',
  500: 'Something went wrong on our side; quote `request_id` when reporting it.',
  503: 'A backend service is unavailable; try again shortly.',
  504: 'A backend service did not answer in time; try again shortly.',
};

/** An error response with the problem+json schema, for `@ApiResponse` or `DocumentBuilder.addGlobalResponse`. */
export function problemResponse(status: number): ApiResponseOptions {
  return {
    status,
    description: MEANINGS[status] ?? 'An error; see the problem document.',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResource) } } },
  };
}

/** Documents the error statuses an operation can answer with, each as an RFC 9457 problem document. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse(problemResponse(status))));
}
