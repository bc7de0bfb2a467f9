import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type {} from 'vitest';
import { dockerIsReachable } from './docker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Valkey server of this run (see valkey.global-setup.ts), or empty when there is none. */
    valkeyUrl: string;
  }
}

export interface TestValkey {
  /** Its URL, or undefined when no Valkey can be had here (the specs that need one are skipped, saying why). */
  url: string | undefined;
  description: string;
  /** Stops the server, as an outage would; `stop` is also how a spec ends with it. */
  stop(): Promise<void>;
}

const IMAGE = 'valkey/valkey:8.1';

/**
 * A Valkey server for the specs of state that replicas share: a throwaway container when a Docker engine is
 * reachable, else the server at TEST_VALKEY_URL (a `redis://` one), reached through a door `stop` closes, else none.
 */
export async function startTestValkey(): Promise<TestValkey> {
  if (await dockerIsReachable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(IMAGE)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    let stopped: Promise<unknown> | undefined;
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      description: `Valkey in a testcontainers container (${IMAGE})`,
      stop: async () => {
        await (stopped ??= container.stop());
      },
    };
  }
  const external = process.env['TEST_VALKEY_URL'];
  if (external) {
    const door = await outageDoor(new URL(external));
    return { url: door.url, description: `Valkey at TEST_VALKEY_URL (${new URL(external).host})`, stop: door.stop };
  }
  return {
    url: undefined,
    description: 'no Valkey: no Docker engine is reachable and TEST_VALKEY_URL is not set',
    stop: async () => undefined,
  };
}

/**
 * A local TCP door to the Valkey at `target`: its URL leads there until `stop` cuts every connection through it and
 * refuses new ones, so that a spec can take away a server it does not own as an outage would.
 */
async function outageDoor(target: URL): Promise<{ url: string; stop(): Promise<void> }> {
  // A TLS client would check the server's certificate against the door's address.
  if (target.protocol !== 'redis:') throw new Error(`TEST_VALKEY_URL must be a redis:// URL, not ${target.protocol}//`);
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  let stopped: Promise<void> | undefined;
  return {
    url: url.toString(),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      })),
  };
}
