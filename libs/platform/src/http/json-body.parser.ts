import { isUtf8 } from 'node:buffer';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { RequestRejection } from './request-rejection.js';

/**
 * How deeply a JSON body may nest arrays and objects. No request of ours comes near it (GraphQL variables
 * included); a body nested 100,000 deep parses, then overflows the stack of whatever walks it next
 * (validation, logging, GraphQL variable coercion) and would become a 500.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * The `application/json` parser of every Triad HTTP server: Fastify's own (which refuses `__proto__` and
 * `constructor.prototype` keys) after two checks that each answer 400 instead of a 500 or a silent change to
 * the data: the body must be UTF-8 (RFC 8259), not bytes that decoding would turn into U+FFFD, and nest no
 * deeper than {@link MAX_JSON_DEPTH}.
 */
export function jsonBodyParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    if (!isUtf8(body)) {
      done(
        new RequestRejection(400, 'REQUEST.INVALID_UTF8', 'The request body is not valid UTF-8: send JSON encoded as UTF-8.'),
        undefined,
      );
    } else if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(
        new RequestRejection(
          400,
          'REQUEST.JSON_TOO_DEEP',
          `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send a flatter document.`,
        ),
        undefined,
      );
    } else {
      parse(request, body.toString('utf8'), done);
    }
  };
}

/** One pass over the bytes, counting brackets outside strings; stops as soon as the limit is passed. */
function nestsDeeperThan(json: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index++) {
    const byte = json[index] ?? 0;
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}
