import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Raised when the environment does not describe a runnable process; its message is one line for people. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Small, reusable validators for environment variables; each says what it expects in its error. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'a port number' })
      .int({ error: 'a whole port number (0-65535)' })
      .min(0, { error: 'a port number (0-65535)' })
      .max(65535, { error: 'a port number (0-65535)' })
      .default(fallback),
  string: (fallback?: string) => {
    const value = z.string({ error: 'a non-empty value' }).min(1, { error: 'a non-empty value' });
    return fallback === undefined ? value : value.default(fallback);
  },
  optionalString: () => z.string().min(1, { error: 'a non-empty value, or leave it unset' }).optional(),
  url: (fallback?: string) => {
    const url = z.url({ error: 'a URL such as http://localhost:4001/graphql' });
    return fallback === undefined ? url : url.default(fallback);
  },
  optionalDatabaseUrl: () =>
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'a postgres:// connection URL, or leave it unset to use embedded PGlite' })
      .optional(),
  grpcAddress: (fallback: string) =>
    z
      .string()
      .regex(/^[\w.-]+:\d{1,5}$/, { error: 'a host:port address such as localhost:50051' })
      .default(fallback),
  duration: (fallbackMs: number) =>
    z.coerce
      .number({ error: 'a number of milliseconds' })
      .int()
      .positive({ error: 'a positive number of milliseconds' })
      .default(fallbackMs),
  count: (fallback: number) =>
    z.coerce
      .number({ error: 'a whole number' })
      .int({ error: 'a whole number' })
      .min(0, { error: 'a whole number, 0 or more' })
      .default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  /** A comma-separated list, its entries trimmed and the empty ones dropped; unset is the empty list. */
  list: () =>
    z
      .string()
      .optional()
      .transform((list) =>
        (list ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      ),
  nodeEnv: () => z.enum(['development', 'test', 'production'], { error: 'development, test or production' }).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'a pino log level' }).default('info'),
};

/** Variables whose values are never repeated in an error message, since that goes to the log. */
const SECRET_VARIABLE = /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL|VALKEY_URL/;

/**
 * Reads and validates configuration from the environment. The schema's keys are the variable names, so an
 * error names exactly the variable to fix: `Invalid configuration: USERS_GRPC_PORT must be a port number (0-65535), got "abc".`
 * Any variable may instead name a file that holds its value, as `<NAME>_FILE` (Docker and Kubernetes
 * secrets), so a secret need not sit in the environment; the value of a secret is never quoted back.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<Shape>> {
  const values = Object.fromEntries(Object.keys(shape).map((key) => [key, valueOf(key, source)]));
  const result = z.object(shape).safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '?');
    const got = values[variable];
    if (got === undefined) return `${variable} is required: set it to ${issue.message}`;
    const shown = SECRET_VARIABLE.test(variable) ? `a value of ${got.length} characters` : JSON.stringify(got);
    return `${variable} must be ${issue.message}, got ${shown}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
}

function valueOf(variable: string, source: Record<string, string | undefined>): string | undefined {
  const value = source[variable];
  if (value !== undefined && value !== '') return value;
  const file = source[`${variable}_FILE`];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new ConfigError(`Invalid configuration: ${variable}_FILE must name a readable file, got ${JSON.stringify(file)}.`);
  }
}

/**
 * Refuses to start in production without each of `variables`: what development can do without (a missing
 * service secret only disables the calls that need it), production cannot.
 */
export function requireInProduction<T extends { NODE_ENV: string }>(config: T, variables: readonly (keyof T & string)[]): T {
  if (config.NODE_ENV !== 'production') return config;
  const missing = variables.filter((variable) => config[variable] === undefined);
  if (missing.length === 0) return config;
  throw new ConfigError(`Invalid configuration: ${missing.join(', ')} must be set when NODE_ENV is production.`);
}
