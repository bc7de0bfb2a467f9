import { once } from 'node:events';
import type { Provider } from '@nestjs/common';
import { Valkey } from 'iovalkey';
import type { Logger } from 'pino';
import { z } from 'zod';
import { StartupError } from '../lifecycle/service-runner.js';

export type { Valkey };

/** Nest token of the process's Valkey client, when it has one. */
export const VALKEY = Symbol('VALKEY');

/** How long a process waits at start for Valkey to answer before it gives up. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long one command may take before it fails: a Valkey that hangs, rather than refusing connections, must not
 * hold up every request that reads a count, a cached product or a persisted query. Each caller then does what it
 * does when Valkey is unreachable. A command takes well under a millisecond; the limit is far above that because
 * it is measured by this process's event loop, and a loop stalled for a moment (a long GC, a starved CPU) runs
 * the timer before it reads the answer already waiting, so a tight limit would take a busy process for a hung
 * Valkey (and refuse sign-ins for it).
 */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * `VALKEY_URL`: the Valkey (or Redis) that the replicas of a process share state in, such as `redis://valkey:6379`
 * or `rediss://user:password@cache.example.com:6380`. Unset, each process keeps that state in its own memory,
 * which is right for one process (`npm start`) and wrong for several.
 */
export function valkeyUrlSetting() {
  return z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL, such as redis://valkey:6379' }).optional();
}

/**
 * Connects to Valkey and resolves once it answers, or fails the start with a line saying where it looked (never
 * the password). Afterwards a command sent while the connection is down fails at once instead of queueing, so
 * callers can fall back (the REST rate limit lets requests through); the client reconnects by itself, and the
 * log says when it lost and regained the connection.
 */
export async function connectValkey(url: string, { name, logger }: { name: string; logger: Logger }): Promise<Valkey> {
  const where = new URL(url).host;
  const client = new Valkey(url, {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let connected = false;
  client.on('ready', () => {
    if (!connected) logger.info({ valkey: where }, 'shared state: Valkey connected');
    connected = true;
  });
  client.on('error', (error: Error) => {
    if (connected) logger.warn({ valkey: where, reason: error.message }, 'shared state: Valkey unreachable, reconnecting');
    connected = false;
  });
  try {
    await Promise.race([
      client.connect(),
      once(client, 'end').then(() => Promise.reject(new Error('the connection closed'))),
      new Promise((_resolve, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS).unref(),
      ),
    ]);
  } catch (error) {
    client.disconnect();
    throw new StartupError(`Cannot reach Valkey at ${where} (VALKEY_URL): ${(error as Error).message}.`);
  }
  // Only now: the commands of connecting (the ready check, the connection's name) have the start's whole
  // CONNECT_TIMEOUT_MS, so a busy machine at start-up is not taken for a Valkey that hangs. The client reads
  // the option at each command.
  client.options.commandTimeout = COMMAND_TIMEOUT_MS;
  return client;
}

/** Nest providers for the process's Valkey client: under `VALKEY`, and closed after the servers stop taking requests. */
export function valkeyProviders(client: Valkey): Provider[] {
  return [
    { provide: VALKEY, useValue: client },
    // A quit needs the connection; without one there is nothing to flush, only the reconnecting to stop.
    {
      provide: Symbol('VALKEY_SHUTDOWN'),
      useValue: {
        onApplicationShutdown: () =>
          client.quit().then(
            () => undefined,
            () => client.disconnect(),
          ),
      },
    },
  ];
}

/** A Lua script run as one Valkey command: keys first, then arguments; resolves to what the script returns. */
export type ValkeyScript = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * `lua` as a command of `valkey` named `name`, whose first `numberOfKeys` arguments are keys: atomic, so replicas
 * changing the same keys at once never interleave, and sent by its SHA-1 once Valkey has it (EVALSHA), not as text
 * every time.
 */
export function valkeyScript(valkey: Valkey, name: string, numberOfKeys: number, lua: string): ValkeyScript {
  if (!(name in valkey)) valkey.defineCommand(name, { numberOfKeys, lua });
  const command = (valkey as unknown as Record<string, ValkeyScript | undefined>)[name];
  if (!command) throw new Error(`Valkey has no command ${name}`);
  return (...keysThenArgs) => command.apply(valkey, keysThenArgs);
}
