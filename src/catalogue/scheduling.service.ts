// Owns scheduling programme rounds: a cohort with its sessions created in one go, edited, published,
// cancelled or completed; sessions added, moved and cancelled (each change recorded and raised as
// the `session.changed` domain event in the same transaction); and "schedule the next round", which
// copies a cohort into a new draft with every date moved by weeks or months. Only admins reach these
// (the controllers' @Requires); the rules live here and in PostgreSQL's constraints.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { checkedId, constraintRefusal, FieldErrors, NotFound, Refused, withValues } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { addHelsinkiDays, shiftInHelsinki, ShiftUnit, toHelsinki } from '../i18n/helsinki-time';
import { UserService } from '../identity/user.service';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { Cohort, CohortStatus } from './cohort.entity';
import { CohortSession } from './cohort-session.entity';
import { facilitatorsByEmail } from './facilitators';
import { isDayOff } from './finnish-holidays';
import { Programme } from './programme.entity';
import { CohortInput, completionProblems, cohortProblems, DEFAULT_REMINDER_OFFSETS, MAX_SESSIONS, mayEditCohort, pastSessionProblems, SessionInput, sessionProblems, termLabel, termOf } from './scheduling.rules';
import { SessionChange, SessionChangeKind } from './session-change.entity';

/** Which status a cohort may go to from which. Cancelled and completed rounds are history. */
export const COHORT_TRANSITIONS: Record<CohortStatus, CohortStatus[]> = {
  draft: ['published', 'cancelled'],
  published: ['draft', 'completed', 'cancelled'],
  cancelled: [],
  completed: [],
};

export interface CopyRequest {
  amount: number;
  unit: ShiftUnit;
  /** Move a session that lands on a weekend or a Finnish holiday to the next working day. */
  skipDaysOff: boolean;
  /** Blank: the new term's name. */
  name?: string | null;
}

/**
 * How sessions typed by a person now are checked, beyond the rules every round keeps: a session
 * starting in the past is refused (pastSessionProblems). The web forms and the API ask for it; the
 * demo data, the test builders and "schedule the next round" record rounds as they were.
 */
export interface EntryChecks {
  refusePastSessions?: boolean;
}

export interface SessionUpdate extends Partial<SessionInput> {
  reason?: string | null;
}

/** Constraint names PostgreSQL may refuse a write with, as the field message a person can act on. */
const CONSTRAINT_FIELDS: Record<string, [string, string]> = {
  cohort_session_no_overlap: ['sessions', 'session.overlapsExisting'],
  cohort_session_ends_after_start: ['sessions', 'session.endsAt.notAfterStart'],
  cohort_enrolment_window: ['enrolmentClosesAt', 'cohort.enrolmentClosesAt.notAfterOpens'],
  cohort_agency_cap_range: ['agencySeatCap', 'cohort.agencySeatCap.aboveCapacity'],
  cohort_capacity_range: ['capacity', 'cohort.capacity.range'],
  cohort_name_length: ['name', 'cohort.name.tooLong?max=120'],
  cohort_session_dates_in_range: ['sessions', 'schedule.date.outOfRange'],
  cohort_dates_in_range: ['enrolmentOpensAt', 'schedule.date.outOfRange'],
  cohort_reminder_offsets_range: ['reminderOffsets', 'cohort.reminderOffsets.range'],
  cohort_completion_rule_known: ['completionRule', 'completion.rule.unknown'],
  cohort_completion_min_sessions_range: ['completionMinSessions', 'completion.minSessions.range?max=100'],
  cohort_seat_offer_hours_range: ['seatOfferHours', 'cohort.seatOfferHours.range?max=336'],
};

