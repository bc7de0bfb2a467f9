import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE, type FieldViolation, type ProblemDocument } from '@triad/platform';

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldViolationResource implements FieldViolation {
  @ApiProperty({ description: 'Path of the field in the request, e.g. `email` or `page_size`.', example: 'email' })
  field!: string;

  @ApiProperty({
    description: 'What is wrong with it, written for the person who sent it.',
    example: 'must be an email address such as ada@example.com',
  })
  description!: string;
}

/** The schema of `application/problem+json` bodies, kept in step with platform's `ProblemDocument` by `implements`. */
export class ProblemResource implements ProblemDocument {
  @ApiProperty({ format: 'uri', description: 'Identifies the kind of problem.', example: `${PROBLEM_TYPE_BASE}invalid-argument` })
  type!: string;

  @ApiProperty({ description: 'Short summary of the kind of problem.', example: 'Invalid argument' })
  title!: string;

  @ApiProperty({ type: 'integer', description: 'The HTTP status code.', example: 400 })
  status!: number;

  @ApiProperty({
    description: 'What went wrong in this request, and what to do about it.',
    example: 'Invalid request: email: must be a string',
  })
  detail!: string;

  @ApiProperty({ format: 'uri-reference', description: 'The path of the request that failed.', example: '/v1/users' })
  instance!: string;

  @ApiProperty({ description: 'Stable, namespaced error code to branch on.', example: 'REQUEST.INVALID_FIELDS' })
  code!: string;

  @ApiPropertyOptional({ description: 'The request id (also in the `x-request-id` header); quote it when reporting a problem.' })
  request_id?: string;

  @ApiPropertyOptional({ type: [FieldViolationResource], description: 'Each invalid field, when the request had any.' })
  errors?: FieldViolationResource[];
}
