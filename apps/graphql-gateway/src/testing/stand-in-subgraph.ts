import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { formatGraphQLError } from '@triad/platform';
import { parse } from 'graphql';

/** What a stand-in subgraph's resolvers receive: the Authorization header the gateway forwarded. */
export interface StandInContext {
  authorization?: string;
}

export interface StandInSubgraph {
  url: string;
  /** The headers of every request it received, oldest first. */
  received: IncomingHttpHeaders[];
  /** Makes the subgraph slow to answer from now on. */
  answerAfter(ms: number): void;
  stop(): Promise<void>;
}

/**
 * A stand-in for one service's subgraph (apps may not import apps): the part of its schema a spec needs,
 * resolved in memory, over real HTTP on a free port. Like the real ones it formats errors through the
 * platform, and resolvers can check the forwarded token themselves.
 */
export async function startStandInSubgraph(sdl: string, resolvers: GraphQLResolverMap<StandInContext>): Promise<StandInSubgraph> {
  const received: IncomingHttpHeaders[] = [];
  let delayMs = 0;
  const server = new ApolloServer<StandInContext>({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]),
    formatError: formatGraphQLError,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      received.push(req.headers);
      await sleep(delayMs);
      return req.headers.authorization ? { authorization: req.headers.authorization } : {};
    },
  });
  let stopped: Promise<void> | undefined;
  return {
    url,
    received,
    answerAfter: (ms) => (delayMs = ms),
    stop: () => (stopped ??= server.stop()),
  };
}
