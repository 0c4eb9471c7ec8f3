// The calendar side of sessions: a round's sessions as iCalendar events, for the feeds (personal,
// public) and for the invitations mailed with enrolment and session-change messages. A feed's
// version (its ETag) is a digest of what the feed shows, computed by PostgreSQL without reading
// the events out, so a calendar program polling an unchanged feed costs one small query.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { preparedQuery } from '../database/prepared';
import { Language, localized, LocalizedText, translate } from '../i18n/i18n';
import { markdownAsText } from '../views/markdown';
import { UpcomingSession } from '../notifications/notification-kinds';
import { CalendarEvent } from './ics';
import { cohortNameIn } from '../i18n/cohort-name';

/** Changing how events are written changes every feed's version, so cached copies are refetched. */
const FORMAT_VERSION = 1;
/** Feeds keep recent history: a subscribed calendar does not lose last month's sessions. */
const FEED_HISTORY_DAYS = 180;

export const sessionUid = (sessionId: string) => `session-${sessionId}@verso`;

/** A session with its round and programme, as the calendar and the mails read it. */
export interface SessionRow {
  id: string;
  cohort_id: string;
  starts_at: Date;
  ends_at: Date;
  status: 'scheduled' | 'cancelled';
  revision: number;
  place: string | null;
  meeting_link: string | null;
  agenda: string | null;
  updated_at: Date;
  cohort_name: string;
  cohort_status: string;
  programme_title: LocalizedText;
}

/**
 * The sessions of a person's feed, as SQL over s, c and p; `user` is an SQL expression for their
 * id. Starting from the person's rounds (indexes by user), not from every session there is.
 */
function personalSessions(user: string): string {
  return `s.cohort_id IN (SELECT cohort_id FROM cohort_member WHERE user_id = ${user} AND is_in)
    AND c.status IN ('published', 'completed', 'cancelled') AND s.ends_at > now() - make_interval(days => ${FEED_HISTORY_DAYS})`;
}

/** A person's feed's digest as a scalar subquery, for a query that finds the person too. */
export function personalDigest(user: string): string {
  return `(SELECT ${digest('')} ${FROM_SESSIONS} WHERE ${personalSessions(user)})`;
}

const FROM_SESSIONS = `FROM session_listing s JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id`;

/** The digest of a set of sessions, as an aggregate (`over` '') or a window over the rows ('OVER ()'). */
const digest = (over: string) =>
  `count(*) ${over} || '-' || coalesce(sum(hashtextextended(s.id::text, s.revision)) ${over}, 0) || '-' ||
   coalesce((extract(epoch FROM max(greatest(s.updated_at, c.updated_at, p.updated_at)) ${over}) * 1000000)::bigint, 0)`;

export const SESSION_COLUMNS = `s.id, s.cohort_id, s.starts_at, s.ends_at, s.status, s.revision, coalesce(s.place, c.place) AS place,
  coalesce(s.meeting_link, c.meeting_link) AS meeting_link, s.agenda, greatest(s.updated_at, c.updated_at, p.updated_at) AS updated_at,
  c.name AS cohort_name, c.status AS cohort_status, p.title AS programme_title`;

/** Which sessions a feed shows, as SQL over session_listing s, cohort_listing c, programme_listing p. */
export interface FeedScope {
  /** Names its queries' prepared statements: one name per where clause. */
  name: 'personal' | 'public' | 'cohort';
  where: string;
  params: unknown[];
  /** Meeting links go only to people who may join. */
  withLinks: boolean;
}

