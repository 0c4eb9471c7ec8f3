// What the admin scheduling pages show (admin-cohorts.controller.ts): the new-round form, the
// round's page, a session's page, "schedule the next round" and the term view, each built from what
// the services read, with the input of a refused form kept and each message next to its input.
import { messageParts } from '../errors/domain-errors';
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, fieldText } from '../web/forms';
import { dayOffQuestion, SESSION_ROW_FIELDS, SessionFormDto, SHIFT_UNITS } from './admin-catalogue.dto';
import { CohortRecord, SessionForEdit, TermTimeline } from './admin-schedule.service';
import { CohortDetail } from './catalogue.service';
import { COMPLETION_RULES, DELIVERY_MODES } from './cohort.entity';
import { ProgrammeForEdit } from './programmes.service';
import { DEFAULT_SEAT_OFFER_HOURS, formatReminderOffsets, MAX_SESSIONS, termLabel } from './scheduling.rules';
import { COHORT_TRANSITIONS } from './scheduling.service';
import { completionRuleText } from './completion-rule';

export const COHORT_NOTICES = ['scheduled', 'saved', 'status', 'sessionAdded', 'sessionSaved', 'sessionCancelled', 'copied'] as const;
export const COHORT_FIELDS = [
  'name',
  'capacity',
  'agencySeatCap',
  'requiresApproval',
  'seatOffers',
  'seatOfferHours',
  'enrolmentOpensDate',
  'enrolmentOpensTime',
  'enrolmentClosesDate',
  'enrolmentClosesTime',
  'cancellationDeadlineDate',
  'cancellationDeadlineTime',
  'deliveryMode',
  'place',
  'meetingLink',
  'facilitatorEmails',
  'reminderOffsets',
  'completionRule',
  'completionMinSessions',
];
/** The instants the service names, each shown by its date-and-time pair. */
const COHORT_INSTANTS = ['enrolmentOpensAt', 'enrolmentClosesAt', 'cancellationDeadline'];
export const COPY_FIELDS = ['amount', 'unit', 'skipDaysOff', 'name'];

export type Values = Record<string, string>;
/** The forms of the round's page. */
export type CohortFormName = 'edit' | 'addSession' | 'status';
/** A refused form: which one, what was typed, and the messages (null when the change was refused as a whole). */
export type RefusedForm<Name> = { form: Name; body: unknown; errors: FieldMessages | null };

export const valuesOf = (body: unknown, fields: readonly string[]): Values => Object.fromEntries(fields.map((field) => [field, fieldText(body, field)]));

function inputPair(prefix: string, instant: Date | null): Values {
  const { date, time } = instant ? formatHelsinkiInput(instant) : { date: '', time: '' };
  return { [`${prefix}Date`]: date, [`${prefix}Time`]: time };
}

function cohortValues(cohort: CohortDetail, record: CohortRecord): Values {
  return {
    name: cohort.name,
    capacity: String(cohort.capacity),
    agencySeatCap: cohort.agencySeatCap === null ? '' : String(cohort.agencySeatCap),
    requiresApproval: cohort.requiresApproval ? 'yes' : '',
    seatOffers: cohort.seatOfferHours === null ? '' : 'yes',
    seatOfferHours: String(cohort.seatOfferHours ?? DEFAULT_SEAT_OFFER_HOURS),
    ...inputPair('enrolmentOpens', cohort.enrolmentOpensAt),
    ...inputPair('enrolmentCloses', cohort.enrolmentClosesAt),
    ...inputPair('cancellationDeadline', cohort.cancellationDeadline),
    deliveryMode: cohort.deliveryMode,
    place: cohort.place ?? '',
    meetingLink: cohort.meetingLink ?? '',
    facilitatorEmails: record.facilitatorEmails.join('\n'),
    reminderOffsets: formatReminderOffsets(cohort.reminderOffsets),
    completionRule: cohort.completionRule,
    completionMinSessions: cohort.completionMinSessions === null ? '' : String(cohort.completionMinSessions),
  };
}

