// A facilitator writes to the whole round from its participants page (/cohorts/:id/participants):
// a thread in the round's forum whose mail goes at once to every confirmed participant and
// facilitator (ForumsService.writeToRound). Here rather than in enrolment because it posts in the
// forum, and forums depend on enrolment, not the other way round. Who may write is checked before
// the form is read, so anyone else gets 403 whatever they send; a refused form shows the
// participants page again with the message next to its field and the text kept (400).
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { participantsPage } from '../enrolment/participants.view';
import { ParticipantsService } from '../enrolment/participants.service';
import { NotAllowed } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { fieldChecks, fieldText, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { CohortMessageFormDto } from './forums-web.dto';
import { checkedBody, checkedTitle, ForumsService } from './forums.service';

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class CohortMessageController {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly forums: ForumsService,
  ) {}

  @Post('participants/message')
  async write(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const people = await this.participants.cohortPeople(actor, id, lang);
    if (!people.mayWriteToRound) throw new NotAllowed();
    const form = await validateForm(CohortMessageFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors ?? fieldChecks([() => checkedTitle(form.value!.title), () => checkedBody(form.value!.body)]),
      change: async () => {
        const { threadId } = await this.forums.writeToCohort(actor, id, { title: form.value!.title, body: form.value!.body }, lang);
        return `/cohorts/${id}/participants?sent=${threadId}`;
      },
      view: 'enrolment/participants',
      // An archived forum: the page says so above the form, the text kept.
      page: (state) => participantsPage(people, lang, { write: { title: fieldText(body, 'title'), body: fieldText(body, 'body'), errors: state.errors ?? { forum: state.refusal } } }),
    });
  }
}
