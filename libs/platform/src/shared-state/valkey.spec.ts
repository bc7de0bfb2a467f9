import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectValkey, type Valkey } from './valkey.js';

/**
 * A stand-in for a Valkey server over real TCP that answers the commands of connecting (CLIENT SETNAME, the INFO
 * of the ready check) after `handshakeDelayMs`, longer than the command timeout, and never answers any other
 * command: a Valkey that hangs.
 */
async function hangingValkey(handshakeDelayMs: number): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => {
      const text = data.toString().toUpperCase();
      const answers: string[] = [];
      if (text.includes('SETNAME')) answers.push('+OK\r\n');
      if (text.includes('INFO')) {
        const info = '# Server\r\nredis_version:7.2.0\r\nloading:0\r\n';
        answers.push(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
      }
      if (answers.length > 0) setTimeout(() => socket.write(answers.join('')), handshakeDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

const opened: { client?: Valkey; server: Server; sockets: Set<Socket> }[] = [];

afterEach(async () => {
  for (const { client, server, sockets } of opened.splice(0)) {
    client?.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('connectValkey', () => {
  it('gives a slow start the whole connect timeout, then fails a command Valkey does not answer within 2 s', async () => {
    const valkey = await hangingValkey(3_000);
    const entry: (typeof opened)[number] = { server: valkey.server, sockets: valkey.sockets };
    opened.push(entry);

    const client = await connectValkey(valkey.url, { name: 'spec', logger: pino({ level: 'silent' }) });
    entry.client = client;

    const started = Date.now();
    await expect(client.get('anything')).rejects.toThrow(/timed out/i);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(8_000);
  });
});