@Injectable()
export class SchedulingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly events: DomainEvents,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /** Creates a draft cohort of a programme with all its sessions, or nothing. */
  async schedule(actorId: string, programmeId: string, input: CohortInput & { sessions: SessionInput[] }, copiedFromId: string | null = null, checks: EntryChecks = {}): Promise<Cohort> {
    const problems = { ...cohortProblems(input), ...sessionProblems(input.sessions) };
    if (checks.refusePastSessions) Object.assign(problems, pastSessionProblems(input.sessions, [], new Date(), 'sessions', problems));
    if (input.sessions.length === 0) problems.sessions = 'session.atLeastOne';
    if (input.sessions.length > MAX_SESSIONS) problems.sessions = withValues('session.tooMany', { max: MAX_SESSIONS });
    Object.assign(problems, completionProblems(input, input.sessions.length || null));
    if (Object.keys(problems).length) throw new FieldErrors(problems);
    // The words first, so the round's search vector has their base forms and parts (search/search-vocabulary.service.ts).
    const span = spanOf(input.sessions);
    const name = input.name?.trim() || termLabel(termOf(span.startsAt), 'fi');
    await this.vocabulary.learn([name, input.place]);
    return this.write(async (manager) => {
      const programme = await this.programme(manager, programmeId, { withFacilitators: true });
      const facilitators = input.facilitatorEmails ? await facilitatorsByEmail(manager, input.facilitatorEmails) : (programme.facilitators ?? []);
      const cohort = await manager.save(
        manager.create(Cohort, {
          ...cohortFields(input),
          name,
          programmeId: programme.id,
          term: termOf(span.startsAt),
          ...span,
          copiedFromId,
          facilitators,
        }),
      );
      for (const session of input.sessions) await this.insertSession(manager, actorId, cohort.id, session);
      await this.events.publish(manager, { name: 'cohort.created', cohortId: cohort.id, programmeId: programme.id, copiedFromId });
      await this.users.audit(manager, { actorUserId: actorId, action: 'cohort.scheduled', targetType: 'cohort', targetId: cohort.id, details: { programmeId, sessions: input.sessions.length, copiedFromId } });
      return cohort;
    });
  }

  /** Changes a cohort's own fields; `changes` holds only what is to change. */
  async updateCohort(actorId: string, cohortId: string, changes: Partial<CohortInput>): Promise<Cohort> {
    await this.vocabulary.learn([changes.name, changes.place]);
    return this.write(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      if (!mayEditCohort(cohort.status)) throw new Refused(`cohort.edit.${cohort.status}`);
      const current: CohortInput = { ...cohort, facilitatorEmails: [] };
      const next = { ...current, ...definedOnly(changes) };
      const problems = cohortProblems(next);
      if (!problems.capacity && next.capacity < cohort.seatsTaken) problems.capacity = withValues('cohort.capacity.belowConfirmed', { confirmed: cohort.seatsTaken });
      if (changes.completionMinSessions !== undefined) {
        Object.assign(problems, completionProblems(next, await manager.count(CohortSession, { where: { cohortId: cohort.id, status: 'scheduled' } })));
      }
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      Object.assign(cohort, cohortFields(next));
      if (changes.name !== undefined) cohort.name = changes.name?.trim() || termLabel(cohort.term, 'fi');
      if (changes.facilitatorEmails) cohort.facilitators = await facilitatorsByEmail(manager, changes.facilitatorEmails);
      const saved = await manager.save(cohort);
      await this.events.publish(manager, { name: 'cohort.updated', cohortId });
      await this.users.audit(manager, { actorUserId: actorId, action: 'cohort.updated', targetType: 'cohort', targetId: cohortId, details: { fields: Object.keys(definedOnly(changes)) } });
      return saved;
    });
  }

  async setCohortStatus(actorId: string, cohortId: string, to: CohortStatus): Promise<Cohort> {
    return this.write(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      const from = cohort.status;
      if (from === to) return cohort;
      if (!COHORT_TRANSITIONS[from].includes(to)) throw new Refused(withValues('cohort.status.notAllowed', { from, to }));
      if (to === 'published') {
        const programme = await this.programme(manager, cohort.programmeId);
        if (programme.status !== 'published') throw new Refused('cohort.publish.programmeNotPublished');
        const scheduled = await manager.count(CohortSession, { where: { cohortId, status: 'scheduled' } });
        if (scheduled === 0) throw new Refused('cohort.publish.noSessions');
      }
      if (to === 'draft' && cohort.seatsTaken + cohort.waitlistLength > 0) {
        throw new Refused(withValues('cohort.unpublish.hasEnrolments', { count: cohort.seatsTaken + cohort.waitlistLength }));
      }
      cohort.status = to;
      await manager.save(cohort);
      await this.users.audit(manager, { actorUserId: actorId, action: 'cohort.status-changed', targetType: 'cohort', targetId: cohortId, details: { from, to } });
      await this.events.publish(manager, { name: 'cohort.status-changed', cohortId, from, to });
      return cohort;
    });
  }

  async addSession(actorId: string, cohortId: string, session: SessionInput, checks: EntryChecks = {}): Promise<CohortSession> {
    return this.write(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      if (!mayEditCohort(cohort.status)) throw new Refused(`cohort.edit.${cohort.status}`);
      const others = await this.scheduledSessions(manager, cohortId);
      if (others.length >= MAX_SESSIONS) throw new FieldErrors({ sessions: withValues('session.tooMany', { max: MAX_SESSIONS }) });
      const problems = sessionProblems([session], others, '');
      if (checks.refusePastSessions) Object.assign(problems, pastSessionProblems([session], others, new Date(), '', problems));
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      const added = await this.insertSession(manager, actorId, cohortId, session);
      await this.refreshSpan(manager, cohort);
      return added;
    });
  }

  /** Moves a session and/or changes its place, link or agenda; a new time is recorded as a move. */
  async updateSession(actorId: string, sessionId: string, update: SessionUpdate, checks: EntryChecks = {}): Promise<CohortSession> {
    return this.write(async (manager) => {
      const { session, cohort } = await this.lockSession(manager, sessionId);
      if (session.status === 'cancelled') throw new Refused('session.edit.cancelled');
      const next = { ...session, ...definedOnly(update) };
      const others = (await this.scheduledSessions(manager, cohort.id)).filter((other) => other.id !== session.id);
      const problems = sessionProblems([next], others, '');
      const previous = { startsAt: session.startsAt, endsAt: session.endsAt };
      const moved = next.startsAt.getTime() !== previous.startsAt.getTime() || next.endsAt.getTime() !== previous.endsAt.getTime();
      // A past session's place or agenda may still be corrected; only a new time is checked.
      if (moved && checks.refusePastSessions) Object.assign(problems, pastSessionProblems([next], others, new Date(), '', problems));
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      Object.assign(session, {
        startsAt: next.startsAt,
        endsAt: next.endsAt,
        place: blankToNull(next.place),
        meetingLink: blankToNull(next.meetingLink),
        agenda: blankToNull(next.agenda),
        revision: session.revision + (moved ? 1 : 0),
      });
      const saved = await manager.save(session);
      if (moved) {
        await this.recordChange(manager, actorId, saved, 'moved', previous, update.reason ?? null);
        await this.refreshSpan(manager, cohort);
      }
      return saved;
    });
  }

  async cancelSession(actorId: string, sessionId: string, reason: string | null): Promise<CohortSession> {
    return this.write(async (manager) => {
      const { session, cohort } = await this.lockSession(manager, sessionId);
      if (session.status === 'cancelled') return session;
      session.status = 'cancelled';
      session.revision += 1;
      const saved = await manager.save(session);
      await this.recordChange(manager, actorId, saved, 'cancelled', { startsAt: session.startsAt, endsAt: session.endsAt }, reason);
      await this.refreshSpan(manager, cohort);
      return saved;
    });
  }

  /**
   * "Schedule the next round": a new draft of the same programme with the cohort's settings,
   * facilitators and scheduled sessions, every date moved by `amount` weeks or months at the same
   * Helsinki time of day (9:00 stays 9:00 across a daylight-saving change). With `skipDaysOff` a
   * session landing on a weekend or holiday moves on to the next free working day.
   */
  async copyToNextRound(actorId: string, cohortId: string, request: CopyRequest): Promise<Cohort> {
    if (!Number.isInteger(request.amount) || request.amount < 1 || request.amount > (request.unit === 'weeks' ? 520 : 120)) {
      throw new FieldErrors({ amount: 'copy.amount.range' });
    }
    const source = await this.dataSource.manager.findOne(Cohort, { where: { id: checkedId(cohortId) }, relations: { facilitators: true } });
    if (!source) throw new NotFound();
    const sessions = await this.scheduledSessions(this.dataSource.manager, cohortId);
    const shift = (date: Date) => shiftInHelsinki(date, request.amount, request.unit);
    const shifted: SessionInput[] = [];
    for (const session of sessions) {
      let startsAt = shift(session.startsAt);
      let endsAt = shift(session.endsAt);
      const clashes = () => shifted.some((other) => startsAt < other.endsAt && other.startsAt < endsAt);
      for (let tries = 0; request.skipDaysOff && (isDayOff(toHelsinki(startsAt)) || clashes()) && tries < 30; tries++) {
        startsAt = addHelsinkiDays(startsAt, 1);
        endsAt = addHelsinkiDays(endsAt, 1);
      }
      shifted.push({ startsAt, endsAt, place: session.place, meetingLink: session.meetingLink, agenda: session.agenda });
    }
    return this.schedule(actorId, source.programmeId, {
      ...source,
      name: request.name?.trim() || null,
      enrolmentOpensAt: shift(source.enrolmentOpensAt),
      enrolmentClosesAt: shift(source.enrolmentClosesAt),
      cancellationDeadline: source.cancellationDeadline && shift(source.cancellationDeadline),
      facilitatorEmails: (source.facilitators ?? []).map((user) => user.email),
      sessions: shifted,
    }, source.id);
  }

  /** Runs a write in one transaction; a constraint PostgreSQL refuses with becomes a field message. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw constraintRefusal(error, CONSTRAINT_FIELDS);
    }
  }

  private async programme(manager: EntityManager, programmeId: string, options: { withFacilitators?: boolean } = {}): Promise<Programme> {
    const programme = await manager.findOne(Programme, { where: { id: checkedId(programmeId) }, relations: { facilitators: options.withFacilitators ?? false } });
    if (!programme) throw new NotFound();
    return programme;
  }

  private async lockCohort(manager: EntityManager, cohortId: string): Promise<Cohort> {
    const cohort = await manager.findOne(Cohort, { where: { id: checkedId(cohortId) }, lock: { mode: 'pessimistic_write' } });
    if (!cohort) throw new NotFound();
    return cohort;
  }

  /** The session and its cohort, the cohort locked first (the order every write here takes). */
  private async lockSession(manager: EntityManager, sessionId: string): Promise<{ session: CohortSession; cohort: Cohort }> {
    const found = await manager.findOne(CohortSession, { where: { id: checkedId(sessionId) } });
    if (!found) throw new NotFound();
    const cohort = await this.lockCohort(manager, found.cohortId);
    if (!mayEditCohort(cohort.status)) throw new Refused(`cohort.edit.${cohort.status}`);
    const session = await manager.findOneOrFail(CohortSession, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
    return { session, cohort };
  }

  private scheduledSessions(manager: EntityManager, cohortId: string): Promise<CohortSession[]> {
    return manager.find(CohortSession, { where: { cohortId, status: 'scheduled' }, order: { startsAt: 'ASC' } });
  }

  private async insertSession(manager: EntityManager, actorId: string, cohortId: string, input: SessionInput): Promise<CohortSession> {
    const session = await manager.save(
      manager.create(CohortSession, {
        cohortId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: blankToNull(input.place),
        meetingLink: blankToNull(input.meetingLink),
        agenda: blankToNull(input.agenda),
      }),
    );
    await this.recordChange(manager, actorId, session, 'added', null, null);
    return session;
  }

  private async recordChange(
    manager: EntityManager,
    actorId: string,
    session: CohortSession,
    kind: SessionChangeKind,
    previous: { startsAt: Date; endsAt: Date } | null,
    reason: string | null,
  ): Promise<void> {
    const change = await manager.save(
      manager.create(SessionChange, {
        sessionId: session.id,
        kind,
        previousStartsAt: previous?.startsAt ?? null,
        previousEndsAt: previous?.endsAt ?? null,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        reason: blankToNull(reason),
        changedById: actorId,
      }),
    );
    await this.events.publish(manager, {
      name: 'session.changed',
      change: kind,
      changeId: change.id,
      sessionId: session.id,
      cohortId: session.cohortId,
      previous: kind === 'added' ? null : previous,
      current: { startsAt: session.startsAt, endsAt: session.endsAt },
      reason: change.reason,
    });
  }

  /**
   * Keeps the cohort's first start, last end and term in step with its scheduled sessions (with
   * every session cancelled, the dates they had stay).
   */
  private async refreshSpan(manager: EntityManager, cohort: Cohort): Promise<void> {
    const sessions = await this.scheduledSessions(manager, cohort.id);
    if (sessions.length === 0) return;
    const span = spanOf(sessions);
    await manager.update(Cohort, { id: cohort.id }, { ...span, term: termOf(span.startsAt) });
  }
}

