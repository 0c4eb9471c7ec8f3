// What a cohort's roster page shows: the agency mix, the people by status with the forms their
// row offers (from RosterService's `may…` flags), attendance, the history of changes in words,
// and a refused form again with its input and messages; and the roster as a CSV file.
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { spreadsheetCell, spreadsheetCsv } from '../web/spreadsheet';
import { formatDate } from '../i18n/dates';
import { Language, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { fieldText, FieldMessages } from '../web/forms';
import { EnrolmentStatus } from './enrolment.entity';
import { HOLDS_SEAT_STATUSES, holdsSeat } from './seats';
import { Roster, RosterChange, RosterEntry, RosterRow } from './roster.service';
import { completionRuleText } from '../catalogue/completion-rule';

export const NOTICES = ['enrolledConfirmed', 'enrolledWaitlisted', 'alreadyEnrolled', 'removed', 'moved', 'reordered', 'completed', 'attendance', 'completionsConfirmed', 'noCompletionsToConfirm', 'completionUndone'] as const;
export type Notice = (typeof NOTICES)[number];

export type FormName = 'enrol' | 'remove' | 'move' | 'position' | 'complete' | 'attendance' | 'confirmCompletions' | 'undoCompletion';
/** The fields each form shows messages next to; others go in the summary. */
const FORM_FIELDS: Record<FormName, string[]> = {
  enrol: ['email', 'reason'],
  remove: ['reason'],
  move: ['toCohortId', 'reason'],
  position: ['position', 'reason'],
  complete: [],
  attendance: [],
  confirmCompletions: [],
  undoCompletion: [],
};

/** Which form was refused, for whom, with what was typed and what was wrong. */
export interface Refusal {
  form: FormName;
  /** The row's person, or the attendance form's session. */
  target?: string;
  body: unknown;
  errors: FieldMessages | null;
}

const GROUPS: { key: string; statuses: readonly EnrolmentStatus[] }[] = [
  { key: 'confirmed', statuses: HOLDS_SEAT_STATUSES },
  // A seat offered from the queue: held for them until the deadline shown in the row.
  { key: 'offered', statuses: ['offered'] },
  { key: 'waitlisted', statuses: ['waitlisted'] },
  { key: 'pending', statuses: ['pending_approval'] },
  { key: 'cancelled', statuses: ['cancelled', 'declined'] },
];

const nameOf = (person: { name: string; erased: boolean }, lang: Language) => (person.erased ? translate(lang, 'accounts.deletedUser') : person.name);

function statusLabel(status: EnrolmentStatus, position: number | null, lang: Language): string {
  return status === 'waitlisted' && position !== null ? translate(lang, 'enrolment.status.waitlistedAt', { position }) : translate(lang, `enrolment.status.${status}`);
}

/** A reason as written, or the sentence of an `enrolment.reason.*` key the service wrote. */
function reasonText(reason: string | null, lang: Language): string | null {
  if (!reason) return null;
  return /^enrolment\.reason\.[A-Za-z]+$/.test(reason) ? translate(lang, reason) : reason;
}

function changedByText(change: RosterChange, lang: Language): string {
  if (change.changedBy) return nameOf(change.changedBy, lang);
  return translate(lang, change.reason === 'enrolment.reason.managerApproved' || change.reason === 'enrolment.reason.managerDeclined' ? 'enrolment.history.byManager' : 'enrolment.history.bySystem');
}

/** What the CSV adds after the roster's own columns: attendance per scheduled session, and completion. */
export type RosterRecord = Pick<Roster, 'sessions' | 'attendance'> & { completion: Pick<Roster['completion'], 'completedAt'> };

/**
 * The roster as Finnish Excel opens it: UTF-8 with a BOM, `;` between fields, a header row in the
 * reader's language. With `record`, a column per scheduled session (present: yes, absent: no, not
 * marked: empty) and the completion date (empty: not completed).
 */
export function rosterCsv(entries: RosterEntry[], lang: Language, record?: RosterRecord): string {
  const sessions = record?.sessions ?? [];
  const header = [
    ...['name', 'email', 'agency', 'status', 'waitlistPosition', 'enrolledAt'].map((column) => translate(lang, `enrolment.csv.${column}`)),
    ...sessions.map((session, index) => translate(lang, 'completion.csv.session', { number: index + 1, date: formatHelsinkiInput(session.startsAt).date })),
    ...(record ? [translate(lang, 'completion.csv.completed')] : []),
  ];
  const rows = entries.map((entry) => {
    const { date, time } = formatHelsinkiInput(entry.enrolledAt);
    const attended = (sessionId: string) => {
      const present = record!.attendance.get(`${sessionId}/${entry.userId}`);
      return present === undefined ? '' : translate(lang, present ? 'completion.csv.present' : 'completion.csv.absent');
    };
    const completedAt = record?.completion.completedAt.get(entry.userId);
    return [
      spreadsheetCell(nameOf(entry, lang)),
      spreadsheetCell(entry.email),
      spreadsheetCell(entry.agency ?? ''),
      translate(lang, `enrolment.status.${entry.status}`),
      entry.waitlistPosition === null ? '' : String(entry.waitlistPosition),
      `${date} ${time}`,
      ...sessions.map((session) => attended(session.id)),
      ...(record ? [completedAt ? formatHelsinkiInput(completedAt).date : ''] : []),
    ];
  });
  return spreadsheetCsv([header, ...rows]);
}

/** The roster page: a change just made (`notice`), or the refused form again with why (`refusal`, or the messages in `refused`). */
export function rosterPage(roster: Roster, lang: Language, state: { notice?: Notice | null; refusal?: string; refused?: Refusal }) {
  const { cohort } = roster;
  const refused = state.refused;
  const errors = refused?.errors ?? null;
  /** The refused form's messages and input, when it is this form (of this row). */
  const refusedHere = (form: FormName, target?: string) => (refused?.form === form && (target === undefined || refused.target === target) ? refused : null);
  const field = (form: FormName, name: string, target?: string, fallback = '') => {
    const here = refusedHere(form, target);
    return { value: here ? fieldText(here.body, name) : fallback, error: here?.errors?.[name] ?? null };
  };
  const idPart = (value: string) => value.replace(/[^A-Za-z0-9-]/g, '');
  const participants = roster.entries.filter((entry) => holdsSeat(entry.status));

  const row = (entry: RosterRow) => {
    const move = field('move', 'toCohortId', entry.userId);
    const open =
      !!refusedHere('remove', entry.userId) || !!refusedHere('move', entry.userId) || !!refusedHere('position', entry.userId) || !!refusedHere('complete', entry.userId) || !!refusedHere('undoCompletion', entry.userId);
    return {
      userId: entry.userId,
      idPart: idPart(entry.userId),
      ids: Object.fromEntries(['position', 'positionReason', 'move', 'moveReason', 'removeReason'].map((name) => [name, `${name}-${idPart(entry.userId)}`])),
      name: nameOf(entry, lang),
      email: entry.email,
      agency: entry.agency,
      status: entry.status,
      statusLabel: entry.offerExpiresAt
        ? translate(lang, 'enrolment.status.offeredUntil', { date: formatDate(entry.offerExpiresAt, lang, 'longDate'), time: formatDate(entry.offerExpiresAt, lang, 'time') })
        : translate(lang, `enrolment.status.${entry.status}`),
      position: entry.waitlistPosition,
      managerEmail: entry.status === 'pending_approval' ? entry.managerEmail : null,
      enrolledAt: entry.enrolledAt,
      open,
      actionsLabel: translate(lang, 'enrolment.roster.actionsFor', { name: nameOf(entry, lang) }),
      canRemove: entry.mayRemove,
      // A refused move shows its form again with the message, even when no round is left to choose.
      canMove: entry.mayMove && (roster.moveTargets.length > 0 || !!refusedHere('move', entry.userId)),
      canReorder: entry.mayReorder,
      canComplete: entry.mayComplete,
      remove: { reason: field('remove', 'reason', entry.userId) },
      move: {
        error: move.error,
        options: roster.moveTargets.map((target) => ({
          value: target.id,
          label: target.status === 'draft' ? translate(lang, 'enrolment.roster.move.draftOption', { name: target.name }) : target.name,
          selected: target.id === move.value,
        })),
        reason: field('move', 'reason', entry.userId),
      },
      positionForm: { position: field('position', 'position', entry.userId, String(entry.waitlistPosition ?? '')), reason: field('position', 'reason', entry.userId) },
      completeError: refusedHere('complete', entry.userId) ? Object.values(errors ?? {}).join(' ') || null : null,
      canUndoCompletion: entry.mayUndoCompletion,
      undoCompletionError: refusedHere('undoCompletion', entry.userId) ? Object.values(errors ?? {}).join(' ') || null : null,
      completedAt: roster.completion.completedAt.get(entry.userId) ?? null,
    };
  };
  const attendanceRefused = refusedHere('attendance');
  const known = refused ? FORM_FIELDS[refused.form] : [];
  return {
    title: translate(lang, 'enrolment.roster.title', { cohort: cohortNameIn(cohort.name, lang) }),
    cohort: {
      ...cohort,
      statusLabel: translate(lang, `cohort.status.${cohort.status}`),
      over: cohort.status === 'cancelled' || cohort.status === 'completed',
    },
    csvHref: `/cohorts/${cohort.id}/roster.csv`,
    notice: state.notice ? translate(lang, `enrolment.roster.notice.${state.notice}`) : null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors:
      errors && !['complete', 'attendance', 'confirmCompletions', 'undoCompletion'].includes(refused!.form)
        ? Object.entries(errors)
            .filter(([name]) => !known.includes(name))
            .map(([name, message]) => ({ field: name, message }))
        : [],
    agencyMix: roster.agencyMix.map((line) => ({ agency: line.agency ?? translate(lang, 'enrolment.roster.noAgency'), count: line.count })),
    enrolForm: { email: field('enrol', 'email'), reason: field('enrol', 'reason') },
    groups: GROUPS.map((group) => {
      const rows = roster.entries.filter((entry) => group.statuses.includes(entry.status)).map(row);
      return { key: group.key, heading: translate(lang, `enrolment.roster.group.${group.key}`, { count: rows.length }), empty: translate(lang, `enrolment.roster.group.${group.key}.empty`), rows };
    }),
    attendance: {
      sessions: roster.sessions.map((session, index) => ({
        ...session,
        number: index + 1,
        formId: `attendance-${session.id}`,
        people: participants.map((entry) => entry.userId).join(','),
        saveLabel: translate(lang, 'enrolment.attendance.saveSession', { number: index + 1 }),
      })),
      people: participants.map((entry) => ({
        name: nameOf(entry, lang),
        cells: roster.sessions.map((session, index) => ({
          formId: `attendance-${session.id}`,
          name: `present.${entry.userId}`,
          inputId: `present-${session.id}-${entry.userId}`,
          checked: roster.attendance.get(`${session.id}/${entry.userId}`) === true,
          marked: roster.attendance.has(`${session.id}/${entry.userId}`),
          label: translate(lang, 'enrolment.attendance.cellLabel', { name: nameOf(entry, lang), number: index + 1 }),
        })),
      })),
      error: attendanceRefused?.errors ? Object.values(attendanceRefused.errors).join(' ') : null,
    },
    completion: completionSection(roster, lang, refusedHere('confirmCompletions')),
    history: roster.history.map((change) => ({
      createdAt: change.createdAt,
      person: nameOf({ name: change.personName, erased: change.personErased }, lang),
      from: change.fromStatus ? statusLabel(change.fromStatus, change.fromPosition, lang) : translate(lang, 'enrolment.history.new'),
      to: statusLabel(change.toStatus, change.toPosition, lang),
      by: changedByText(change, lang),
      reason: reasonText(change.reason, lang),
    })),
  };
}

/** The roster's completion section: the rule, and under the attendance rule who meets it once the last session is marked. */
function completionSection(roster: Roster, lang: Language, refused: Refusal | null) {
  const { completion } = roster;
  const byId = new Map(roster.entries.map((entry) => [entry.userId, entry]));
  const attendanceRule = completion.rule === 'attendance';
  return {
    ruleText: completionRuleText({ completionRule: completion.rule, completionMinSessions: completion.minSessions }, lang),
    facilitatorRule: !attendanceRule,
    waiting: attendanceRule && completion.sessionCount > 0 && !completion.lastSessionMarked,
    noneLeft: attendanceRule && completion.lastSessionMarked && completion.proposed.length === 0,
    heading: translate(lang, completion.proposed.length === 1 ? 'completion.proposed.one' : 'completion.proposed.other', { count: completion.proposed.length }),
    proposed: completion.proposed.map((person) => ({
      name: nameOf({ name: person.name, erased: byId.get(person.userId)?.erased ?? !person.name }, lang),
      attended: translate(lang, 'completion.proposed.attended', { attended: person.attended, sessions: completion.sessionCount }),
    })),
    error: refused?.errors ? Object.values(refused.errors).join(' ') : null,
  };
}
