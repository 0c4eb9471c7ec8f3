// What reminder and session-change mails say, read when they are sent. The reminder plan itself is
// kept by PostgreSQL (calendar/sql/reminder-planning.sql: triggers plan and drop `session.reminder` rows whenever
// a seat, a facilitator, a session or a round changes); this service answers the worker's last
// question, "is it still true, and what does it say now?": the session still at the time the
// reminder was planned for, its round still published, the person still in it. It also writes the
// mails that tell everyone in a round that a session moved or was cancelled, in the move's own
// transaction (the `session.changed` domain event).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import { DomainEventOf, DomainEvents } from '../events/domain-events';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { Batcher } from '../notifications/batcher';
import { NotificationsService } from '../notifications/notifications.service';
import { renderMarkdown } from '../views/markdown';
import type { SessionChangeMail, SessionReminderMail } from './reminders.notifications';
import { SESSION_COLUMNS, SessionRow } from './session-calendar.service';

export const REMINDER_KINDS = {
  reminder: 'session.reminder',
  added: 'session.added',
  moved: 'session.moved',
  cancelled: 'session.cancelled',
  cohortCancelled: 'cohort.cancelled',
} as const;

/** Which session a mail is about and for whom, as its payload says. */
interface SessionMailKey {
  sessionId: string;
  userId: string;
}

interface SessionMailRow extends SessionRow {
  reminder_offsets: number[];
  /** The session's place among the round's scheduled sessions, and how many there are. */
  number: number;
  count: number;
  /** The agenda's HTML, rendered once per session for everyone reminded of it. */
  agendaHtml: string;
}

/** A session and whether the person a mail is for is in its round now. */
interface SessionForPerson {
  session: SessionMailRow;
  personIn: boolean;
}

/** The session as a mail shows it, in the reader's language. */
export interface SessionMail {
  sessionId: string;
  cohortId: string;
  cohortName: string;
  programmeTitle: string;
  sessionNumber: number;
  sessionCount: number;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  meetingLink: string | null;
  agenda: string | null;
  agendaHtml: string;
}

const sameInstant = (a: unknown, b: Date) => typeof a === 'string' && new Date(a).getTime() === new Date(b).getTime();

