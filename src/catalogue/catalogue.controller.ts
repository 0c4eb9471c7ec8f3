// The public catalogue pages: the programmes (at /programmes, and at / for those not signed in, whose
// home it is) and one programme with its upcoming rounds.
// CatalogueService decides what a reader may see; catalogue.view.ts turns what it returns into view
// models. One round's page (cohort) shows the reader's enrolment too, so it is served by enrolment
// (cohort-page.controller.ts) with cohortView.
import { Controller, Get, NotFoundException, Param, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { Viewer } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { Lang } from '../web/language';
import { PageSections } from '../web/page-sections';
import { CatalogueService } from './catalogue.service';
import { catalogueFront, programmePage } from './catalogue.view';
import { interestNoticeText } from './programme-interest.view';

@ApiExcludeController()
@Public()
@Controller()
export class CatalogueController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly agencies: AgencyService,
    private readonly sections: PageSections,
  ) {}

  @Get('programmes')
  @Render('catalogue/home')
  programmes(@Lang() lang: Language) {
    return catalogueFront(this.catalogue, this.agencies, lang);
  }

  @Get('programmes/:slug')
  @Render('catalogue/programme')
  async programme(@Param('slug') slug: string, @Query('interest') interest: unknown, @Lang() lang: Language, @Viewer() viewer: Actor | null) {
    const programme = await this.catalogue.findProgramme(slug, lang, viewer);
    if (!programme) throw new NotFoundException();
    const [cohorts, sections] = await Promise.all([this.catalogue.upcomingCohorts(programme.id, lang, viewer), this.sections.of('programme', viewer, programme.id, lang)]);
    // `?interest=` is what the "tell me when the next round opens" button came to (programme-interest.controller.ts).
    return { ...programmePage(programme, cohorts), sections, notice: interestNoticeText(interest, lang) };
  }
}
