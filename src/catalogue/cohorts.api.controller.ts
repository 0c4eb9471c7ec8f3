// The JSON API for cohorts (rounds of a programme) and their sessions: anyone reads the published
// ones (admins drafts too, with their token; meeting links only for those who may join); admins
// schedule, edit, move, cancel and copy. Every write answers with what GET then shows.
import { Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { FieldErrors, NotFound } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { ApiAdminWriteErrors, ApiBadRequestQuery, ApiConflictDto, ApiErrorDto } from '../web/api/errors.dto';
import { DEFAULT_PAGE_SIZE, LanguageQuery } from '../web/api/request.dto';
import { Lang } from '../web/language';
import { changesIn } from './catalogue.dto';
import { CatalogueService } from './catalogue.service';
import {
  CancelSessionDto,
  CohortDetailDto,
  cohortDetailDto,
  cohortDto,
  CohortListDto,
  CohortListQuery,
  CopyCohortDto,
  copyRequestOf,
  CreateCohortDto,
  NewSessionDto,
  scheduleInputOf,
  SessionDto,
  sessionDto,
  sessionInputOf,
  UpdateCohortDto,
  UpdateSessionDto,
} from './cohorts.dto';
import { SchedulingService } from './scheduling.service';

const REFUSED = 'Refused as things stand (the cohort is cancelled or completed, or the status change is not allowed now); `code` says why.';

@ApiTags('cohorts')
@Controller('api/v1')
export class CohortsApiController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly scheduling: SchedulingService,
  ) {}

  @Get('cohorts')
  @Public()
  @ApiOkResponse({ type: CohortListDto, description: 'Cohorts in order of their first session, a page at a time. Published, cancelled and completed ones of public programmes; with an admin’s token, drafts too.' })
  @ApiBadRequestQuery()
  async list(@Query() query: CohortListQuery, @Viewer() viewer: Actor | null, @Lang() lang: Language): Promise<CohortListDto> {
    const { programme, status, term, from, to, cursor } = query;
    const page = await this.catalogue.cohortPage({ programme, status, term, from, to, cursor, limit: query.limit ?? DEFAULT_PAGE_SIZE }, viewer, query.lang ?? lang);
    return { items: page.items.map(cohortDto), nextCursor: page.nextCursor };
  }

  @Get('cohorts/:id')
  @Public()
  @ApiOkResponse({ type: CohortDetailDto, description: 'A cohort with its sessions and facilitators.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such cohort, or one you may not see (a draft, or of a draft programme).' })
  async show(@Param('id') id: string, @Query() query: LanguageQuery, @Viewer() viewer: Actor | null, @Lang() lang: Language): Promise<CohortDetailDto> {
    return cohortDetailDto(await this.catalogue.cohort(id, query.lang ?? lang, viewer));
  }

  @Post('cohorts')
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiCreatedResponse({ type: CohortDetailDto, description: 'Scheduled as a draft with all its sessions (or nothing is stored). Publish it with PATCH status.' })
  async create(@Body() body: CreateCohortDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<CohortDetailDto> {
    let cohortId: string;
    try {
      cohortId = (await this.scheduling.schedule(actor.id, body.programmeId, scheduleInputOf(body), null, { refusePastSessions: true })).id;
    } catch (error) {
      // The only thing schedule() looks up by id is the programme: an unknown one is a field to fix.
      if (error instanceof NotFound) throw new FieldErrors({ programmeId: 'api.programme.unknown' });
      throw error;
    }
    return this.cohortAsShown(cohortId, lang, actor);
  }

  @Patch('cohorts/:id')
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiOkResponse({ type: CohortDetailDto, description: 'The cohort as changed.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No cohort has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: REFUSED })
  async update(@Param('id') id: string, @Body() body: UpdateCohortDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<CohortDetailDto> {
    const { status, ...fields } = changesIn(body);
    if (Object.keys(fields).length > 0) await this.scheduling.updateCohort(actor.id, id, fields);
    if (status) await this.scheduling.setCohortStatus(actor.id, id, status);
    return this.cohortAsShown(id, lang, actor);
  }

  @Post('cohorts/:id/sessions')
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiCreatedResponse({ type: SessionDto, description: 'The session added (participants are told).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No cohort has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: REFUSED })
  async addSession(@Param('id') id: string, @Body() body: NewSessionDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<SessionDto> {
    const session = await this.scheduling.addSession(actor.id, id, sessionInputOf(body), { refusePastSessions: true });
    return this.sessionAsShown(session, lang, actor);
  }

  @Post('cohorts/:id/copy')
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiCreatedResponse({
    type: CohortDetailDto,
    description: 'The next round: a new draft of the same programme with every date moved by the weeks or months asked, at the same Helsinki time of day.',
  })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No cohort has this id.' })
  async copy(@Param('id') id: string, @Body() body: CopyCohortDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<CohortDetailDto> {
    const copy = await this.scheduling.copyToNextRound(actor.id, id, copyRequestOf(body));
    return this.cohortAsShown(copy.id, lang, actor);
  }

  @Patch('sessions/:id')
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiOkResponse({ type: SessionDto, description: 'The session as changed. A new time is recorded as a move, with the reason, and participants are told.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No session has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The session is cancelled, or its cohort is cancelled or completed; `code` says which.' })
  async updateSession(@Param('id') id: string, @Body() body: UpdateSessionDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<SessionDto> {
    const session = await this.scheduling.updateSession(actor.id, id, changesIn(body), { refusePastSessions: true });
    return this.sessionAsShown(session, lang, actor);
  }

  @Post('sessions/:id/cancel')
  @HttpCode(HttpStatus.OK)
  @Requires(Capability.CohortSchedule)
  @ApiAdminWriteErrors()
  @ApiOkResponse({ type: SessionDto, description: 'The session, cancelled (participants are told). Cancelling it again changes nothing.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No session has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'Its cohort is cancelled or completed.' })
  async cancelSession(@Param('id') id: string, @Body() body: CancelSessionDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<SessionDto> {
    const session = await this.scheduling.cancelSession(actor.id, id, body.reason ?? null);
    return this.sessionAsShown(session, lang, actor);
  }

  private async cohortAsShown(id: string, lang: Language, actor: Actor): Promise<CohortDetailDto> {
    return cohortDetailDto(await this.catalogue.cohort(id, lang, actor));
  }

  /** A session as its cohort's GET shows it (the cohort's place and link where it has none of its own). */
  private async sessionAsShown(session: { id: string; cohortId: string }, lang: Language, actor: Actor): Promise<SessionDto> {
    const cohort = await this.catalogue.cohort(session.cohortId, lang, actor);
    const shown = cohort.sessions.find((candidate) => candidate.id === session.id);
    if (!shown) throw new NotFoundException();
    return sessionDto(shown);
  }
}
