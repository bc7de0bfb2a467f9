import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import type { Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createLogger, subgraphOptions } from '@triad/platform';

/**
 * The SDL a subgraph serves to the gateway (`{ _service { sdl } }`), built from its code-first resolvers with
 * every dependency stubbed, so no database or upstream is needed. Each subgraph's spec compares it with the
 * checked-in `schema.graphql` that supergraph composition reads.
 */
export async function subgraphSdl(resolvers: Type[]): Promise<string> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      GraphQLModule.forRoot<ApolloFederationDriverConfig>({
        ...subgraphOptions(createLogger('schema', 'silent'), () => ({})),
        driver: ApolloFederationDriver,
      }),
    ],
    providers: resolvers,
  })
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ _service { sdl } }' } });
    const sdl = (response.json() as { data: { _service: { sdl: string } } }).data._service.sdl;
    return `${sdl.trim()}\n`;
  } finally {
    await app.close();
  }
}
