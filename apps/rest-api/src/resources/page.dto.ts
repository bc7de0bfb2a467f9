import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@triad/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

// The edge checks that the values have the right type; the services own the limits (and their messages),
// which are documented here from the platform's constants. The page size is the exception: the services
// read 0 as "the default", because proto3 cannot tell 0 from unset, but a REST client can leave the
// parameter out, so here 0 is refused like any size out of range, with one message for both ends.
const PAGE_SIZE_RANGE = `must be between 1 and ${MAX_PAGE_SIZE}; leave it out for ${DEFAULT_PAGE_SIZE}`;

/** The query parameters of every list: `?page_size=&page_token=`. */
export class PageQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: `The most items to return, 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when left out.`,
  })
  @IsOptional()
  @Type(() => Number)
  // Checked from the property up, one message per field: "ten" is not a whole number, not out of range.
  @Min(1, { message: PAGE_SIZE_RANGE })
  @Max(MAX_PAGE_SIZE, { message: PAGE_SIZE_RANGE })
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