@Injectable()
export class SessionCalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** My sessions: the rounds I hold a seat in or facilitate, cancelled rounds' sessions marked cancelled. */
  personalScope(userId: string): FeedScope {
    return { name: 'personal', where: personalSessions('$1'), params: [userId], withLinks: true };
  }

  /** Every published round's sessions, for /calendar/all.ics (no meeting links: those are for participants). */
  publicScope(): FeedScope {
    return {
      name: 'public',
      where: `c.status = 'published' AND p.status IN ('published', 'archived') AND s.ends_at > now() - make_interval(days => ${FEED_HISTORY_DAYS})`,
      params: [],
      withLinks: false,
    };
  }

  /** One round's sessions, cancelled ones too; links for those who may join. */
  cohortScope(cohortId: string, withLinks: boolean): FeedScope {
    return { name: 'cohort', where: `s.cohort_id = $1`, params: [cohortId], withLinks: withLinks };
  }

  /**
   * The feed's version without reading its events: a digest of how many sessions it shows, which
   * ones at which revision, and their (and their rounds' and programmes') last change. Also covers
   * the reader's language and the format.
   */
  async version(scope: FeedScope, lang: Language): Promise<string> {
    const [row]: { digest: string }[] = await this.dataSource.query(`SELECT ${digest('')} AS digest ${FROM_SESSIONS} WHERE ${scope.where}`, scope.params);
    return this.versionOf(scope, lang, row.digest);
  }

  /** The feed's events and its version, in one query (the same digest as version(), over the same rows). */
  async feed(scope: FeedScope, lang: Language): Promise<{ version: string; events: CalendarEvent[] }> {
    const rows = await preparedQuery<SessionRow & { digest: string }>(
      this.dataSource,
      `calendar-feed-${scope.name}`,
      `SELECT ${SESSION_COLUMNS}, ${digest('OVER ()')} AS digest ${FROM_SESSIONS} WHERE ${scope.where} ORDER BY s.starts_at, s.id`,
      scope.params,
    );
    if (rows.length === 0) return { version: await this.version(scope, lang), events: [] };
    return { version: this.versionOf(scope, lang, rows[0].digest), events: rows.map((row) => this.event(row, lang, scope.withLinks)) };
  }

  versionOf(scope: Pick<FeedScope, 'withLinks'>, lang: Language, sessionsDigest: string): string {
    return `${FORMAT_VERSION}-${lang}-${scope.withLinks ? 'links' : 'public'}-${sessionsDigest}`;
  }

  /** Sessions by id, with links, for an invitation to a person who holds a seat. */
  async sessionEvents(sessionIds: string[], lang: Language): Promise<CalendarEvent[]> {
    if (sessionIds.length === 0) return [];
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM session_listing s JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id
       WHERE s.id = ANY($1) ORDER BY s.starts_at`,
      [sessionIds],
    );
    return rows.map((row) => this.event(row, lang, true));
  }

  /** A round's sessions still to come, with links, for invitations to a person with a seat. */
  async cohortEvents(cohortId: string, lang: Language): Promise<CalendarEvent[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM session_listing s JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id
       WHERE s.cohort_id = $1 AND s.status = 'scheduled' AND s.ends_at > now() ORDER BY s.starts_at`,
      [cohortId],
    );
    return rows.map((row) => this.event(row, lang, true));
  }

  /** A person's sessions starting in [from, until) in rounds still on, for their digest. */
  async upcomingFor(userId: string, from: Date, until: Date, lang: Language): Promise<UpcomingSession[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} ${FROM_SESSIONS}
       WHERE ${personalSessions('$1')} AND s.status = 'scheduled' AND c.status <> 'cancelled' AND s.starts_at >= $2 AND s.starts_at < $3
       ORDER BY s.starts_at, s.id`,
      [userId, from, until],
    );
    return rows.map((row) => ({
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      cohortNameIn: `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name, lang)}`,
      // The person holds a seat or facilitates: they may see the meeting link.
      place: row.place ?? row.meeting_link,
      path: `/cohorts/${row.cohort_id}`,
    }));
  }

  /** One session as a calendar event in the reader's language. */
  event(row: SessionRow, lang: Language, withLinks: boolean): CalendarEvent {
    const link = withLinks ? row.meeting_link : null;
    const cohortUrl = `${this.config.baseUrl}/cohorts/${row.cohort_id}`;
    const description = [
      markdownAsText(row.agenda) || null,
      link ? `${translate(lang, 'calendar.event.meetingLink')}: ${link}` : null,
      `${translate(lang, 'calendar.event.cohortPage')}: ${cohortUrl}`,
    ].filter(Boolean);
    return {
      uid: sessionUid(row.id),
      sequence: row.revision,
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      summary: `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name, lang)}`,
      description: description.join('\n\n'),
      location: row.place ?? link ?? null,
      url: cohortUrl,
      cancelled: row.status === 'cancelled' || row.cohort_status === 'cancelled',
      lastModified: new Date(row.updated_at),
    };
  }
}
