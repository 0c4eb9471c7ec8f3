// GET /api/v1/search: the search page's twin, through the same SearchService. Anyone may ask: without
// a token the answer holds what anyone may see, with one also what its owner may (their discussions).
// 400 with `fields` for what cannot be searched for, as the page says it next to the field.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { Viewer } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { ApiErrorDto } from '../web/api/errors.dto';
import { Lang } from '../web/language';
import { SearchQuery, SearchResultDto, searchResultDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Controller('api/v1')
export class SearchApiController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @Public()
  @ApiBearerAuth()
  @ApiOkResponse({ type: SearchResultDto, description: 'What you may see that matches, grouped by kind, best first within each.' })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description:
      '`fields` says what to fix: `q` empty, over 200 characters or without a word (only punctuation); `kind` not one of the kinds; `channel`, `programme` or `author` not an id; `from` or `to` not a YYYY-MM-DD day, or `to` before `from`; `cursor` not one this API gave, or without `kind`; `limit` out of range.',
  })
  async find(@Query() query: SearchQuery, @Viewer() viewer: Actor | null, @Lang() lang: Language): Promise<SearchResultDto> {
    const { q, kind, channel, programme, author, from, to } = query;
    const answer = await this.search.search(viewer, q, query.lang ?? lang, { kind, channel, programme, author, from, to }, query.cursor, query.limit);
    return searchResultDto(answer);
  }
}
