import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('OAuthClient', {
  description:
    'A client a user registered for their own scripts: it gets tokens with client credentials that act for the user with its scopes.',
})
export class OAuthClientModel {
  @Field(() => ID, { description: "The client's id at the token endpoint." })
  clientId!: string;

  @Field({ description: 'What the client is for.' })
  name!: string;

  @Field(() => [String], { description: 'The scopes every token of the client carries.' })
  scopes!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('CreatedOAuthClient', { description: 'A client just registered, with its secret.' })
export class CreatedOAuthClientModel {
  @Field(() => OAuthClientModel)
  oauthClient!: OAuthClientModel;

  @Field({ description: 'The client secret. Shown only in this response: only a hash of it is stored.' })
  clientSecret!: string;

  @Field({ description: 'Where the client gets tokens: grant_type=client_credentials, its id and secret in HTTP Basic.' })
  tokenEndpoint!: string;
}

@ObjectType('OAuthScope', { description: 'A scope a client of yours can be given.' })
export class OAuthScopeModel {
  @Field({ description: 'The scope, such as `orders:read`.' })
  name!: string;

  @Field({ description: 'What it lets a client do for you.' })
  description!: string;
}
