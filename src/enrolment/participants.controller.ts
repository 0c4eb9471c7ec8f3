// Who is in my round (/cohorts/:id/participants): the round's confirmed participants and its
// facilitators with their agencies and the agency mix, for the round's own people and admins
// (ParticipantsService decides who may look and whose name is hidden). For the round's facilitators
// and admins the page also carries the form that writes to the whole round; that form is handled in
// src/forums/round-message.controller.ts, which posts in the round's forum and shows this page again
// when the form is refused.
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { isUuid } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { FieldMessages } from '../web/forms';
import { Lang } from '../web/language';
import { ParticipantsService, RoundMember, RoundPeople } from './participants.service';

/** The write-to-the-round form as it was sent, and what was wrong with it. */
export interface RoundMessageForm {
  title: string;
  body: string;
  errors: FieldMessages | null;
}

function memberItem(member: RoundMember, lang: Language) {
  const agency = member.agency ?? translate(lang, 'enrolment.roster.noAgency');
  const name = member.erased
    ? translate(lang, 'accounts.deletedUser')
    : member.name ?? (member.agency ? translate(lang, 'participants.hidden', { agency: member.agency }) : translate(lang, 'participants.hidden.noAgency'));
  return { name, agency, self: member.self, hidesName: member.hidesName };
}

/** The page's view model; `write` is the refused form, `sentThreadId` the thread just written to the round. */
export function participantsPage(people: RoundPeople, lang: Language, state: { write?: RoundMessageForm; sentThreadId?: string | null } = {}) {
  const { cohort } = people;
  const errors = state.write?.errors ?? null;
  return {
    title: translate(lang, 'participants.title'),
    cohort,
    notice: state.sentThreadId ? translate(lang, 'participants.notice.sent') : null,
    sentThreadHref: state.sentThreadId ? `/threads/${state.sentThreadId}` : null,
    errors,
    otherErrors: errors ? Object.entries(errors).filter(([field]) => field !== 'title' && field !== 'body').map(([, message]) => message) : [],
    count: translate(lang, 'participants.count', { count: people.participants.length }),
    participants: people.participants.map((member) => memberItem(member, lang)),
    facilitators: people.facilitators.map((member) => memberItem(member, lang)),
    agencyMix: people.agencyMix.map((row) => ({ agency: row.agency ?? translate(lang, 'enrolment.roster.noAgency'), count: row.count })),
    forumHref: `/cohorts/${cohort.id}/forum`,
    write: people.mayWriteToRound
      ? {
          action: `/cohorts/${cohort.id}/participants/message`,
          title: { value: state.write?.title ?? '', error: errors?.title ?? null },
          body: { value: state.write?.body ?? '', error: errors?.body ?? null },
        }
      : null,
  };
}

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get('participants')
  async page(@Param('id') id: string, @Query('sent') sent: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const people = await this.participants.roundPeople(actor, id, lang);
    const sentThreadId = typeof sent === 'string' && isUuid(sent) ? sent : null;
    return reply.header('cache-control', 'no-store').view('enrolment/participants', participantsPage(people, lang, { sentThreadId }));
  }
}
