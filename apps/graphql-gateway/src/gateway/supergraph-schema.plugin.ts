import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';

/**
 * Holds the schema the gateway serves (the supergraph's API schema) once Apollo has loaded it: the subscription
 * server executes on it, and readiness waits for it. Ready means queries can be planned. Subgraphs are
 * deliberately not part of it: when one is down, the gateway still answers what the others can (with errors for
 * the rest), and taking every gateway replica out of rotation because of one subgraph would turn a partial
 * outage into a full one.
 */
export class SupergraphSchemaPlugin implements ApolloServerPlugin {
  private schema: GraphQLSchema | undefined;

  async serverWillStart(): Promise<GraphQLServerListener> {
    return {
      schemaDidLoadOrUpdate: ({ apiSchema }) => {
        this.schema = apiSchema;
      },
    };
  }

  current(): GraphQLSchema {
    if (!this.schema) throw new Error('the supergraph is not loaded yet');
    return this.schema;
  }

  async check(): Promise<void> {
    this.current();
  }
}
