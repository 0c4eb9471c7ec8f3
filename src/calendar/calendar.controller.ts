// The iCalendar feeds and downloads, and "Kalenteri" (/my/calendar), where a person finds their
// personal feed address and can reset it. Calendar programs poll these addresses for years, so they
// stay as they are; each answers with an ETag and 304 when nothing changed. A personal feed's
// token is the only key: a wrong, reset or malformed one is the same 404, telling nothing.
import { Controller, Get, Headers, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { Public, PublicFile, SignedIn } from '../access/access.decorator';
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
import { FeedScope, SessionCalendarService } from './session-calendar.service';
import { cohortNameIn } from '../i18n/cohort-name';

interface CalendarAnswer {
  /** The feed's version, known without writing it: asked only of a client that has a version. */
  version: () => Promise<string>;
  /** The feed, with the version it is. */
  full: () => Promise<{ version: string; body: Buffer }>;
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

  @PublicFile()
  @Get('calendar/feed/:file')
  async personalFeed(@Param('file') file: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    const owner = file.endsWith('.ics') ? await this.feeds.ownerOf(file.slice(0, -'.ics'.length)) : null;
    if (!owner) throw new NotFoundException();
    const lang: Language = isLanguage(owner.language) ? owner.language : 'fi';
    const scope = this.calendar.personalScope(owner.userId);
    return this.answer(reply, ifNoneMatch, {
      version: async () => this.calendar.versionOf(scope, lang, owner.sessionsDigest),
      full: () => this.write(scope, lang, translate(lang, 'calendar.feed.personalName')),
      personal: true,
    });
  }

  @PublicFile()
  @Get('calendar/all.ics')
  async publicFeed(@Query('lang') asked: unknown, @Lang() pageLang: Language, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    const lang = isLanguage(asked) ? asked : pageLang;
    // Sessions and network events together: its version is the digest of what it says.
    const full = async () => {
      const from = new Date(Date.now() - 180 * 24 * 3600 * 1000);
      const events = [...(await this.calendar.feed(this.calendar.publicScope(), lang)).events, ...(await this.networkEvents.forCalendar(from, lang))];
      const body = writeCalendar(byStart(events), { name: translate(lang, 'calendar.feed.allName') });
      return { version: digest(body), body };
    };
    return this.answer(reply, ifNoneMatch, { version: async () => (await full()).version, full, personal: false });
  }

  /** One round's sessions as a file to import; drafts are not there for anyone but admins (404). */
  @Public()
  @Get('cohorts/:id/calendar.ics')
  async cohortCalendar(@Param('id') id: string, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    checkedId(id);
    const own = viewer ? await this.roster.enrolmentOf(id, viewer.id) : null;
    const cohort = await this.catalogue.cohort(id, lang, viewer, { participant: own?.participant ?? false });
    const scope = this.calendar.cohortScope(cohort.id, cohort.mayJoin);
    return this.answer(reply, ifNoneMatch, {
      version: () => this.calendar.version(scope, lang),
      full: () => this.write(scope, lang, `${cohort.programmeTitle}: ${cohortNameIn(cohort.name, lang)}`),
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

  private async write(scope: FeedScope, lang: Language, name: string): Promise<{ version: string; body: Buffer }> {
    const { version, events } = await this.calendar.feed(scope, lang);
    return { version, body: writeCalendar(events, { name }) };
  }

  /** 304 when the client has the current version, else the calendar. */
  private async answer(reply: FastifyReply, ifNoneMatch: string | undefined, answer: CalendarAnswer) {
    reply.header('Cache-Control', `${answer.personal ? 'private' : 'public'}, no-cache`);
    if (answer.personal) reply.header('Referrer-Policy', 'no-referrer');
    if (ifNoneMatch) {
      const etag = `W/"${await answer.version()}"`;
      if (ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return reply.header('ETag', etag).status(304).send();
    }
    const { version, body } = await answer.full();
    reply.header('ETag', `W/"${version}"`);
    reply.header('Content-Type', 'text/calendar; charset=utf-8');
    if (answer.filename) reply.header('Content-Disposition', `attachment; filename="${answer.filename}"`);
    return reply.send(body);
  }
}

function digest(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 32);
}

function byStart(events: CalendarEvent[]): CalendarEvent[] {
  return [...events].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