/**
 * The service's field as the form's: `sessions.<i>.startsAt` → the start input of the row session i
 * came from (its date input when the date is out of range or past); `startsAt` → `start` on one-session forms.
 */
function formField(field: string, message: string, rowOf: number[] = []): string {
  // A date out of range or in the past is most often a slip in the date, so the message goes there.
  const onDate = ['schedule.date.outOfRange', 'session.startsAt.past'].includes(messageParts(message).key);
  const input = (instant: string) => (onDate ? 'date' : instant === 'startsAt' ? 'start' : 'end');
  const row = /^sessions\.(\d+)\.(startsAt|endsAt)$/.exec(field);
  if (row) return `sessions.${rowOf[Number(row[1])] ?? row[1]}.${input(row[2])}`;
  if (field === 'startsAt' || field === 'endsAt') return input(field);
  return field;
}

export const formErrors = (fields: FieldMessages, rowOf?: number[]): FieldMessages =>
  Object.fromEntries(Object.entries(fields).map(([field, message]) => [formField(field, message, rowOf), message]));

const otherErrors = (errors: FieldMessages | null, known: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [];

/** A date and a time input read as one Helsinki instant, with the messages for either and for both. */
function instantInputs(id: string, prefix: string, instant: string, values: Values, errors: FieldMessages | null, hint: string | null) {
  const error = errors?.[instant] ?? null;
  const dateError = errors?.[`${prefix}Date`] ?? null;
  const timeError = errors?.[`${prefix}Time`] ?? null;
  const describedBy = (own: string | null) => [hint && `${id}-hint`, error && `${id}-error`, own].filter(Boolean).join(' ') || null;
  return {
    id,
    hint,
    error,
    date: { id: `${id}-date`, name: `${prefix}Date`, value: values[`${prefix}Date`] ?? '', error: dateError, invalid: !!(error || dateError), describedBy: describedBy(dateError && `${id}-date-error`) },
    time: { id: `${id}-time`, name: `${prefix}Time`, value: values[`${prefix}Time`] ?? '', error: timeError, invalid: !!(error || timeError), describedBy: describedBy(timeError && `${id}-time-error`) },
    invalid: !!(error || dateError || timeError),
  };
}

/** A cohort's own fields as the form shows them. */
function cohortForm(values: Values, errors: FieldMessages | null, lang: Language) {
  const field = (name: string) => ({ value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    name: field('name'),
    capacity: field('capacity'),
    agencySeatCap: field('agencySeatCap'),
    requiresApproval: { checked: values.requiresApproval === 'yes', error: errors?.requiresApproval ?? null },
    seatOffers: { checked: values.seatOffers === 'yes', error: errors?.seatOffers ?? null },
    seatOfferHours: field('seatOfferHours'),
    enrolmentOpens: instantInputs('cohort-enrolment-opens', 'enrolmentOpens', 'enrolmentOpensAt', values, errors, null),
    enrolmentCloses: instantInputs('cohort-enrolment-closes', 'enrolmentCloses', 'enrolmentClosesAt', values, errors, null),
    cancellationDeadline: instantInputs('cohort-cancellation-deadline', 'cancellationDeadline', 'cancellationDeadline', values, errors, translate(lang, 'admin.cohort.cancellationDeadline.hint')),
    deliveryModeError: errors?.deliveryMode ?? null,
    deliveryModes: DELIVERY_MODES.map((value) => ({ value, label: translate(lang, `deliveryMode.${value}`), selected: value === values.deliveryMode })),
    place: field('place'),
    meetingLink: field('meetingLink'),
    facilitatorEmails: field('facilitatorEmails'),
    reminderOffsets: field('reminderOffsets'),
    completionRules: COMPLETION_RULES.map((value) => ({
      value,
      id: `cohort-completion-rule-${value}`,
      label: translate(lang, `completion.rule.option.${value}`),
      checked: value === (values.completionRule || 'attendance'),
    })),
    completionRuleError: errors?.completionRule ?? null,
    completionMinSessions: field('completionMinSessions'),
  };
}

/** One session's inputs; `namePrefix` is `sessions.<row>.` on the new-round page. */
function sessionFields(idPrefix: string, namePrefix: string, values: Values, errors: FieldMessages | null, askedDayOff = false) {
  return {
    ...Object.fromEntries(
      SESSION_ROW_FIELDS.map((field) => [field, { id: `${idPrefix}-${field}`, name: `${namePrefix}${field}`, value: values[field] ?? '', error: errors?.[`${namePrefix}${field}`] ?? null }]),
    ),
    // Shown once the form has asked: a session on a weekend or a holiday is saved only when ticked.
    confirmDayOff: askedDayOff ? { id: `${idPrefix}-confirm-day-off`, name: `${namePrefix}confirmDayOff` } : null,
  };
}

/** Whether a form shown again has a session on a day off, so that it offers the box to confirm it. */
const onDayOff = (values: Values) => typeof values.date === 'string' && typeof values.start === 'string' && dayOffQuestion({ ...values, confirmDayOff: '' } as SessionFormDto, 'fi') !== null;

const sessionFieldNames = (rows: number) => Array.from({ length: rows }, (_, row) => SESSION_ROW_FIELDS.map((field) => `sessions.${row}.${field}`)).flat();

export function newCohortPage(programme: ProgrammeForEdit, lang: Language, values: Values, rows: Values[], rowCount: number, errors: FieldMessages | null) {
  const title = localized(programme.title, lang);
  return {
    title: translate(lang, 'admin.cohort.new.title', { programme: title }),
    programme: { id: programme.id, title },
    errors,
    otherErrors: otherErrors(errors, [...COHORT_FIELDS, ...COHORT_INSTANTS, 'sessions', ...sessionFieldNames(rowCount)]),
    form: cohortForm(values, errors, lang),
    sessionsError: errors?.sessions ?? null,
    rows: Array.from({ length: rowCount }, (_, row) => ({
      legend: translate(lang, 'admin.session.number', { number: row + 1 }),
      fields: sessionFields(`session-${row}`, `sessions.${row}.`, rows[row] ?? {}, errors, onDayOff(rows[row] ?? {})),
    })),
    canAddRow: rowCount < MAX_SESSIONS,
  };
}

export function cohortPage(
  cohort: CohortDetail,
  record: CohortRecord,
  lang: Language,
  state: { notice?: string | null; refusal?: string; refused?: RefusedForm<CohortFormName> },
) {
  const { refused } = state;
  const errors = refused?.errors ?? null;
  const mine = (form: CohortFormName) => (refused?.form === form ? errors : null);
  return {
    title: cohort.name,
    notice: state.notice ?? null,
    errors,
    otherErrors: otherErrors(errors, refused?.form === 'edit' ? [...COHORT_FIELDS, ...COHORT_INSTANTS] : refused?.form === 'addSession' ? [...SESSION_ROW_FIELDS] : ['status']),
    refusal: state.refusal ?? null,
    programme: { id: cohort.programmeId, title: cohort.programmeTitle },
    cohort: {
      ...cohort,
      statusLabel: translate(lang, `cohort.status.${cohort.status}`),
      deliveryModeLabel: translate(lang, `deliveryMode.${cohort.deliveryMode}`),
      reminderOffsetsText: formatReminderOffsets(cohort.reminderOffsets),
      completionRuleText: completionRuleText(cohort, lang),
      confirmed: record.seatsTaken,
    },
    editable: record.mayEdit,
    editForm: cohortForm(refused?.form === 'edit' ? valuesOf(refused.body, COHORT_FIELDS) : cohortValues(cohort, record), mine('edit'), lang),
    addSession: {
      fields: sessionFields('new-session', '', refused?.form === 'addSession' ? valuesOf(refused.body, SESSION_ROW_FIELDS) : {}, mine('addSession'), refused?.form === 'addSession' && onDayOff(valuesOf(refused.body, SESSION_ROW_FIELDS))),
      error: mine('addSession')?.sessions ?? null,
    },
    statusError: mine('status')?.status ?? null,
    statusActions: COHORT_TRANSITIONS[cohort.status].map((value) => ({ value, label: translate(lang, `admin.cohort.statusAction.${value}`) })),
    sessions: cohort.sessions.map((session, index) => ({
      ...session,
      number: index + 1,
      cancelled: session.status === 'cancelled',
      statusLabel: translate(lang, `session.status.${session.status}`),
    })),
    changes: record.changes.map((change) => ({
      ...change,
      kindLabel: translate(lang, `admin.session.change.${change.kind}`),
      changedByName: change.changedBy ? (change.changedBy.erased ? translate(lang, 'accounts.deletedUser') : change.changedBy.displayName) : '–',
      moved: change.kind === 'moved',
    })),
  };
}

export function sessionPage(session: SessionForEdit, lang: Language, state: { refusal?: string; refused?: RefusedForm<'edit' | 'cancel'> }) {
  const { refused } = state;
  const errors = refused?.errors ?? null;
  const { date, time: start } = formatHelsinkiInput(session.startsAt);
  const stored: Values = { date, start, end: formatHelsinkiInput(session.endsAt).time, place: session.place ?? '', meetingLink: session.meetingLink ?? '', agenda: session.agenda ?? '' };
  const editValues = refused?.form === 'edit' ? valuesOf(refused.body, SESSION_ROW_FIELDS) : stored;
  const editErrors = refused?.form === 'edit' ? errors : null;
  const cancelErrors = refused?.form === 'cancel' ? errors : null;
  return {
    title: translate(lang, 'admin.session.title'),
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, refused?.form === 'edit' ? [...SESSION_ROW_FIELDS, 'reason'] : ['reason']),
    session: { ...session, cancelled: session.status === 'cancelled', statusLabel: translate(lang, `session.status.${session.status}`) },
    editable: session.mayEdit,
    fields: sessionFields('session', '', editValues, editErrors, refused?.form === 'edit' && onDayOff(editValues)),
    reason: { value: refused?.form === 'edit' ? fieldText(refused.body, 'reason') : '', error: editErrors?.reason ?? null },
    cancelReason: { value: refused?.form === 'cancel' ? fieldText(refused.body, 'reason') : '', error: cancelErrors?.reason ?? null },
  };
}

export function copyPage(cohort: CohortDetail, lang: Language, values: Values, errors: FieldMessages | null) {
  return {
    title: translate(lang, 'admin.copy.title'),
    errors,
    otherErrors: otherErrors(errors, COPY_FIELDS),
    cohort: { ...cohort, sessions: cohort.sessions.filter((session) => session.status === 'scheduled') },
    amount: { value: values.amount ?? '', error: errors?.amount ?? null },
    unitError: errors?.unit ?? null,
    units: SHIFT_UNITS.map((value) => ({ value, label: translate(lang, `admin.copy.unit.${value}`), selected: value === values.unit })),
    skipDaysOff: { checked: values.skipDaysOff === 'yes', error: errors?.skipDaysOff ?? null },
    name: { value: values.name ?? '', error: errors?.name ?? null },
  };
}

/** The term view: a row per round on a grid of weeks, with links to the terms beside it. */
export function termPage(timeline: TermTimeline, lang: Language) {
  const termLink = (term: string | null) => (term ? { href: `/admin/schedule?term=${term}`, label: termLabel(term, lang) } : null);
  return {
    title: translate(lang, 'admin.schedule.title'),
    termLabel: termLabel(timeline.term, lang),
    previous: termLink(timeline.previousTerm),
    next: termLink(timeline.nextTerm),
    terms: timeline.termsWithCohorts.map((term) => ({ ...termLink(term)!, current: term === timeline.term })),
    weeks: timeline.weeks,
    columns: timeline.weeks.length + 2,
    programmes: timeline.programmes.map((programme) => ({
      ...programme,
      cohorts: programme.cohorts.map((cohort) => ({ ...cohort, statusLabel: translate(lang, `cohort.status.${cohort.status}`), marked: cohort.status !== 'published' })),
    })),
    clashes: timeline.clashes,
  };
}
