// Registration for network events (the developer days), with a round's seat and queue rules held by
// PostgreSQL (calendar/sql/registration.sql): every change locks the event's row FOR UPDATE first,
// event_registration_placement decides seat or end of the queue, a freed seat goes at once to the
// first in the queue (event_registration_next_in_line) and everyone behind moves up by one, and the
// event's counters follow by trigger. Each change writes its mail to the outbox in its transaction;
// a confirmed person's reminder the day before is planned with a key, cancelled with the seat.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { checkedId, FieldErrors, NotFound, Refused } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { EventRegistrationStatus } from './event-registration.entity';
import { EVENT_KINDS, EventKind } from './event-registration.kinds';
import { checkAnswers, questionsOf } from './registration-questions';

/** A day before the event starts, confirmed people are reminded. */
export const REMINDER_HOURS_BEFORE = 24;

export interface RegistrationView {
  id: string;
  eventId: string;
  userId: string;
  status: EventRegistrationStatus;
  waitlistPosition: number | null;
  answers: Record<string, string>;
  createdAt: Date;
}

export interface LockedEvent {
  id: string;
  title: LocalizedText;
  starts_at: Date;
  ends_at: Date;
  place: string | null;
  status: string;
  registration_capacity: number | null;
  registration_closes_at: Date | null;
  registration_questions: unknown;
  seats_taken: number;
  waitlist_length: number;
  refusal: string | null;
}

interface RegistrationRow {
  id: string;
  event_id: string;
  user_id: string;
  status: EventRegistrationStatus;
  waitlist_position: number | null;
  answers: Record<string, string>;
  created_at: Date;
}

interface Person {
  id: string;
  email: string;
  display_name: string;
  language: Language;
  agency_id: string | null;
}

/** A person with their registration, as a mail about it needs them. */
interface Registered {
  person: Person;
  registration: RegistrationRow;
}

export interface Participant {
  registrationId: string;
  userId: string;
  name: string;
  agency: string | null;
  status: EventRegistrationStatus;
  waitlistPosition: number | null;
  answers: Record<string, string>;
  registeredAt: Date;
}

const EVENT_COLUMNS = `id, title, starts_at, ends_at, place, status, registration_capacity, registration_closes_at, registration_questions, seats_taken, waitlist_length,
  event_registration_refusal(status, registration_capacity, starts_at, registration_closes_at) AS refusal`;
const REGISTRATION_COLUMNS = 'id, event_id, user_id, status, waitlist_position, answers, created_at';
const LIVE = ['confirmed', 'waitlisted'];

const view = (row: RegistrationRow): RegistrationView => ({
  id: row.id,
  eventId: row.event_id,
  userId: row.user_id,
  status: row.status,
  waitlistPosition: row.waitlist_position,
  answers: row.answers,
  createdAt: row.created_at,
});

export const reminderKey = (eventId: string, userId: string) => `event-reminder-${eventId}-${userId}`;