@Injectable()
export class RemindersService implements OnModuleInit {
  /** A session falling due reminds everyone in it at once: their checks share queries. */
  private readonly sessions = new Batcher<SessionMailKey, SessionForPerson>((keys) => this.readSessions(keys), 2);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    this.events.on('session.changed', (event, manager) => this.tellEveryone(event, manager));
    this.events.on('cohort.status-changed', async (event, manager) => {
      if (event.to === 'cancelled') await this.tellCohortCancelled(event.cohortId, manager);
    });
  }

  /** A reminder goes only if its session is still at the planned time and the person still in the round. */
  async refreshReminder(payload: SessionReminderMail, lang: Language): Promise<SessionReminderMail | null> {
    const row = await this.sessionFor(payload);
    if (!row || row.status !== 'scheduled' || row.cohort_status !== 'published') return null;
    if (!sameInstant(payload.startsAt, row.starts_at) || !row.reminder_offsets.includes(Number(payload.offsetMinutes))) return null;
    return { ...payload, ...this.mailView(row, lang) };
  }

  /** "A session was added" and "your session moved" go while the session is still on (a cancellation has a mail of its own). */
  async refreshScheduled(payload: SessionChangeMail, lang: Language): Promise<SessionChangeMail | null> {
    const row = await this.sessionFor(payload);
    if (!row || row.status !== 'scheduled' || row.cohort_status !== 'published') return null;
    return { ...payload, ...this.mailView(row, lang) };
  }

  async refreshCancelled(payload: SessionChangeMail, lang: Language): Promise<SessionChangeMail | null> {
    const row = await this.sessionFor(payload);
    if (!row || row.status !== 'cancelled') return null;
    return { ...payload, ...this.mailView(row, lang) };
  }

  /**
   * An added, moved or cancelled session: everyone in its published round gets one mail, written
   * with the change. Several moves before the mail goes make one mail (the live key), which says where the
   * session is when it is sent; a cancellation makes a pending "moved" mail stale.
   */
  private async tellEveryone(event: DomainEventOf<'session.changed'>, manager: EntityManager): Promise<void> {
    const people: { id: string; email: string; display_name: string; language: Language }[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language FROM person u
       WHERE u.status = 'active'
         AND u.id IN (SELECT user_id FROM cohort_member WHERE cohort_id = $1 AND is_in)
         AND EXISTS (SELECT 1 FROM cohort_listing WHERE id = $1 AND status = 'published')`,
      [event.cohortId],
    );
    const kind = REMINDER_KINDS[event.change];
    await this.notifications.notifyAll(
      kind,
      people.map((person) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        key: `${kind.replace('.', '-')}-${event.sessionId}-${person.id}`,
        payload: {
          sessionId: event.sessionId,
          cohortId: event.cohortId,
          userId: person.id,
          previousStartsAt: event.previous?.startsAt ?? null,
          previousEndsAt: event.previous?.endsAt ?? null,
          reason: event.reason,
        },
      })),
      { manager },
    );
  }

  /**
   * A cancelled round: everyone with a seat, in the queue or waiting for approval, and its
   * facilitators, hear it in the cancellation's transaction (their reminders are dropped by then).
   */
  private async tellCohortCancelled(cohortId: string, manager: EntityManager): Promise<void> {
    const people: { id: string; email: string; display_name: string; language: Language; had_seat: boolean }[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language, p.had_seat
       FROM (SELECT user_id, bool_or(is_in) AS had_seat FROM cohort_member
             WHERE cohort_id = $1 AND status IN ('confirmed', 'completed', 'waitlisted', 'pending_approval', 'facilitating') GROUP BY user_id) p
       JOIN person u ON u.id = p.user_id AND u.status = 'active'`,
      [cohortId],
    );
    const [cohort]: { name: string; programme_title: LocalizedText }[] = await manager.query(
      `SELECT c.name, p.title AS programme_title FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
      [cohortId],
    );
    await this.notifications.notifyAll(
      REMINDER_KINDS.cohortCancelled,
      people.map((person) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        key: `cohort-cancelled-${cohortId}-${person.id}`,
        payload: { cohortId, cohortName: cohort.name, programmeTitle: localized(cohort.programme_title, person.language), hadSeat: person.had_seat },
      })),
      { manager },
    );
  }

  /** The payload's session, if the person is still in its round. */
  private async sessionFor(payload: Record<string, unknown>): Promise<SessionMailRow | undefined> {
    if (typeof payload.sessionId !== 'string' || typeof payload.userId !== 'string') return undefined;
    const found = await this.sessions.load({ sessionId: payload.sessionId, userId: payload.userId });
    return found?.personIn ? found.session : undefined;
  }

  /**
   * A batch's sessions, each read once (a session falling due reminds thousands), and who is still in
   * them: prepared statements, as a session falling due asks them hundreds of times a second.
   */
  private async readSessions(keys: SessionMailKey[]): Promise<Map<SessionMailKey, SessionForPerson>> {
    const [sessions, people] = await Promise.all([
      preparedQuery<SessionMailRow>(
        this.dataSource,
        'reminder-sessions',
        `SELECT ${SESSION_COLUMNS}, c.reminder_offsets, n.number::int, n.count::int
         FROM session_listing s JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE o.starts_at <= s.starts_at) AS number, count(*) AS count
           FROM session_listing o WHERE o.cohort_id = s.cohort_id AND (o.status = 'scheduled' OR o.id = s.id)) n
         WHERE s.id = ANY($1::uuid[])`,
        [[...new Set(keys.map((key) => key.sessionId))]],
      ),
      // A confirmed seat is looked up first through the one-active-seat index, whatever the table's
      // statistics say: without them (a freshly filled table before ANALYZE) the full rule below
      // walked the round's seats for each person, 0.5 ms a reminder in a round of 10,000. Only
      // people without a confirmed seat are asked the full rule (session_reminders_person_in, sql/reminder-planning.sql).
      preparedQuery<{ i: string; person_in: boolean }>(
        this.dataSource,
        'reminder-people-in',
        `SELECT k.i,
                coalesce((SELECT true FROM cohort_member m WHERE m.cohort_id = s.cohort_id AND m.user_id = k.user_id AND m.status = 'confirmed'), false)
                OR session_reminders_person_in(s.cohort_id, k.user_id) AS person_in
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(session_id, user_id, i) JOIN session_listing s ON s.id = k.session_id`,
        [keys.map((key) => key.sessionId), keys.map((key) => key.userId)],
      ),
    ]);
    const byId = new Map(sessions.map((session) => [session.id, { ...session, agendaHtml: renderMarkdown(session.agenda) }]));
    const personIn = new Map(people.map((row) => [Number(row.i), row.person_in]));
    return new Map(
      keys.flatMap((key, i): [SessionMailKey, SessionForPerson][] => {
        const session = byId.get(key.sessionId);
        return session && personIn.has(i + 1) ? [[key, { session, personIn: personIn.get(i + 1)! }]] : [];
      }),
    );
  }

  private mailView(row: SessionMailRow, lang: Language): SessionMail {
    return {
      sessionId: row.id,
      cohortId: row.cohort_id,
      cohortName: row.cohort_name,
      programmeTitle: localized(row.programme_title, lang),
      sessionNumber: row.number,
      sessionCount: row.count,
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      place: row.place,
      meetingLink: row.meeting_link,
      agenda: row.agenda,
      agendaHtml: row.agendaHtml,
    };
  }
}
