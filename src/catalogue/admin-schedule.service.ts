// Owns what the admin scheduling pages read beyond the catalogue's reads: the term view (every round
// of a half-year, drafts too, on a grid of weeks, with the days on which two rounds meet flagged, as
// admins plan rounds so that facilitators and rooms are not needed twice on one day), and the admin
// record of a cohort and of a session (facilitators' emails for the form, the change history with
// who made each change). Writing is SchedulingService's.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { checkedId, NotFound } from '../errors/domain-errors';
import { fromHelsinki, toHelsinki } from '../i18n/helsinki-time';
import { Language, localized } from '../i18n/i18n';
import { Cohort, CohortStatus } from './cohort.entity';
import { CohortSession, SessionStatus } from './cohort-session.entity';
import { MAX_YEAR, MIN_YEAR, mayEditCohort } from './scheduling.rules';
import { SessionChange, SessionChangeKind } from './session-change.entity';

export interface TimelineSession {
  id: string;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
  /** Another round meets on the same day. */
  clash: boolean;
}

export interface TimelineCohort {
  id: string;
  name: string;
  status: CohortStatus;
  /** One per week column, in order. */
  weeks: { sessions: TimelineSession[] }[];
  /** Sessions of the round that fall outside the half-year. */
  outside: TimelineSession[];
}

export interface TimelineWeek {
  /** ISO week number. */
  number: number;
  /** Its Monday (noon in Helsinki, so any formatter shows the right day). */
  monday: Date;
}

export interface Clash {
  /** The day (noon in Helsinki). */
  day: Date;
  /** Two rounds' sessions overlap in time, not just share the day. */
  sameTime: boolean;
  sessions: { cohortId: string; cohortName: string; programmeTitle: string; startsAt: Date; endsAt: Date }[];
}

export interface TermTimeline {
  term: string;
  previousTerm: string | null;
  nextTerm: string | null;
  weeks: TimelineWeek[];
  programmes: { id: string; title: string; cohorts: TimelineCohort[] }[];
  clashes: Clash[];
  /** Every term that has a round, in time order. */
  termsWithCohorts: string[];
}

export interface SessionChangeEntry {
  id: string;
  sessionId: string;
  kind: SessionChangeKind;
  previousStartsAt: Date | null;
  previousEndsAt: Date | null;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  createdAt: Date;
  /** Null when the account is gone; `erased` when its name is. */
  changedBy: { displayName: string; erased: boolean } | null;
}

export interface CohortRecord {
  seatsTaken: number;
  /** Its fields and sessions may still change (scheduling.rules.ts mayEditCohort). */
  mayEdit: boolean;
  facilitatorEmails: string[];
  /** Newest first. */
  changes: SessionChangeEntry[];
}

/** A session as its edit form shows it: its own place and link (null: the cohort's). */
export interface SessionForEdit {
  id: string;
  cohortId: string;
  cohortName: string;
  cohortStatus: CohortStatus;
  cohortPlace: string | null;
  programmeTitle: string;
  startsAt: Date;
  endsAt: Date;
  status: SessionStatus;
  place: string | null;
  meetingLink: string | null;
  agenda: string | null;
  /** A scheduled session of a round that may still change. */
  mayEdit: boolean;
}

const DAY = 86_400_000;
const HALVES = ['spring', 'autumn'] as const;

/** Days since 1970-01-01 of a Helsinki calendar date. */
const dayNumber = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY;
const dayOf = (instant: Date) => {
  const local = toHelsinki(instant);
  return dayNumber(local.year, local.month, local.day);
};
/** Noon in Helsinki on a day number. */
const noonOn = (days: number) => {
  const date = new Date(days * DAY);
  return fromHelsinki({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 12, minute: 0 });
};

/** The ISO week number of the week starting on a Monday (day number). */
function isoWeek(monday: number): number {
  const thursday = new Date((monday + 3) * DAY);
  const yearStart = dayNumber(thursday.getUTCFullYear(), 1, 1);
  return Math.floor((monday + 3 - yearStart) / 7) + 1;
}

function parseTerm(term: string): { year: number; half: (typeof HALVES)[number] } {
  const [year, half] = term.split('-');
  return { year: Number(year), half: half === 'autumn' ? 'autumn' : 'spring' };
}

/** Terms as consecutive numbers: 2027-spring → 4054, 2027-autumn → 4055. */
function termIndex(term: string): number {
  const { year, half } = parseTerm(term);
  return year * 2 + (half === 'autumn' ? 1 : 0);
}

/** The neighbouring term (+1 next, -1 previous), or null past 2000–2100. */
function termBeside(term: string, step: 1 | -1): string | null {
  const index = termIndex(term) + step;
  const year = Math.floor(index / 2);
  return year >= MIN_YEAR && year <= MAX_YEAR ? `${year}-${HALVES[index % 2]}` : null;
}

