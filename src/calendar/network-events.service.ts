// Owns the network's own events (the spring and autumn developer days) and the events page: admins
// write the events (each write audited; a change of time or status bumps the revision calendars
// compare), and everyone reads the upcoming sessions of published rounds merged with the events, in
// time order. Meeting links of cohort sessions never reach the page: they are for the participants.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sessionProblems } from '../catalogue/scheduling.rules';
import { CONFIG, Config } from '../config/config';
import { checkedId, constraintRefusal, FieldErrors, NotFound, Refused, withValues } from '../errors/domain-errors';
import { fromHelsinki } from '../i18n/helsinki-time';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { markdownAsText, renderMarkdown } from '../views/markdown';
import { CalendarEvent } from './ics';
import { eventTexts } from './network-event.search';
import { NetworkEvent, NetworkEventStatus } from './network-event.entity';
import { EventRegistrationService } from './event-registration.service';
import { MAX_QUESTION_LABEL_LENGTH, MAX_QUESTIONS, RegistrationQuestion } from './registration-questions';
import { cohortNameIn } from '../i18n/cohort-name';

export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 20_000;
export const MAX_PLACE_LENGTH = 300;
export const MAX_LINK_LENGTH = 2000;
/** The most items the events page lists at once; a filter narrows it. */
export const EVENTS_PAGE_LIMIT = 200;

const LANGUAGE_SUFFIXES = { fi: 'Fi', sv: 'Sv', en: 'En' } as const;

export interface NetworkEventInput {
  title: LocalizedText;
  /** Markdown per language; Finnish may be blank. */
  description: LocalizedText;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  meetingLink: string | null;
  /** Registration: null takes none; omitted on an update leaves it as it is. */
  registration?: RegistrationSettings | null;
}

export interface RegistrationSettings {
  capacity: number;
  /** null: until the event starts. */
  closesAt: Date | null;
  questions: RegistrationQuestion[];
}

export const MAX_REGISTRATION_CAPACITY = 10_000;

/** Field messages for an event's registration settings (the admin form's names). */
export function registrationProblems(registration: RegistrationSettings | null | undefined, startsAt: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!registration) return problems;
  if (!Number.isInteger(registration.capacity) || registration.capacity < 1 || registration.capacity > MAX_REGISTRATION_CAPACITY) {
    problems.registrationCapacity = withValues('eventRegistration.capacity.invalid', { max: MAX_REGISTRATION_CAPACITY });
  }
  if (registration.closesAt && registration.closesAt.getTime() > startsAt.getTime()) problems.registrationClosesAt = 'eventRegistration.closesAt.afterStart';
  if (registration.questions.length > MAX_QUESTIONS) problems.customQuestionFi = withValues('eventRegistration.questions.tooMany', { max: MAX_QUESTIONS });
  for (const question of registration.questions) {
    if (!question.label.fi.trim()) problems.customQuestionFi = 'eventRegistration.customQuestion.fiRequired';
    for (const [lang, suffix] of Object.entries(LANGUAGE_SUFFIXES)) {
      if ((question.label[lang as Language]?.length ?? 0) > MAX_QUESTION_LABEL_LENGTH) problems[`customQuestion${suffix}`] = withValues('eventRegistration.customQuestion.tooLong', { max: MAX_QUESTION_LABEL_LENGTH });
    }
  }
  return problems;
}

/**
 * Field messages for a network event (empty when all is well), fields named as the admin form names
 * them (`titleFi`, `descriptionSv`, `startsAt` …). Times, dates and the link keep a session's rules
 * (2000–2100, ends after it starts, https only).
 */
