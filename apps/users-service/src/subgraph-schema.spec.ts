import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createLogger, subgraphOptions } from '@triad/platform';
import { describe, expect, it } from 'vitest';
import { UsersResolver } from './users/users.resolver.js';

/**
 * The subgraph schema is generated from the code-first types and checked in as schema.graphql, where the
 * gateway's supergraph composition reads it. This spec fails when the two differ; run
 * `npx nx test users-service -- -u` to rewrite the file after an intended change.
 */
describe('users subgraph schema', () => {
  it('matches the checked-in schema.graphql', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          ...subgraphOptions(createLogger('schema', 'silent'), () => ({})),
          driver: ApolloFederationDriver,
        }),
      ],
      providers: [UsersResolver],
    })
      .useMocker(() => ({}))
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ _service { sdl } }' } });
    await app.close();

    const sdl = (response.json() as { data: { _service: { sdl: string } } }).data._service.sdl;
    await expect(`${sdl.trim()}\n`).toMatchFileSnapshot('../schema.graphql');
  });
});
