// /admin: where admins start, an overview of what needs them (the user list is at /admin/users).
import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { AdminOverviewService } from './admin-overview.service';
import { adminOverviewPage } from './admin-overview.view';

@ApiExcludeController()
@Controller('admin')
export class AdminOverviewController {
  constructor(private readonly overview: AdminOverviewService) {}

  @Get()
  @Requires(Capability.UsersManage)
  @Render('home/admin-overview')
  async home(@Lang() lang: Language) {
    return adminOverviewPage(await this.overview.overview(lang), lang);
  }
}
