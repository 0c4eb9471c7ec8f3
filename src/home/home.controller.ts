// The front page: a signed-in person's own home, everyone else the programmes (the catalogue, which
// signed-in people find at /programmes).
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { Viewer } from '../access/current-actor';
import { catalogueFront, webAddress } from '../catalogue/catalogue.controller';
import { CatalogueService } from '../catalogue/catalogue.service';
import { isAdmin } from '../forums/forum-access';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { Lang } from '../web/language';
import { HomeService } from './home.service';

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
    const home = await this.home.personalHome(viewer, lang);
    return reply.view('home/home', {
      title: translate(lang, 'myHome.title'),
      name: viewer.displayName,
      admin: isAdmin(viewer),
      sessions: home.sessions.map((session) => ({
        ...session,
        href: `/cohorts/${session.cohortId}`,
        calendarHref: `/cohorts/${session.cohortId}/calendar.ics`,
        meetingLinkHref: webAddress(session.meetingLink),
        waiting: session.role === 'waitlisted' || session.role === 'pending_approval',
        roleKey: `myHome.role.${session.role}`,
      })),
      rounds: home.rounds.map((round) => ({
        ...round,
        href: round.cohortVisible ? `/cohorts/${round.cohortId}` : null,
        forumHref: round.status === 'confirmed' ? `/cohorts/${round.cohortId}/forum` : null,
        statusLabel:
          round.status === 'waitlisted' ? translate(lang, 'enrolment.status.waitlistedAt', { position: round.waitlistPosition }) : translate(lang, `enrolment.status.${round.status}`),
      })),
      facilitated: home.facilitated.map((round) => ({
        ...round,
        href: `/cohorts/${round.cohortId}`,
        rosterHref: `/cohorts/${round.cohortId}/roster`,
        forumHref: `/cohorts/${round.cohortId}/forum`,
        draft: round.cohortStatus === 'draft',
      })),
      unreadThreads: home.unreadThreads.map((thread) => ({ ...thread, href: `/threads/${thread.id}` })),
      unreadCount: home.unreadCount,
      moreUnread: home.unreadCount > home.unreadThreads.length,
      networkEvents: home.networkEvents,
    });
  }
}
