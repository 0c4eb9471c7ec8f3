// The JSON API for programmes: anyone reads what is published (admins drafts too, with their
// token); admins create and edit. The same services and permission checks as the pages.
import { Body, Controller, Get, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public, Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { ApiAdminWriteErrors, ApiBadRequestQuery, ApiConflictDto, ApiErrorDto } from '../web/api/errors.dto';
import { DEFAULT_PAGE_SIZE, LanguageQuery } from '../web/api/request.dto';
import { Lang } from '../web/language';
import {
  changesIn,
  CreateProgrammeDto,
  ProgrammeDetailDto,
  programmeDetailDto,
  programmeDto,
  ProgrammeListDto,
  ProgrammeListQuery,
  UpdateProgrammeDto,
} from './catalogue.dto';
import { CatalogueService } from './catalogue.service';
import { ProgrammesService } from './programmes.service';

@ApiTags('programmes')
@Controller('api/v1/programmes')
export class CatalogueApiController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly programmes: ProgrammesService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: ProgrammeListDto, description: 'Programmes in catalogue order, a page at a time. Published and archived ones; with an admin’s token, drafts too.' })
  @ApiBadRequestQuery()
  async list(@Query() query: ProgrammeListQuery, @Viewer() viewer: Actor | null, @Lang() lang: Language): Promise<ProgrammeListDto> {
    const page = await this.catalogue.programmePage({ status: query.status, theme: query.theme, cursor: query.cursor, limit: query.limit ?? DEFAULT_PAGE_SIZE }, viewer, query.lang ?? lang);
    return { items: page.items.map(programmeDto), nextCursor: page.nextCursor };
  }

  // One parameter name with PATCH /programmes/{id}, so OpenAPI sees one path; it takes a slug too.
  @Get(':id')
  @Public()
  @ApiParam({ name: 'id', description: 'The programme id, or its slug (kompleksisuus-ja-systeemiajattelu).' })
  @ApiOkResponse({ type: ProgrammeDetailDto, description: 'A programme by id or slug.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such programme, or a draft and you are not an admin.' })
  async show(@Param('id') idOrSlug: string, @Query() query: LanguageQuery, @Viewer() viewer: Actor | null, @Lang() lang: Language): Promise<ProgrammeDetailDto> {
    const programme = await this.catalogue.findProgramme(idOrSlug, query.lang ?? lang, viewer);
    if (!programme) throw new NotFoundException();
    return programmeDetailDto(programme);
  }

  @Post()
  @Requires(Capability.ProgrammeManage)
  @ApiAdminWriteErrors()
  @ApiCreatedResponse({ type: ProgrammeDetailDto, description: 'Created as a draft: only admins see it until it is published (PATCH status).' })
  async create(@Body() body: CreateProgrammeDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<ProgrammeDetailDto> {
    const programme = await this.programmes.create(actor.id, {
      slug: body.slug,
      title: body.title,
      summary: body.summary,
      description: body.description,
      theme: body.theme,
      position: body.position ?? 0,
      facilitatorEmails: body.facilitatorEmails ?? [],
    });
    return this.asShown(programme.id, lang, actor);
  }

  @Patch(':id')
  @Requires(Capability.ProgrammeManage)
  @ApiAdminWriteErrors()
  @ApiOkResponse({ type: ProgrammeDetailDto, description: 'The programme as changed. A text sent replaces all its languages.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No programme has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The status cannot change now (e.g. published rounds are still to come); `code` says why.' })
  async update(@Param('id') id: string, @Body() body: UpdateProgrammeDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<ProgrammeDetailDto> {
    const { status, ...fields } = changesIn(body);
    if (Object.keys(fields).length > 0) await this.programmes.update(actor.id, id, fields);
    if (status) await this.programmes.setStatus(actor.id, id, status);
    return this.asShown(id, lang, actor);
  }

  /** A programme as GET shows it to this admin. */
  private async asShown(id: string, lang: Language, actor: Actor): Promise<ProgrammeDetailDto> {
    const programme = await this.catalogue.findProgramme(id, lang, actor);
    if (!programme) throw new NotFoundException();
    return programmeDetailDto(programme);
  }
}
