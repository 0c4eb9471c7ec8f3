// The survey editor's pages: a programme's template and the site's open form for admins, a round's
// survey for its facilitators and admins; making a survey, its settings, and copying another onto
// it. Questions are survey-questions.controller.ts's. The rules are SurveyService's (who may edit,
// what is locked when); a refused form shows the page again with the messages next to the fields
// (400), a change refused as things stand with the reason (409): web/form-round-trip.ts.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires, SignedIn } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { createPage, editorHref, editorPage, NOTICES, settingsValuesOfBody } from './survey-editor.view';
import { SurveyService } from './survey.service';
import { CopySurveyFormDto, CreateSurveyFormDto, settingsOf, SurveySettingsFormDto } from './surveys.dto';

const noticeOf = (done: unknown, lang: Language) => {
  const notice = NOTICES.find((name) => name === done);
  return notice ? translate(lang, `feedback.notice.${notice}`) : null;
};

@ApiExcludeController()
@Requires(Capability.ProgrammeManage)
@Controller('admin')
export class AdminSurveysController {
  constructor(private readonly surveys: SurveyService) {}

  @Get('feedback')
  async site(@Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.siteSurveyForEdit(actor);
    return reply.header('cache-control', 'no-store').view('feedback/editor', editorPage(survey, lang, { notice: noticeOf(done, lang) }));
  }

  @Get('programmes/:id/feedback')
  async template(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { programmeTitle, survey } = await this.surveys.templateForEdit(actor, id);
    if (survey) return reply.header('cache-control', 'no-store').view('feedback/editor', editorPage(survey, lang, { notice: noticeOf(done, lang) }));
    return reply.view('feedback/create', createPage({ purpose: 'programme_template', programmeId: id, cohortId: null, programmeTitle, cohortName: null }, [], lang, {}));
  }

  /** Makes the programme's template; the form has no fields but its CSRF token. */
  @Post('programmes/:id/feedback')
  async createTemplate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await this.surveys.createTemplate(actor, id);
        return `/admin/programmes/${id}/feedback?done=created`;
      },
      view: 'feedback/create',
      page: async (state) => {
        const { programmeTitle } = await this.surveys.templateForEdit(actor, id);
        return createPage({ purpose: 'programme_template', programmeId: id, cohortId: null, programmeTitle, cohortName: null }, [], lang, state);
      },
    });
  }
}

@ApiExcludeController()
@SignedIn()
@Controller()
export class SurveyEditorController {
  constructor(private readonly surveys: SurveyService) {}

  @Get('cohorts/:id/feedback/edit')
  async cohort(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { cohort, survey, copySources } = await this.surveys.cohortSurveyForEdit(actor, id);
    if (survey) return reply.header('cache-control', 'no-store').view('feedback/editor', editorPage(survey, lang, { notice: noticeOf(done, lang) }));
    return reply.view('feedback/create', createPage({ purpose: 'cohort', programmeId: cohort.programmeId, cohortId: cohort.id, programmeTitle: cohort.programmeTitle, cohortName: cohort.name }, copySources, lang, {}));
  }

  /** Makes the round's survey: empty, or a copy of the programme's template or another round's. */
  @Post('cohorts/:id/feedback/edit')
  async createForCohort(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { cohort, copySources } = await this.surveys.cohortSurveyForEdit(actor, id);
    const form = await validateForm(CreateSurveyFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.surveys.createCohortSurvey(actor, cohort.id, form.value!.from?.trim() || null);
        return `/cohorts/${cohort.id}/feedback/edit?done=created`;
      },
      view: 'feedback/create',
      page: (state) => createPage({ purpose: 'cohort', programmeId: cohort.programmeId, cohortId: cohort.id, programmeTitle: cohort.programmeTitle, cohortName: cohort.name }, copySources, lang, state),
    });
  }

  @Post('surveys/:id/settings')
  async settings(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    const form = await validateForm(SurveySettingsFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.surveys.updateSettings(actor, survey.id, settingsOf(form.value!));
        return `${editorHref(survey)}?done=saved`;
      },
      view: 'feedback/editor',
      page: async (state) => editorPage(await this.surveys.surveyForEdit(actor, id), lang, { ...state, settings: state.refusal ? undefined : settingsValuesOfBody(body) }),
    });
  }

  /** Replaces the survey's settings and questions with another survey's of the same programme. */
  @Post('surveys/:id/copy')
  async copy(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    const form = await validateForm(CopySurveyFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.surveys.copyInto(actor, survey.id, form.value!.from.trim());
        return `${editorHref(survey)}?done=copied`;
      },
      view: 'feedback/editor',
      page: async (state) => editorPage(await this.surveys.surveyForEdit(actor, id), lang, state),
    });
  }
}
