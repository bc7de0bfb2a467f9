import type { Readable } from 'node:stream';
import { Injectable, PayloadTooLargeException, UnsupportedMediaTypeException, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { AddRouteConfig } from '../../http/route-config.js';

/** Newline-delimited JSON: one JSON value per line. */
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@NdjsonBody()`. */
    ndjsonBody?: boolean;
  }
}

/**
 * Marks a route that reads an `application/x-ndjson` body as it arrives: its `request.body` is the request
 * stream, unread. Fastify's body limit does not apply to a body read this way, so the handler enforces its
 * own, which `requireNdjsonBody` starts and `ndjsonLines` finishes.
 */
export function NdjsonBody(): MethodDecorator {
  return AddRouteConfig({ ndjsonBody: true });
}

/**
 * Registers the `application/x-ndjson` parser: it hands `@NdjsonBody()` routes the request stream instead of
 * parsing it, and answers every other route 415, as Fastify does for a type it has no parser for (a stream
 * handed to a JSON route would reach its validation as an object full of stream internals).
 */
@Injectable()
export class NdjsonBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser(NDJSON_MEDIA_TYPE, (request, payload, done) => {
      if (request.routeOptions.config.ndjsonBody) done(null, payload);
      else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(NDJSON_MEDIA_TYPE), undefined);
    });
  }
}

/**
 * The unread body of an `@NdjsonBody()` route: 415 when it came as another type (JSON arrives parsed), and
 * 413 at once when its `Content-Length` says it is larger than `limitBytes`, before a byte of it is read.
 */
export function requireNdjsonBody(request: FastifyRequest, limitBytes: number): Readable {
  if (!isStream(request.body)) {
    throw new UnsupportedMediaTypeException(`Send the body as ${NDJSON_MEDIA_TYPE}: one JSON object per line.`);
  }
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > limitBytes) {
    throw new PayloadTooLargeException(
      `The body is ${length} bytes; this operation reads at most ${limitBytes}: split it into smaller parts.`,
    );
  }
  return request.body;
}

function isStream(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}
