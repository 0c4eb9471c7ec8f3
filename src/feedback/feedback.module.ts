// Feedback surveys (issue 18): a programme's template copied onto each round, the round's survey that
// opens when its last session ends, the site's open feedback form, and the results for those who run
// the round. Sits above enrolment: it reads who is in a round through enrolment's exported views.
import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';

@Module({
  imports: [CatalogueModule, EnrolmentModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class FeedbackModule {}