function spanOf(sessions: Pick<SessionInput, 'startsAt' | 'endsAt'>[]): { startsAt: Date; endsAt: Date } {
  return {
    startsAt: new Date(Math.min(...sessions.map((s) => s.startsAt.getTime()))),
    endsAt: new Date(Math.max(...sessions.map((s) => s.endsAt.getTime()))),
  };
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A cohort's stored fields from what was entered. */
function cohortFields(input: CohortInput) {
  return {
    capacity: input.capacity,
    agencySeatCap: input.agencySeatCap,
    requiresApproval: input.requiresApproval,
    enrolmentOpensAt: input.enrolmentOpensAt,
    enrolmentClosesAt: input.enrolmentClosesAt,
    cancellationDeadline: input.cancellationDeadline,
    deliveryMode: input.deliveryMode,
    place: blankToNull(input.place),
    meetingLink: blankToNull(input.meetingLink),
    reminderOffsets: [...(input.reminderOffsets ?? DEFAULT_REMINDER_OFFSETS)].sort((a, b) => b - a),
    completionRule: input.completionRule ?? 'attendance',
    // "Marked by the facilitator" counts no sessions.
    completionMinSessions: input.completionRule === 'facilitator' ? null : (input.completionMinSessions ?? null),
    seatOfferHours: input.seatOfferHours ?? null,
  };
}
