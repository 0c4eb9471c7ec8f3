// "Omat ryhmät": the signed-in person's enrolments, the places they hold or wait for first, each with
// its status, waitlist place and next session in Helsinki time; and, for a facilitator, the rounds
// they run, with their roster and discussion.
import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { myCohortsPage } from './my-cohorts.view';
import { RosterService } from './roster.service';

@ApiExcludeController()
@SignedIn()
@Controller('my')
export class MyCohortsController {
  constructor(private readonly roster: RosterService) {}

  @Get('cohorts')
  @Render('enrolment/my-cohorts')
  async list(@CurrentActor() actor: Actor, @Lang() lang: Language) {
    const [cohorts, facilitated] = await Promise.all([this.roster.myCohorts(actor.id, lang), this.roster.facilitatedCohorts(actor.id, lang)]);
    return myCohortsPage(cohorts, facilitated, lang);
  }
}
