// The admin pages for people's accounts: the searchable list (with erasure requests waiting on
// top), one person's record, and the forms that change their role or status or erase them. A
// refused form shows the person's page again, 400, with the message next to the form
// (web/form-round-trip.ts). What the pages show is admin-users.view.ts's.
import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language, translate } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { unknownFields } from '../web/form-fields';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { EraseFormDto, RoleFormDto, UserListQueryDto } from './admin.dto';
import { AgencyService } from '../identity/agency.service';
import { AgencyContactsService } from '../register/agency-contacts.service';
import { agencyContactSection } from '../register/agency-contacts.view';
import { AdminUsersService } from './admin-users.service';
import { USER_NOTICES, userPage, usersPage } from './admin-users.view';

/** The agency forms' one field; anything else is refused as an unknown field. */
function agencyFieldOf(body: unknown): { agencyId: unknown; errors: FieldMessages | null } {
  const { _csrf: _ignored, agencyId, ...others } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const names = Object.keys(others);
  if (names.length) return { agencyId, errors: Object.fromEntries(names.map((name) => [name, 'form.unknownField'])) };
  return { agencyId, errors: agencyId === undefined || agencyId === '' ? { agencyId: 'register.contact.agency.unknown' } : null };
}

@ApiExcludeController()
@Requires(Capability.UsersManage)
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly adminUsers: AdminUsersService,
    private readonly contacts: AgencyContactsService,
    private readonly agencies: AgencyService,
  ) {}

  @Get()
  async list(@Query() query: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(UserListQueryDto, query);
    const raw = (query ?? {}) as Record<string, unknown>;
    // A refused filter is shown again with its search text kept, and no list until it is fixed.
    const filter: Partial<UserListQueryDto> = form.value ?? { q: typeof raw.q === 'string' ? raw.q : undefined };
    const { rows, hasNext } = form.value ? await this.adminUsers.list(form.value, lang) : { rows: [], hasNext: false };
    const page = form.value?.page ?? 1;
    const params = new URLSearchParams(Object.entries({ q: filter.q, status: filter.status, sort: filter.sort }).filter((e): e is [string, string] => Boolean(e[1])));
    params.set('page', String(page + 1));
    const errors = form.errors ? translateFields(form.errors, lang) : null;
    const listing = { rows, hasNext, page, nextHref: `/admin/users?${params}` };
    return reply.status(form.errors ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('admin/users', usersPage(lang, filter, errors, listing, await this.adminUsers.erasureRequests()));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = USER_NOTICES.find((name) => name === done);
    return reply.view('admin/user', await this.userPage(id, actorId, lang, { notice: notice ? translate(lang, `admin.notice.${notice}`) : null }));
  }

  @Post(':id/role')
  async changeRole(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(RoleFormDto, body);
    return this.onUserPage(reply, id, actorId, lang, form.errors, 'role', () => this.adminUsers.changeRole(actorId, id, form.value!.role));
  }

  @Post(':id/deactivate')
  async deactivate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.onUserPage(reply, id, actorId, lang, unknownFields(body), 'deactivated', () => this.adminUsers.deactivate(actorId, id));
  }

  @Post(':id/reactivate')
  async reactivate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.onUserPage(reply, id, actorId, lang, unknownFields(body), 'reactivated', () => this.adminUsers.reactivate(actorId, id));
  }

  @Post(':id/erase')
  async erase(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(EraseFormDto, body);
    return this.onUserPage(reply, id, actorId, lang, form.errors, 'erased', () => this.adminUsers.erase(actorId, id));
  }

  /** Makes the person the register's contact for one agency (sees and exports its trained developers). */
  @Post(':id/agency-contact')
  async grantAgencyContact(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { errors, agencyId } = agencyFieldOf(body);
    return this.onUserPage(reply, id, actorId, lang, errors, 'contactGranted', () => this.contacts.grant(actorId, id, agencyId));
  }

  @Post(':id/agency-contact/revoke')
  async revokeAgencyContact(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { errors, agencyId } = agencyFieldOf(body);
    return this.onUserPage(reply, id, actorId, lang, errors, 'contactRevoked', () => this.contacts.revoke(actorId, id, agencyId));
  }

  /** A form of the person's page: its change leads back to the page with a notice; refused, the page again. */
  private onUserPage(reply: FastifyReply, id: string, actorId: string, lang: Language, errors: FieldMessages | null, notice: (typeof USER_NOTICES)[number], change: () => Promise<void>) {
    return formRoundTrip({
      reply,
      lang,
      errors,
      change: async () => {
        await change();
        return `/admin/users/${id}?done=${notice}`;
      },
      view: 'admin/user',
      page: (state) => this.userPage(id, actorId, lang, { errors: state.errors }),
    });
  }

  private async userPage(id: string, actorId: string, lang: Language, extra: Parameters<typeof userPage>[3]) {
    const user = await this.adminUsers.find(id, actorId);
    if (!user) throw new NotFoundException();
    const agencyContact = user.status === 'erased' ? null : agencyContactSection(await this.contacts.contactAgencies(id), await this.agencies.list(lang), user.agencyName);
    return { ...userPage(user, actorId, lang, extra), agencyContact };
  }
}
