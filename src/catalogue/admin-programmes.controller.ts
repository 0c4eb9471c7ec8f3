// The admin pages for programmes: the list (drafts too, with how many rounds each has), the form
// that creates one, and its page, which edits it, changes its status and lists its rounds. A refused
// form shows its page again, 400, with the messages next to the fields and the input kept; a status
// change the service refuses shows the page with the reason, 409 (web/form-round-trip.ts). What the
// pages show is admin-programmes.view.ts's.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language, translate } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { ProgrammeFormDto, programmeInputOf, ProgrammeStatusDto } from './admin-catalogue.dto';
import { newProgrammePage, PROGRAMME_NOTICES, programmePage, programmesPage, valuesOfBody } from './admin-programmes.view';
import { CatalogueService } from './catalogue.service';
import { ProgrammesService } from './programmes.service';

@ApiExcludeController()
@Requires(Capability.ProgrammeManage)
@Controller('admin/programmes')
export class AdminProgrammesController {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get()
  async list(@Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/programmes', programmesPage(await this.catalogue.listAllProgrammes(lang), lang, done));
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/programme-form', newProgrammePage(lang, { theme: 'other', position: '0' }, null));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const programme = await this.programmes.create(actorId, programmeInputOf(form.value!));
        return `/admin/programmes/${programme.id}?done=created`;
      },
      view: 'admin/programme-form',
      page: (state) => newProgrammePage(lang, valuesOfBody(body), state.errors ?? null),
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = PROGRAMME_NOTICES.find((name) => name === done);
    return reply.view('admin/programme', await this.programmePage(id, actor, lang, { notice: notice ? translate(lang, `admin.programme.notice.${notice}`) : null }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.programmes.update(actor.id, id, programmeInputOf(form.value!));
        return `/admin/programmes/${id}?done=saved`;
      },
      view: 'admin/programme',
      page: (state) => this.programmePage(id, actor, lang, { values: valuesOfBody(body), ...state }),
    });
  }

  /** A status the service refuses keeps nothing typed: the page shows the programme as it is, with the reason. */
  @Post(':id/status')
  async setStatus(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeStatusDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.programmes.setStatus(actor.id, id, form.value!.status);
        return `/admin/programmes/${id}?done=status`;
      },
      view: 'admin/programme',
      page: (state) => this.programmePage(id, actor, lang, state),
    });
  }

  private async programmePage(id: string, actor: Actor, lang: Language, state: Parameters<typeof programmePage>[3]) {
    const programme = await this.programmes.findForEdit(id);
    const cohorts = await this.catalogue.cohortPage({ programme: programme.id, limit: 100 }, actor, lang);
    return programmePage(programme, cohorts.items, lang, state);
  }
}
