// The admin pages for scheduling rounds: one page that creates a round with all its sessions (rows
// added without JavaScript by a button that shows the form again), the round's page (its fields,
// sessions, status, change history), a session's page (move, edit, cancel), "schedule the next
// round", and the term view. The rules are SchedulingService's: a refused form shows its page again,
// 400, with each message next to its input (a session's next to the right row) and the input kept;
// a change the service refuses as things stand shows the page with the reason, 409.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors, messageParts, Refused, withValues } from '../errors/domain-errors';
import { formatHelsinkiInput, parseHelsinki, toHelsinki } from '../i18n/helsinki-time';
import { Language, LOCALES, localized, translate } from '../i18n/i18n';
import { roundName } from '../i18n/round-name';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import {
  CohortFieldsDto,
  CohortFormDto,
  cohortInputOf,
  CohortStatusDto,
  CopyCohortDto,
  ScheduleQueryDto,
  isBlankRow,
  SESSION_ROW_FIELDS,
  SessionCancelDto,
  SessionEditDto,
  SessionFormDto,
  sessionInputOf,
  SessionRowDto,
  sessionsOf,
  SHIFT_UNITS,
  withSessionRows,
} from './admin-catalogue.dto';
import { CatalogueService, CohortDetail } from './catalogue.service';
import { DELIVERY_MODES } from './cohort.entity';
import { dayOffOf } from './finnish-holidays';
import { ProgrammeForEdit, ProgrammesService } from './programmes.service';
import { DEFAULT_REMINDER_OFFSETS, formatReminderOffsets, MAX_SESSIONS, termLabel, termOf } from './scheduling.rules';
import { COHORT_TRANSITIONS, SchedulingService } from './scheduling.service';
import { CohortRecord, SessionForEdit, AdminScheduleService } from './admin-schedule.service';

const COHORT_NOTICES = ['scheduled', 'saved', 'status', 'sessionAdded', 'sessionSaved', 'sessionCancelled', 'copied'] as const;
const COHORT_FIELDS = [
  'name',
  'capacity',
  'agencySeatCap',
  'requiresApproval',
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
];
/** The instants the service names, each shown by its date-and-time pair. */
const COHORT_INSTANTS = ['enrolmentOpensAt', 'enrolmentClosesAt', 'cancellationDeadline'];
const COPY_FIELDS = ['amount', 'unit', 'skipDaysOff', 'name'];
const DEFAULT_ROWS = 3;

type Values = Record<string, string>;
type FormName = 'edit' | 'addSession' | 'status';

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

const valuesOf = (body: unknown, fields: readonly string[]): Values => Object.fromEntries(fields.map((field) => [field, text(body, field)]));

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
    ...inputPair('enrolmentOpens', cohort.enrolmentOpensAt),
    ...inputPair('enrolmentCloses', cohort.enrolmentClosesAt),
    ...inputPair('cancellationDeadline', cohort.cancellationDeadline),
    deliveryMode: cohort.deliveryMode,
    place: cohort.place ?? '',
    meetingLink: cohort.meetingLink ?? '',
    facilitatorEmails: record.facilitatorEmails.join('\n'),
    reminderOffsets: formatReminderOffsets(cohort.reminderOffsets),
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

const formErrors = (fields: FieldMessages, rowOf?: number[]): FieldMessages =>
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
    enrolmentOpens: instantInputs('cohort-enrolment-opens', 'enrolmentOpens', 'enrolmentOpensAt', values, errors, null),
    enrolmentCloses: instantInputs('cohort-enrolment-closes', 'enrolmentCloses', 'enrolmentClosesAt', values, errors, null),
    cancellationDeadline: instantInputs('cohort-cancellation-deadline', 'cancellationDeadline', 'cancellationDeadline', values, errors, translate(lang, 'admin.cohort.cancellationDeadline.hint')),
    deliveryModeError: errors?.deliveryMode ?? null,
    deliveryModes: DELIVERY_MODES.map((value) => ({ value, label: translate(lang, `deliveryMode.${value}`), selected: value === values.deliveryMode })),
    place: field('place'),
    meetingLink: field('meetingLink'),
    facilitatorEmails: field('facilitatorEmails'),
    reminderOffsets: field('reminderOffsets'),
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

/**
 * A session on a weekend or a Finnish holiday is most often a slip of the calendar: the form asks
 * (a message next to the date naming the day, and a box to tick) and saves it only when confirmed.
 * Web forms only: an API client schedules deliberately, and the API takes such a session as given.
 */
