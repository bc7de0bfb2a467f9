import type { PGlite, Transaction } from '@electric-sql/pglite';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { lazyHistogram, secondsSince } from '../telemetry/instruments.js';
import { markFailed } from '../telemetry/spans.js';

/**
 * Spans and `db.client.operation.duration` for embedded PGlite, shaped as `@opentelemetry/instrumentation-pg`
 * shapes them for PostgreSQL (which it instruments in every process that uses `pg`), so a trace and the metrics
 * read the same whichever database a service runs on: spans named `pg.query:INSERT <database>`, `db.system.name`
 * `postgresql`, the statement as parameterised SQL (values never appear), and a failure's SQLSTATE. Like the pg instrumentation, a
 * query outside any trace gets no span of its own, only the metric.
 */
const duration = lazyHistogram('database', 'db.client.operation.duration', 'Duration of database client operations.');
const tracer = () => trace.getTracer('triad.database');

export function instrumentPglite(client: PGlite, namespace: string | undefined): void {
  const query = client.query.bind(client);
  client.query = ((text: string, params?: unknown[], options?: never) =>
    measured(namespace, text, () => query(text, params, options))) as PGlite['query'];
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const txQuery = tx.query.bind(tx);
      tx.query = ((text: string, params?: unknown[], options?: never) =>
        measured(namespace, text, () => txQuery(text, params, options))) as Transaction['query'];
      return callback(tx);
    })) as PGlite['transaction'];
}

async function measured<T>(namespace: string | undefined, text: string, run: () => Promise<T>): Promise<T> {
  const operation = operationName(text);
  const attributes = {
    'db.system.name': 'postgresql',
    'db.operation.name': operation,
    ...(namespace ? { 'db.namespace': namespace } : {}),
  };
  const startedAt = performance.now();
  // A child of whatever span is current, even one that has ended (a GraphQL resolver's, when a DataLoader runs
  // the query after it returned): the sampler decides from the parent whether it is recorded.
  const span = trace.getSpan(context.active())
    ? tracer().startSpan(`pg.query:${operation}${namespace ? ` ${namespace}` : ''}`, {
        kind: SpanKind.CLIENT,
        attributes: { ...attributes, 'db.query.text': text },
      })
    : undefined;
  try {
    const result = await run();
    duration().record(secondsSince(startedAt), attributes);
    return result;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const errorType = typeof code === 'string' ? code : 'error';
    duration().record(secondsSince(startedAt), { ...attributes, 'error.type': errorType });
    if (span) {
      markFailed(span, errorType);
      if (typeof code === 'string') span.setAttribute('db.response.status_code', code);
    }
    throw error;
  } finally {
    span?.end();
  }
}

/** The statement's first keyword: `SELECT`, `INSERT`, `WITH`… (what pg's instrumentation reports too). */
function operationName(text: string): string {
  return /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
}
