import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { isLanguage, LANGUAGE_COOKIE } from '../i18n/i18n';
import { safeLocalPath } from './local-path';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

@ApiExcludeController()
@Public()
@Controller('language')
export class LanguageController {
  /**
   * The language switcher: a plain link, so it works without JavaScript. It changes only this
   * browser's language (a cookie): a GET that any other site can link to must not change saved data,
   * so the language of a person's emails is chosen on their profile page.
   */
  @Get(':code')
  choose(@Param('code') code: string, @Query('next') next: unknown, @Res() reply: FastifyReply) {
    if (!isLanguage(code)) throw new NotFoundException();
    reply
      .setCookie(LANGUAGE_COOKIE, code, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true })
      .header('cache-control', 'no-store')
      .redirect(safeLocalPath(next), 303);
  }
}
