import { describe, expect, it } from 'vitest';
import { serverAttributes } from './rpc-telemetry.js';

describe('serverAttributes', () => {
  it('reads the host and port of every form of target a client here is given', () => {
    expect(serverAttributes('localhost:50052')).toEqual({ 'server.address': 'localhost', 'server.port': 50052 });
    expect(serverAttributes('dns:///catalog-service-grpc:50052')).toEqual({
      'server.address': 'catalog-service-grpc',
      'server.port': 50052,
    });
    expect(serverAttributes('dns:catalog-service:50052')).toEqual({ 'server.address': 'catalog-service', 'server.port': 50052 });
    expect(serverAttributes('[::1]:50051')).toEqual({ 'server.address': '::1', 'server.port': 50051 });
    expect(serverAttributes('ipv4:127.0.0.1:50053')).toEqual({ 'server.address': '127.0.0.1', 'server.port': 50053 });
  });

  it('keeps a target without a port whole, as the address', () => {
    expect(serverAttributes('unix:/run/catalog.sock')).toEqual({ 'server.address': 'unix:/run/catalog.sock' });
  });
});
