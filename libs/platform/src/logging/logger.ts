import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { traceFields } from '../telemetry/trace-context.js';
import { currentRequestContext } from './request-context.js';
import { scrubLogText, serializeError } from './safe-error.js';

/**
 * The process logger: one JSON object per line on stdout, written asynchronously, with the service name and, inside a request,
 * its request id and OpenTelemetry trace and span ids. Secrets that may sit in logged objects are redacted, and errors are logged through an
 * allow-list (`serializeError`), so a failed query's parameters never reach a line.
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Inside a request: its id (x-request-id) and the trace and span the line was written in.
    mixin: () => {
      const requestId = currentRequestContext()?.requestId;
      return requestId ? { requestId, ...traceFields() } : traceFields();
    },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACTED_KEYS.flatMap(redactionPaths), censor: '[redacted]' },
  };
  // Asynchronous writes to stdout: a line goes out at once when the stream is idle, and lines logged while a
  // write is under way go out together in the next one, rather than one blocking write per line. pino flushes
  // what is pending when the process exits. If stdout stops taking lines, at most LOG_BUFFER_BYTES wait in
  // memory; later lines are dropped until it drains, rather than the process growing without bound.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_BYTES }));
}

/** The most log output held in memory while stdout is not taking it. */
const LOG_BUFFER_BYTES = 16 * 1024 * 1024;

/** Names under which a secret may sit in a logged object, at the top level or one level down. */
const REDACTED_KEYS = [
  'password',
  'newPassword',
  'passwordHash',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'accessToken',
  'refreshToken',
  'token',
  'secret',
  'keyHash',
  'params',
];

/** `key` at the top level of a logged object and one level down, in fast-redact's path syntax. */
function redactionPaths(key: string): string[] {
  return /^\w+$/.test(key) ? [key, `*.${key}`] : [`["${key}"]`, `*["${key}"]`];
}

/** Lets Nest write its own messages through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    if (message instanceof Error) this.logger.error({ context, err: message }, 'unexpected error');
    else this.logger.error({ context, ...(trace ? { trace: scrubLogText(trace) } : {}) }, scrubLogText(String(message)));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** Nest token of the process's pino logger. */
export const LOGGER = Symbol('LOGGER');
