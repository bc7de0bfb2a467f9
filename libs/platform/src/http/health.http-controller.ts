import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { prometheusMetrics } from '../telemetry/running-telemetry.js';

/** What `/readyz` runs: resolves when the process can serve (its database answers, its upstreams are known). */
export type ReadinessCheck = () => Promise<void>;
export const READINESS_CHECK = Symbol('READINESS_CHECK');

/**
 * `/healthz` says the process is alive; `/readyz` says it can serve traffic right now; `/metrics` is what
 * Prometheus scrapes (404 when the process runs without telemetry, e.g. inside a test runner).
 */
@Controller()
export class HealthHttpController {
  constructor(@Inject(READINESS_CHECK) private readonly isReady: ReadinessCheck) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string }> {
    try {
      await this.isReady();
      return { status: 'ok' };
    } catch {
      void reply.status(503);
      return { status: 'unavailable' };
    }
  }

  @Get('metrics')
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await prometheusMetrics();
    if (text === undefined) {
      void reply.status(404).type('text/plain; charset=utf-8');
      return 'telemetry is not running in this process\n';
    }
    void reply.type('text/plain; version=0.0.4; charset=utf-8');
    return text;
  }
}
