import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';

/**
 * Ready means the supergraph is loaded and queries can be planned. Subgraphs are deliberately not part of it:
 * when one is down, the gateway still answers what the others can (with errors for the rest), and taking every
 * gateway replica out of rotation because of one subgraph would turn a partial outage into a full one.
 */
@Plugin()
export class SupergraphReadinessPlugin implements ApolloServerPlugin {
  private loaded = false;

  async serverWillStart(): Promise<GraphQLServerListener> {
    return {
      schemaDidLoadOrUpdate: () => {
        this.loaded = true;
      },
    };
  }

  async check(): Promise<void> {
    if (!this.loaded) throw new Error('the supergraph is not loaded yet');
  }
}
