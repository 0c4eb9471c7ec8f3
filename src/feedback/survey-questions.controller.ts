// A survey's questions in its editor: the form that adds one or edits one, the up/down buttons
// (no dragging: each press swaps it with its neighbour) and delete. Questions are locked once the
// survey has answers (SurveyService says so, 409, with the reason on the editor page).
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { editorHref, editorPage, questionFormPage, questionValuesOf, questionValuesOfBody } from './survey-editor.view';
import { SurveyService } from './survey.service';
import { MoveQuestionFormDto, QuestionFormDto, questionOf } from './surveys.dto';

@ApiExcludeController()
@SignedIn()
@Controller('surveys/:id/questions')
export class SurveyQuestionsController {
  constructor(private readonly surveys: SurveyService) {}

  @Get('new')
  async newForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    return reply.view('feedback/question-form', questionFormPage(survey, null, questionValuesOf(null), lang, {}));
  }

  @Post()
  async add(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    const form = await validateForm(QuestionFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const { input, problems } = questionOf(form.value!);
        if (problems) throw new FieldErrors(problems);
        await this.surveys.addQuestion(actor, survey.id, input);
        return `${editorHref(survey)}?done=added`;
      },
      view: 'feedback/question-form',
      page: async (state) => questionFormPage(await this.surveys.surveyForEdit(actor, id), null, questionValuesOfBody(body), lang, state),
    });
  }

  @Get(':questionId')
  async editForm(@Param('id') id: string, @Param('questionId') questionId: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { survey, question } = await this.surveys.question(actor, id, questionId);
    return reply.view('feedback/question-form', questionFormPage(survey, question, questionValuesOf(question), lang, {}));
  }

  @Post(':questionId')
  async update(@Param('id') id: string, @Param('questionId') questionId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { survey } = await this.surveys.question(actor, id, questionId);
    const form = await validateForm(QuestionFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const { input, problems } = questionOf(form.value!);
        if (problems) throw new FieldErrors(problems);
        await this.surveys.updateQuestion(actor, survey.id, questionId, input);
        return `${editorHref(survey)}?done=saved`;
      },
      view: 'feedback/question-form',
      page: async (state) => {
        const { survey: again, question } = await this.surveys.question(actor, id, questionId);
        return questionFormPage(again, question, questionValuesOfBody(body), lang, state);
      },
    });
  }

  @Post(':questionId/move')
  async move(@Param('id') id: string, @Param('questionId') questionId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    const form = await validateForm(MoveQuestionFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.surveys.moveQuestion(actor, survey.id, questionId, form.value!.direction);
        return `${editorHref(survey)}?done=moved#question-${questionId}`;
      },
      view: 'feedback/editor',
      page: async (state) => editorPage(await this.surveys.surveyForEdit(actor, id), lang, state),
    });
  }

  /** The delete button sends nothing but its CSRF token. */
  @Post(':questionId/delete')
  async remove(@Param('id') id: string, @Param('questionId') questionId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const survey = await this.surveys.surveyForEdit(actor, id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await this.surveys.deleteQuestion(actor, survey.id, questionId);
        return `${editorHref(survey)}?done=deleted`;
      },
      view: 'feedback/editor',
      page: async (state) => editorPage(await this.surveys.surveyForEdit(actor, id), lang, state),
    });
  }
}
