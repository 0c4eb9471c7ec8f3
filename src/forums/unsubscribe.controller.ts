// One-click unsubscribe from forum mail (RFC 8058): the address in a post mail's List-Unsubscribe
// header and footer. GET shows what it turns off with a button; POST turns it off, from that
// button or from the reader's mail program, which sends no cookies and no form token. The token in
// the address is the only key: a malformed, forged or stale one is 404 and changes nothing.
import { Controller, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { PublicByToken } from '../access/access.decorator';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { ForumSubscriptions } from './forum-subscriptions.service';
import { unsubscribePage } from './unsubscribe.view';

@ApiExcludeController()
@Controller('unsubscribe/forum')
export class UnsubscribeController {
  constructor(private readonly subscriptions: ForumSubscriptions) {}

  @PublicByToken()
  @Get(':token')
  async confirm(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const target = await this.subscriptions.unsubscribeTarget(token, lang);
    if (!target) throw new NotFoundException();
    return privatePage(reply).view('forums/unsubscribe', { ...unsubscribePage(target, lang), action: `/unsubscribe/forum/${token}` });
  }

  @PublicByToken()
  @Post(':token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const target = await this.subscriptions.unsubscribe(token, lang);
    if (!target) throw new NotFoundException();
    return privatePage(reply).view('forums/unsubscribe-done', unsubscribePage(target, lang));
  }
}

/** The token is a key: the page stays out of caches and its address out of Referer headers. */
function privatePage(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
}
