// What a signed-in person's home page says: their next sessions, the rounds they hold or wait for a
// place in, the rounds they facilitate, the discussions with something unread, and the network's
// next events. Sits on top of the other areas and only reads: each part comes from the area that
// owns it (enrolment's lists, forums' unread threads, calendar's events) or reads what the areas
// export (enrolment's cohort_member, catalogue's listings).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { EventItem, NetworkEventsService } from '../calendar/network-events.service';
import { DeliveryMode } from '../catalogue/cohort.entity';
import { FacilitatedCohort, MyCohort, RosterService } from '../enrolment/roster.service';
import { AnswersService, OpenSurvey } from '../feedback/answers.service';
import { isAdmin } from '../forums/forum-access';
import { ForumsService, UnreadThread } from '../forums/forums.service';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { MaterialItem, MaterialsService } from '../materials/materials.service';

/** How many of each list the home page shows; the full lists are a link away. */
export const HOME_SESSIONS = 5;
export const HOME_UNREAD_THREADS = 8;
export const HOME_NETWORK_EVENTS = 3;

/** The person's part in a round a session belongs to. */
export type SessionRole = 'facilitator' | 'confirmed' | 'waitlisted' | 'offered' | 'pending_approval';

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
  /** The next session's materials, for those in the round (facilitators, confirmed participants, admins); empty otherwise. */
  materials: MaterialItem[];
}

export interface PersonalHome {
  sessions: MySession[];
  /** The places the person holds or waits for in rounds not over. */
  cohorts: MyCohort[];
  facilitated: FacilitatedCohort[];
  unreadThreads: UnreadThread[];
  /** All unread threads, of which `unreadThreads` are the latest. */
  unreadCount: number;
  networkEvents: EventItem[];
  /** The rounds' feedback surveys open now that the person may still answer or change (AnswersService.openFor). */
  feedback: OpenSurvey[];
}

@Injectable()
export class HomeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly roster: RosterService,
    private readonly networkEvents: NetworkEventsService,
    private readonly forums: ForumsService,
    private readonly answers: AnswersService,
    private readonly materials: MaterialsService,
  ) {}

  async personalHome(actor: Actor, lang: Language, now: Date = new Date()): Promise<PersonalHome> {
    const [sessions, cohorts, facilitated, unread, networkEvents, feedback] = await Promise.all([
      this.nextSessions(actor, lang, now),
      this.roster.myCohorts(actor.id, lang),
      this.roster.facilitatedCohorts(actor.id, lang),
      this.forums.unreadThreads(actor, lang, HOME_UNREAD_THREADS),
      this.networkEvents.nextNetworkEvents(HOME_NETWORK_EVENTS, lang, now),
      this.answers.openFor(actor.id),
    ]);
    return {
      sessions,
      cohorts: cohorts.filter((cohort) => cohort.active && cohort.cohortStatus !== 'cancelled' && cohort.cohortStatus !== 'completed'),
      facilitated,
      unreadThreads: unread.threads,
      unreadCount: unread.count,
      networkEvents,
      feedback,
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
         SELECT cohort_id, CASE WHEN role = 'facilitator' THEN role ELSE status END AS role
           FROM cohort_member WHERE user_id = $1 AND status IN ('facilitating', 'confirmed', 'waitlisted', 'offered', 'pending_approval')
       ), roles AS (
         SELECT DISTINCT ON (cohort_id) cohort_id, role FROM mine ORDER BY cohort_id, role = 'facilitator' DESC, role = 'confirmed' DESC
       )
       SELECT s.id, s.starts_at, s.ends_at, coalesce(s.place, c.place) AS place, coalesce(s.meeting_link, c.meeting_link) AS meeting_link,
              c.id AS cohort_id, c.name AS cohort_name, c.delivery_mode, p.title, roles.role
         FROM roles
         JOIN cohort_listing c ON c.id = roles.cohort_id AND c.status = 'published'
         JOIN programme_listing p ON p.id = c.programme_id AND p.status <> 'draft'
         JOIN session_listing s ON s.cohort_id = c.id AND s.status = 'scheduled' AND s.ends_at > $2
        ORDER BY s.starts_at, s.id
        LIMIT $3`,
      [actor.id, now, HOME_SESSIONS],
    );
    const sessions = rows.map((row) => {
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
        materials: [] as MaterialItem[],
      };
    });
    // "Materials for Thursday": the next session's, for those who may join it (the rule of mayJoin above).
    const next = sessions[0];
    if (next && (isAdmin(actor) || next.role === 'facilitator' || next.role === 'confirmed')) next.materials = await this.materials.list('session', next.id);
    return sessions;
  }
}
