// A cohort's roster for its facilitators and admins: the agency mix, the people by status (the
// waitlist in order), and the forms that change it (enrol by email, remove, move to another round,
// reorder the queue, mark completion and attendance), the history of changes and the CSV export.
// Who may use it is EnrolmentService's rule, checked before a form is read, so anyone else gets 403
// whatever they send. A refused form shows the page again with the message next to its field (400);
// a change refused as things stand, with the reason (409).
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip } from '../web/form-round-trip';
import { sendSpreadsheet } from '../web/spreadsheet';
import { fieldText, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { attendanceFormOf, MoveFormDto, PositionFormDto, reasonOf, RemoveFormDto, RosterEnrolFormDto } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { RosterService } from './roster.service';
import { Notice, NOTICES, Refusal, rosterCsv, rosterPage } from './roster.view';

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class RosterController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
  ) {}

  @Get('roster')
  async page(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = NOTICES.find((name) => name === done) ?? null;
    return reply.header('cache-control', 'no-store').view('enrolment/roster', rosterPage(await this.roster.roster(actor, id, lang), lang, { notice }));
  }

  @Get('roster.csv')
  async csv(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const roster = await this.roster.roster(actor, id, lang);
    return sendSpreadsheet(reply, roster.cohort.name, rosterCsv(roster.entries, lang, roster));
  }

  @Post('roster/enrol')
  async enrolByEmail(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(RosterEnrolFormDto, body);
    return this.roundTrip(reply, id, actor, lang, { form: 'enrol', body, errors: form.errors }, async () => {
      const { enrolment, created } = await this.enrolment.enrolByEmail(actor, id, form.value!.email, reasonOf(form.value!.reason));
      if (!created) return 'alreadyEnrolled';
      return enrolment.status === 'waitlisted' ? 'enrolledWaitlisted' : 'enrolledConfirmed';
    });
  }

  @Post('roster/:userId/remove')
  async remove(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const { confirmed, fields } = confirmedForm(body);
    const form = await validateForm(RemoveFormDto, fields);
    if (!form.errors && !confirmed) {
      const { cohort, entries } = await this.roster.roster(actor, id, lang);
      const person = entries.find((entry) => entry.userId === userId && entry.mayRemove);
      // Someone not (or no longer) on the list: the service refuses as before, without asking first.
      if (person) {
        return confirmationPage(reply, {
          question: translate(lang, 'enrolment.roster.remove.confirm.question'),
          consequence: translate(lang, 'enrolment.roster.remove.confirm.consequence', {
            name: person.erased ? translate(lang, 'enrolment.roster.remove.confirm.erased') : person.name,
            round: `${cohort.programmeTitle}, ${cohortNameIn(cohort.name, lang, { inSentence: true })}`,
          }),
          yes: translate(lang, 'enrolment.roster.remove.confirm.yes'),
          action: `/cohorts/${id}/roster/${userId}/remove`,
          backHref: `/cohorts/${id}/roster`,
          fields,
        });
      }
    }
    return this.roundTrip(reply, id, actor, lang, { form: 'remove', target: userId, body: fields, errors: form.errors }, async () => {
      await this.enrolment.cancel(actor, id, userId, reasonOf(form.value!.reason));
      return 'removed';
    });
  }

  @Post('roster/:userId/move')
  async move(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(MoveFormDto, body);
    return this.roundTrip(reply, id, actor, lang, { form: 'move', target: userId, body, errors: form.errors }, async () => {
      await this.enrolment.move(actor, id, userId, form.value!.toCohortId, reasonOf(form.value!.reason));
      return 'moved';
    });
  }

  @Post('roster/:userId/position')
  async reorder(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(PositionFormDto, body);
    return this.roundTrip(reply, id, actor, lang, { form: 'position', target: userId, body, errors: form.errors }, async () => {
      await this.enrolment.reorderWaitlist(actor, id, userId, Number(form.value!.position), form.value!.reason);
      return 'reordered';
    });
  }

  @Post('roster/:userId/complete')
  async complete(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    return this.roundTrip(reply, id, actor, lang, { form: 'complete', target: userId, body, errors: unknownFields(body) }, async () => {
      await this.enrolment.complete(actor, id, userId);
      return 'completed';
    });
  }

  /** "Confirm completions": everyone the rule proposes, at once. */
  @Post('roster/completions')
  async confirmCompletions(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    return this.roundTrip(reply, id, actor, lang, { form: 'confirmCompletions', body, errors: unknownFields(body) }, async () =>
      (await this.enrolment.completeProposed(actor, id)) > 0 ? 'completionsConfirmed' : 'noCompletionsToConfirm',
    );
  }

  @Post('roster/:userId/undo-completion')
  async undoCompletion(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    return this.roundTrip(reply, id, actor, lang, { form: 'undoCompletion', target: userId, body, errors: unknownFields(body) }, async () => {
      await this.enrolment.undoCompletion(actor, id, userId);
      return 'completionUndone';
    });
  }

  @Post('attendance')
  async attendance(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = attendanceFormOf(body);
    let errors = form.errors;
    if (form.value && !(await this.roster.isScheduledSessionOf(id, form.value.sessionId))) errors = { sessionId: 'enrolment.form.session.unknown' };
    return this.roundTrip(reply, id, actor, lang, { form: 'attendance', target: fieldText(body, 'sessionId'), body, errors }, async () => {
      const { sessionId, people, present } = form.value!;
      for (const userId of people) {
        try {
          await this.enrolment.markAttendance(actor, sessionId, userId, present.has(userId));
        } catch (error) {
          // Someone removed since the page was loaded is no longer on the list: nothing to mark.
          if (!(error instanceof FieldErrors && error.fields.userId === 'enrolment.attendance.notParticipant')) throw error;
        }
      }
      return 'attendance';
    });
  }

  /** Runs a change unless its form was refused; then back to the roster with a notice, or the roster again with why not. */
  private roundTrip(reply: FastifyReply, id: string, actor: Actor, lang: Language, refused: Refusal, change: () => Promise<Notice>) {
    return formRoundTrip({
      reply,
      lang,
      errors: refused.errors,
      change: async () => `/cohorts/${id}/roster?done=${await change()}`,
      view: 'enrolment/roster',
      page: async (state) => rosterPage(await this.roster.roster(actor, id, lang), lang, { refusal: state.refusal, refused: { ...refused, errors: state.errors ?? null } }),
    });
  }
}
