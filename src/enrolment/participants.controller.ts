// Who is in my round (/cohorts/:id/participants): the round's confirmed participants and its
// facilitators with their agencies and the agency mix, for the round's own people and admins
// (ParticipantsService decides who may look and whose name is hidden). For the round's facilitators
// and admins the page also carries the form that writes to the whole round; that form is handled in
// src/forums/cohort-message.controller.ts, which posts in the round's forum and shows this page again
// when the form is refused.
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { isUuid } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { ParticipantsService } from './participants.service';
import { participantsPage } from './participants.view';

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get('participants')
  async page(@Param('id') id: string, @Query('sent') sent: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const people = await this.participants.cohortPeople(actor, id, lang);
    const sentThreadId = typeof sent === 'string' && isUuid(sent) ? sent : null;
    return reply.header('cache-control', 'no-store').view('enrolment/participants', participantsPage(people, lang, { sentThreadId }));
  }
}