export function networkEventProblems(input: NetworkEventInput): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [lang, suffix] of Object.entries(LANGUAGE_SUFFIXES) as [Language, string][]) {
    const title = input.title[lang]?.trim() ?? '';
    if (lang === 'fi' && !title) problems.titleFi = 'networkEvent.titleFi.required';
    else if (title.length > MAX_TITLE_LENGTH) problems[`title${suffix}`] = withValues('networkEvent.title.tooLong', { max: MAX_TITLE_LENGTH });
    if ((input.description[lang]?.trim().length ?? 0) > MAX_DESCRIPTION_LENGTH) {
      problems[`description${suffix}`] = withValues('networkEvent.description.tooLong', { max: MAX_DESCRIPTION_LENGTH });
    }
  }
  if ((input.place?.trim().length ?? 0) > MAX_PLACE_LENGTH) problems.place = withValues('networkEvent.place.tooLong', { max: MAX_PLACE_LENGTH });
  const timing = sessionProblems([input], [], '');
  for (const [field, message] of Object.entries(timing)) {
    problems[field] = message === 'session.endsAt.notAfterStart' ? 'networkEvent.endsAt.notAfterStart' : message;
  }
  if (!problems.meetingLink && (input.meetingLink?.trim().length ?? 0) > MAX_LINK_LENGTH) problems.meetingLink = withValues('networkEvent.meetingLink.tooLong', { max: MAX_LINK_LENGTH });
  return problems;
}

/** Constraint names PostgreSQL may refuse a write with, as the field message a person can act on. */
const CONSTRAINT_FIELDS: Record<string, [string, string]> = {
  network_event_title_has_finnish: ['titleFi', 'networkEvent.titleFi.required'],
  network_event_ends_after_start: ['endsAt', 'networkEvent.endsAt.notAfterStart'],
  network_event_dates_in_range: ['startsAt', 'schedule.date.outOfRange'],
  network_event_seats_within_capacity: ['registrationCapacity', 'eventRegistration.capacity.belowTaken'],
};

export interface NetworkEventForEdit extends NetworkEventInput {
  id: string;
  status: NetworkEventStatus;
  revision: number;
  updatedAt: Date;
  /** A cancelled event is history: only one that is not may change. */
  mayEdit: boolean;
  seatsTaken: number;
  waitlistLength: number;
  registrationCapacity: number | null;
  registrationClosesAt: Date | null;
  registrationQuestions: unknown[];
}

export interface NetworkEventRow {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  status: NetworkEventStatus;
}

export interface EventsFilter {
  /** A published programme's slug: only its sessions (and no network events). */
  programme?: string | null;
  /** `YYYY-MM`: what starts in that month, Helsinki time. */
  month?: string | null;
}

export type EventKind = 'session' | 'networkEvent';

/** One line of the events page: a session of a published round, or a network event. */
export interface EventItem {
  kind: EventKind;
  id: string;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
  /** The programme's title and the round's name, or the event's title. */
  title: string;
  /** The language the title is in: Finnish when it has none in the reader's. */
  titleLang: Language;
  /** A session's own place, else its round's. */
  place: string | null;
  /** Network events only: sessions' links are for their participants. */
  meetingLink: string | null;
  /** Network events only: sanitised HTML. */
  descriptionHtml: string;
  descriptionLang: Language;
  /** The round's page, or the event's anchor on the events page. */
  href: string;
  /** A network event that takes registrations: its page, where people register. */
  registrationHref: string | null;
  /** The anchor's id on the events page (`event-<id>`), for network events. */
  anchor: string | null;
}

export interface ProgrammeOption {
  slug: string;
  title: string;
}

interface ItemRow {
  kind: EventKind;
  id: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  place: string | null;
  meeting_link: string | null;
  title: LocalizedText;
  description: LocalizedText | null;
  cohort_id: string | null;
  cohort_name: string | null;
  registration_capacity?: number | null;
}

const blankToNull = (text: string | null | undefined) => (text?.trim() ? text.trim() : null);

function cleanText(text: LocalizedText): LocalizedText {
  const clean: LocalizedText = { fi: text.fi?.trim() ?? '' };
  if (text.sv?.trim()) clean.sv = text.sv.trim();
  if (text.en?.trim()) clean.en = text.en.trim();
  return clean;
}

