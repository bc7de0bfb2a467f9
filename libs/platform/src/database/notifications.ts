import pg from 'pg';

/**
 * What `listen` returns. Calling it stops delivering notifications to the handler that `listen` registered.
 *
 * `onReconnect` (PostgreSQL only) registers a function to call each time the LISTEN connection is back after
 * being lost (the server restarted, a failover, the backend was terminated). NOTIFY is not queued for a session
 * that is gone, so whatever was notified in between never arrives: a listener that must not miss a change
 * re-reads the state it follows then. Embedded PGlite runs in this process and has no connection to lose, so
 * its `listen` leaves `onReconnect` out.
 */
export interface Unlisten {
  (): Promise<void>;
  onReconnect?: (listener: () => void) => void;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_RETRY_DELAY_MS = 30_000;

/** Refuses channel names that would need quoting: PGlite's `listen` does not quote them. */
export function assertChannelName(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`"${channel}" is not a usable channel name: use lower-case letters, digits and _.`);
}

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would drop it on release). When the connection is
 * lost it reconnects, with a growing delay, until it listens again or `Unlisten` is called, and then tells the
 * `onReconnect` listeners: notifications committed while it was away are not replayed.
 */
export async function listenOnPostgres(url: string, channel: string, onNotification: (payload: string) => void): Promise<Unlisten> {
  assertChannelName(channel);
  const reconnectListeners = new Set<() => void>();
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
    // Unlisten was called while this connection was being made: nobody wants it any more.
    if (stopped) return void (await next.end().catch(() => undefined));
    client = next;
  };
  const reconnect = (attempt: number) => {
    if (stopped || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        connect().then(
          () => {
            if (!stopped) for (const listener of reconnectListeners) listener();
          },
          () => reconnect(attempt + 1),
        );
      },
      Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** attempt),
    );
    retry.unref();
  };
  const lost = (which: pg.Client) => {
    if (which !== client) return;
    client = undefined;
    void which.end().catch(() => undefined);
    reconnect(0);
  };

  await connect();
  const unlisten = async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
  return Object.assign(unlisten, { onReconnect: (listener: () => void) => void reconnectListeners.add(listener) });
}