@Injectable()
export class AdminScheduleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every round with a session in the half-year or belonging to it, drafts and cancelled ones too. */
  async timeline(term: string, lang: Language): Promise<TermTimeline> {
    const { year, half } = parseTerm(term);
    const firstDay = half === 'spring' ? dayNumber(year, 1, 1) : dayNumber(year, 8, 1);
    const lastDay = half === 'spring' ? dayNumber(year, 7, 31) : dayNumber(year, 12, 31);
    const start = fromHelsinki({ year, month: half === 'spring' ? 1 : 8, day: 1, hour: 0, minute: 0 });
    const end = half === 'spring' ? fromHelsinki({ year, month: 8, day: 1, hour: 0, minute: 0 }) : fromHelsinki({ year: year + 1, month: 1, day: 1, hour: 0, minute: 0 });

    const firstMonday = firstDay - ((new Date(firstDay * DAY).getUTCDay() + 6) % 7);
    const weekCount = Math.floor((lastDay - firstMonday) / 7) + 1;
    const weeks: TimelineWeek[] = Array.from({ length: weekCount }, (_, i) => ({ number: isoWeek(firstMonday + i * 7), monday: noonOn(firstMonday + i * 7) }));

    const cohorts = await this.dataSource
      .getRepository(Cohort)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.programme', 'p')
      .where('(c.term = :term OR (c.startsAt < :end AND c.endsAt >= :start))', { term, start, end })
      .orderBy('p.position', 'ASC')
      .addOrderBy('p.slug', 'ASC')
      .addOrderBy('c.startsAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const sessions = cohorts.length
      ? await this.dataSource.getRepository(CohortSession).find({ where: { cohortId: In(cohorts.map((c) => c.id)) }, order: { startsAt: 'ASC' } })
      : [];

    // The days on which sessions of two rounds (neither cancelled) meet, within the half-year.
    const cohortById = new Map(cohorts.map((c) => [c.id, c]));
    const live = sessions.filter((s) => s.status === 'scheduled' && cohortById.get(s.cohortId)!.status !== 'cancelled');
    const byDay = new Map<number, CohortSession[]>();
    for (const session of live) {
      const day = dayOf(session.startsAt);
      if (day < firstDay || day > lastDay) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), session]);
    }
    const clashDays = [...byDay].filter(([, onDay]) => new Set(onDay.map((s) => s.cohortId)).size > 1).sort(([a], [b]) => a - b);
    const clashing = new Set(clashDays.flatMap(([, onDay]) => onDay.map((s) => s.id)));

    const view = (session: CohortSession): TimelineSession => ({
      id: session.id,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      cancelled: session.status === 'cancelled',
      clash: clashing.has(session.id),
    });
    const programmes: TermTimeline['programmes'] = [];
    for (const cohort of cohorts) {
      const row: TimelineCohort = { id: cohort.id, name: cohort.name, status: cohort.status, weeks: weeks.map(() => ({ sessions: [] })), outside: [] };
      for (const session of sessions.filter((s) => s.cohortId === cohort.id)) {
        const day = dayOf(session.startsAt);
        if (day < firstDay || day > lastDay) row.outside.push(view(session));
        else row.weeks[Math.floor((day - firstMonday) / 7)].sessions.push(view(session));
      }
      let group = programmes.at(-1);
      if (group?.id !== cohort.programmeId) {
        group = { id: cohort.programmeId, title: localized(cohort.programme!.title, lang), cohorts: [] };
        programmes.push(group);
      }
      group.cohorts.push(row);
    }

    const clashes: Clash[] = clashDays.map(([day, onDay]) => ({
      day: noonOn(day),
      sameTime: onDay.some((a) => onDay.some((b) => a.cohortId !== b.cohortId && a.startsAt < b.endsAt && b.startsAt < a.endsAt)),
      sessions: onDay.map((session) => {
        const cohort = cohortById.get(session.cohortId)!;
        return { cohortId: cohort.id, cohortName: cohort.name, programmeTitle: localized(cohort.programme!.title, lang), startsAt: session.startsAt, endsAt: session.endsAt };
      }),
    }));

    const terms: { term: string }[] = await this.dataSource.query(`SELECT DISTINCT term FROM cohort`);
    return {
      term,
      previousTerm: termBeside(term, -1),
      nextTerm: termBeside(term, 1),
      weeks,
      programmes,
      clashes,
      termsWithCohorts: terms.map((row) => row.term).sort((a, b) => termIndex(a) - termIndex(b)),
    };
  }

  /** What the cohort page shows beyond the catalogue's cohort: seats taken, facilitators' emails, changes. */
  async cohortRecord(cohortId: string): Promise<CohortRecord> {
    const cohort = await this.dataSource.getRepository(Cohort).findOne({ where: { id: checkedId(cohortId) }, relations: { facilitators: true } });
    if (!cohort) throw new NotFound();
    const changes = await this.dataSource.getRepository(SessionChange).find({
      where: { session: { cohortId: cohort.id } },
      relations: { changedBy: true },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return {
      seatsTaken: cohort.seatsTaken,
      mayEdit: mayEditCohort(cohort.status),
      facilitatorEmails: (cohort.facilitators ?? []).map((user) => user.email).sort(),
      changes: changes.map((change) => ({
        id: change.id,
        sessionId: change.sessionId,
        kind: change.kind,
        previousStartsAt: change.previousStartsAt,
        previousEndsAt: change.previousEndsAt,
        startsAt: change.startsAt,
        endsAt: change.endsAt,
        reason: change.reason,
        createdAt: change.createdAt,
        changedBy: change.changedBy ? { displayName: change.changedBy.displayName, erased: change.changedBy.status === 'erased' } : null,
      })),
    };
  }

  async sessionForEdit(sessionId: string, lang: Language): Promise<SessionForEdit> {
    const session = await this.dataSource.getRepository(CohortSession).findOne({ where: { id: checkedId(sessionId) }, relations: { cohort: { programme: true } } });
    if (!session?.cohort?.programme) throw new NotFound();
    return {
      id: session.id,
      cohortId: session.cohortId,
      cohortName: session.cohort.name,
      cohortStatus: session.cohort.status,
      cohortPlace: session.cohort.place,
      programmeTitle: localized(session.cohort.programme.title, lang),
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      status: session.status,
      place: session.place,
      meetingLink: session.meetingLink,
      agenda: session.agenda,
      mayEdit: session.status === 'scheduled' && mayEditCohort(session.cohort.status),
    };
  }
}
