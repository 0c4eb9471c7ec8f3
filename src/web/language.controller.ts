import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Public } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { isLanguage, LANGUAGE_COOKIE } from '../i18n/i18n';
import { User } from '../identity/user.entity';
import { safeLocalPath } from './language';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

@ApiExcludeController()
@Public()
@Controller('language')
export class LanguageController {
  constructor(
    private readonly authentication: Authentication,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The language switcher: a plain link, so it works without JavaScript; remembers the choice in a
   * cookie and, for a signed-in person, in their profile, so their emails and their next sign-in on
   * another device speak it too.
   */
  @Get(':code')
  async choose(@Param('code') code: string, @Query('next') next: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (!isLanguage(code)) throw new NotFoundException();
    const actor = await this.authentication.actorFor(request);
    // UserService has no language setter yet; this one column through the entity's repository, not SQL.
    if (actor && actor.language !== code) await this.dataSource.getRepository(User).update({ id: actor.id }, { language: code });
    reply
      .setCookie(LANGUAGE_COOKIE, code, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true })
      .header('cache-control', 'no-store')
      .redirect(safeLocalPath(next), 303);
  }
}
