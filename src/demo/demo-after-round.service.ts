// What follows a round, in the demo (issue 18): every demo programme has a feedback template that
// new rounds copy, and one round has just ended, with its attendance marked, so that a new user sees
// the survey open, the completions proposed from attendance, and what comes after. Run from
// DemoSeedService under advisory locks, so several processes starting at once seed it once.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { CatalogueService } from '../catalogue/catalogue.service';
import { DemoCohortsService } from '../catalogue/demo-cohorts.service';
import { SchedulingService } from '../catalogue/scheduling.service';
import { termLabel, termOf } from '../catalogue/scheduling.rules';
import { DemoHistoryService } from '../enrolment/demo-history.service';
import { QuestionInput, SurveyService, SurveySettings } from '../feedback/survey.service';
import { DemoPeopleService } from '../identity/demo-people.service';
import { LOGGER } from '../logging/logger';
import { PROJECT_ROOT } from '../paths';
import { DEMO_FACILITATOR, DEMO_PROGRAMMES, DEMO_RECENT_ROUND, DEMO_USERS, recentRoundInput } from './demo-data';
import { whileDemoLocked } from './demo-lock';

/** Advisory lock keys ("demS", "demR"), as the other demo seeds have theirs. */
const TEMPLATES_LOCK_KEY = 0x64656d53;
const RECENT_ROUND_LOCK_KEY = 0x64656d52;

/** The demo programmes' feedback survey, in fi/sv/en (read once, at start). */
const FEEDBACK_TEMPLATE: { settings: SurveySettings; questions: QuestionInput[] } = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'src', 'demo', 'fixtures', 'feedback-template.json'), 'utf8'),
);

@Injectable()
export class DemoAfterRoundService {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly cohorts: DemoCohortsService,
    private readonly scheduling: SchedulingService,
    private readonly history: DemoHistoryService,
    private readonly surveys: SurveyService,
    private readonly people: DemoPeopleService,
  ) {}

  /** The feedback template (fixtures/feedback-template.json) on every published demo programme that has none with questions. */
  async seedFeedbackTemplatesIfNone(): Promise<number> {
    return whileDemoLocked(this.dataSource, TEMPLATES_LOCK_KEY, async () => {
      const admin = await this.person(DEMO_USERS.find((person) => person.admin)!.email);
      if (!admin) return 0;
      let added = 0;
      for (const { slug } of DEMO_PROGRAMMES) {
        const programme = await this.catalogue.findProgramme(slug, 'fi');
        if (programme?.status !== 'published') continue;
        const { survey } = await this.surveys.templateForEdit(admin, programme.id);
        if (survey && survey.questions.length > 0) continue;
        const surveyId = survey?.id ?? (await this.surveys.createTemplate(admin, programme.id));
        await this.surveys.updateSettings(admin, surveyId, FEEDBACK_TEMPLATE.settings);
        for (const question of FEEDBACK_TEMPLATE.questions) await this.surveys.addQuestion(admin, surveyId, question);
        added++;
      }
      if (added) this.logger.info({ templates: added }, 'demo feedback templates seeded');
      return added;
    });
  }

  /**
   * The round that has just ended (DEMO_RECENT_ROUND), relative to `now`, with its people placed and
   * its attendance marked by the coach; nothing when a round of that programme has already ended.
   * Returns 1 when seeded.
   */
  async seedRecentRoundIfNone(now: Date = new Date()): Promise<number> {
    return whileDemoLocked(this.dataSource, RECENT_ROUND_LOCK_KEY, async () => {
      const admin = await this.person(DEMO_USERS.find((person) => person.admin)!.email);
      const coach = await this.person(DEMO_FACILITATOR);
      const programme = await this.catalogue.findProgramme(DEMO_RECENT_ROUND.programmeSlug, 'fi');
      if (!admin || !coach || programme?.status !== 'published' || (await this.cohorts.anyEnded(programme.id, now))) return 0;
      const input = recentRoundInput(now, (start) => termLabel(termOf(start), 'fi'));
      const cohort = await this.scheduling.schedule(admin.id, programme.id, input);
      await this.scheduling.setCohortStatus(admin.id, cohort.id, 'published');
      const sessionIds = await this.cohorts.sessionIds(cohort.id);
      const participants = await this.people.activeByEmail(DEMO_RECENT_ROUND.participants);
      const places = participants.map((person) => {
        const missed = new Set((DEMO_RECENT_ROUND.absences[person.email] ?? []).map((i) => sessionIds[i]));
        return { userId: person.id, agencyId: person.agencyId, presentAt: sessionIds.filter((id) => !missed.has(id)) };
      });
      await this.history.placePast(cohort.id, sessionIds, places, coach.id, input.enrolmentOpensAt);
      this.logger.info({ round: cohort.name, participants: places.length }, 'demo round that has just ended seeded');
      return 1;
    });
  }

  private async person(email: string): Promise<Actor | null> {
    const [person] = await this.people.activeByEmail([email]);
    return person ?? null;
  }
}
