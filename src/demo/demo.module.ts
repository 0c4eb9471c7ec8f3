import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { ForumsModule } from '../forums/forums.module';
import { IdentityModule } from '../identity/identity.module';
import { MaterialsModule } from '../materials/materials.module';
import { NewsletterModule } from '../newsletter/newsletter.module';
import { ToolkitModule } from '../toolkit/toolkit.module';
import { DemoAfterRoundService } from './demo-after-round.service';
import { DemoLibraryService } from './demo-library.service';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [CatalogueModule, IdentityModule, EnrolmentModule, ForumsModule, CalendarModule, FeedbackModule, MaterialsModule, ToolkitModule, NewsletterModule],
  providers: [DemoSeedService, DemoAfterRoundService, DemoLibraryService],
  exports: [DemoSeedService],
})
export class DemoModule {}
