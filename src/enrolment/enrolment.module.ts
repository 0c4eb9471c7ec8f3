import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { ApprovalController } from './approval.controller';
import { OfferController } from './offer.controller';
import { ApprovalDeadlinesService } from './approval-deadlines.service';
import { OfferDeadlinesService } from './offer-deadlines.service';
import { Attendance } from './attendance.entity';
import { CohortPageController } from './cohort-page.controller';
import { Completion } from './completion.entity';
import { CompletionRetentionService } from './completion-retention.service';
import { EnrolmentChange } from './enrolment-change.entity';
import { EnrolmentApiController } from './enrolment.api.controller';
import { Enrolment } from './enrolment.entity';
import { EnrolmentNotifications } from './enrolment.notifications';
import { DemoHistoryService } from './demo-history.service';
import { EnrolmentService } from './enrolment.service';
import { MyCohortsController } from './my-cohorts.controller';
import { ParticipantsController } from './participants.controller';
import { ParticipantsService } from './participants.service';
import { RosterController } from './roster.controller';
import { RosterService } from './roster.service';
import { RosterSummaryService } from './roster-summary.service';
import { CertificateService } from './certificate.service';
import { CertificatesController } from './certificates.controller';
import { CompletionNotifications } from './completion.notifications';

@Module({
  imports: [TypeOrmModule.forFeature([Enrolment, EnrolmentChange, Attendance, Completion]), CatalogueModule],
  controllers: [EnrolmentApiController, CohortPageController, MyCohortsController, ApprovalController, OfferController, RosterController, ParticipantsController, CertificatesController],
  providers: [EnrolmentService, EnrolmentNotifications, RosterSummaryService, ApprovalDeadlinesService, OfferDeadlinesService, RosterService, ParticipantsService, CompletionRetentionService, CertificateService, CompletionNotifications, DemoHistoryService],
  exports: [EnrolmentService, RosterService, ParticipantsService, CompletionRetentionService, DemoHistoryService],
})
export class EnrolmentModule {}
