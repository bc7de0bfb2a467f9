import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config.js';

const shape = { GATEWAY_PORT: env.port(4000), USERS_SERVICE_ADDR: env.grpcAddress('localhost:50051'), REQUIRED_NAME: env.string() };

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    expect(loadConfig(shape, { REQUIRED_NAME: 'x' })).toEqual({
      GATEWAY_PORT: 4000,
      USERS_SERVICE_ADDR: 'localhost:50051',
      REQUIRED_NAME: 'x',
    });
    expect(loadConfig(shape, { REQUIRED_NAME: 'x', GATEWAY_PORT: '8080' }).GATEWAY_PORT).toBe(8080);
  });

  it('names the variable, what it expects and what it got, in one line', () => {
    expect(() => loadConfig(shape, { REQUIRED_NAME: 'x', GATEWAY_PORT: 'abc' })).toThrow(
      new ConfigError('Invalid configuration: GATEWAY_PORT must be a port number, got "abc".'),
    );
    expect(() => loadConfig(shape, { REQUIRED_NAME: 'x', GATEWAY_PORT: '70000' })).toThrow(
      /GATEWAY_PORT must be a port number \(0-65535\), got "70000"/,
    );
    expect(() => loadConfig(shape, { REQUIRED_NAME: 'x', USERS_SERVICE_ADDR: 'http://users' })).toThrow(
      /USERS_SERVICE_ADDR must be a host:port address such as localhost:50051/,
    );
  });

  it('reports a missing variable as required, and an empty one as missing', () => {
    expect(() => loadConfig(shape, {})).toThrow(/^Invalid configuration: REQUIRED_NAME is required: set it to a non-empty value\.$/);
    expect(() => loadConfig(shape, { REQUIRED_NAME: '' })).toThrow(/REQUIRED_NAME is required/);
  });

  it('reads a variable from the file <NAME>_FILE names, as Docker and Kubernetes secrets provide it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'triad-config-'));
    writeFileSync(join(folder, 'name'), 'from-a-file\n');
    expect(loadConfig(shape, { REQUIRED_NAME_FILE: join(folder, 'name') }).REQUIRED_NAME).toBe('from-a-file');
    expect(loadConfig(shape, { REQUIRED_NAME: 'direct', REQUIRED_NAME_FILE: join(folder, 'name') }).REQUIRED_NAME).toBe('direct');
    expect(() => loadConfig(shape, { REQUIRED_NAME_FILE: join(folder, 'missing') })).toThrow(
      /REQUIRED_NAME_FILE must name a readable file/,
    );
    rmSync(folder, { recursive: true, force: true });
  });

  it('never quotes the value of a secret back', () => {
    const secrets = { SERVICE_CLIENT_SECRET: env.string().pipe(z.string().min(32, { error: 'at least 32 characters' })) };
    expect(() => loadConfig(secrets, { SERVICE_CLIENT_SECRET: 'hunter2-hunter2' })).toThrow(
      new ConfigError('Invalid configuration: SERVICE_CLIENT_SECRET must be at least 32 characters, got a value of 15 characters.'),
    );
  });
});
