import { Controller, Get, Module, Param } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../lifecycle/service-runner.js';
import { createLogger } from '../logging/logger.js';
import { setRunningTelemetry } from '../telemetry/running-telemetry.js';
import { HealthHttpController, READINESS_CHECK } from './health.http-controller.js';
import { trustProxies } from './trusted-proxies.js';

@Controller()
class ThingsHttpController {
  @Get('things/:id')
  thing(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({
  controllers: [HealthHttpController, ThingsHttpController],
  providers: [{ provide: READINESS_CHECK, useValue: () => Promise.resolve() }],
})
class SampleModule {}

const METRICS = '# TYPE triad_orders_placed_total counter\ntriad_orders_placed_total 3\n';
const FROM_OUTSIDE = { 'x-forwarded-for': '198.51.100.7' };

describe('probes and scrapes behind a trusted proxy', () => {
  let behindProxy: RunningService;
  let exposed: RunningService;
  const get = (service: RunningService, path: string, headers: Record<string, string> = {}) =>
    fetch(`${service.httpUrl}${path}`, { headers });

  beforeAll(async () => {
    setRunningTelemetry({ prometheusText: () => Promise.resolve(METRICS), shutdown: () => Promise.resolve() });
    const start = (trusted: string[]) =>
      startService({
        rootModule: SampleModule,
        logger: createLogger('spec', 'silent'),
        http: { host: '127.0.0.1', port: 0, portVariable: 'SPEC_PORT', trustProxy: trustProxies(trusted) },
      });
    // The test's own requests come from 127.0.0.1: to the first server, that is its Ingress.
    [behindProxy, exposed] = await Promise.all([start(['127.0.0.1']), start([])]);
  });
  afterAll(async () => {
    setRunningTelemetry(undefined);
    await Promise.all([behindProxy?.close(), exposed?.close()]);
  });

  it('answers the kubelet and Prometheus, which call the process directly', async () => {
    const metrics = await get(behindProxy, '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toBe(METRICS);
    expect((await get(behindProxy, '/healthz')).status).toBe(200);
    expect((await get(behindProxy, '/readyz')).status).toBe(200);
  });

  it.each(['/metrics', '/healthz', '/readyz', '/metrics?format=text', '/%6Detrics', '/metric%73'])(
    'does not exist for a request the proxy passed on from outside: %s',
    async (path) => {
      const response = await get(behindProxy, path, FROM_OUTSIDE);
      const body = await response.text();

      expect(response.status).toBe(404);
      expect(body).not.toContain('triad_orders_placed_total');
    },
  );

  it('still serves the API to the same outside caller', async () => {
    const response = await get(behindProxy, '/things/7', FROM_OUTSIDE);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '7' });
  });

  it('is not fooled by X-Forwarded-For from a caller that is not a trusted proxy', async () => {
    // No proxy is trusted: the process is reached directly (as in compose), and the header is only the caller's word.
    const response = await get(exposed, '/metrics', FROM_OUTSIDE);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(METRICS);
  });
});
