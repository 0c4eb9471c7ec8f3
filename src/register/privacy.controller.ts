// The privacy page (/privacy, "Tietosuoja"): what Verso keeps about people and for how long, with
// the register's retention period as the site is set (REGISTER_RETENTION_YEARS). Public.
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { CONFIG, Config } from '../config/config';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { privacyPage } from './register.view';

@ApiExcludeController()
@Public()
@Controller('privacy')
export class PrivacyController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get()
  page(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('register/privacy', privacyPage(lang, this.config.registerRetentionYears));
  }
}
