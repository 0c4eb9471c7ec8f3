// The front page: a signed-in person's own home, everyone else the programmes (the catalogue, which
// signed-in people find at /programmes).
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { Viewer } from '../access/current-actor';
import { catalogueFront } from '../catalogue/catalogue.view';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Language } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { Lang } from '../web/language';
import { HomeService } from './home.service';
import { homePage } from './home.view';

@ApiExcludeController()
@Public()
@Controller()
export class HomeController {
  constructor(
    private readonly home: HomeService,
    private readonly catalogue: CatalogueService,
    private readonly agencies: AgencyService,
  ) {}

  @Get()
  async front(@Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    if (!viewer) return reply.view('catalogue/home', await catalogueFront(this.catalogue, this.agencies, lang));
    return reply.view('home/home', homePage(viewer, await this.home.personalHome(viewer, lang), lang));
  }
}
