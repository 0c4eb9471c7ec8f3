// The calendar side of sessions: a round's sessions as iCalendar events, for the feeds (personal,
// public) and for the invitations mailed with enrolment and session-change messages. A feed's
// version (its ETag) is a digest of what the feed shows, computed by PostgreSQL without reading
// the events out, so a calendar program polling an unchanged feed costs one small query.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { Language, localized, LocalizedText, translate } from '../i18n/i18n';
import { CalendarEvent } from './ics';

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

export const SESSION_COLUMNS = `s.id, s.cohort_id, s.starts_at, s.ends_at, s.status, s.revision, coalesce(s.place, c.place) AS place,
  coalesce(s.meeting_link, c.meeting_link) AS meeting_link, s.agenda, greatest(s.updated_at, c.updated_at, p.updated_at) AS updated_at,
  c.name AS cohort_name, c.status AS cohort_status, p.title AS programme_title`;

/** Which sessions a feed shows, as SQL over cohort_session s, cohort c, programme p. */
interface FeedScope {
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
    return {
      where: `c.status IN ('published', 'completed', 'cancelled') AND s.ends_at > now() - make_interval(days => ${FEED_HISTORY_DAYS})
        AND (EXISTS (SELECT 1 FROM enrolment e WHERE e.cohort_id = c.id AND e.user_id = $1 AND e.status IN ('confirmed', 'completed'))
          OR EXISTS (SELECT 1 FROM cohort_facilitator f WHERE f.cohort_id = c.id AND f.user_id = $1))`,
      params: [userId],
      withLinks: true,
    };
  }

  /** Every published round's sessions, for /calendar/all.ics (no meeting links: those are for participants). */
  publicScope(): FeedScope {
    return {
      where: `c.status = 'published' AND p.status IN ('published', 'archived') AND s.ends_at > now() - make_interval(days => ${FEED_HISTORY_DAYS})`,
      params: [],
      withLinks: false,
    };
  }

  /** One round's sessions, cancelled ones too; links for those who may join. */
  cohortScope(cohortId: string, withLinks: boolean): FeedScope {
    return { where: `s.cohort_id = $1`, params: [cohortId], withLinks: withLinks };
  }

  /**
   * The feed's version: a digest of every shown session's id and last change (its round's and
   * programme's too), in one aggregate query. Also covers the reader's language and the format.
   */
  async version(scope: FeedScope, lang: Language): Promise<string> {
    const [row]: { digest: string | null }[] = await this.dataSource.query(
      `SELECT md5(string_agg(s.id::text || ':' || s.revision || ':' || greatest(s.updated_at, c.updated_at, p.updated_at)::text, ',' ORDER BY s.id)) AS digest
       FROM cohort_session s JOIN cohort c ON c.id = s.cohort_id JOIN programme p ON p.id = c.programme_id WHERE ${scope.where}`,
      scope.params,
    );
    return `${FORMAT_VERSION}-${lang}-${scope.withLinks ? 'links' : 'public'}-${row.digest ?? 'empty'}`;
  }

  async events(scope: FeedScope, lang: Language): Promise<CalendarEvent[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM cohort_session s JOIN cohort c ON c.id = s.cohort_id JOIN programme p ON p.id = c.programme_id
       WHERE ${scope.where} ORDER BY s.starts_at, s.id`,
      scope.params,
    );
    return rows.map((row) => this.event(row, lang, scope.withLinks));
  }

  /** Sessions by id, with links, for an invitation to a person who holds a seat. */
  async sessionEvents(sessionIds: string[], lang: Language): Promise<CalendarEvent[]> {
    if (sessionIds.length === 0) return [];
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM cohort_session s JOIN cohort c ON c.id = s.cohort_id JOIN programme p ON p.id = c.programme_id
       WHERE s.id = ANY($1) ORDER BY s.starts_at`,
      [sessionIds],
    );
    return rows.map((row) => this.event(row, lang, true));
  }

  /** A round's sessions still to come, with links, for invitations to a person with a seat. */
  async cohortEvents(cohortId: string, lang: Language): Promise<CalendarEvent[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM cohort_session s JOIN cohort c ON c.id = s.cohort_id JOIN programme p ON p.id = c.programme_id
       WHERE s.cohort_id = $1 AND s.status = 'scheduled' AND s.ends_at > now() ORDER BY s.starts_at`,
      [cohortId],
    );
    return rows.map((row) => this.event(row, lang, true));
  }

  /** One session as a calendar event in the reader's language. */
  event(row: SessionRow, lang: Language, withLinks: boolean): CalendarEvent {
    const link = withLinks ? row.meeting_link : null;
    const cohortUrl = `${this.config.baseUrl}/cohorts/${row.cohort_id}`;
    const description = [
      row.agenda?.trim() || null,
      link ? `${translate(lang, 'calendar.event.meetingLink')}: ${link}` : null,
      `${translate(lang, 'calendar.event.cohortPage')}: ${cohortUrl}`,
    ].filter(Boolean);
    return {
      uid: sessionUid(row.id),
      sequence: row.revision,
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      summary: `${localized(row.programme_title, lang)}: ${row.cohort_name}`,
      description: description.join('\n\n'),
      location: row.place ?? link ?? null,
      url: cohortUrl,
      cancelled: row.status === 'cancelled' || row.cohort_status === 'cancelled',
      lastModified: new Date(row.updated_at),
    };
  }
}
