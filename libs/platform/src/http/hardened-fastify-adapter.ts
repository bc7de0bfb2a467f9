import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from '../logging/request-context.js';
import { inServerSpan } from '../telemetry/http-server.js';
import { answerConnectionError, graphQLConnectionErrorBody, type ConnectionErrorBody } from './connection-errors.js';
import { HTTP_TIMEOUTS } from './http-timeouts.js';
import { jsonBodyParser } from './json-body.parser.js';
import { RequestRejection } from './request-rejection.js';
import { setTraceparentHeader } from './trace-response-header.js';
import { addRequestTargetHook } from './request-target.hook.js';

type AdapterOptions = Omit<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'>;
type SecurityHook = Parameters<FastifyAdapter['registerSecurityHook']>[0];

/**
 * Nest's Fastify adapter, held to what a hostile client may do: every part of a request has a time limit
 * ({@link HTTP_TIMEOUTS}); the server reads JSON bodies only (a route may register another type itself, as the
 * product import does), as UTF-8 and nested no deeper than `MAX_JSON_DEPTH`; and whatever HTTP itself
 * refuses — a malformed URL, a NUL byte, a wrong content type, a request Node could not parse — is a 4xx in
 * the server's own error shape: through its exception filters once Fastify has a request, else through
 * {@link setConnectionErrorBody}. No refusal quotes the client's input back.
 */
export class HardenedFastifyAdapter extends FastifyAdapter {
  // Filled in after the server exists, read by the two handlers given to Fastify below.
  private readonly refusals: RefusalSettings;

  constructor(logger: Logger, options: AdapterOptions) {
    const refusals: RefusalSettings = { connectionErrorBody: graphQLConnectionErrorBody };
    super({
      ...options,
      http: { headersTimeout: HTTP_TIMEOUTS.headersMs, connectionsCheckingInterval: HTTP_TIMEOUTS.checkEveryMs },
      requestTimeout: HTTP_TIMEOUTS.requestMs,
      keepAliveTimeout: HTTP_TIMEOUTS.keepAliveMs,
      connectionTimeout: HTTP_TIMEOUTS.idleMs,
      clientErrorHandler: (error, socket) => answerConnectionError(error, socket, refusals.connectionErrorBody, logger),
      // Replaces the adapter's own, which hands these to Fastify's default error handler (its JSON, quoting the URL).
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
        answerRouterError(refusals, error, request, reply),
    });
    this.refusals = refusals;
    const fastify = this.getInstance();
    // Registered through Nest, which then adds no parser of its own for the type.
    this.useBodyParser('application/json', false, {}, jsonBodyParser(fastify));
    // Nest would add a form parser, and Fastify has a text one: neither is an API's format, and both let a
    // cross-site HTML form post without a CORS preflight. Refused like any other type, with a 415.
    this.useBodyParser('application/x-www-form-urlencoded', false, {}, (_request, _body, done) =>
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/x-www-form-urlencoded'), undefined),
    );
    fastify.removeContentTypeParser('text/plain');
    addRequestTargetHook(fastify);
  }

  override registerSecurityHook(hook: SecurityHook): void {
    // Kept to put `app.useSecurityHeaders()`'s headers on the router's refusals too, as the adapter does.
    this.refusals.securityHeaders = hook;
    super.registerSecurityHook(hook);
  }

  /** Sets the body of refusals no exception filter sees (see `answerConnectionError`). */
  setConnectionErrorBody(body: ConnectionErrorBody): void {
    this.refusals.connectionErrorBody = body;
  }
}

interface RefusalSettings {
  connectionErrorBody: ConnectionErrorBody;
  securityHeaders?: SecurityHook;
}

/** A path Fastify's router could not decode, or a path parameter over its length limit. */
function answerRouterError(refusals: RefusalSettings, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  try {
    refusals.securityHeaders?.(request, reply.raw);
  } catch {
    // The request is refused either way; the hook's CSRF check may throw on a request with no params.
  }
  void reply.header(REQUEST_ID_HEADER, request.id);
  // No route, so Fastify's instrumentation never sees it: its trace is begun here.
  inServerSpan(request.raw, reply.raw, () => {
    setTraceparentHeader(reply);
    // Nest's exception layer (installed as Fastify's error handler), so each edge's filters shape the answer.
    request.server.errorHandler(routerRejection(error) ?? error, request, reply);
  });
}

function routerRejection(error: FastifyError): RequestRejection | undefined {
  if (error instanceof errorCodes.FST_ERR_BAD_URL) {
    return new RequestRejection(
      400,
      'REQUEST.MALFORMED_URL',
      'The URL path has a malformed percent-escape: encode each byte as %XX of its UTF-8 encoding, and a literal % as %25.',
    );
  }
  if (error instanceof errorCodes.FST_ERR_MAX_PARAM_LENGTH) {
    return new RequestRejection(414, 'REQUEST.URI_TOO_LONG', 'A segment of the URL path is too long: no id or name here is that long.');
  }
  return undefined;
}

/**
 * Answers requests Node refuses before they become requests (malformed HTTP, headers over 16 KiB, a client too
 * slow to send them) with `body` instead of the default, GraphQL's error format. Call before `listen`.
 */
export function setConnectionErrorBody(app: NestFastifyApplication, body: ConnectionErrorBody): void {
  const adapter = app.getHttpAdapter();
  if (!(adapter instanceof HardenedFastifyAdapter)) throw new Error('The application was not created with createFastifyAdapter.');
  adapter.setConnectionErrorBody(body);
}