@Injectable()
export class EventRegistrationService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    this.events.on('user.leaving', ({ userId }, manager) => this.releaseAll(manager, userId));
  }

  /**
   * The person registers, answering the event's questions: a seat while one is free, else the end
   * of the queue. Registering again returns the registration they have.
   */
  async register(actor: Actor, eventId: string, given: Record<string, unknown>): Promise<{ registration: RegistrationView; created: boolean }> {
    mustHaveVerifiedEmail(actor);
    return this.dataSource.transaction(async (manager) => {
      const event = await this.lockEvent(manager, eventId);
      const existing = await this.liveRegistration(manager, event.id, actor.id);
      if (existing) return { registration: view(existing), created: false };
      if (event.refusal) throw new Refused(event.refusal);
      const { answers, problems } = checkAnswers(questionsOf(event.registration_questions), given);
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      const person = await this.person(manager, actor.id);
      const [place]: { placed_status: 'confirmed' | 'waitlisted'; placed_position: number | null }[] = await manager.query(`SELECT * FROM event_registration_placement($1)`, [event.id]);
      const [row]: RegistrationRow[] = await manager.query(
        `INSERT INTO event_registration (event_id, user_id, agency_id, status, waitlist_position, answers, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'confirmed' THEN now() END) RETURNING ${REGISTRATION_COLUMNS}`,
        [event.id, person.id, person.agency_id, place.placed_status, place.placed_position, answers],
      );
      await this.tell(manager, place.placed_status === 'confirmed' ? 'confirmed' : 'waitlisted', event, [{ person, registration: row }]);
      if (row.status === 'confirmed') await this.planReminders(manager, event, [{ person, registration: row }]);
      return { registration: view(row), created: true };
    });
  }

  /** The person cancels their own registration, until the event starts. */
  async cancelOwn(actor: Actor, eventId: string): Promise<RegistrationView> {
    return this.dataSource.transaction(async (manager) => {
      const event = await this.lockEvent(manager, eventId);
      const registration = await this.liveRegistration(manager, event.id, actor.id);
      if (!registration) throw new NotFound();
      if (new Date() >= event.starts_at) throw new Refused('eventRegistration.cancel.started');
      return view(await this.release(manager, event, registration, true));
    });
  }

  /** An admin cancels someone's registration, at any time; the person is told. */
  async cancelByAdmin(eventId: string, registrationId: string): Promise<RegistrationView> {
    checkedId(registrationId);
    return this.dataSource.transaction(async (manager) => {
      const event = await this.lockEvent(manager, eventId);
      const [registration]: RegistrationRow[] = await manager.query(`SELECT ${REGISTRATION_COLUMNS} FROM event_registration WHERE id = $1 AND event_id = $2 AND status = ANY($3) FOR UPDATE`, [
        registrationId,
        event.id,
        LIVE,
      ]);
      if (!registration) throw new NotFound();
      return view(await this.release(manager, event, registration, false));
    });
  }

  /** The person's live registration for the event, or null. */
  async ownRegistration(userId: string, eventId: string): Promise<RegistrationView | null> {
    const [row]: RegistrationRow[] = await this.dataSource.query(`SELECT ${REGISTRATION_COLUMNS} FROM event_registration WHERE event_id = $1 AND user_id = $2 AND status = ANY($3)`, [
      checkedId(eventId),
      userId,
      LIVE,
    ]);
    return row ? view(row) : null;
  }

  /** The event as its page shows it, with the registration's state now and the reader's own registration. */
  async eventPage(eventId: string, userId: string | null): Promise<{ event: Omit<LockedEvent, 'refusal'> & { refusal: string | null; description: LocalizedText; meeting_link: string | null }; own: RegistrationView | null }> {
    const [event] = await this.dataSource.query(`SELECT ${EVENT_COLUMNS}, description, meeting_link FROM network_event WHERE id = $1`, [checkedId(eventId)]);
    if (!event) throw new NotFound();
    return { event, own: userId ? await this.ownRegistration(userId, eventId) : null };
  }

  /** Everyone registered (cancelled ones too, last), seat holders first, then the queue in order. */
  async participants(eventId: string): Promise<Participant[]> {
    const rows: (RegistrationRow & { name: string | null; agency: string | null })[] = await this.dataSource.query(
      `SELECT r.id, r.event_id, r.user_id, r.status, r.waitlist_position, r.answers, r.created_at, p.display_name AS name, a.name AS agency
         FROM event_registration r JOIN person p ON p.id = r.user_id LEFT JOIN agency_name a ON a.id = r.agency_id
        WHERE r.event_id = $1
        ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.waitlist_position NULLS LAST, r.created_at, r.id`,
      [checkedId(eventId)],
    );
    return rows.map((row) => ({
      registrationId: row.id,
      userId: row.user_id,
      name: row.name ?? '',
      agency: row.agency,
      status: row.status,
      waitlistPosition: row.waitlist_position,
      answers: row.answers,
      registeredAt: row.created_at,
    }));
  }

  // Called by NetworkEventsService under the event's lock, in its transaction.

  /** More seats go to the queue at once; fewer than are taken is refused before this. */
  async capacityChanged(manager: EntityManager, eventId: string): Promise<void> {
    await this.promote(manager, await this.lockEvent(manager, eventId));
  }

  /** A moved event's reminders are planned again for its new time. */
  async eventMoved(manager: EntityManager, eventId: string): Promise<void> {
    const event = await this.lockEvent(manager, eventId);
    await this.notifications.cancel({ keyPrefix: `event-reminder-${event.id}-` }, manager);
    const confirmed: (RegistrationRow & Person)[] = await manager.query(
      `SELECT r.id, r.event_id, r.user_id, r.status, r.waitlist_position, r.answers, r.created_at, p.email, p.display_name, p.language, p.agency_id
         FROM event_registration r JOIN person p ON p.id = r.user_id WHERE r.event_id = $1 AND r.status = 'confirmed'`,
      [event.id],
    );
    await this.planReminders(manager, event, confirmed.map((row) => ({ person: { ...row, id: row.user_id }, registration: row })));
  }

  /** A cancelled event: everyone registered is told, and no reminder goes. Their registrations stay as they were. */
  async eventCancelled(manager: EntityManager, eventId: string): Promise<void> {
    const event = await this.lockEvent(manager, eventId);
    await this.notifications.cancel({ keyPrefix: `event-reminder-${event.id}-` }, manager);
    const live: (RegistrationRow & Person)[] = await manager.query(
      `SELECT r.id, r.event_id, r.user_id, r.status, r.waitlist_position, r.answers, r.created_at, p.email, p.display_name, p.language, p.agency_id
         FROM event_registration r JOIN person p ON p.id = r.user_id WHERE r.event_id = $1 AND r.status = ANY($2) AND p.status = 'active'`,
      [event.id, LIVE],
    );
    await this.tell(manager, 'eventCancelled', event, live.map((row) => ({ person: { ...row, id: row.user_id }, registration: row })));
  }

  /** A person who leaves gives up their places for events not yet over; freed seats go to the queue. The leaver is not told. */
  private async releaseAll(manager: EntityManager, userId: string): Promise<void> {
    // Events are locked in id order, so two leavers cannot deadlock.
    const held: { event_id: string }[] = await manager.query(
      `SELECT r.event_id FROM event_registration r JOIN network_event e ON e.id = r.event_id
        WHERE r.user_id = $1 AND r.status = ANY($2) AND e.ends_at > now() ORDER BY r.event_id`,
      [userId, LIVE],
    );
    for (const { event_id } of held) {
      const event = await this.lockEvent(manager, event_id);
      const registration = await this.liveRegistration(manager, event.id, userId);
      if (registration) await this.release(manager, event, registration, false, { silent: true });
    }
  }

  /** Cancels a live registration: a seat goes to the queue at once, a place in the queue closes up. */
  private async release(manager: EntityManager, event: LockedEvent, registration: RegistrationRow, byThemself: boolean, options: { silent?: boolean } = {}): Promise<RegistrationRow> {
    const [[ended]]: [RegistrationRow[], number] = await manager.query(
      `UPDATE event_registration SET status = 'cancelled', waitlist_position = NULL, cancelled_at = now(), updated_at = now() WHERE id = $1 RETURNING ${REGISTRATION_COLUMNS}`,
      [registration.id],
    );
    if (registration.status === 'waitlisted') await this.closeQueueGap(manager, event.id, registration.waitlist_position!);
    await this.notifications.cancel({ key: reminderKey(event.id, registration.user_id) }, manager);
    // The mail says what the registration was (a seat or a place in the queue).
    if (!options.silent) await this.tell(manager, 'cancelled', event, [{ person: await this.person(manager, registration.user_id), registration }], { byThemself });
    await this.promote(manager, event);
    return ended;
  }

  /** Fills free seats from the queue, one at a time, each to whoever is next in line; each is told. */
  private async promote(manager: EntityManager, event: LockedEvent): Promise<void> {
    for (;;) {
      const [next]: RegistrationRow[] = await manager.query(`SELECT ${REGISTRATION_COLUMNS} FROM event_registration WHERE id = (SELECT event_registration_next_in_line($1)) FOR UPDATE`, [event.id]);
      if (!next) return;
      const [[promoted]]: [RegistrationRow[], number] = await manager.query(
        `UPDATE event_registration SET status = 'confirmed', waitlist_position = NULL, confirmed_at = now(), updated_at = now() WHERE id = $1 RETURNING ${REGISTRATION_COLUMNS}`,
        [next.id],
      );
      await this.closeQueueGap(manager, event.id, next.waitlist_position!);
      const person = await this.person(manager, next.user_id);
      await this.tell(manager, 'promoted', event, [{ person, registration: promoted }]);
      await this.planReminders(manager, event, [{ person, registration: promoted }]);
    }
  }

  /** Everyone behind a place that emptied moves up by one (positions are unique at commit: deferred). */
  private async closeQueueGap(manager: EntityManager, eventId: string, position: number): Promise<void> {
    await manager.query(
      `UPDATE event_registration SET waitlist_position = waitlist_position - 1, updated_at = now() WHERE event_id = $1 AND status = 'waitlisted' AND waitlist_position > $2`,
      [eventId, position],
    );
  }

  async lockEvent(manager: EntityManager, eventId: string): Promise<LockedEvent> {
    const [event]: LockedEvent[] = await manager.query(`SELECT ${EVENT_COLUMNS} FROM network_event WHERE id = $1 FOR UPDATE`, [checkedId(eventId)]);
    if (!event) throw new NotFound();
    return event;
  }

  private async liveRegistration(manager: EntityManager, eventId: string, userId: string): Promise<RegistrationRow | null> {
    const [row]: RegistrationRow[] = await manager.query(`SELECT ${REGISTRATION_COLUMNS} FROM event_registration WHERE event_id = $1 AND user_id = $2 AND status = ANY($3) FOR UPDATE`, [
      eventId,
      userId,
      LIVE,
    ]);
    return row ?? null;
  }

  private async person(manager: EntityManager, userId: string): Promise<Person> {
    const [person]: Person[] = await manager.query(`SELECT id, email, display_name, language, agency_id FROM person WHERE id = $1`, [userId]);
    return person;
  }

  /** The reminder a day before, for each of these confirmed people: none once that moment has passed or the event is cancelled. */
  private async planReminders(manager: EntityManager, event: LockedEvent, registered: Registered[]): Promise<void> {
    const dueAt = new Date(event.starts_at.getTime() - REMINDER_HOURS_BEFORE * 3600_000);
    if (dueAt.getTime() <= Date.now() || event.status === 'cancelled') return;
    await this.tell(manager, 'reminder', event, registered, {}, dueAt);
  }

  /** Tells each of these people about their registration, all in one statement (a cancelled event tells everyone at once). */
  private async tell(manager: EntityManager, kind: EventKind, event: LockedEvent, registered: Registered[], extra: { byThemself?: boolean } = {}, dueAt?: Date): Promise<void> {
    await this.notifications.notifyAll(
      EVENT_KINDS[kind],
      registered.map(({ person, registration }) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        payload: {
          eventId: event.id,
          registrationId: registration.id,
          eventTitle: localized(event.title, person.language),
          startsAt: event.starts_at.toISOString(),
          endsAt: event.ends_at.toISOString(),
          place: event.place,
          status: registration.status,
          waitlistPosition: registration.waitlist_position,
          byThemself: extra.byThemself ?? null,
        },
        key: kind === 'reminder' ? reminderKey(event.id, person.id) : undefined,
      })),
      { manager, dueAt },
    );
  }
}
