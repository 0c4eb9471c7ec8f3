import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { ForumsModule } from '../forums/forums.module';
import { IdentityModule } from '../identity/identity.module';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [CatalogueModule, IdentityModule, EnrolmentModule, ForumsModule, CalendarModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
