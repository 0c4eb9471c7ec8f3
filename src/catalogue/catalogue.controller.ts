import { Controller, Get, NotFoundException, Param, Render } from '@nestjs/common';
import { Public } from '../access/access.decorator';
import { ApiExcludeController } from '@nestjs/swagger';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { Lang } from '../web/language';
import { CatalogueService } from './catalogue.service';

@ApiExcludeController()
@Public()
@Controller()
export class CatalogueController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly agencies: AgencyService,
  ) {}

  @Get()
  @Render('catalogue/home')
  async home(@Lang() lang: Language) {
    const [programmes, agencies] = await Promise.all([this.catalogue.listProgrammes(lang), this.agencies.list(lang)]);
    return { title: translate(lang, 'home.title'), programmes, agencies };
  }

  @Get('programmes/:slug')
  @Render('catalogue/programme')
  async programme(@Param('slug') slug: string, @Lang() lang: Language) {
    const programme = await this.catalogue.findProgramme(slug, lang);
    if (!programme) throw new NotFoundException();
    return { title: programme.title, programme };
  }
}
