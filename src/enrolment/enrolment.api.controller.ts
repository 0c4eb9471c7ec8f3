// The JSON API for a person's own enrolments: enrol in a cohort, cancel, list; and who is in a round
// (ParticipantsService, as /cohorts/:id/participants shows it). The web pages call the
// same service methods (EnrolmentService to change, RosterService.myCohorts to list), so both ways
// in keep the same seat rules and refusals: 409 with a `code` when the cohort does not take
// enrolments (a draft too: its id is not guessable, and answering as the service does costs no
// extra look-up on the busiest route), 400 with `fields` for a manager address that is not one.
import { Body, Controller, Delete, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { ApiConflictDto, ApiErrorDto } from '../web/api/errors.dto';
import { Lang } from '../web/language';
import { EnrolDto, EnrolmentDto, enrolmentDto, EnrolResultDto, enrolResultDto, myEnrolmentDto, MyEnrolmentListDto } from './enrolment.dto';
import { EnrolmentService } from './enrolment.service';
import { CohortPeopleDto, cohortPeopleDto } from './participants.dto';
import { ParticipantsService } from './participants.service';
import { RosterService } from './roster.service';

const NO_TOKEN = 'No valid token.';

@ApiTags('enrolments')
@ApiBearerAuth()
@Controller('api/v1')
export class EnrolmentApiController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
    private readonly participants: ParticipantsService,
  ) {}

  @Post('cohorts/:id/enrolments')
  @SignedIn()
  @ApiCreatedResponse({
    type: EnrolResultDto,
    description: 'Enrolled: `confirmed` when a seat was free (and your agency is under its cap), else `waitlisted` with your position; `pending_approval` when the cohort needs your manager’s approval.',
  })
  @ApiOkResponse({ type: EnrolResultDto, description: 'You already had an active enrolment in this cohort: it is returned as it is, and nothing changes.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: '`fields.managerEmail`: not an email address, your own address, or missing for a cohort that needs a manager’s approval. Nothing stored.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No cohort has this id.' })
  @ApiConflictResponse({
    type: ApiConflictDto,
    description:
      'The cohort does not take enrolments now; nothing stored. `code`: `enrolment.refused.draft`, `enrolment.refused.cancelled`, `enrolment.refused.completed`, `enrolment.refused.notOpenYet` or `enrolment.refused.closed`.',
  })
  async enrol(@Param('id') id: string, @Body() body: EnrolDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<EnrolResultDto> {
    const outcome = await this.enrolment.enrol(actor, id, { managerEmail: body.managerEmail });
    if (!outcome.created) reply.status(HttpStatus.OK);
    return enrolResultDto(outcome);
  }

  @Delete('cohorts/:id/enrolments/me')
  @SignedIn()
  @ApiOkResponse({ type: EnrolmentDto, description: 'Your enrolment, cancelled. A seat it held goes at once to the first person in the queue whose agency is under its cap.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such cohort, or you have no active enrolment in it (cancelling twice answers this the second time).' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The cohort’s cancellation deadline has passed (`enrolment.cancel.pastDeadline`): ask its facilitators. Nothing changed.' })
  async cancel(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<EnrolmentDto> {
    return enrolmentDto(await this.enrolment.cancel(actor, id, actor.id, null));
  }

  @Get('cohorts/:id/participants')
  @SignedIn()
  @ApiOkResponse({ type: CohortPeopleDto, description: 'Who is in the round, as its participants page shows it: for its confirmed (and completed) participants, its facilitators and admins.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'You are not in the round (waitlisted, waiting for approval, cancelled, or in another round): nothing about who is in it.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No cohort has this id.' })
  async cohortPeople(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<CohortPeopleDto> {
    return cohortPeopleDto(await this.participants.cohortPeople(actor, id, lang));
  }

  @Get('me/enrolments')
  @SignedIn()
  @ApiOkResponse({ type: MyEnrolmentListDto, description: 'Your cohorts with your place in each, as the My groups page lists them.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  async mine(@CurrentActor() actor: Actor, @Lang() lang: Language): Promise<MyEnrolmentListDto> {
    return { items: (await this.roster.myCohorts(actor.id, lang)).map(myEnrolmentDto) };
  }
}