/** The first instant of a Helsinki month (`2027-05`) and of the month after it. */
function monthRange(month: string): [Date, Date] {
  const [year, number] = month.split('-').map(Number);
  const next = number === 12 ? { year: year + 1, month: 1 } : { year, month: number + 1 };
  return [fromHelsinki({ year, month: number, day: 1, hour: 0, minute: 0 }), fromHelsinki({ ...next, day: 1, hour: 0, minute: 0 })];
}

@Injectable()
export class NetworkEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserService,
    private readonly vocabulary: SearchVocabulary,
    private readonly registrations: EventRegistrationService,
  ) {}

  /** Published and cancelled network events ending after `from`, for /calendar/all.ics. */
  async forCalendar(from: Date, lang: Language): Promise<CalendarEvent[]> {
    const events = await this.dataSource.manager
      .createQueryBuilder(NetworkEvent, 'event')
      .where('event.endsAt > :from', { from })
      .orderBy('event.startsAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .getMany();
    return events.map((event) => networkCalendarEntry(event, lang, this.config.baseUrl));
  }

  // The events page.

  /** Published programmes for the page's filter, in catalogue order. */
  async programmeOptions(lang: Language): Promise<ProgrammeOption[]> {
    const rows: { slug: string; title: LocalizedText }[] = await this.dataSource.query(`SELECT slug, title FROM programme_listing WHERE status = 'published' ORDER BY position, slug`);
    return rows.map((row) => ({ slug: row.slug, title: localized(row.title, lang) }));
  }

  /**
   * Upcoming (ending after `now`) sessions of published rounds of published programmes, cancelled
   * ones too, and network events, in time order, at most EVENTS_PAGE_LIMIT. A programme filter that
   * names no published programme is refused (FieldErrors on `programme`); `month` must be `YYYY-MM`
   * (the caller checks its form).
   */
  async upcoming(filter: EventsFilter, lang: Language, now: Date = new Date()): Promise<{ items: EventItem[]; truncated: boolean }> {
    const programme = filter.programme || null;
    if (programme) {
      const [found] = await this.dataSource.query(`SELECT 1 FROM programme_listing WHERE slug = $1 AND status = 'published'`, [programme]);
      if (!found) throw new FieldErrors({ programme: 'events.filter.programme.unknown' });
    }
    const [monthStart, monthEnd] = filter.month ? monthRange(filter.month) : [null, null];
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT 'session' AS kind, s.id, s.starts_at, s.ends_at, s.status, coalesce(s.place, c.place) AS place, NULL::text AS meeting_link,
              p.title, NULL::jsonb AS description, c.id AS cohort_id, c.name AS cohort_name, NULL::integer AS registration_capacity
         FROM session_listing s
         JOIN cohort_listing c ON c.id = s.cohort_id AND c.status = 'published'
         JOIN programme_listing p ON p.id = c.programme_id AND p.status = 'published'
        WHERE s.ends_at > $1
          AND ($2::text IS NULL OR p.slug = $2)
          AND ($3::timestamptz IS NULL OR s.starts_at >= $3)
          AND ($4::timestamptz IS NULL OR s.starts_at < $4)
       UNION ALL
       SELECT 'networkEvent', e.id, e.starts_at, e.ends_at, e.status, e.place, e.meeting_link,
              e.title, e.description, NULL, NULL, e.registration_capacity
         FROM network_event e
        WHERE $2::text IS NULL
          AND e.ends_at > $1
          AND ($3::timestamptz IS NULL OR e.starts_at >= $3)
          AND ($4::timestamptz IS NULL OR e.starts_at < $4)
       ORDER BY starts_at, kind, id
       LIMIT $5`,
      [now, programme, monthStart, monthEnd, EVENTS_PAGE_LIMIT + 1],
    );
    return { items: rows.slice(0, EVENTS_PAGE_LIMIT).map((row) => itemOf(row, lang)), truncated: rows.length > EVENTS_PAGE_LIMIT };
  }

  /** The next network events not cancelled that have not ended, soonest first, at most `limit`: the home page's list. */
  async nextNetworkEvents(limit: number, lang: Language, now: Date = new Date()): Promise<EventItem[]> {
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT 'networkEvent' AS kind, e.id, e.starts_at, e.ends_at, e.status, e.place, e.meeting_link, e.title, e.description, NULL AS cohort_id, NULL AS cohort_name, e.registration_capacity
         FROM network_event e
        WHERE e.ends_at > $1 AND e.status <> 'cancelled'
        ORDER BY e.starts_at, e.id
        LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => itemOf(row, lang));
  }

  // Admin writes and reads.

  /** The network events for the admin list, the latest first (at most 500). */
  async list(lang: Language): Promise<NetworkEventRow[]> {
    const events = await this.dataSource.manager.find(NetworkEvent, { order: { startsAt: 'DESC', id: 'ASC' }, take: 500 });
    return events.map((event) => ({ id: event.id, title: localized(event.title, lang), startsAt: event.startsAt, endsAt: event.endsAt, place: event.place, status: event.status }));
  }

  async findForEdit(id: string): Promise<NetworkEventForEdit> {
    const event = await this.dataSource.manager.findOne(NetworkEvent, { where: { id: checkedId(id) } });
    if (!event) throw new NotFound();
    return { ...event, mayEdit: event.status !== 'cancelled' };
  }

  async create(actorId: string, input: NetworkEventInput): Promise<NetworkEvent> {
    const problems = { ...networkEventProblems(input), ...registrationProblems(input.registration, input.startsAt) };
    if (Object.keys(problems).length) throw new FieldErrors(problems);
    // The words first, so the event's search vector has their base forms and parts (search/search-vocabulary.service.ts).
    await this.vocabulary.learn(eventTexts(input));
    return this.write(async (manager) => {
      const event = await manager.save(manager.create(NetworkEvent, { ...fieldsOf(input), status: 'published', revision: 0 }));
      await this.users.audit(manager, { actorUserId: actorId, action: 'network-event.created', targetType: 'network_event', targetId: event.id, details: { startsAt: event.startsAt.toISOString() } });
      return event;
    });
  }

  /** Changes an event's texts, time, place or link; a new time bumps its revision. A cancelled event is history. */
  async update(actorId: string, id: string, input: NetworkEventInput): Promise<NetworkEvent> {
    const problems = { ...networkEventProblems(input), ...registrationProblems(input.registration, input.startsAt) };
    checkedId(id);
    if (Object.keys(problems).length === 0) await this.vocabulary.learn(eventTexts(input));
    return this.write(async (manager) => {
      const event = await this.lock(manager, id);
      if (event.status === 'cancelled') throw new Refused('networkEvent.edit.cancelled');
      if (input.registration && input.registration.capacity < event.seatsTaken && !problems.registrationCapacity) {
        problems.registrationCapacity = withValues('eventRegistration.capacity.belowTaken', { taken: event.seatsTaken });
      }
      if (input.registration === null && event.seatsTaken + event.waitlistLength > 0) problems.registrationCapacity = withValues('eventRegistration.capacity.belowTaken', { taken: event.seatsTaken });
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      const previous = { startsAt: event.startsAt, endsAt: event.endsAt, capacity: event.registrationCapacity };
      const fields = fieldsOf(input);
      const moved = fields.startsAt.getTime() !== previous.startsAt.getTime() || fields.endsAt.getTime() !== previous.endsAt.getTime();
      Object.assign(event, fields, { revision: event.revision + (moved ? 1 : 0) });
      const saved = await manager.save(event);
      if ((saved.registrationCapacity ?? 0) > (previous.capacity ?? 0)) await this.registrations.capacityChanged(manager, id);
      if (moved) await this.registrations.eventMoved(manager, id);
      await this.users.audit(manager, {
        actorUserId: actorId,
        action: 'network-event.updated',
        targetType: 'network_event',
        targetId: id,
        details: moved ? { moved: true, previousStartsAt: previous.startsAt.toISOString(), startsAt: saved.startsAt.toISOString() } : { moved: false },
      });
      return saved;
    });
  }

  /** Cancels an event: it stays listed, struck through, and calendars that have it see it cancelled. */
  async cancel(actorId: string, id: string): Promise<NetworkEvent> {
    checkedId(id);
    return this.write(async (manager) => {
      const event = await this.lock(manager, id);
      if (event.status === 'cancelled') return event;
      event.status = 'cancelled';
      event.revision += 1;
      const saved = await manager.save(event);
      await this.registrations.eventCancelled(manager, id);
      await this.users.audit(manager, { actorUserId: actorId, action: 'network-event.cancelled', targetType: 'network_event', targetId: id });
      return saved;
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<NetworkEvent> {
    const event = await manager.findOne(NetworkEvent, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!event) throw new NotFound();
    return event;
  }

  /** Runs a write in one transaction; a constraint PostgreSQL refuses with becomes a field message. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw constraintRefusal(error, CONSTRAINT_FIELDS);
    }
  }
}

function fieldsOf(input: NetworkEventInput) {
  return {
    title: cleanText(input.title),
    description: cleanText(input.description),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    place: blankToNull(input.place),
    meetingLink: blankToNull(input.meetingLink),
    ...(input.registration === undefined
      ? {}
      : {
          registrationCapacity: input.registration?.capacity ?? null,
          registrationClosesAt: input.registration?.closesAt ?? null,
          registrationQuestions: input.registration?.questions ?? [],
        }),
  };
}

/** A network event as calendars read it: the public feed and the invitations mailed to those registered. */
export function networkCalendarEntry(event: NetworkEvent, lang: Language, baseUrl: string): CalendarEvent {
  return {
    uid: `network-event-${event.id}@verso`,
    sequence: event.revision,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    summary: localized(event.title, lang),
    description: markdownAsText(localized(event.description, lang)) || null,
    location: event.place ?? event.meetingLink,
    url: `${baseUrl}/events#event-${event.id}`,
    cancelled: event.status === 'cancelled',
    lastModified: event.updatedAt,
  };
}

