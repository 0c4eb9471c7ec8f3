// The admin page for agencies: the list with how many people each has, and the forms that add,
// rename and merge them and set the email domains their people register with. A refused form shows
// the page again, 400, with the message next to the form it came from and its input kept
// (web/form-round-trip.ts). What the page shows is admin-agencies.view.ts's.
import { Body, Controller, Get, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { formRoundTrip } from '../web/form-round-trip';
import { FieldMessages, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { AgencyDomainsDto, AgencyMergeDto, AgencyNameDto } from './admin.dto';
import { AGENCY_NOTICES, agenciesPage, RefusedAgencyForm } from './admin-agencies.view';

@ApiExcludeController()
@Requires(Capability.AgenciesManage)
@Controller('admin/agencies')
export class AdminAgenciesController {
  constructor(private readonly agencies: AgencyService) {}

  /** `?merge=<id>` opens the merge form for that agency (one list of targets, not one per row). */
  @Get()
  async list(@Query('done') done: unknown, @Query('merge') merge: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = AGENCY_NOTICES.find((name) => name === done);
    return reply.view('admin/agencies', await this.page(lang, { notice: notice ? translate(lang, `admin.notice.agency.${notice}`) : null, merging: merge }));
  }

  @Post()
  async add(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyNameDto, body);
    return this.onPage(reply, lang, { form: 'add', body }, form.errors, 'added', () => this.agencies.add(actorId, form.value!.name));
  }

  @Post(':id/rename')
  async rename(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyNameDto, body);
    return this.onPage(reply, lang, { form: 'rename', agencyId: id, body }, form.errors, 'renamed', () => this.agencies.rename(actorId, id, form.value!.name));
  }

  @Post(':id/merge')
  async merge(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyMergeDto, body);
    return this.onPage(reply, lang, { form: 'merge', agencyId: id, body }, form.errors, 'merged', () => this.agencies.merge(actorId, id, form.value!.into));
  }

  /** The email domains people of the agency register with; empty: any address. */
  @Post(':id/domains')
  async domains(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyDomainsDto, body);
    return this.onPage(reply, lang, { form: 'domains', agencyId: id, body }, form.errors, 'domains', () => this.agencies.setEmailDomains(actorId, id, form.value!.domains));
  }

  /** A form of the page: its change leads back to the list with a notice; refused, the page again with that form's input. */
  private onPage(
    reply: FastifyReply,
    lang: Language,
    refused: Omit<RefusedAgencyForm, 'errors'>,
    errors: FieldMessages | null,
    notice: (typeof AGENCY_NOTICES)[number],
    change: () => Promise<unknown>,
  ) {
    return formRoundTrip({
      reply,
      lang,
      errors,
      change: async () => {
        await change();
        return `/admin/agencies?done=${notice}`;
      },
      view: 'admin/agencies',
      page: (state) => this.page(lang, { refused: { ...refused, errors: state.errors ?? {} }, merging: refused.form === 'merge' ? refused.agencyId : undefined }),
    });
  }

  private async page(lang: Language, state: Parameters<typeof agenciesPage>[2]) {
    const agencies = await this.agencies.listWithUserCounts(lang);
    if (state.refused?.agencyId && !agencies.some((agency) => agency.id === state.refused!.agencyId)) throw new NotFoundException();
    return agenciesPage(agencies, lang, state);
  }
}
