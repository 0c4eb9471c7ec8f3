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
import { Language } from '../i18n/i18n';
import { translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { approvalAnsweredPage, approvalAskPage, approvalInvalidPage, approvalLapsedPage } from './approval.view';
import { ApprovalFormDto } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { RosterService } from './roster.service';

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
    return reply.header('cache-control', 'no-store').view(VIEW, approvalAskPage(token, await this.roster.approvalDetails(request.enrolmentId, lang), lang, null));
  }

  @Post(':token')
  async answer(@Param('token') token: string, @Body() body: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ApprovalFormDto, body);
    const request = await this.enrolment.approvalRequest(token);
    if (request?.lapsed) return this.lapsed(reply, lang);
    if (form.errors) {
      const errors = translateFields(form.errors, lang);
      if (!request) return this.linkInvalid(reply, lang, HttpStatus.BAD_REQUEST, Object.values(errors).join(' '));
      return reply.status(HttpStatus.BAD_REQUEST).view(VIEW, approvalAskPage(token, await this.roster.approvalDetails(request.enrolmentId, lang), lang, errors));
    }
    if (!request) return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, 'enrolment.approval.linkInvalid'));
    const details = await this.roster.approvalDetails(request.enrolmentId, lang);
    try {
      const answered = await this.enrolment.answerApproval(token, form.value.decision);
      return reply.status(HttpStatus.OK).header('cache-control', 'no-store').view(VIEW, approvalAnsweredPage(details, answered, lang));
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      if (error.reason === 'enrolment.approval.lapsed') return this.lapsed(reply, lang);
      return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, error.reason));
    }
  }

  /** The request was not answered in time: it lapsed (410). */
  private lapsed(reply: FastifyReply, lang: Language) {
    return reply.status(HttpStatus.GONE).header('cache-control', 'no-store').view(VIEW, approvalLapsedPage(lang));
  }

  private linkInvalid(reply: FastifyReply, lang: Language, status: number, message: string) {
    return reply.status(status).header('cache-control', 'no-store').view(VIEW, approvalInvalidPage(lang, message));
  }
}
