// The rules a round must keep whichever way it is entered (admin form, JSON API, copy to the next
// round), as one function that names every field at fault at once. PostgreSQL keeps the same
// rules as constraints (the migration), so a write that slips past these is still refused.
import { Language, translate } from '../i18n/i18n';
import { toHelsinki } from '../i18n/helsinki-time';
import { withValues } from '../errors/domain-errors';
import { CohortStatus, CompletionRule, DeliveryMode } from './cohort.entity';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
export const MAX_CAPACITY = 1000;
export const MAX_SESSIONS = 40;
export const MAX_NAME_LENGTH = 120;
export const MAX_REMINDERS = 10;
/** Reminders go at most 60 days before a session (offsets in minutes). */
export const MAX_REMINDER_OFFSET = 60 * 24 * 60;
export const DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60];
/** "At least K of the sessions": K's ceiling while the round's sessions are not known (the constraint's). */
export const MAX_COMPLETION_MIN_SESSIONS = 100;

/** A round's fields and sessions change while it is a draft or published; cancelled and completed rounds are history. */
export function mayEditCohort(status: CohortStatus): boolean {
  return status === 'draft' || status === 'published';
}

export interface SessionInput {
  startsAt: Date;
  endsAt: Date;
  place?: string | null;
  meetingLink?: string | null;
  agenda?: string | null;
}

export interface CohortInput {
  /** Blank: the term's name in Finnish ("Kevät 2027"). */
  name?: string | null;
  capacity: number;
  agencySeatCap: number | null;
  requiresApproval: boolean;
  enrolmentOpensAt: Date;
  enrolmentClosesAt: Date;
  cancellationDeadline: Date | null;
  deliveryMode: DeliveryMode;
  place: string | null;
  meetingLink: string | null;
  /** Left out: the programme's usual facilitators. */
  facilitatorEmails?: string[];
  /** Minutes before each session that reminders go; left out: 7 days and 1 day. */
  reminderOffsets?: number[];
  /** How completion is decided; left out: the cohort's as it is, or from attendance for a new one. */
  completionRule?: CompletionRule;
  /** From attendance: at least this many of the scheduled sessions; null: all of them. */
  completionMinSessions?: number | null;
  /**
   * Hours the next in line has to claim a freed seat offered to them (1..MAX_SEAT_OFFER_HOURS); null:
   * a freed seat is confirmed at once. Left out: the cohort's as it is, or null for a new one.
   */
  seatOfferHours?: number | null;
}

/** Two weeks: the longest a freed seat may wait for the next in line's answer (cohort_seat_offer_hours_range). */
export const MAX_SEAT_OFFER_HOURS = 336;
/** What the form suggests when offers are switched on. */
export const DEFAULT_SEAT_OFFER_HOURS = 48;

function inRange(date: Date): boolean {
  if (Number.isNaN(date.getTime())) return false;
  const year = toHelsinki(date).year;
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** A meeting link people will click from an email: an https address, nothing else. */
function isMeetingLink(link: string | null | undefined): boolean {
  if (!link?.trim()) return true;
  try {
    return new URL(link.trim()).protocol === 'https:';
  } catch {
    return false;
  }
}

const overlaps = (a: SessionInput, b: SessionInput) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** Field messages for a cohort's own fields (empty when all is well). */
export function cohortProblems(input: CohortInput): Record<string, string> {
  const problems: Record<string, string> = {};
  if (input.name && input.name.trim().length > MAX_NAME_LENGTH) problems.name = withValues('cohort.name.tooLong', { max: MAX_NAME_LENGTH });
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_CAPACITY) problems.capacity = 'cohort.capacity.range';
  else if (input.agencySeatCap !== null && input.agencySeatCap > input.capacity) problems.agencySeatCap = 'cohort.agencySeatCap.aboveCapacity';
  if (input.agencySeatCap !== null && (!Number.isInteger(input.agencySeatCap) || input.agencySeatCap < 1)) problems.agencySeatCap = 'cohort.agencySeatCap.range';
  for (const field of ['enrolmentOpensAt', 'enrolmentClosesAt', 'cancellationDeadline'] as const) {
    const date = input[field];
    if (date && !inRange(date)) problems[field] = 'schedule.date.outOfRange';
  }
  if (!isMeetingLink(input.meetingLink)) problems.meetingLink = 'schedule.meetingLink.https';
  const hours = input.seatOfferHours;
  if (hours !== undefined && hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > MAX_SEAT_OFFER_HOURS)) problems.seatOfferHours = withValues('cohort.seatOfferHours.range', { max: MAX_SEAT_OFFER_HOURS });
  const offsets = input.reminderOffsets ?? DEFAULT_REMINDER_OFFSETS;
  if (offsets.length > MAX_REMINDERS) problems.reminderOffsets = withValues('cohort.reminderOffsets.tooMany', { max: MAX_REMINDERS });
  else if (offsets.some((minutes) => !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_REMINDER_OFFSET)) problems.reminderOffsets = 'cohort.reminderOffsets.range';
  else if (new Set(offsets).size !== offsets.length) problems.reminderOffsets = 'cohort.reminderOffsets.duplicate';
  if (!problems.enrolmentOpensAt && !problems.enrolmentClosesAt && input.enrolmentClosesAt <= input.enrolmentOpensAt) {
    problems.enrolmentClosesAt = 'cohort.enrolmentClosesAt.notAfterOpens';
  }
  Object.assign(problems, completionProblems(input, null));
  return problems;
}

