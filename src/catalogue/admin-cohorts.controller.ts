// The admin pages for scheduling rounds: one page that creates a round with all its sessions (rows
// added without JavaScript by a button that shows the form again), the round's page (its fields,
// sessions, status, change history), a session's page (move, edit, cancel), "schedule the next
// round", and the term view. The rules are SchedulingService's: a refused form shows its page again,
// 400, with each message next to its input (a session's next to the right row) and the input kept;
// a change the service refuses as things stand shows the page with the reason, 409 (web/form-round-trip.ts).
// What the pages show is admin-cohorts.view.ts's.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { Language, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { formRoundTrip } from '../web/form-round-trip';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import {
  CohortFieldsDto,
  CohortFormDto,
  cohortInputOf,
  CohortStatusDto,
  CopyCohortDto,
  dayOffQuestion,
  daysOffQuestions,
  ScheduleQueryDto,
  SESSION_ROW_FIELDS,
  SessionCancelDto,
  SessionEditDto,
  SessionFormDto,
  sessionInputOf,
  sessionsOf,
  withSessionRows,
} from './admin-catalogue.dto';
import {
  COHORT_FIELDS,
  COHORT_NOTICES,
  CohortFormName,
  cohortPage,
  COPY_FIELDS,
  copyPage,
  formErrors,
  newCohortPage,
  sessionPage,
  termPage,
  valuesOf,
} from './admin-cohorts.view';
import { CatalogueService } from './catalogue.service';
import { ProgrammesService } from './programmes.service';
import { DEFAULT_REMINDER_OFFSETS, DEFAULT_SEAT_OFFER_HOURS, formatReminderOffsets, MAX_SESSIONS, termLabel, termOf } from './scheduling.rules';
import { SchedulingService } from './scheduling.service';
import { AdminScheduleService } from './admin-schedule.service';

