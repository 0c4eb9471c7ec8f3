// The register of trained developers (issue 18): everyone who completed a programme, by agency, with
// the people's own opt-in, agency contacts who export their agency's rows, the imported historical
// list, and the retention job that anonymises completions after the period the privacy page states.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { AgencyContact } from './agency-contact.entity';
import { AgencyContactsService } from './agency-contacts.service';
import { HistoricalCompletion } from './historical-completion.entity';
import { PrivacyController } from './privacy.controller';
import { RegisterImportController } from './register-import.controller';
import { RegisterImportService } from './register-import.service';
import { RegisterRetentionService } from './register-retention.service';
import { RegisterController } from './register.controller';
import { RegisterService } from './register.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgencyContact, HistoricalCompletion]), CatalogueModule, EnrolmentModule],
  controllers: [RegisterController, RegisterImportController, PrivacyController],
  providers: [RegisterService, AgencyContactsService, RegisterImportService, RegisterRetentionService],
  exports: [RegisterService, AgencyContactsService],
})
export class RegisterModule {}
