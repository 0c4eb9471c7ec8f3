// A facilitator writes to the whole round from its participants page (/cohorts/:id/participants):
// a thread in the round's forum whose mail goes at once to every confirmed participant and
// facilitator (ForumsService.writeToRound). Here rather than in enrolment because it posts in the
// forum, and forums depend on enrolment, not the other way round. Who may write is checked before
// the form is read, so anyone else gets 403 whatever they send; a refused form shows the
// participants page again with the message next to its field and the text kept (400).
import { Body, Controller, ForbiddenException, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsString } from 'class-validator';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { participantsPage } from '../enrolment/participants.controller';
import { ParticipantsService } from '../enrolment/participants.service';
import { FieldErrors, Refused } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { fieldChecks, FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { checkedBody, checkedTitle, ForumsService } from './forums.service';

export class RoundMessageFormDto {
  @IsString({ message: 'forum.title.required' })
  title: string;

  @IsString({ message: 'forum.body.required' })
  body: string;
}

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined) ?? '';
  return typeof value === 'string' ? value : '';
}

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class RoundMessageController {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly forums: ForumsService,
  ) {}

  @Post('participants/message')
  async write(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const people = await this.participants.roundPeople(actor, id, lang);
    if (!people.mayWriteToRound) throw new ForbiddenException();
    const form = await validateForm(RoundMessageFormDto, body);
    let errors = form.errors ?? fieldChecks([() => checkedTitle(form.value!.title), () => checkedBody(form.value!.body)]);
    let status = HttpStatus.BAD_REQUEST;
    if (!errors) {
      try {
        const { threadId } = await this.forums.writeToRound(actor, id, { title: form.value!.title, body: form.value!.body }, lang);
        return reply.redirect(`/cohorts/${id}/participants?sent=${threadId}`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          // An archived forum: the page says so above the form, the text kept.
          errors = { forum: error.reason };
          status = HttpStatus.CONFLICT;
        } else if (error instanceof FieldErrors) {
          errors = error.fields;
        } else {
          throw error;
        }
      }
    }
    const write = { title: text(body, 'title'), body: text(body, 'body'), errors: translateFields(errors, lang) };
    return reply.status(status).view('enrolment/participants', participantsPage(people, lang, { write }));
  }
}
