// The iCalendar feeds and downloads, and "Kalenteri" (/my/calendar), where a person finds their
// personal feed address and can reset it. Calendar programs poll these addresses for years, so they
// stay as they are; each answers with an ETag and 304 when nothing changed. A personal feed's
// token is the only key: a wrong, reset or malformed one is the same 404, telling nothing.
import { Controller, Get, Headers, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { CatalogueService } from '../catalogue/catalogue.service';
import { RosterService } from '../enrolment/roster.service';
import { checkedId } from '../errors/domain-errors';
import { isLanguage, Language, translate } from '../i18n/i18n';
import { Lang } from '../web/language';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarEvent, writeCalendar } from './ics';
import { NetworkEventsService } from './network-events.service';
import { SessionCalendarService } from './session-calendar.service';

interface CalendarAnswer {
  /** The feed's version, known before (and without) writing it. */
  version: string;
  body: () => Promise<string>;
  filename?: string;
  /** Personal feeds must not sit in shared caches. */
  personal: boolean;
}

@ApiExcludeController()
@Controller()
export class CalendarController {
  constructor(
    private readonly feeds: CalendarFeedService,
    private readonly calendar: SessionCalendarService,
    private readonly networkEvents: NetworkEventsService,
    private readonly catalogue: CatalogueService,
    private readonly roster: RosterService,
  ) {}

  @Public()
  @Get('calendar/feed/:file')
  async personalFeed(@Param('file') file: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    const owner = file.endsWith('.ics') ? await this.feeds.ownerOf(file.slice(0, -'.ics'.length)) : null;
    if (!owner) throw new NotFoundException();
    const lang: Language = isLanguage(owner.language) ? owner.language : 'fi';
    const scope = this.calendar.personalScope(owner.userId);
    return this.answer(reply, ifNoneMatch, {
      version: await this.calendar.version(scope, lang),
      body: async () => writeCalendar(await this.calendar.events(scope, lang), { name: translate(lang, 'calendar.feed.personalName') }),
      personal: true,
    });
  }

  @Public()
  @Get('calendar/all.ics')
  async publicFeed(@Query('lang') asked: unknown, @Lang() pageLang: Language, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    const lang = isLanguage(asked) ? asked : pageLang;
    const scope = this.calendar.publicScope();
    const from = new Date(Date.now() - 180 * 24 * 3600 * 1000);
    const events = [...(await this.calendar.events(scope, lang)), ...(await this.networkEvents.forCalendar(from, lang))];
    const body = writeCalendar(byStart(events), { name: translate(lang, 'calendar.feed.allName') });
    return this.answer(reply, ifNoneMatch, { version: digest(body), body: async () => body, personal: false });
  }

  /** One round's sessions as a file to import; drafts are not there for anyone but admins (404). */
  @Public()
  @Get('cohorts/:id/calendar.ics')
  async cohortCalendar(@Param('id') id: string, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    checkedId(id);
    const own = viewer ? await this.roster.enrolmentOf(id, viewer.id) : null;
    const cohort = await this.catalogue.cohort(id, lang, viewer, { participant: own?.status === 'confirmed' || own?.status === 'completed' });
    const scope = this.calendar.cohortScope(cohort.id, cohort.mayJoin);
    return this.answer(reply, ifNoneMatch, {
      version: await this.calendar.version(scope, lang),
      body: async () => writeCalendar(await this.calendar.events(scope, lang), { name: `${cohort.programmeTitle}: ${cohort.name}` }),
      filename: `${cohort.programmeSlug}-${cohort.term}.ics`,
      personal: cohort.mayJoin,
    });
  }

  @SignedIn()
  @Get('my/calendar')
  async myCalendar(@CurrentActor() actor: Actor, @Lang() lang: Language, @Query('done') done: unknown, @Res() reply: FastifyReply) {
    return reply.view('calendar/my-calendar', await this.page(actor, lang, done === 'reset'));
  }

  @SignedIn()
  @Post('my/calendar/reset')
  async resetFeed(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    await this.feeds.reset(actor.id);
    return reply.redirect('/my/calendar?done=reset', 303);
  }

  private async page(actor: Actor, lang: Language, reset: boolean) {
    const address = await this.feeds.addressFor(actor.id);
    return {
      title: translate(lang, 'calendar.my.title'),
      notice: reset ? translate(lang, 'calendar.my.resetDone') : null,
      feedUrl: address,
      webcalUrl: address.replace(/^https?:/, 'webcal:'),
      allUrl: '/calendar/all.ics',
    };
  }

  /** 304 when the client has this version, else the calendar. */
  private async answer(reply: FastifyReply, ifNoneMatch: string | undefined, answer: CalendarAnswer) {
    const etag = `W/"${answer.version}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', `${answer.personal ? 'private' : 'public'}, no-cache`);
    if (answer.personal) reply.header('Referrer-Policy', 'no-referrer');
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return reply.status(304).send();
    reply.header('Content-Type', 'text/calendar; charset=utf-8');
    if (answer.filename) reply.header('Content-Disposition', `attachment; filename="${answer.filename}"`);
    return reply.send(await answer.body());
  }
}

function digest(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 32);
}

function byStart(events: CalendarEvent[]): CalendarEvent[] {
  return [...events].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
