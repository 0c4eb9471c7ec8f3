// The newsletter's archive over the JSON API, for anyone (the same query as /newsletter).
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorator';
import { Language } from '../i18n/i18n';
import { ApiBadRequestQuery } from '../web/api/errors.dto';
import { LanguageQuery } from '../web/api/request.dto';
import { Lang } from '../web/language';
import { NewsletterArchive } from './newsletter-archive.service';
import { editionSummaryDto, NewsletterArchiveDto } from './newsletter-archive.dto';

@ApiTags('newsletter')
@Controller('api/v1/newsletter')
export class NewsletterApiController {
  constructor(private readonly archive: NewsletterArchive) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: NewsletterArchiveDto, description: 'The sent editions of the newsletter, newest first.' })
  @ApiBadRequestQuery()
  async list(@Query() query: LanguageQuery, @Lang() lang: Language): Promise<NewsletterArchiveDto> {
    return { items: (await this.archive.sent(query.lang ?? lang)).map(editionSummaryDto) };
  }
}
