import pg from 'pg';

/** Stops delivering notifications to the handler that `listen` registered. */
export type Unlisten = () => Promise<void>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_RETRY_DELAY_MS = 30_000;

/** Refuses channel names that would need quoting: PGlite's `listen` does not quote them. */
export function assertChannelName(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`"${channel}" is not a usable channel name: use lower-case letters, digits and _.`);
}

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would drop it on release). When the connection is
 * lost it reconnects, with a growing delay, until it listens again or `Unlisten` is called. Notifications
 * committed while it was away are not replayed, which is why watchers read the current state first.
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
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
  };
  const reconnect = (attempt: number) => {
    if (stopped || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        connect().catch(() => reconnect(attempt + 1));
      },
      Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** attempt),
    );
    retry.unref();
  };
  const lost = (which: pg.Client) => {
    if (which !== client) return;
    client = undefined;
    reconnect(0);
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
