// The toolkit library over the JSON API: the published entries with the page's filter and search,
// for anyone (the same ToolkitService query as /toolkit).
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorator';
import { Language } from '../i18n/i18n';
import { ApiBadRequestQuery } from '../web/api/errors.dto';
import { Lang } from '../web/language';
import { toolkitEntryDto, ToolkitListDto, ToolkitListQuery } from './toolkit.dto';
import { ToolkitService } from './toolkit.service';

@ApiTags('toolkit')
@Controller('api/v1/toolkit')
export class ToolkitApiController {
  constructor(private readonly toolkit: ToolkitService) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: ToolkitListDto, description: 'The published entries of the toolkit library, filtered by kind and theme and searched for words.' })
  @ApiBadRequestQuery()
  async list(@Query() query: ToolkitListQuery, @Lang() lang: Language): Promise<ToolkitListDto> {
    const entries = await this.toolkit.publishedWithParts({ kind: query.kind ?? null, theme: query.theme ?? null, words: query.q?.trim() ?? '' });
    return { items: entries.map((entry) => toolkitEntryDto(entry, query.lang ?? lang)) };
  }
}
