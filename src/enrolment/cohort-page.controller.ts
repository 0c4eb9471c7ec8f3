// A round's (cohort's) page with the reader's own enrolment: their place (confirmed, on the waitlist,
// waiting for a manager), the enrol and cancel buttons, the meeting link for confirmed participants
// and, for the cohort's facilitators and admins, the way to its roster. The page lives here, not in
// the catalogue, because the catalogue does not read enrolments (identity ← catalogue ← enrolment).
// A refused enrolment shows the page again: 409 with the reason, or 400 with the message next to the
// manager's address and the input kept.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { cohortView } from '../catalogue/catalogue.controller';
import { CatalogueService } from '../catalogue/catalogue.service';
import { checkedId, FieldErrors, Refused } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { CancelFormDto, EnrolFormDto, reasonOf } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { OwnEnrolment, ownCancellationClosesAt, RosterService } from './roster.service';
import { roundName } from '../i18n/round-name';

/** What `?done=` may say after a change, each a notice of its own. */
const NOTICES = ['confirmed', 'waitlisted', 'pending', 'already', 'cancelled'] as const;
type Notice = (typeof NOTICES)[number];

/** Fields the page shows a message next to; any other message goes in the summary. */
const ENROL_FIELDS = ['managerEmail'];
const CANCEL_FIELDS = ['reason'];

interface PageState {
  notice?: Notice | null;
  refusal?: string | null;
  refused?: { form: 'enrol' | 'cancel'; body: unknown; errors: FieldMessages | null };
}

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined) ?? '';
  return typeof value === 'string' ? value : '';
}

/** "All 3 seats of your agency…", or "your agency's one seat…" when the cap is one. */
const agencyFullKey = (key: string, cap: number) => `${key}AgencyFull${cap === 1 ? 'One' : ''}`;

/** What the reader's place is, in words: "Olet mukana", "Olet varasijalla 3." … */
function ownStatusText(own: OwnEnrolment, lang: Language): string {
  if (own.status === 'waitlisted' && own.agencySeatCap) return translate(lang, agencyFullKey('enrolment.own.waitlisted', own.agencySeatCap), { position: own.waitlistPosition, cap: own.agencySeatCap });
  if (own.status === 'waitlisted') return translate(lang, 'enrolment.own.waitlisted', { position: own.waitlistPosition });
  if (own.status === 'pending_approval') return translate(lang, 'enrolment.own.pending_approval', { managerEmail: own.managerEmail });
  return translate(lang, `enrolment.own.${own.status}`);
}

/** What the change the reader just made came to; nothing for a reader who never enrolled (a `?done=` typed by hand). */
function noticeText(notice: Notice, own: OwnEnrolment | null, lang: Language): string | null {
  if (!own) return null;
  if (notice === 'waitlisted' && own?.status === 'waitlisted') {
    // Seats may be free while the reader's agency holds all it may: then the round is not full.
    const key = own.agencySeatCap ? agencyFullKey('enrolment.notice.waitlisted', own.agencySeatCap) : 'enrolment.notice.waitlisted';
    return translate(lang, key, { position: own.waitlistPosition, cap: own.agencySeatCap });
  }
  if (notice === 'pending' && own?.status === 'pending_approval') return translate(lang, 'enrolment.notice.pending', { managerEmail: own.managerEmail });
  if (notice === 'waitlisted' || notice === 'pending') return translate(lang, 'enrolment.notice.enrolled');
  return translate(lang, `enrolment.notice.${notice}`);
}

