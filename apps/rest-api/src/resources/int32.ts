import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A whole number that fits the proto field it is sent in (`int32`). The services own each field's own limits,
 * but a number outside 32 bits never reaches them intact: protobuf would wrap -2147483649 to 2147483647, so
 * the edge refuses it here, as a matter of the request's shape.
 */
export function IsInt32(): PropertyDecorator {
  const message = `must be a whole number from ${INT32_MIN} to ${INT32_MAX}`;
  // IsInt first: the first rule a value breaks gives the field's one message ("ten" is not a whole number).
  return applyDecorators(IsInt({ message: 'must be a whole number' }), Min(INT32_MIN, { message }), Max(INT32_MAX, { message }));
}
