import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { AdminCohortsController } from './admin-cohorts.controller';
import { AdminProgrammesController } from './admin-programmes.controller';
import { CatalogueApiController } from './catalogue.api.controller';
import { CatalogueController } from './catalogue.controller';
import { ProgrammeSearch, RoundSearch } from './catalogue.search';
import { CatalogueService } from './catalogue.service';
import { Cohort } from './cohort.entity';
import { CohortsApiController } from './cohorts.api.controller';
import { CohortSession } from './cohort-session.entity';
import { DemoCohortsService } from './demo-cohorts.service';
import { Programme } from './programme.entity';
import { ProgrammesService } from './programmes.service';
import { ProgrammeInterestApiController } from './programme-interest.api.controller';
import { ProgrammeInterestController } from './programme-interest.controller';
import { ProgrammeInterestNotifications } from './programme-interest.notifications';
import { ProgrammeInterestSections } from './programme-interest.sections';
import { ProgrammeInterestService } from './programme-interest.service';
import { SchedulingService } from './scheduling.service';
import { SessionChange } from './session-change.entity';
import { AdminScheduleService } from './admin-schedule.service';
import { SearchSources } from '../search/search-sources';

@Module({
  imports: [TypeOrmModule.forFeature([Programme, Cohort, CohortSession, SessionChange]), IdentityModule],
  controllers: [CatalogueController, CatalogueApiController, CohortsApiController, AdminProgrammesController, AdminCohortsController, ProgrammeInterestController, ProgrammeInterestApiController],
  providers: [CatalogueService, ProgrammesService, SchedulingService, AdminScheduleService, DemoCohortsService, ProgrammeSearch, RoundSearch, ProgrammeInterestService, ProgrammeInterestNotifications, ProgrammeInterestSections],
  exports: [CatalogueService, ProgrammesService, SchedulingService, DemoCohortsService, ProgrammeInterestService],
})
export class CatalogueModule implements OnModuleInit {
  constructor(
    private readonly sources: SearchSources,
    private readonly programmeSearch: ProgrammeSearch,
    private readonly roundSearch: RoundSearch,
  ) {}

  /** Programmes and rounds are found by the one search (search/search-sources.ts). */
  onModuleInit() {
    this.sources.register(this.programmeSearch);
    this.sources.register(this.roundSearch);
  }
}
