// The pages people start from: a signed-in person's home at / and the admins' overview at /admin.
// Sits on top of every area and only reads from them; nothing imports it.
import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { ForumsModule } from '../forums/forums.module';
import { MaterialsModule } from '../materials/materials.module';
import { ToolkitModule } from '../toolkit/toolkit.module';
import { AdminOverviewController } from './admin-overview.controller';
import { AdminOverviewService } from './admin-overview.service';
import { HomeController } from './home.controller';
import { HomeService } from './home.service';

@Module({
  imports: [CatalogueModule, EnrolmentModule, CalendarModule, ForumsModule, FeedbackModule, MaterialsModule, ToolkitModule],
  controllers: [HomeController, AdminOverviewController],
  providers: [HomeService, AdminOverviewService],
})
export class HomeModule {}
