// The newsletter's public pages: /newsletter, the archive of sent editions with the subscribe form
// (visitors) or one-click buttons (signed-in people); /newsletter/:id, a sent edition; the mailed
// confirmation link (GET shows a button, POST confirms, so a mail scanner that opens links confirms
// nothing); and the one-click unsubscribe address of an edition (RFC 8058: POST with no cookie and
// no form token, the token in the address being the key).
import { Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, PublicByToken, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { FieldErrors, NotFound } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { fieldText, translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { NewsletterArchive } from './newsletter-archive.service';
import { CONFIRM_LINK_DAYS, NewsletterSubscribers } from './newsletter-subscribers.service';
import { archivePage, ArchiveReader, editionPage, SubscribeForm } from './newsletter.view';

/** The notices /newsletter shows after a signed-in person's click (?done=…). */
const DONE_NOTICES: Record<string, string> = {
  subscribed: 'newsletter.subscribe.done',
  mailed: 'newsletter.subscribe.checkEmail',
  unsubscribed: 'newsletter.unsubscribe.account.done',
};

@ApiExcludeController()
@Controller('newsletter')
export class NewsletterController {
  constructor(
    private readonly subscribers: NewsletterSubscribers,
    private readonly archive: NewsletterArchive,
  ) {}

  @Get()
  @Public()
  async archivePage(@Query('done') done: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = typeof done === 'string' && Object.hasOwn(DONE_NOTICES, done) ? translate(lang, DONE_NOTICES[done]) : undefined;
    if (viewer) reply.header('cache-control', 'no-store');
    return reply.view('newsletter/archive', await this.page(viewer, lang, { email: '', language: '' }, { notice }));
  }

  /** A visitor's form (email and language), or a signed-in person's one click. */
  @Post('subscribe')
  @Public()
  async subscribe(@Body() body: unknown, @Viewer() viewer: Actor | null, @Req() request: FastifyRequest, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const unknown = unknownFields(body, viewer ? [] : ['email', 'language']);
    if (unknown) {
      const form = { email: fieldText(body, 'email'), language: fieldText(body, 'language') };
      return reply.status(HttpStatus.BAD_REQUEST).view('newsletter/archive', await this.page(viewer, lang, form, { errors: translateFields(unknown, lang) }));
    }
    if (viewer) {
      const outcome = await this.subscribers.subscribeAccount(viewer);
      return reply.redirect(`/newsletter?done=${outcome === 'confirmed' ? 'subscribed' : 'mailed'}`, 303);
    }
    const form: SubscribeForm = { email: fieldText(body, 'email'), language: fieldText(body, 'language') };
    try {
      await this.subscribers.subscribe(form.email, form.language, request.ip);
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      return reply.status(HttpStatus.BAD_REQUEST).view('newsletter/archive', await this.page(null, lang, form, { errors: translateFields(error.fields, lang) }));
    }
    // The same answer whether or not the address was on the list already.
    return reply.status(HttpStatus.OK).view('newsletter/archive', await this.page(null, lang, { email: '', language: form.language }, { notice: translate(lang, 'newsletter.subscribe.checkEmail') }));
  }

  @Post('unsubscribe')
  @SignedIn()
  async unsubscribeAccount(@Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const unknown = unknownFields(body, []);
    if (unknown) return reply.status(HttpStatus.BAD_REQUEST).view('newsletter/archive', await this.page(actor, lang, { email: '', language: '' }, { errors: translateFields(unknown, lang) }));
    await this.subscribers.unsubscribeAccount(actor);
    return reply.redirect('/newsletter?done=unsubscribed', 303);
  }

  @Get('confirm/:token')
  @Public()
  async confirmPage(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const link = await this.subscribers.confirmLink(token);
    if (link === 'unknown') throw new NotFound();
    if (link !== 'valid') return this.confirmAnswer(reply, lang, link);
    return privatePage(reply).view('newsletter/confirm', { title: translate(lang, 'newsletter.confirm.title'), action: `/newsletter/confirm/${token}` });
  }

  @Post('confirm/:token')
  @Public()
  async confirm(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const link = await this.subscribers.confirm(token);
    if (link === 'unknown') throw new NotFound();
    return this.confirmAnswer(reply, lang, link === 'valid' ? 'confirmed' : link);
  }

  @PublicByToken()
  @Get('unsubscribe/:token')
  async unsubscribePage(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const target = await this.subscribers.unsubscribeTarget(token);
    if (!target) throw new NotFoundException();
    return privatePage(reply).view('newsletter/unsubscribe', {
      title: translate(lang, 'newsletter.unsubscribe.title'),
      question: translate(lang, 'newsletter.unsubscribe.question', { email: target.email }),
      action: `/newsletter/unsubscribe/${token}`,
    });
  }

  @PublicByToken()
  @Post('unsubscribe/:token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const target = await this.subscribers.unsubscribe(token);
    if (!target) throw new NotFoundException();
    return privatePage(reply).view('newsletter/unsubscribe-done', {
      title: translate(lang, 'newsletter.unsubscribe.title'),
      done: translate(lang, 'newsletter.unsubscribe.done', { email: target.email }),
    });
  }

  @Get(':id')
  @Public()
  async edition(@Param('id') id: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('newsletter/edition', editionPage(lang, await this.archive.edition(id, lang)));
  }

  private async page(viewer: Actor | null, lang: Language, form: SubscribeForm, extra: Parameters<typeof archivePage>[4]) {
    const reader: ArchiveReader = viewer ? { signedIn: true, status: await this.subscribers.statusOfAccount(viewer), email: viewer.email } : { signedIn: false };
    return archivePage(lang, await this.archive.sent(lang), reader, form, extra);
  }

  private confirmAnswer(reply: FastifyReply, lang: Language, outcome: 'confirmed' | 'used' | 'expired') {
    return privatePage(reply)
      .status(outcome === 'expired' ? HttpStatus.GONE : HttpStatus.OK)
      .view('newsletter/confirm-done', {
        title: translate(lang, outcome === 'expired' ? 'newsletter.confirm.expired.title' : 'newsletter.confirm.done.title'),
        message: translate(lang, `newsletter.confirm.${outcome}`, { days: CONFIRM_LINK_DAYS }),
        expired: outcome === 'expired',
      });
  }
}

/** A form's fields besides its own and the CSRF token, refused as every form refuses them; null when there are none. */
function unknownFields(body: unknown, known: string[]): Record<string, string> | null {
  const extra = Object.keys(body && typeof body === 'object' ? body : {}).filter((name) => name !== '_csrf' && !known.includes(name));
  return extra.length ? Object.fromEntries(extra.map((name) => [name, 'form.unknownField'])) : null;
}

/** The token is a key: the page stays out of caches and its address out of Referer headers. */
function privatePage(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
}