/**
 * The completion rule: a known rule, and K (at least K of the sessions) a whole number from 1 to the
 * round's number of scheduled sessions, or to 100 while they are not known (`sessionCount` null).
 */
export function completionProblems(input: Pick<CohortInput, 'completionRule' | 'completionMinSessions'>, sessionCount: number | null): Record<string, string> {
  if (input.completionRule !== undefined && input.completionRule !== 'attendance' && input.completionRule !== 'facilitator') return { completionRule: 'completion.rule.unknown' };
  const k = input.completionMinSessions;
  if (k === undefined || k === null) return {};
  const most = sessionCount && sessionCount > 0 ? Math.min(sessionCount, MAX_COMPLETION_MIN_SESSIONS) : MAX_COMPLETION_MIN_SESSIONS;
  if (!Number.isInteger(k) || k < 1 || k > most) return { completionMinSessions: withValues('completion.minSessions.range', { max: most }) };
  return {};
}

/**
 * Field messages for sessions (`sessions.<i>.startsAt` …): each must end after it starts, lie in
 * 2000–2100, and overlap neither another new one nor one of `existing` (the cohort's other
 * scheduled sessions).
 */
export function sessionProblems(sessions: SessionInput[], existing: SessionInput[] = [], prefix = 'sessions'): Record<string, string> {
  const problems: Record<string, string> = {};
  const field = (i: number, name: string) => (prefix ? `${prefix}.${i}.${name}` : name);
  sessions.forEach((session, i) => {
    if (!isMeetingLink(session.meetingLink)) problems[field(i, 'meetingLink')] = 'schedule.meetingLink.https';
    if (!inRange(session.startsAt)) problems[field(i, 'startsAt')] = 'schedule.date.outOfRange';
    else if (!inRange(session.endsAt)) problems[field(i, 'endsAt')] = 'schedule.date.outOfRange';
    else if (session.endsAt <= session.startsAt) problems[field(i, 'endsAt')] = 'session.endsAt.notAfterStart';
    else if (existing.some((other) => overlaps(session, other))) problems[field(i, 'startsAt')] = 'session.overlapsExisting';
    else {
      const clash = sessions.findIndex((other, j) => j < i && other.endsAt > other.startsAt && overlaps(session, other));
      if (clash >= 0) problems[field(i, 'startsAt')] = withValues('session.overlapsSession', { number: clash + 1 });
    }
  });
  return problems;
}

/**
 * A session may not start in the past (a typo in the year or month, most often), except in a round
 * that is over: when every one of its sessions, with these, has ended, the admin is recording what
 * happened (a round entered afterwards, a session added to a finished round's record). A round
 * marked completed is read only anyway. Only sessions with no other message are looked at.
 */
export function pastSessionProblems(sessions: SessionInput[], existing: SessionInput[], now: Date, prefix = 'sessions', known: Record<string, string> = {}): Record<string, string> {
  const problems: Record<string, string> = {};
  if ([...existing, ...sessions].every((session) => session.endsAt <= now)) return problems;
  sessions.forEach((session, i) => {
    const field = prefix ? `${prefix}.${i}.startsAt` : 'startsAt';
    if (!known[field] && session.startsAt < now) problems[field] = 'session.startsAt.past';
  });
  return problems;
}

const UNIT_MINUTES: Record<string, number> = { d: 1440, pv: 1440, vrk: 1440, dag: 1440, dagar: 1440, h: 60, t: 60, min: 1, m: 1 };

/**
 * Reminder offsets as people type them ("14 d, 2 d, 2 h", "90 min"), in minutes, earliest first;
 * null when something cannot be read. Range and duplicates are the rules' business (cohortProblems).
 */
export function parseReminderOffsets(text: string): number[] | null {
  const parts = text.split(/[,;\n]/).map((part) => part.trim()).filter(Boolean);
  const minutes: number[] = [];
  for (const part of parts) {
    const match = /^(-?\d{1,6})\s*([a-zäö]+)$/i.exec(part);
    const unit = match && UNIT_MINUTES[match[2].toLowerCase()];
    if (!match || !unit) return null;
    minutes.push(Number(match[1]) * unit);
  }
  return minutes.sort((a, b) => b - a);
}

/** Minutes back as people read them: 10080 → "7 d", 120 → "2 h", 90 → "90 min". */
export function formatReminderOffsets(offsets: number[]): string {
  return offsets.map((minutes) => (minutes % 1440 === 0 ? `${minutes / 1440} d` : minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`)).join(', ');
}

/** The half-year a round belongs to, from its first session: January–July is spring. */
export function termOf(firstSessionStart: Date): string {
  const { year, month } = toHelsinki(firstSessionStart);
  return `${year}-${month <= 7 ? 'spring' : 'autumn'}`;
}

export function termLabel(term: string, lang: Language): string {
  const [year, half] = term.split('-');
  return translate(lang, `term.${half}`, { year });
}
