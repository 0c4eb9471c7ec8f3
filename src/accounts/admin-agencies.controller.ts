// The admin page for agencies: the list with how many people each has, and the forms that add,
// rename and merge them and set the email domains their people register with. A refused form shows
// the page again, 400, with the message next to the form it came from and its input kept.
import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { FieldErrors } from '../errors/domain-errors';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { AgencyDomainsDto, AgencyMergeDto, AgencyNameDto } from './admin.dto';
import { readableDomains } from '../identity/email-domains';

const AGENCY_NOTICES = ['added', 'renamed', 'merged', 'domains'] as const;

/** The form that was refused: which one (and for which agency), what was typed, and why. */
type RefusedForm = { form: 'add' | 'rename' | 'merge' | 'domains'; agencyId?: string; body: unknown; errors: FieldMessages };

const text = (body: unknown, field: string) => {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
};

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
    return this.act(reply, lang, { form: 'add', body }, form.errors, 'added', () => this.agencies.add(actorId, form.value!.name));
  }

  @Post(':id/rename')
  async rename(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyNameDto, body);
    return this.act(reply, lang, { form: 'rename', agencyId: id, body }, form.errors, 'renamed', () => this.agencies.rename(actorId, id, form.value!.name));
  }

  @Post(':id/merge')
  async merge(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyMergeDto, body);
    return this.act(reply, lang, { form: 'merge', agencyId: id, body }, form.errors, 'merged', () => this.agencies.merge(actorId, id, form.value!.into));
  }

  /** The email domains people of the agency register with; empty: any address. */
  @Post(':id/domains')
  async domains(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(AgencyDomainsDto, body);
    return this.act(reply, lang, { form: 'domains', agencyId: id, body }, form.errors, 'domains', () => this.agencies.setEmailDomains(actorId, id, form.value!.domains));
  }

  private async act(
    reply: FastifyReply,
    lang: Language,
    refused: Omit<RefusedForm, 'errors'>,
    formErrors: FieldMessages | null,
    notice: (typeof AGENCY_NOTICES)[number],
    change: () => Promise<unknown>,
  ) {
    let errors = formErrors;
    if (!errors) {
      try {
        await change();
        return reply.redirect(`/admin/agencies?done=${notice}`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/agencies', await this.page(lang, { refused: { ...refused, errors }, merging: refused.form === 'merge' ? refused.agencyId : undefined }));
  }

  private async page(lang: Language, state: { notice?: string | null; refused?: RefusedForm; merging?: unknown }) {
    const { refused } = state;
    const agencies = await this.agencies.listWithUserCounts(lang);
    if (refused?.agencyId && !agencies.some((agency) => agency.id === refused.agencyId)) throw new NotFoundException();
    const errors = refused ? translateFields(refused.errors, lang) : null;
    const mine = (form: RefusedForm['form'], agencyId?: string) => refused?.form === form && refused.agencyId === agencyId;
    // A message for a field no form has (an unknown one) goes in the summary at the top.
    const known = refused?.form === 'merge' ? ['into'] : refused?.form === 'domains' ? ['domains'] : ['name'];
    const merging = agencies.find((agency) => agency.id === state.merging);
    const into = refused?.form === 'merge' ? text(refused.body, 'into') : '';
    return {
      title: translate(lang, 'admin.agencies.title'),
      notice: state.notice ?? null,
      errors,
      otherErrors: errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [],
      addForm: { name: mine('add') ? text(refused!.body, 'name') : '', error: mine('add') ? errors?.name : null },
      mergeForm: merging
        ? {
            agency: merging,
            error: refused?.form === 'merge' ? errors?.into : null,
            targets: agencies.filter((other) => other.id !== merging.id).map((other) => ({ id: other.id, name: other.name, selected: other.id === into })),
          }
        : null,
      agencies: agencies.map((agency) => {
        const renaming = mine('rename', agency.id);
        const domainsRefused = mine('domains', agency.id);
        return {
          ...agency,
          renameFieldId: `agency-rename-${agency.id}`,
          renameValue: renaming ? text(refused!.body, 'name') : agency.name,
          renameError: renaming ? errors?.name : null,
          domainsFieldId: `agency-domains-${agency.id}`,
          // An internationalised domain in its own letters; a refused list as it was typed. On one line:
          // the partial's indentation would reach into a text area's later lines.
          domainsValue: domainsRefused ? text(refused!.body, 'domains') : readableDomains(agency.emailDomains).join(', '),
          domainsError: domainsRefused ? errors?.domains : null,
        };
      }),
    };
  }
}