function dayOffQuestion(form: SessionFormDto, lang: Language): FieldMessages | null {
  if (form.confirmDayOff === 'yes') return null;
  const startsAt = parseHelsinki(form.date, form.start);
  if (!startsAt) return null;
  const dayOff = dayOffOf(toHelsinki(startsAt));
  if (!dayOff) return null;
  const day = new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'Europe/Helsinki' }).format(startsAt);
  const what = 'holiday' in dayOff ? translate(lang, `holiday.${dayOff.holiday}`) : new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', timeZone: 'Europe/Helsinki' }).format(startsAt);
  return { date: withValues('session.dayOff.confirm', { day, what }) };
}

/** The day-off question of each filled row of the new-round page; null when none is asked. */
function daysOffQuestions(rows: SessionRowDto[], lang: Language): FieldMessages | null {
  const questions = Object.fromEntries(
    rows.flatMap((row, index) => {
      const question = isBlankRow(row) ? null : dayOffQuestion(row as SessionFormDto, lang);
      return question ? [[`sessions.${index}.date`, question.date]] : [];
    }),
  );
  return Object.keys(questions).length ? questions : null;
}

/** Whether a form shown again has a session on a day off, so that it offers the box to confirm it. */
const onDayOff = (values: Values) => typeof values.date === 'string' && typeof values.start === 'string' && dayOffQuestion({ ...values, confirmDayOff: '' } as SessionFormDto, 'fi') !== null;

const sessionFieldNames = (rows: number) => Array.from({ length: rows }, (_, row) => SESSION_ROW_FIELDS.map((field) => `sessions.${row}.${field}`)).flat();

@ApiExcludeController()
@Requires(Capability.CohortSchedule)
@Controller('admin')
export class AdminCohortsController {
  constructor(
    private readonly scheduling: SchedulingService,
    private readonly catalogue: CatalogueService,
    private readonly programmes: ProgrammesService,
    private readonly timeline: AdminScheduleService,
  ) {}

  // The new round: one page with the cohort's fields and its sessions.

  @Get('programmes/:id/cohorts/new')
  async newRound(@Param('id') programmeId: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const programme = await this.programmes.findForEdit(programmeId);
    const values = { capacity: '20', deliveryMode: 'on_site', facilitatorEmails: programme.facilitatorEmails.join('\n'), reminderOffsets: formatReminderOffsets(DEFAULT_REMINDER_OFFSETS) };
    return reply.view('admin/cohort-form', this.newRoundPage(programme, lang, values, [], DEFAULT_ROWS, null));
  }

  @Post('programmes/:id/cohorts')
  async scheduleRound(@Param('id') programmeId: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const fields = withSessionRows(body);
    const rows = (Array.isArray(fields.sessions) ? fields.sessions : []).map((row: unknown) => valuesOf(row, SESSION_ROW_FIELDS));
    const values = valuesOf(fields, COHORT_FIELDS);
    const form = await validateForm(CohortFormDto, fields);
    const rowCount = Math.max(DEFAULT_ROWS, rows.length);

    // "Add a session row" saves nothing: it shows the form again with one more row, refusing only fields no form has.
    if (fields.addRow === '1') {
      const unknown = Object.fromEntries(Object.entries(form.errors ?? {}).filter(([, message]) => message === 'form.unknownField'));
      const status = Object.keys(unknown).length ? HttpStatus.BAD_REQUEST : HttpStatus.OK;
      const errors = status === HttpStatus.OK ? null : translateFields(unknown, lang);
      const programme = await this.programmes.findForEdit(programmeId);
      return reply.status(status).view('admin/cohort-form', this.newRoundPage(programme, lang, values, rows, Math.min(MAX_SESSIONS, rowCount + 1), errors));
    }

    let errors = form.errors;
    if (form.value) errors = daysOffQuestions(form.value.sessions ?? [], lang);
    if (form.value && !errors) {
      const { sessions, rowOf } = sessionsOf(form.value.sessions);
      try {
        const cohort = await this.scheduling.schedule(actorId, programmeId, { ...cohortInputOf(form.value), sessions }, null, { refusePastSessions: true });
        return reply.redirect(`/admin/cohorts/${cohort.id}?done=scheduled`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = formErrors(error.fields, rowOf);
      }
    }
    const programme = await this.programmes.findForEdit(programmeId);
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/cohort-form', this.newRoundPage(programme, lang, values, rows, rowCount, translateFields(errors!, lang)));
  }

  // The round's page.

  @Get('cohorts/:id')
  async cohort(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = COHORT_NOTICES.find((name) => name === done);
    return reply.view('admin/cohort', await this.cohortPage(id, actor, lang, { notice: notice ? translate(lang, `admin.cohort.notice.${notice}`) : null }));
  }

  @Post('cohorts/:id')
  async updateCohort(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(CohortFieldsDto, body);
    return this.act(reply, id, actor, lang, { form: 'edit', body, errors: form.errors }, 'saved', () => this.scheduling.updateCohort(actor.id, id, cohortInputOf(form.value!)));
  }

  @Post('cohorts/:id/status')
  async setCohortStatus(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { confirmed, fields } = confirmedForm(body);
    const form = await validateForm(CohortStatusDto, fields);
    // Cancelling a round tells everyone in it and cannot be undone: asked first. The other steps are not.
    if (!form.errors && form.value.status === 'cancelled' && !confirmed) {
      const cohort = await this.catalogue.cohort(id, lang, actor);
      if (cohort.status !== 'cancelled') {
        return confirmationPage(reply, {
          question: translate(lang, 'admin.cohort.cancel.confirm.question'),
          consequence: translate(lang, 'admin.cohort.cancel.confirm.consequence', { round: `${cohort.programmeTitle}, ${roundName(cohort.name, lang, { inSentence: true })}` }),
          yes: translate(lang, 'admin.cohort.cancel.confirm.yes'),
          action: `/admin/cohorts/${id}/status`,
          backHref: `/admin/cohorts/${id}`,
          fields,
        });
      }
    }
    return this.act(reply, id, actor, lang, { form: 'status', body: fields, errors: form.errors }, 'status', () => this.scheduling.setCohortStatus(actor.id, id, form.value!.status));
  }

  @Post('cohorts/:id/sessions')
  async addSession(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(SessionFormDto, body);
    const errors = form.errors ?? dayOffQuestion(form.value, lang);
    return this.act(reply, id, actor, lang, { form: 'addSession', body, errors }, 'sessionAdded', () => this.scheduling.addSession(actor.id, id, sessionInputOf(form.value!), { refusePastSessions: true }));
  }

  // "Schedule the next round".

  @Get('cohorts/:id/copy')
  async copyForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/copy-cohort', await this.copyPage(id, actor, lang, { amount: '26', unit: 'weeks', skipDaysOff: 'yes', name: '' }, null));
  }

