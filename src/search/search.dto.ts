// What GET /api/v1/search takes and answers. The query's parameters are checked for type here and
// for value by SearchService (as for the page), so a bad date or kind gets the same message either way.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../web/api/request.dto';
import { Found, SEARCH_KINDS, SearchKind } from './search-sources';
import { MAX_QUERY_LENGTH, PER_KIND_ON_ALL, PER_KIND_PAGE, SearchAnswer } from './search.service';

export class SearchQuery extends PageQuery {
  @ApiProperty({
    maxLength: MAX_QUERY_LENGTH,
    example: 'käsi',
    description:
      'Words to find. A Finnish word finds its inflected forms and the compounds it is part of ("käsi" finds "kädessä", "alue" finds "keskustelualueella"), the last word also as the start of a word ("kehit" finds "kehittäjä"); Swedish and English texts are matched by their stems.',
  })
  @IsOptional()
  @IsString({ message: 'search.error.required' })
  q?: string;

  @ApiPropertyOptional({ enum: SEARCH_KINDS, description: 'Only this kind; then `limit` and `cursor` page it.' })
  @IsOptional()
  @IsString({ message: 'search.error.kind' })
  kind?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only posts in this discussion channel (so only posts).' })
  @IsOptional()
  @IsString({ message: 'search.error.id' })
  channel?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only what belongs to this programme (kinds that have a programme).' })
  @IsOptional()
  @IsString({ message: 'search.error.id' })
  programme?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only what this person wrote (kinds that have an author).' })
  @IsOptional()
  @IsString({ message: 'search.error.id' })
  author?: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-03-01', description: 'Written, or taking place, on or after this day (Helsinki time).' })
  @IsOptional()
  @IsString({ message: 'search.error.date' })
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-05-31', description: 'Written, or taking place, on or before this day (Helsinki time).' })
  @IsOptional()
  @IsString({ message: 'search.error.date' })
  to?: string;
}

export class FoundDto {
  @ApiProperty({ enum: SEARCH_KINDS })
  kind: SearchKind;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'In the language asked for.' })
  title: string;

  @ApiProperty({ example: '/threads/…#post-…', description: 'Its page: a post’s is the page of its thread it is on.' })
  url: string;

  @ApiProperty({ example: 'Pidä <mark>kädessä</mark> kynää.', description: 'HTML: the text escaped, with the matched words in <mark>.' })
  snippetHtml: string;

  @ApiProperty({ type: String, nullable: true, description: 'Where it belongs: the channel, the programme, the round…' })
  context: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Who wrote it, where a kind has an author.' })
  authorName: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was written, or when it takes place.' })
  date: Date | null;
}

export class SearchGroupDto {
  @ApiProperty({ enum: SEARCH_KINDS })
  kind: SearchKind;

  @ApiProperty({ type: [FoundDto], description: 'Best match first, among what you may see.' })
  items: FoundDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` with this `kind` for the next page; null on the last one.' })
  nextCursor: string | null;
}

export class SearchResultDto {
  @ApiProperty({ description: 'What was searched for, trimmed.' })
  query: string;

  @ApiProperty({
    type: [SearchGroupDto],
    description: `Each kind with something found, in the order ${SEARCH_KINDS.join(', ')}: up to ${PER_KIND_ON_ALL} each, or ${PER_KIND_PAGE} of one \`kind\` (\`limit\` to change).`,
  })
  groups: SearchGroupDto[];

  @ApiProperty({ type: String, nullable: true, example: 'kulttuuri', description: 'When nothing matched: a spelling that finds something.' })
  didYouMean: string | null;
}

function foundDto(found: Found): FoundDto {
  const { kind, id, title, url, snippetHtml, context, authorName, date } = found;
  return { kind, id, title, url, snippetHtml, context, authorName: authorName ?? null, date };
}

export function searchResultDto(answer: SearchAnswer): SearchResultDto {
  return {
    query: answer.typed,
    groups: answer.groups.map((group) => ({ kind: group.kind, items: group.items.map(foundDto), nextCursor: group.nextCursor })),
    didYouMean: answer.didYouMean,
  };
}
