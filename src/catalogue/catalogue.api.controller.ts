import { Controller, Get, Query } from '@nestjs/common';
import { Public } from '../access/access.decorator';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { ProgrammeListDto, ProgrammeListQuery } from './catalogue.dto';
import { CatalogueService } from './catalogue.service';

@ApiTags('catalogue')
@Public()
@Controller('api/v1/programmes')
export class CatalogueApiController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOkResponse({ type: ProgrammeListDto, description: 'All programmes, in catalogue order.' })
  async list(@Query() query: ProgrammeListQuery, @Lang() lang: Language): Promise<ProgrammeListDto> {
    return { items: await this.catalogue.listProgrammes(query.lang ?? lang) };
  }
}
