// Where people are offered "tell me when the next round opens": a section on a round's page when the
// round is full or its enrolment is closed (the page is enrolment's, so the section comes through
// PageSections), and on a programme's page when none of its rounds is open for enrolment.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Actor } from '../access/capabilities';
import { Language } from '../i18n/i18n';
import { PageSection, PageSections } from '../web/page-sections';
import { CatalogueService } from './catalogue.service';
import { ProgrammeInterestService } from './programme-interest.service';
import { interestSection, InterestReason } from './programme-interest.view';

@Injectable()
export class ProgrammeInterestSections implements OnModuleInit {
  constructor(
    private readonly sections: PageSections,
    private readonly catalogue: CatalogueService,
    private readonly interest: ProgrammeInterestService,
  ) {}

  onModuleInit() {
    this.sections.register('programme', (viewer, programmeId, lang) => this.onProgramme(viewer, programmeId, lang));
    this.sections.register('cohort', (viewer, cohortId, lang) => this.onRound(viewer, cohortId, lang));
  }

  private async onProgramme(viewer: Actor | null, programmeId: string, lang: Language): Promise<PageSection | null> {
    const programme = await this.catalogue.findProgramme(programmeId, lang, viewer);
    if (!programme || programme.status !== 'published') return null;
    const rounds = await this.catalogue.upcomingCohorts(programme.id, lang, viewer);
    if (rounds.some((round) => round.status === 'published' && round.enrolmentWindow === 'open')) return null;
    return this.section(viewer, programme.id, null, 'none', `/programmes/${programme.slug}`, lang);
  }

  private async onRound(viewer: Actor | null, cohortId: string, lang: Language): Promise<PageSection | null> {
    const round = await this.catalogue.findCohort(cohortId, lang, viewer);
    if (!round) return null;
    const reason: InterestReason | null = round.enrolmentWindow === 'closed' ? 'closed' : round.status === 'published' && round.seatsLeft === 0 ? 'full' : null;
    if (!reason) return null;
    const programme = await this.catalogue.findProgramme(round.programmeId, lang, viewer);
    if (!programme || programme.status !== 'published') return null;
    return this.section(viewer, programme.id, round.id, reason, `/cohorts/${round.id}`, lang);
  }

  private async section(viewer: Actor | null, programmeId: string, cohortId: string | null, reason: InterestReason, pagePath: string, lang: Language): Promise<PageSection> {
    const waiting = viewer ? await this.interest.isWaiting(viewer.id, programmeId) : false;
    return { partial: 'catalogue/interest', data: interestSection({ programmeId, cohortId, reason, signedIn: !!viewer, waiting, pagePath }, lang) };
  }
}
