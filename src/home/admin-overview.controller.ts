// /admin: where admins start, an overview of what needs them (the user list is at /admin/users).
import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language, translate } from '../i18n/i18n';
import { Lang } from '../web/language';
import { AdminOverviewService, OverviewRound } from './admin-overview.service';

@ApiExcludeController()
@Controller('admin')
export class AdminOverviewController {
  constructor(private readonly overview: AdminOverviewService) {}

  @Get()
  @Requires(Capability.UsersManage)
  @Render('home/admin-overview')
  async home(@Lang() lang: Language) {
    const overview = await this.overview.overview(lang);
    const round = (row: OverviewRound) => ({
      ...row,
      href: `/admin/cohorts/${row.cohortId}`,
      rosterHref: `/cohorts/${row.cohortId}/roster`,
      draft: row.status === 'draft',
      full: row.seatsTaken >= row.capacity,
    });
    return {
      title: translate(lang, 'adminOverview.title'),
      upcomingRounds: overview.upcomingRounds.map(round),
      closingSoon: overview.closingSoon.map(round),
      failedCount: overview.failedCount,
      failedMessages: overview.failedMessages.map((message) => ({ ...message, href: `/admin/outbox/${message.id}` })),
    };
  }
}
