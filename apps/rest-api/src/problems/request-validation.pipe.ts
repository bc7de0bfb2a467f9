import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldViolation } from '@triad/platform';

const MAX_FIELD_NAME = 64;

/**
 * Validates request bodies and queries against their DTO classes. A request with unknown fields is refused
 * rather than silently trimmed, so a misspelt field is reported instead of ignored. Every bad field becomes
 * one field violation of a 400 problem document.
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    // One message per field: a missing field is "required", not also "must be a string".
    stopAtFirstError: true,
    exceptionFactory: (errors) =>
      DomainError.invalidArgument(
        'REQUEST.INVALID_FIELDS',
        errors.flatMap((error) => violations(error)),
      ),
  });
}

function violations(error: ValidationError, parent = ''): FieldViolation[] {
  const field = fieldPath(parent, error.property);
  const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
    field,
    description: constraint === 'whitelistValidation' ? 'is not a field of this request; remove it' : message,
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => violations(child, field))];
}

/**
 * Paths read like the platform's field violations: `lines[2].quantity`. An unknown field's name is the
 * client's own text, so a long one is cut: a problem document never echoes a large input.
 */
function fieldPath(parent: string, property: string): string {
  const name = property.length <= MAX_FIELD_NAME ? property : `${property.slice(0, MAX_FIELD_NAME)}...`;
  if (/^\d+$/.test(name)) return `${parent}[${name}]`;
  return parent === '' ? name : `${parent}.${name}`;
}
