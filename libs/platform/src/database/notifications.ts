import pg from 'pg';

/** Stops delivering notifications to the handler that `listen` registered. */
export type Unlisten = () => Promise<void>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** Refuses channel names that would need quoting: PGlite's `listen` does not quote them. */
export function assertChannelName(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`"${channel}" is not a usable channel name: use lower-case letters, digits and _.`);
}

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would drop it on release). When the connection
 * is lost it reconnects and listens again, so a watcher keeps receiving changes across a database restart;
 * changes committed while it was away are not replayed, which is why watchers read current state first.
 */
export async function listenOnPostgres(url: string, channel: string, onNotification: (payload: string) => void): Promise<Unlisten> {
  assertChannelName(channel);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotification(message.payload ?? '');
    });
    next.on('error', () => scheduleReconnect(next));
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
  };
  const scheduleReconnect = (lost: pg.Client) => {
    if (stopped || client !== lost || retry) return;
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(() => scheduleReconnect(lost));
    }, 1_000);
    retry.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
