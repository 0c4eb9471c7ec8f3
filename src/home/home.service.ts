// What a signed-in person's home page says: their next sessions, the rounds they hold or wait for a
// place in, the rounds they facilitate, the discussions with something unread, and the network's
// next events. Sits on top of the other areas and only reads: each part comes from the area that
// owns it (enrolment's lists, calendar's events) or from SQL that applies that area's own rule
// (forum-access.ts decides which channels are the person's).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { EventItem, NetworkEventsService } from '../calendar/network-events.service';
import { DeliveryMode } from '../catalogue/cohort.entity';
import { FacilitatedRound, MyCohort, RosterService } from '../enrolment/roster.service';
import { isAdmin, mayReadSql } from '../forums/forum-access';
import { Language, localized, LocalizedText } from '../i18n/i18n';

/** How many of each list the home page shows; the full lists are a link away. */
export const HOME_SESSIONS = 5;
export const HOME_UNREAD_THREADS = 8;
export const HOME_NETWORK_EVENTS = 3;

/** The person's part in a round a session belongs to. */
export type SessionRole = 'facilitator' | 'confirmed' | 'waitlisted' | 'pending_approval';

export interface MySession {
  id: string;
  startsAt: Date;
  endsAt: Date;
  cohortId: string;
  cohortName: string;
  programmeTitle: string;
  deliveryMode: DeliveryMode;
  place: string | null;
  /** Only for those who may join: the round's facilitators, its confirmed participants and admins. */
  meetingLink: string | null;
  role: SessionRole;
}

export interface UnreadThread {
  id: string;
  title: string;
  lastPostAt: Date;
  channelId: string;
  /** The channel's name, or "Programme: round" for a round's own channel. */
  channelName: string;
}

export interface PersonalHome {
  sessions: MySession[];
  /** The places the person holds or waits for in rounds not over. */
  rounds: MyCohort[];
  facilitated: FacilitatedRound[];
  unreadThreads: UnreadThread[];
  /** All unread threads, of which `unreadThreads` are the latest. */
  unreadCount: number;
  networkEvents: EventItem[];
}

@Injectable()
export class HomeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly roster: RosterService,
    private readonly networkEvents: NetworkEventsService,
  ) {}

  async personalHome(actor: Actor, lang: Language, now: Date = new Date()): Promise<PersonalHome> {
    const [sessions, rounds, facilitated, unread, networkEvents] = await Promise.all([
      this.nextSessions(actor, lang, now),
      this.roster.myCohorts(actor.id, lang),
      this.roster.facilitatedRounds(actor.id, lang),
      this.unreadThreads(actor, lang),
      this.networkEvents.nextNetworkEvents(HOME_NETWORK_EVENTS, lang, now),
    ]);
    return {
      sessions,
      rounds: rounds.filter((round) => round.active && round.cohortStatus !== 'cancelled' && round.cohortStatus !== 'completed'),
      facilitated,
      unreadThreads: unread.threads,
      unreadCount: unread.count,
      networkEvents,
    };
  }

  /**
   * The next sessions of published rounds the person facilitates or holds or waits for a place in.
   * Waiting people see when and where, so they can keep the days free, but not the meeting link:
   * that is for those who may join (the rule of CatalogueService.findCohort).
   */
  async nextSessions(actor: Actor, lang: Language, now: Date = new Date()): Promise<MySession[]> {
    const rows: {
      id: string;
      starts_at: Date;
      ends_at: Date;
      place: string | null;
      meeting_link: string | null;
      cohort_id: string;
      cohort_name: string;
      delivery_mode: DeliveryMode;
      title: LocalizedText;
      role: SessionRole;
    }[] = await this.dataSource.query(
      `WITH mine AS (
         SELECT cohort_id, 'facilitator' AS role FROM cohort_facilitator WHERE user_id = $1
         UNION ALL
         SELECT cohort_id, status::text FROM enrolment WHERE user_id = $1 AND status IN ('confirmed', 'waitlisted', 'pending_approval')
       ), roles AS (
         SELECT DISTINCT ON (cohort_id) cohort_id, role FROM mine ORDER BY cohort_id, role = 'facilitator' DESC, role = 'confirmed' DESC
       )
       SELECT s.id, s.starts_at, s.ends_at, coalesce(s.place, c.place) AS place, coalesce(s.meeting_link, c.meeting_link) AS meeting_link,
              c.id AS cohort_id, c.name AS cohort_name, c.delivery_mode, p.title, roles.role
         FROM roles
         JOIN cohort c ON c.id = roles.cohort_id AND c.status = 'published'
         JOIN programme p ON p.id = c.programme_id AND p.status <> 'draft'
         JOIN cohort_session s ON s.cohort_id = c.id AND s.status = 'scheduled' AND s.ends_at > $2
        ORDER BY s.starts_at, s.id
        LIMIT $3`,
      [actor.id, now, HOME_SESSIONS],
    );
    return rows.map((row) => {
      const mayJoin = isAdmin(actor) || row.role === 'facilitator' || row.role === 'confirmed';
      return {
        id: row.id,
        startsAt: row.starts_at,
        endsAt: row.ends_at,
        cohortId: row.cohort_id,
        cohortName: row.cohort_name,
        programmeTitle: localized(row.title, lang),
        deliveryMode: row.delivery_mode,
        place: row.place,
        meetingLink: mayJoin ? row.meeting_link : null,
        role: row.role,
      };
    });
  }

  /**
   * Threads with posts the person has not read, latest first, in the person's own channels: the
   * network's channels and the forums of the rounds they take part in or facilitate. An admin's
   * right to read every round's forum is not "their" forums, so it is left out here.
   */
  async unreadThreads(actor: Actor, lang: Language): Promise<{ threads: UnreadThread[]; count: number }> {
    const rows: {
      id: string;
      title: string;
      last_post_at: Date;
      channel_id: string;
      channel_name: LocalizedText;
      cohort_name: string | null;
      programme_title: LocalizedText | null;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT t.id, t.title, t.last_post_at, ch.id AS channel_id, ch.name AS channel_name, c.name AS cohort_name, p.title AS programme_title,
              count(*) OVER ()::int AS total
         FROM forum_thread t
         JOIN forum_channel ch ON ch.id = t.channel_id
         LEFT JOIN cohort c ON c.id = ch.cohort_id
         LEFT JOIN programme p ON p.id = c.programme_id
         LEFT JOIN forum_read r ON r.thread_id = t.id AND r.user_id = $1
        WHERE ch.archived_at IS NULL AND ${mayReadSql('ch', '$1', 'false')}
          AND (r.read_up_to IS NULL OR r.read_up_to < t.last_post_at)
        ORDER BY t.last_post_at DESC, t.id
        LIMIT $2`,
      [actor.id, HOME_UNREAD_THREADS],
    );
    return {
      count: rows[0]?.total ?? 0,
      threads: rows.map((row) => ({
        id: row.id,
        title: row.title,
        lastPostAt: row.last_post_at,
        channelId: row.channel_id,
        channelName: row.programme_title ? `${localized(row.programme_title, lang)}: ${row.cohort_name}` : localized(row.channel_name, lang),
      })),
    };
  }
}
