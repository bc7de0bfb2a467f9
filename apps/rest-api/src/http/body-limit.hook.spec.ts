import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { createLogger, startService, type RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBodyLimitHook, BodyLimit } from './body-limit.hook.js';

@Controller('uploads')
class UploadsHttpController {
  @Post('small')
  @HttpCode(200)
  small(@Body() body: unknown): unknown {
    return body;
  }

  @Post('bulk')
  @HttpCode(200)
  @BodyLimit(4096)
  bulk(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [UploadsHttpController] })
class UploadsModule {}

// A route of its own limit is what a bulk import needs; no route of rest-api has one yet, so this server has two.
describe('@BodyLimit', () => {
  let server: RunningService;

  beforeAll(async () => {
    server = await startService({
      rootModule: UploadsModule,
      logger: createLogger('body-limit-spec', 'silent'),
      http: { host: '127.0.0.1', port: 0, portVariable: 'PORT', bodyLimit: 1024 },
      beforeListen: (app) => addBodyLimitHook(app.getHttpAdapter().getInstance()),
    });
  });
  afterAll(() => server?.close());

  const post = (path: string, bytes: number) =>
    fetch(`${server.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: 'x'.repeat(bytes) }),
    });

  it('lets one route take larger bodies than the server-wide limit', async () => {
    expect((await post('/uploads/bulk', 3000)).status).toBe(200);
    expect((await post('/uploads/small', 3000)).status).toBe(413);
  });

  it("still refuses a body over the route's own limit", async () => {
    expect((await post('/uploads/bulk', 5000)).status).toBe(413);
  });
});