@ApiExcludeController()
@Controller('cohorts')
export class CohortPageController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
  ) {}

  @Get(':id')
  @Public()
  async page(@Param('id') id: string, @Query('done') done: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = NOTICES.find((name) => name === done) ?? null;
    return reply.view('catalogue/cohort', await this.pageModel(id, viewer, lang, { notice }));
  }

  @Post(':id/enrol')
  @SignedIn()
  async enrol(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(EnrolFormDto, body);
    return this.act(reply, id, actor, lang, { form: 'enrol', body, errors: form.errors }, async () => {
      const { enrolment, created } = await this.enrolment.enrol(actor, id, { managerEmail: form.value!.managerEmail });
      if (!created) return 'already';
      return enrolment.status === 'pending_approval' ? 'pending' : enrolment.status === 'waitlisted' ? 'waitlisted' : 'confirmed';
    });
  }

  @Post(':id/cancel')
  @SignedIn()
  async cancel(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { confirmed, fields } = confirmedForm(body);
    const form = await validateForm(CancelFormDto, fields);
    // Asked only of someone who may cancel now (as the page offers it): anyone else is refused by the service as before.
    const cohort = !form.errors && !confirmed && (await this.roster.enrolmentOf(checkedId(id), actor.id))?.active ? await this.catalogue.cohort(id, lang, actor) : null;
    if (cohort && (new Date() < ownCancellationClosesAt(cohort) || (await this.roster.mayManage(actor, id)))) {
      const round = `${cohort.programmeTitle}, ${roundName(cohort.name, lang, { inSentence: true })}`;
      return confirmationPage(reply, {
        question: translate(lang, 'enrolment.cancel.confirm.question'),
        consequence: translate(lang, 'enrolment.cancel.confirm.consequence', { round }),
        yes: translate(lang, 'enrolment.cancel.confirm.yes'),
        action: `/cohorts/${id}/cancel`,
        backHref: `/cohorts/${id}`,
        fields,
      });
    }
    return this.act(reply, id, actor, lang, { form: 'cancel', body, errors: form.errors }, async () => {
      await this.enrolment.cancel(actor, id, actor.id, reasonOf(form.value!.reason));
      return 'cancelled';
    });
  }

  /** Runs the change unless its form was refused; then back to the page with a notice, or the page again with why not. */
  private async act(
    reply: FastifyReply,
    id: string,
    actor: Actor,
    lang: Language,
    refused: { form: 'enrol' | 'cancel'; body: unknown; errors: FieldMessages | null },
    change: () => Promise<Notice>,
  ) {
    let errors = refused.errors;
    if (!errors) {
      try {
        const notice = await change();
        return reply.redirect(`/cohorts/${id}?done=${notice}`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          const refusal = translateMessage(lang, error.reason);
          return reply.status(HttpStatus.CONFLICT).view('catalogue/cohort', await this.pageModel(id, actor, lang, { refusal, refused: { ...refused, errors: null } }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('catalogue/cohort', await this.pageModel(id, actor, lang, { refused: { ...refused, errors: translateFields(errors, lang) } }));
  }

  private async pageModel(id: string, viewer: Actor | null, lang: Language, state: PageState) {
    checkedId(id);
    const own = viewer ? await this.roster.enrolmentOf(id, viewer.id) : null;
    const participant = own?.status === 'confirmed' || own?.status === 'completed';
    const cohort = await this.catalogue.cohort(id, lang, viewer, { participant });
    const manages = viewer ? await this.roster.mayManage(viewer, id) : false;
    const enrolmentOpen = cohort.status === 'published' && cohort.enrolmentWindow === 'open';
    const cancelUntil = ownCancellationClosesAt(cohort);
    const { refused } = state;
    const errors = refused?.errors ?? null;
    const mine = (form: 'enrol' | 'cancel') => (refused?.form === form ? errors : null);
    const known = refused?.form === 'enrol' ? ENROL_FIELDS : CANCEL_FIELDS;
    return {
      title: `${roundName(cohort.name, lang)} – ${cohort.programmeTitle}`,
      cohort: cohortView(cohort),
      notice: state.notice ? noticeText(state.notice, own, lang) : null,
      refusal: state.refusal ?? null,
      errors,
      otherErrors: errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [],
      enrolment: {
        signedIn: !!viewer,
        signInHref: `/login?next=${encodeURIComponent(`/cohorts/${cohort.id}`)}`,
        open: enrolmentOpen,
        own: own
          ? {
              status: own.status,
              statusText: ownStatusText(own, lang),
              active: own.active,
              confirmed: own.status === 'confirmed',
            }
          : null,
        // Someone who holds or waits for a place cancels it; anyone else may enrol while it is open.
        canEnrol: !!viewer && enrolmentOpen && !own?.active && own?.status !== 'completed',
        requiresApproval: cohort.requiresApproval,
        managerEmail: { value: refused?.form === 'enrol' ? text(refused.body, 'managerEmail') : '', error: mine('enrol')?.managerEmail ?? null },
        canCancel: !!own?.active && (manages || new Date() < cancelUntil),
        cancelUntil,
        cancelClosed: !!own?.active && !manages && new Date() >= cancelUntil,
        cancelReason: { value: refused?.form === 'cancel' ? text(refused.body, 'reason') : '', error: mine('cancel')?.reason ?? null },
        rosterHref: manages ? `/cohorts/${cohort.id}/roster` : null,
        // Who is in the round: for its own people (ParticipantsService's rule), so nobody is led to a 403.
        participantsHref: manages || participant ? `/cohorts/${cohort.id}/participants` : null,
      },
    };
  }
}