  @Post('cohorts/:id/copy')
  async copy(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(CopyCohortDto, body);
    let errors = form.errors;
    if (form.value) {
      const { amount, unit, skipDaysOff, name } = form.value;
      try {
        const copy = await this.scheduling.copyToNextRound(actor.id, id, { amount: Number(amount), unit, skipDaysOff: skipDaysOff === 'yes', name: name ?? null });
        return reply.redirect(`/admin/cohorts/${copy.id}?done=copied`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/copy-cohort', await this.copyPage(id, actor, lang, valuesOf(body, COPY_FIELDS), translateFields(errors!, lang)));
  }

  // A session's page.

  @Get('sessions/:id')
  async session(@Param('id') id: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const session = await this.timeline.sessionForEdit(id, lang);
    return reply.view('admin/session', this.sessionPage(session, lang, {}));
  }

  @Post('sessions/:id')
  async updateSession(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(SessionEditDto, body);
    const errors = form.errors ?? (await this.movedOntoDayOff(id, form.value, lang));
    return this.actOnSession(reply, id, lang, { body, errors, form: 'edit' }, 'sessionSaved', () =>
      this.scheduling.updateSession(actorId, id, { ...sessionInputOf(form.value!), reason: form.value!.reason ?? null }, { refusePastSessions: true }),
    );
  }

  /** The day-off question for a session's new time; none when its day is unchanged (correcting the place of a Saturday session asks nothing). */
  private async movedOntoDayOff(id: string, form: SessionEditDto, lang: Language): Promise<FieldMessages | null> {
    const session = await this.timeline.sessionForEdit(id, lang);
    if (formatHelsinkiInput(session.startsAt).date === form.date) return null;
    return dayOffQuestion(form, lang);
  }

  @Post('sessions/:id/cancel')
  async cancelSession(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(SessionCancelDto, body);
    return this.actOnSession(reply, id, lang, { body, errors: form.errors, form: 'cancel' }, 'sessionCancelled', () => this.scheduling.cancelSession(actorId, id, form.value!.reason ?? null));
  }

  // The term view.

  @Get('schedule')
  async termView(@Query() query: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ScheduleQueryDto, query);
    const title = translate(lang, 'admin.schedule.title');
    // The term today's date in Helsinki falls in.
    const current = termOf(new Date());
    if (!form.value) {
      const messages = translateFields(form.errors, lang);
      return reply.status(HttpStatus.BAD_REQUEST).view('admin/schedule', { title, error: Object.values(messages).join(' '), currentHref: `/admin/schedule?term=${current}`, currentLabel: termLabel(current, lang) });
    }
    const timeline = await this.timeline.timeline(form.value.term ?? current, lang);
    const termLink = (term: string | null) => (term ? { href: `/admin/schedule?term=${term}`, label: termLabel(term, lang) } : null);
    return reply.view('admin/schedule', {
      title,
      termLabel: termLabel(timeline.term, lang),
      previous: termLink(timeline.previousTerm),
      next: termLink(timeline.nextTerm),
      terms: timeline.termsWithRounds.map((term) => ({ ...termLink(term)!, current: term === timeline.term })),
      weeks: timeline.weeks,
      columns: timeline.weeks.length + 2,
      programmes: timeline.programmes.map((programme) => ({
        ...programme,
        cohorts: programme.cohorts.map((cohort) => ({ ...cohort, statusLabel: translate(lang, `cohort.status.${cohort.status}`), marked: cohort.status !== 'published' })),
      })),
      clashes: timeline.clashes,
    });
  }

  /** Runs a change from the cohort page unless its form was refused; either way answers as that page does. */
  private async act(
    reply: FastifyReply,
    id: string,
    actor: Actor,
    lang: Language,
    refused: { form: FormName; body: unknown; errors: FieldMessages | null },
    notice: (typeof COHORT_NOTICES)[number],
    change: () => Promise<unknown>,
  ) {
    let errors = refused.errors;
    if (!errors) {
      try {
        await change();
        return reply.redirect(`/admin/cohorts/${id}?done=${notice}`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          return reply.status(HttpStatus.CONFLICT).view('admin/cohort', await this.cohortPage(id, actor, lang, { refused: { ...refused, errors: null }, refusal: translateMessage(lang, error.reason) }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = formErrors(error.fields);
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/cohort', await this.cohortPage(id, actor, lang, { refused: { ...refused, errors: translateFields(errors, lang) } }));
  }

  /** Runs a change from a session's page; success leads to the cohort's page. */
  private async actOnSession(
    reply: FastifyReply,
    id: string,
    lang: Language,
    refused: { form: 'edit' | 'cancel'; body: unknown; errors: FieldMessages | null },
    notice: (typeof COHORT_NOTICES)[number],
    change: () => Promise<{ cohortId: string }>,
  ) {
    let errors = refused.errors;
    if (!errors) {
      try {
        const session = await change();
        return reply.redirect(`/admin/cohorts/${session.cohortId}?done=${notice}`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          const session = await this.timeline.sessionForEdit(id, lang);
          return reply.status(HttpStatus.CONFLICT).view('admin/session', this.sessionPage(session, lang, { refusal: translateMessage(lang, error.reason) }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = formErrors(error.fields);
      }
    }
    const session = await this.timeline.sessionForEdit(id, lang);
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/session', this.sessionPage(session, lang, { refused: { ...refused, errors: translateFields(errors, lang) } }));
  }

  private newRoundPage(programme: ProgrammeForEdit, lang: Language, values: Values, rows: Values[], rowCount: number, errors: FieldMessages | null) {
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

  private async cohortPage(
    id: string,
    actor: Actor,
    lang: Language,
    state: { notice?: string | null; refusal?: string; refused?: { form: FormName; body: unknown; errors: FieldMessages | null } },
  ) {
    const cohort = await this.catalogue.cohort(id, lang, actor);
    const record = await this.timeline.cohortRecord(id);
    const { refused } = state;
    const errors = refused?.errors ?? null;
    const mine = (form: FormName) => (refused?.form === form ? errors : null);
    const editable = cohort.status === 'draft' || cohort.status === 'published';
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
        confirmed: record.seatsTaken,
      },
      editable,
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

  private sessionPage(session: SessionForEdit, lang: Language, state: { refusal?: string; refused?: { form: 'edit' | 'cancel'; body: unknown; errors: FieldMessages | null } }) {
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
      editable: session.status === 'scheduled' && (session.cohortStatus === 'draft' || session.cohortStatus === 'published'),
      fields: sessionFields('session', '', editValues, editErrors, refused?.form === 'edit' && onDayOff(editValues)),
      reason: { value: refused?.form === 'edit' ? text(refused.body, 'reason') : '', error: editErrors?.reason ?? null },
      cancelReason: { value: refused?.form === 'cancel' ? text(refused.body, 'reason') : '', error: cancelErrors?.reason ?? null },
    };
  }

  private async copyPage(id: string, actor: Actor, lang: Language, values: Values, errors: FieldMessages | null) {
    const cohort = await this.catalogue.cohort(id, lang, actor);
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
}
