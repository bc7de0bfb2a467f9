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
 * reachable, else the server at TEST_VALKEY_URL, else none.
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
  if (external) return { url: external, description: `Valkey at TEST_VALKEY_URL (${new URL(external).host})`, stop: async () => undefined };
  return {
    url: undefined,
    description: 'no Valkey: no Docker engine is reachable and TEST_VALKEY_URL is not set',
    stop: async () => undefined,
  };
}
