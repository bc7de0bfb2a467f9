import { Directive, Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfoModel } from '@triad/platform';

export enum UserRoleModel {
  CUSTOMER = 'customer',
  ADMIN = 'admin',
}
registerEnumType(UserRoleModel, { name: 'UserRole', description: 'What a user is allowed to do.' });

@ObjectType('User', { description: 'A person with an account.' })
@Directive('@key(fields: "id")')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Visible only to the user themselves and to admins; null otherwise.' })
  email?: string | null;

  @Field()
  name!: string;

  @Field(() => UserRoleModel)
  role!: UserRoleModel;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('UserConnection')
export class UserConnectionModel {
  @Field(() => [UserModel])
  nodes!: UserModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

@ObjectType('AuthPayload', { description: 'A signed-in session: send `accessToken` as `Authorization: Bearer <token>`.' })
export class AuthPayloadModel {
  @Field()
  accessToken!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => UserModel)
  user!: UserModel;
}

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field({ description: 'At least 10 characters, not the email, and not a common or easily guessed password.' })
  password!: string;
}
