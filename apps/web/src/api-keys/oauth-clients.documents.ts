import { graphql } from '../generated';

export const OAuthClientFields = graphql(`
  fragment OAuthClientFields on OAuthClient {
    clientId
    name
    scopes
    createdAt
  }
`);

export const MyOAuthClientsQuery = graphql(`
  query MyOAuthClients {
    me {
      id
      oauthClients {
        ...OAuthClientFields
      }
    }
    oauthScopes {
      name
      description
    }
  }
`);

export const CreateOAuthClientMutation = graphql(`
  mutation CreateOAuthClient($name: String!, $scopes: [String!]!) {
    createOAuthClient(name: $name, scopes: $scopes) {
      oauthClient {
        ...OAuthClientFields
      }
      clientSecret
      tokenEndpoint
    }
  }
`);

export const RevokeOAuthClientMutation = graphql(`
  mutation RevokeOAuthClient($clientId: ID!) {
    revokeOAuthClient(clientId: $clientId)
  }
`);