const DEFAULT_ROWS = 3;

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
  async newCohortForm(@Param('id') programmeId: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const programme = await this.programmes.findForEdit(programmeId);
    const values = { capacity: '20', deliveryMode: 'on_site', facilitatorEmails: programme.facilitatorEmails.join('\n'), reminderOffsets: formatReminderOffsets(DEFAULT_REMINDER_OFFSETS), completionRule: 'attendance', seatOfferHours: String(DEFAULT_SEAT_OFFER_HOURS) };
    return reply.view('admin/cohort-form', newCohortPage(programme, lang, values, [], DEFAULT_ROWS, null));
  }

  @Post('programmes/:id/cohorts')
  async scheduleCohort(@Param('id') programmeId: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const fields = withSessionRows(body);
    const rows = (Array.isArray(fields.sessions) ? fields.sessions : []).map((row: unknown) => valuesOf(row, SESSION_ROW_FIELDS));
    const values = valuesOf(fields, COHORT_FIELDS);
    const form = await validateForm(CohortFormDto, fields);
    const rowCount = Math.max(DEFAULT_ROWS, rows.length);
    const page = async (count: number, errors: FieldMessages | null) => newCohortPage(await this.programmes.findForEdit(programmeId), lang, values, rows, count, errors);

    // "Add a session row" saves nothing: it shows the form again with one more row, refusing only fields no form has.
    if (fields.addRow === '1') {
      const unknown = Object.fromEntries(Object.entries(form.errors ?? {}).filter(([, message]) => message === 'form.unknownField'));
      const status = Object.keys(unknown).length ? HttpStatus.BAD_REQUEST : HttpStatus.OK;
      const errors = status === HttpStatus.OK ? null : translateFields(unknown, lang);
      return reply.status(status).view('admin/cohort-form', await page(Math.min(MAX_SESSIONS, rowCount + 1), errors));
    }

    const { sessions, rowOf } = sessionsOf(form.value?.sessions);
    return formRoundTrip({
      reply,
      lang,
      errors: form.value ? daysOffQuestions(form.value.sessions ?? [], lang) : form.errors,
      change: async () => {
        const cohort = await this.scheduling.schedule(actorId, programmeId, { ...cohortInputOf(form.value!), sessions }, null, { refusePastSessions: true });
        return `/admin/cohorts/${cohort.id}?done=scheduled`;
      },
      view: 'admin/cohort-form',
      page: (state) => page(rowCount, state.errors ?? null),
      fieldsOf: (fields) => formErrors(fields, rowOf),
    });
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
    return this.onCohortPage(reply, id, actor, lang, { form: 'edit', body, errors: form.errors }, async () => {
      await this.scheduling.updateCohort(actor.id, id, cohortInputOf(form.value!));
      return 'saved';
    });
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
          consequence: translate(lang, 'admin.cohort.cancel.confirm.consequence', { round: `${cohort.programmeTitle}, ${cohortNameIn(cohort.name, lang, { inSentence: true })}` }),
          yes: translate(lang, 'admin.cohort.cancel.confirm.yes'),
          action: `/admin/cohorts/${id}/status`,
          backHref: `/admin/cohorts/${id}`,
          fields,
        });
      }
    }
    return this.onCohortPage(reply, id, actor, lang, { form: 'status', body: fields, errors: form.errors }, async () => {
      await this.scheduling.setCohortStatus(actor.id, id, form.value!.status);
      return 'status';
    });
  }

  @Post('cohorts/:id/sessions')
  async addSession(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(SessionFormDto, body);
    const errors = form.errors ?? dayOffQuestion(form.value, lang);
    return this.onCohortPage(reply, id, actor, lang, { form: 'addSession', body, errors }, async () => {
      await this.scheduling.addSession(actor.id, id, sessionInputOf(form.value!), { refusePastSessions: true });
      return 'sessionAdded';
    });
  }

  // "Schedule the next round".

  @Get('cohorts/:id/copy')
  async copyForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/copy-cohort', copyPage(await this.catalogue.cohort(id, lang, actor), lang, { amount: '26', unit: 'weeks', skipDaysOff: 'yes', name: '' }, null));
  }

  @Post('cohorts/:id/copy')
  async copy(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(CopyCohortDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const { amount, unit, skipDaysOff, name } = form.value!;
        const copy = await this.scheduling.copyToNextRound(actor.id, id, { amount: Number(amount), unit, skipDaysOff: skipDaysOff === 'yes', name: name ?? null });
        return `/admin/cohorts/${copy.id}?done=copied`;
      },
      view: 'admin/copy-cohort',
      page: async (state) => copyPage(await this.catalogue.cohort(id, lang, actor), lang, valuesOf(body, COPY_FIELDS), state.errors ?? null),
    });
  }

  // A session's page.

  @Get('sessions/:id')
  async session(@Param('id') id: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/session', sessionPage(await this.timeline.sessionForEdit(id, lang), lang, {}));
  }

  @Post('sessions/:id')
  async updateSession(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(SessionEditDto, body);
    const errors = form.errors ?? (await this.movedOntoDayOff(id, form.value, lang));
    return this.onSessionPage(reply, id, lang, { form: 'edit', body, errors }, async () => {
      const session = await this.scheduling.updateSession(actorId, id, { ...sessionInputOf(form.value!), reason: form.value!.reason ?? null }, { refusePastSessions: true });
      return `/admin/cohorts/${session.cohortId}?done=sessionSaved`;
    });
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
    return this.onSessionPage(reply, id, lang, { form: 'cancel', body, errors: form.errors }, async () => {
      const session = await this.scheduling.cancelSession(actorId, id, form.value!.reason ?? null);
      return `/admin/cohorts/${session.cohortId}?done=sessionCancelled`;
    });
  }

  // The term view.

  @Get('schedule')
  async termView(@Query() query: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ScheduleQueryDto, query);
    // The term today's date in Helsinki falls in.
    const current = termOf(new Date());
    if (!form.value) {
      const messages = translateFields(form.errors, lang);
      return reply
        .status(HttpStatus.BAD_REQUEST)
        .view('admin/schedule', { title: translate(lang, 'admin.schedule.title'), error: Object.values(messages).join(' '), currentHref: `/admin/schedule?term=${current}`, currentLabel: termLabel(current, lang) });
    }
    return reply.view('admin/schedule', termPage(await this.timeline.timeline(form.value.term ?? current, lang), lang));
  }

  /** A form of the round's page: its change leads back to the page with a notice; refused, the page again with the form's input. */
  private onCohortPage(
    reply: FastifyReply,
    id: string,
    actor: Actor,
    lang: Language,
    form: { form: CohortFormName; body: unknown; errors: FieldMessages | null },
    change: () => Promise<(typeof COHORT_NOTICES)[number]>,
  ) {
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => `/admin/cohorts/${id}?done=${await change()}`,
      view: 'admin/cohort',
      page: (state) => this.cohortPage(id, actor, lang, { refusal: state.refusal, refused: { form: form.form, body: form.body, errors: state.errors ?? null } }),
      fieldsOf: formErrors,
    });
  }

  /** A form of a session's page: its change leads to the round's page; refused, the session's page again. */
  private onSessionPage(reply: FastifyReply, id: string, lang: Language, form: { form: 'edit' | 'cancel'; body: unknown; errors: FieldMessages | null }, change: () => Promise<string>) {
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change,
      view: 'admin/session',
      // Refused as things stand, the page shows the session as it is now, not what was typed.
      page: async (state) => sessionPage(await this.timeline.sessionForEdit(id, lang), lang, state.refusal ? { refusal: state.refusal } : { refused: { form: form.form, body: form.body, errors: state.errors ?? null } }),
      fieldsOf: formErrors,
    });
  }

  private async cohortPage(id: string, actor: Actor, lang: Language, state: Parameters<typeof cohortPage>[3]) {
    return cohortPage(await this.catalogue.cohort(id, lang, actor), await this.timeline.cohortRecord(id), lang, state);
  }
}