/** The language `localized` picks a text in. */
const languageOf = (text: LocalizedText | null, lang: Language): Language => (text?.[lang] ? lang : 'fi');

function itemOf(row: ItemRow, lang: Language): EventItem {
  const cancelled = row.status === 'cancelled';
  const titleLang = languageOf(row.title, lang);
  if (row.kind === 'session') {
    return {
      kind: 'session',
      id: row.id,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      cancelled,
      // The round's name in the title's language, so the whole title is marked with one language.
      title: `${localized(row.title, lang)}: ${cohortNameIn(row.cohort_name ?? '', titleLang)}`,
      titleLang,
      place: row.place,
      meetingLink: null,
      descriptionHtml: '',
      descriptionLang: lang,
      href: `/cohorts/${row.cohort_id}`,
      registrationHref: null,
      anchor: null,
    };
  }
  return {
    kind: 'networkEvent',
    id: row.id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    cancelled,
    title: localized(row.title, lang),
    titleLang,
    place: row.place,
    meetingLink: row.meeting_link,
    descriptionHtml: renderMarkdown(row.description ? localized(row.description, lang) : ''),
    descriptionLang: languageOf(row.description, lang),
    href: `/events#event-${row.id}`,
    registrationHref: row.registration_capacity ? `/events/${row.id}` : null,
    anchor: `event-${row.id}`,
  };
}
