import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { Attendance } from './attendance.entity';
import { Completion } from './completion.entity';
import { EnrolmentChange } from './enrolment-change.entity';
import { Enrolment } from './enrolment.entity';
import { EnrolmentNotifications } from './enrolment.notifications';
import { EnrolmentService } from './enrolment.service';

@Module({
  imports: [TypeOrmModule.forFeature([Enrolment, EnrolmentChange, Attendance, Completion]), CatalogueModule],
  providers: [EnrolmentService, EnrolmentNotifications],
  exports: [EnrolmentService],
})
export class EnrolmentModule {}
