// A round's (cohort's) page with the reader's own enrolment: their place (confirmed, on the waitlist,
// waiting for a manager), the enrol and cancel buttons, the meeting link for confirmed participants
// and, for the cohort's facilitators and admins, the way to its roster. The page lives here, not in
// the catalogue, because the catalogue does not read enrolments (identity ← catalogue ← enrolment).
// A refused enrolment shows the page again: 409 with the reason, or 400 with the message next to the
// manager's address and the input kept.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { CatalogueService } from '../catalogue/catalogue.service';
import { checkedId, NotFound } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { formRoundTrip } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { PageSections } from '../web/page-sections';
import { cohortPage, CohortPageState, Notice, NOTICES, RefusedPlaceForm, cohortInSentence, sessionPage } from './cohort-page.view';
import { CancelFormDto, EnrolFormDto, OfferFormDto, reasonOf } from './enrolment-web.dto';
import { EnrolmentService } from './enrolment.service';
import { RosterService } from './roster.service';

@ApiExcludeController()
@Controller('cohorts')
export class CohortPageController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
    private readonly sections: PageSections,
  ) {}

  @Get(':id')
  @Public()
  async page(@Param('id') id: string, @Query('done') done: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = NOTICES.find((name) => name === done) ?? null;
    return reply.view('catalogue/cohort', await this.pageModel(id, viewer, lang, { notice }));
  }

  /** One session of the round: when and where, and what other areas add (its materials). */
  @Get(':id/sessions/:sessionId')
  @Public()
  async session(@Param('id') id: string, @Param('sessionId') sessionId: string, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    checkedId(sessionId);
    const own = viewer ? await this.roster.enrolmentOf(id, viewer.id) : null;
    const cohort = await this.catalogue.cohort(id, lang, viewer, { participant: !!own?.participant });
    const session = cohort.sessions.find((candidate) => candidate.id === sessionId);
    if (!session) throw new NotFound();
    return reply.view('enrolment/session', { ...sessionPage(cohort, session, lang), sections: await this.sections.of('session', viewer, session.id, lang) });
  }

  @Post(':id/enrol')
  @SignedIn()
  async enrol(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(EnrolFormDto, body);
    return this.roundTrip(reply, id, actor, lang, { form: 'enrol', body, errors: form.errors }, async () => {
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
    const own = !form.errors && !confirmed ? await this.roster.enrolmentOf(checkedId(id), actor.id) : null;
    const cohort = own?.active ? await this.catalogue.cohort(id, lang, actor) : null;
    if (cohort && (await this.roster.placeRights(actor, cohort, own)).mayCancel) {
      return confirmationPage(reply, {
        question: translate(lang, 'enrolment.cancel.confirm.question'),
        consequence: translate(lang, 'enrolment.cancel.confirm.consequence', { round: cohortInSentence(cohort, lang) }),
        yes: translate(lang, 'enrolment.cancel.confirm.yes'),
        action: `/cohorts/${id}/cancel`,
        backHref: `/cohorts/${id}`,
        fields,
      });
    }
    return this.roundTrip(reply, id, actor, lang, { form: 'cancel', body, errors: form.errors }, async () => {
      await this.enrolment.cancel(actor, id, actor.id, reasonOf(form.value!.reason));
      return 'cancelled';
    });
  }

  /** The person's answer to a seat offered to them, from this page or their home page (EnrolmentService.answerOwnOffer). */
  @Post(':id/offer')
  @SignedIn()
  async answerOffer(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(OfferFormDto, body);
    return this.roundTrip(reply, id, actor, lang, { form: 'offer', body, errors: form.errors }, async () => {
      const answered = await this.enrolment.answerOwnOffer(actor, id, form.value!.decision);
      return answered.status === 'confirmed' ? 'offerAccepted' : 'offerDeclined';
    });
  }

  /** Runs the change unless its form was refused; then back to the page with a notice, or the page again with why not. */
  private roundTrip(reply: FastifyReply, id: string, actor: Actor, lang: Language, refused: RefusedPlaceForm, change: () => Promise<Notice>) {
    return formRoundTrip({
      reply,
      lang,
      errors: refused.errors,
      change: async () => `/cohorts/${id}?done=${await change()}`,
      view: 'catalogue/cohort',
      page: (state) => this.pageModel(id, actor, lang, { refusal: state.refusal, refused: { ...refused, errors: state.errors ?? null } }),
    });
  }

  private async pageModel(id: string, viewer: Actor | null, lang: Language, state: CohortPageState) {
    checkedId(id);
    const own = viewer ? await this.roster.enrolmentOf(id, viewer.id) : null;
    const cohort = await this.catalogue.cohort(id, lang, viewer, { participant: !!own?.participant });
    const [rights, sections] = await Promise.all([this.roster.placeRights(viewer, cohort, own), this.sections.of('cohort', viewer, cohort.id, lang)]);
    return { ...cohortPage(cohort, viewer, own, rights, lang, state), sections };
  }
}
