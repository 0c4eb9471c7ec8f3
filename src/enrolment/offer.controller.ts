// The page behind a seat offer's mailed link: which round's seat is offered and until when, with
// Accept and Decline buttons. As the manager's approval page: the link is the permission (no
// sign-in needed) and works once; a used or tampered link shows a page saying it no longer works
// (409), never an error, and an offer past its deadline says it lapsed (410), even before the job
// has passed the seat on. After answering, the page says what happened.
import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { Refused } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { OfferFormDto } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { offerAnsweredPage, offerAskPage, offerInvalidPage, offerLapsedPage } from './offer.view';
import { RosterService } from './roster.service';

const VIEW = 'enrolment/offer';

@ApiExcludeController()
@Public()
@Controller('enrolments/offer')
export class OfferController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const offer = await this.enrolment.offerByToken(token);
    if (offer?.outcome === 'lapsed') return this.lapsed(reply, lang);
    if (offer?.outcome !== 'open') return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, 'enrolment.offer.linkInvalid'));
    return reply.header('cache-control', 'no-store').view(VIEW, offerAskPage(token, await this.roster.approvalDetails(offer.enrolmentId, lang), offer.expiresAt, lang, null));
  }

  @Post(':token')
  async answer(@Param('token') token: string, @Body() body: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(OfferFormDto, body);
    const offer = await this.enrolment.offerByToken(token);
    if (offer?.outcome === 'lapsed') return this.lapsed(reply, lang);
    if (offer?.outcome !== 'open') return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, 'enrolment.offer.linkInvalid'));
    const details = await this.roster.approvalDetails(offer.enrolmentId, lang);
    if (form.errors) return reply.status(HttpStatus.BAD_REQUEST).view(VIEW, offerAskPage(token, details, offer.expiresAt, lang, translateFields(form.errors, lang)));
    try {
      const answered = await this.enrolment.answerOffer(token, form.value.decision);
      return reply.status(HttpStatus.OK).header('cache-control', 'no-store').view(VIEW, offerAnsweredPage(details, answered, lang));
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      if (error.reason === 'enrolment.offer.lapsed') return this.lapsed(reply, lang);
      return this.linkInvalid(reply, lang, HttpStatus.CONFLICT, translateMessage(lang, error.reason));
    }
  }

  private lapsed(reply: FastifyReply, lang: Language) {
    return reply.status(HttpStatus.GONE).header('cache-control', 'no-store').view(VIEW, offerLapsedPage(lang));
  }

  private linkInvalid(reply: FastifyReply, lang: Language, status: number, message: string) {
    return reply.status(status).header('cache-control', 'no-store').view(VIEW, offerInvalidPage(lang, message));
  }
}
