// The register of trained developers (issue 18): everyone who completed a programme, by agency, with
// the people's own opt-in, agency contacts who export their agency's rows, the imported historical
// list, and the retention job that anonymises completions after the period the privacy page states.
import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';

@Module({
  imports: [CatalogueModule, EnrolmentModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class RegisterModule {}
