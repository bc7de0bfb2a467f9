import { Directive, Field, ObjectType } from '@nestjs/graphql';

/** Where a page sits in its list. Shared by every subgraph's connections, hence `@shareable`. */
@ObjectType('PageInfo', { description: 'Where a page sits in its list.' })
@Directive('@shareable')
export class PageInfoModel {
  @Field({ description: 'Whether a page follows this one.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor?: string | null;

  /** The page info for a list call's `next_page_token` (empty on the last page). */
  static fromNextPageToken(nextPageToken: string): PageInfoModel {
    return { hasNextPage: nextPageToken !== '', endCursor: nextPageToken || null };
  }
}
