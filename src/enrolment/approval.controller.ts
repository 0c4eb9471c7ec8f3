// The manager's page behind the emailed link: whose enrolment in which cohort waits, with Approve and
// Decline buttons. The link is the permission (no account needed) and works once: a used or
// tampered link shows a page saying it no longer works (409), never an error; the link of a request
// nobody answered in time says it lapsed (410). After answering, the page says what happened; it is
// shown as the answer to the post, since the link cannot show it again.
import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { Refused } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { ApprovalFormDto } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { ApprovalDetails, RosterService } from './roster.service';
import { roundName } from '../i18n/round-name';

const VIEW = 'enrolment/approval';

@ApiExcludeController()
@Public()
@Controller('enrolments/approval')
export class ApprovalController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const request = await this.enrolment.approvalRequest(token);
    if (!request) return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, 'enrolment.approval.linkInvalid'));
    if (request.lapsed) return this.lapsed(reply, lang);
    return reply.header('cache-control', 'no-store').view(VIEW, this.askModel(token, await this.roster.approvalDetails(request.enrolmentId, lang), lang, null));
  }

  @Post(':token')
  async answer(@Param('token') token: string, @Body() body: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ApprovalFormDto, body);
    const request = await this.enrolment.approvalRequest(token);
    if (request?.lapsed) return this.lapsed(reply, lang);
    if (form.errors) {
      const errors = translateFields(form.errors, lang);
      if (!request) return this.linkInvalid(reply, lang, HttpStatus.BAD_REQUEST, Object.values(errors).join(' '));
      return reply.status(HttpStatus.BAD_REQUEST).view(VIEW, this.askModel(token, await this.roster.approvalDetails(request.enrolmentId, lang), lang, errors));
    }
    if (!request) return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, 'enrolment.approval.linkInvalid'));
    const details = await this.roster.approvalDetails(request.enrolmentId, lang);
    try {
      const answered = await this.enrolment.answerApproval(token, form.value.decision);
      const outcome =
        answered.status === 'declined'
          ? translate(lang, 'enrolment.approvalPage.declined', { name: details.personName, cohort: roundName(details.cohortName, lang) })
          : answered.status === 'waitlisted'
            ? translate(lang, 'enrolment.approvalPage.approvedWaitlisted', { name: details.personName, cohort: roundName(details.cohortName, lang), position: answered.waitlistPosition })
            : translate(lang, 'enrolment.approvalPage.approvedConfirmed', { name: details.personName, cohort: roundName(details.cohortName, lang) });
      return reply.status(HttpStatus.OK).header('cache-control', 'no-store').view(VIEW, { title: translate(lang, 'enrolment.approvalPage.answeredTitle'), answered: true, outcome, details });
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      if (error.reason === 'enrolment.approval.lapsed') return this.lapsed(reply, lang);
      return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, error.reason));
    }
  }

  private askModel(token: string, details: ApprovalDetails, lang: Language, errors: FieldMessages | null) {
    return {
      title: translate(lang, 'enrolment.approvalPage.title'),
      ask: true,
      action: `/enrolments/approval/${encodeURIComponent(token)}`,
      details,
      error: errors ? Object.values(errors).join(' ') : null,
    };
  }

  /** The request was not answered in time: it lapsed, and the person has been (or is about to be) told. */
  private lapsed(reply: FastifyReply, lang: Language) {
    return reply
      .status(HttpStatus.GONE)
      .header('cache-control', 'no-store')
      .view(VIEW, { title: translate(lang, 'enrolment.approvalPage.lapsedTitle'), lapsed: true, message: translateMessage(lang, 'enrolment.approval.lapsed') });
  }

  private linkInvalid(reply: FastifyReply, lang: Language, status: number, message: string) {
    return reply.status(status).header('cache-control', 'no-store').view(VIEW, { title: translate(lang, 'enrolment.approvalPage.invalidTitle'), invalid: true, message });
  }
}
