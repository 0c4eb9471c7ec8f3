import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { AdminCohortsController } from './admin-cohorts.controller';
import { AdminProgrammesController } from './admin-programmes.controller';
import { CatalogueApiController } from './catalogue.api.controller';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { Cohort } from './cohort.entity';
import { CohortsApiController } from './cohorts.api.controller';
import { CohortSession } from './cohort-session.entity';
import { DemoCohortsService } from './demo-cohorts.service';
import { Programme } from './programme.entity';
import { ProgrammesService } from './programmes.service';
import { SchedulingService } from './scheduling.service';
import { SessionChange } from './session-change.entity';
import { AdminScheduleService } from './admin-schedule.service';

@Module({
  imports: [TypeOrmModule.forFeature([Programme, Cohort, CohortSession, SessionChange]), IdentityModule],
  controllers: [CatalogueController, CatalogueApiController, CohortsApiController, AdminProgrammesController, AdminCohortsController],
  providers: [CatalogueService, ProgrammesService, SchedulingService, AdminScheduleService, DemoCohortsService],
  exports: [CatalogueService, ProgrammesService, SchedulingService, DemoCohortsService],
})
export class CatalogueModule {}
