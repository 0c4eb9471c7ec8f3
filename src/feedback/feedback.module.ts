// Feedback surveys (issue 18): a programme's template copied onto each round, the round's survey that
// opens when its last session ends, the site's open feedback form, and the results for those who run
// the round. Sits above enrolment: it reads who is in a round through enrolment's exported views.
import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { AnswersService } from './answers.service';
import { FeedbackLifecycleService } from './feedback-lifecycle.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackNotifications } from './feedback.notifications';
import { AdminSurveysController, SurveyEditorController } from './survey-editor.controller';
import { SurveyQuestionsController } from './survey-questions.controller';
import { CohortSurveyResultsController, SiteSurveyResultsController } from './survey-results.controller';
import { SurveyResultsService } from './survey-results.service';
import { SurveyService } from './survey.service';

@Module({
  imports: [CatalogueModule, EnrolmentModule],
  controllers: [
    FeedbackController,
    AdminSurveysController,
    SurveyEditorController,
    SurveyQuestionsController,
    CohortSurveyResultsController,
    SiteSurveyResultsController,
  ],
  providers: [
    SurveyService,
    AnswersService,
    FeedbackLifecycleService,
    FeedbackNotifications,
    SurveyResultsService,
  ],
  exports: [
    SurveyService,
    AnswersService,
  ],
})
export class FeedbackModule {}
