import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** What `/readyz` runs: resolves when the process can serve (its database answers, its upstreams are known). */
export type ReadinessCheck = () => Promise<void>;
export const READINESS_CHECK = Symbol('READINESS_CHECK');

/** `/healthz` says the process is alive; `/readyz` says it can serve traffic right now. */
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
}
