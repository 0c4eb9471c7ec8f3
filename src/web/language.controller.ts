import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { Public } from '../access/access.decorator';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isLanguage, LANGUAGE_COOKIE } from '../i18n/i18n';
import { safeLocalPath } from './language';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

@ApiExcludeController()
@Public()
@Controller('language')
export class LanguageController {
  /** The language switcher: a plain link, so it works without JavaScript; remembers the choice in a cookie. */
  @Get(':code')
  choose(@Param('code') code: string, @Query('next') next: unknown, @Res() reply: FastifyReply) {
    if (!isLanguage(code)) throw new NotFoundException();
    reply
      .setCookie(LANGUAGE_COOKIE, code, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true })
      .header('cache-control', 'no-store')
      .redirect(safeLocalPath(next), 303);
  }
}
