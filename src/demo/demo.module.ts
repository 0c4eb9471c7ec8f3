import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { ForumsModule } from '../forums/forums.module';
import { IdentityModule } from '../identity/identity.module';
import { DemoAfterRoundService } from './demo-after-round.service';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [CatalogueModule, IdentityModule, EnrolmentModule, ForumsModule, CalendarModule, FeedbackModule],
  providers: [DemoSeedService, DemoAfterRoundService],
  exports: [DemoSeedService],
})
export class DemoModule {}
