import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

/** users-service owns `User`; rest-api adds `User.apiKeys`. */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class UserReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType('ApiKey', {
  description: 'A key a script or server sends as `X-API-Key` to call the REST API as its owner. Its secret is shown only once.',
})
export class ApiKeyModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'What the key is for.' })
  name!: string;

  @Field({ description: 'The start of the secret (`triad_ab12cd34`), to recognise the key by.' })
  prefix!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the key was last sent; null if never.' })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the key was revoked; null while it works.' })
  revokedAt!: Date | null;

  @Field(() => Int, { description: 'Requests made with the key since midnight UTC.' })
  requestsToday!: number;

  @Field(() => UserReference, { description: 'The user the key acts as.' })
  user!: UserReference;
}

@ObjectType('CreatedApiKey', { description: 'A key just created, with its secret.' })
export class CreatedApiKeyModel {
  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;

  @Field({ description: 'Send as `X-API-Key`. Shown only in this response: only a hash of it is stored.' })
  secret!: string;
}
