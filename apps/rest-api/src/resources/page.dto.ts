import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@triad/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString } from 'class-validator';

// The edge checks that the values have the right type; the services own the limits (and their messages),
// which are documented here from the platform's constants.

/** The query parameters of every list: `?page_size=&page_token=`. */
export class PageQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: `The most items to return; 0 or unset means ${DEFAULT_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  page_size?: number;

  @ApiPropertyOptional({ description: 'The `next_page_token` of the previous page; leave it out for the first page.' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  page_token?: string;
}

/** What every page of a list ends with; each list adds its array of items. */
export abstract class PageResource {
  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `page_token` for the next page; null on the last page.' })
  next_page_token!: string | null;
}

/** The `next_page_token` of a page: the services say "last page" with an empty token, REST with null. */
export function nextPageToken(token: string): string | null {
  return token === '' ? null : token;
}
