// The answer pages: a round's feedback survey for its participants (/cohorts/:id/feedback), and the
// site's open feedback form for anyone (/feedback), limited per address (RateLimits 'feedback-ip',
// counting the answers stored) and ending on a thank-you page. The rules are AnswersService's; a
// refused answer shows the form again with each message at its question and the other answers kept.
import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { RateLimits, TooManyAttempts } from '../access/rate-limits';
import { Language, translate } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { Lang } from '../web/language';
import { AnswersService } from './answers.service';
import { answerPageModel, givenOfBody, siteFormModel } from './feedback.view';

@ApiExcludeController()
@Controller()
export class FeedbackController {
  constructor(
    private readonly answers: AnswersService,
    private readonly limits: RateLimits,
  ) {}

  @SignedIn()
  @Get('cohorts/:id/feedback')
  async page(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = done === 'saved' ? translate(lang, 'feedback.answer.saved') : null;
    return reply.header('cache-control', 'no-store').view('feedback/answer', answerPageModel(await this.answers.answerPage(actor, id), lang, { notice }));
  }

  @SignedIn()
  @Post('cohorts/:id/feedback')
  async answer(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    // Whoever may not answer (not in the round, no survey) is refused before the form is read.
    await this.answers.answerPage(actor, id);
    return formRoundTrip({
      reply,
      lang,
      errors: null,
      change: async () => {
        await this.answers.answer(actor, id, body, lang);
        return `/cohorts/${id}/feedback?done=saved`;
      },
      view: 'feedback/answer',
      page: async (state) => answerPageModel(await this.answers.answerPage(actor, id), lang, { ...state, given: givenOfBody(body) }),
    });
  }

  @Public()
  @Get('feedback')
  async siteForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    const { survey, questions } = await this.answers.siteForm();
    return reply.view('feedback/site', siteFormModel(survey, questions, lang, {}));
  }

  @Public()
  @Post('feedback')
  async answerSite(@Body() body: unknown, @Viewer() viewer: Actor | null, @Req() request: FastifyRequest, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const wait = await this.limits.secondsToWait([['feedback-ip', request.ip]]);
    if (wait > 0) throw new TooManyAttempts(wait);
    return formRoundTrip({
      reply,
      lang,
      errors: null,
      change: async () => {
        await this.answers.answerSite(viewer, body, lang);
        await this.limits.count([['feedback-ip', request.ip]]);
        return '/feedback/thanks';
      },
      view: 'feedback/site',
      page: async (state) => {
        const { survey, questions } = await this.answers.siteForm();
        return siteFormModel(survey, questions, lang, { ...state, given: givenOfBody(body) });
      },
    });
  }

  @Public()
  @Get('feedback/thanks')
  thanks(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('feedback/thanks', { title: translate(lang, 'feedback.site.thanks.title') });
  }
}
