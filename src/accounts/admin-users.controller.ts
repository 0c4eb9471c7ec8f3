// The admin pages for people's accounts: the searchable list (with erasure requests waiting on
// top), one person's record, and the forms that change their role or status or erase them. A
// refused form shows the person's page again, 400, with the message next to the form.
import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { Language, MESSAGES, translate } from '../i18n/i18n';
import { USER_STATUSES } from '../identity/user.entity';
import { FieldErrors } from '../errors/domain-errors';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { EraseFormDto, RoleFormDto, unknownFields, USER_SORTS, UserListQueryDto } from './admin.dto';
import { AdminUsersService, UserRecord, UserRow } from './admin-users.service';

/** What a successful form says on the page it leads back to (?done=…). */
const USER_NOTICES = ['role', 'deactivated', 'reactivated', 'erased'] as const;
/** Fields that have a place on the person's page; a message for any other goes in the summary. */
const USER_FORM_FIELDS = ['role', 'status', 'erase', 'confirm'];

function nameOf(row: Pick<UserRow, 'displayName' | 'status'>, lang: Language): string {
  return row.status === 'erased' ? translate(lang, 'accounts.deletedUser') : row.displayName;
}

function rowView(row: UserRow, lang: Language) {
  return {
    ...row,
    name: nameOf(row, lang),
    roleLabel: translate(lang, row.siteRole === 'admin' ? 'admin.role.admin' : 'admin.role.none'),
    statusLabel: translate(lang, `admin.status.${row.status}`),
  };
}

/** "from: –, to: admin": audit details as a line of text (their values are ids, names, roles and counts). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${value === null || value === undefined ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

function actionLabel(action: string, lang: Language): string {
  const key = `admin.audit.${action}`;
  return key in MESSAGES.fi ? translate(lang, key) : action;
}

@ApiExcludeController()
@Requires(Capability.UsersManage)
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly adminUsers: AdminUsersService) {}

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
    return reply.status(form.errors ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('admin/users', {
      title: translate(lang, 'admin.users.title'),
      errors: form.errors ? translateFields(form.errors, lang) : null,
      filter,
      statuses: USER_STATUSES.map((value) => ({ value, label: translate(lang, `admin.status.${value}`), selected: value === filter.status })),
      sorts: USER_SORTS.map((value) => ({ value, label: translate(lang, `admin.users.sort.${value}`), selected: value === (filter.sort ?? 'newest') })),
      erasureRequests: (await this.adminUsers.erasureRequests()).map((row) => rowView(row, lang)),
      rows: rows.map((row) => ({ ...rowView(row, lang), facilitator: row.facilitatedCount > 0, facilitating: row.facilitating.map((round) => ({ ...round, href: `/admin/cohorts/${round.id}` })) })),
      page,
      nextHref: hasNext ? `/admin/users?${params}` : null,
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const user = await this.adminUsers.find(id);
    if (!user) throw new NotFoundException();
    const notice = USER_NOTICES.find((name) => name === done);
    return reply.view('admin/user', this.userPage(user, actorId, lang, { notice: notice ? translate(lang, `admin.notice.${notice}`) : null }));
  }

  @Post(':id/role')
  async changeRole(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(RoleFormDto, body);
    return this.act(reply, id, actorId, lang, form.errors, 'role', () => this.adminUsers.changeRole(actorId, id, form.value!.role));
  }

  @Post(':id/deactivate')
  async deactivate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.act(reply, id, actorId, lang, unknownFields(body), 'deactivated', () => this.adminUsers.deactivate(actorId, id));
  }

  @Post(':id/reactivate')
  async reactivate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.act(reply, id, actorId, lang, unknownFields(body), 'reactivated', () => this.adminUsers.reactivate(actorId, id));
  }

  @Post(':id/erase')
  async erase(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(EraseFormDto, body);
    return this.act(reply, id, actorId, lang, form.errors, 'erased', () => this.adminUsers.erase(actorId, id));
  }

  /** Runs a change unless its form was refused; either way answers as the person's page does. */
  private async act(
    reply: FastifyReply,
    id: string,
    actorId: string,
    lang: Language,
    formErrors: FieldMessages | null,
    notice: (typeof USER_NOTICES)[number],
    change: () => Promise<void>,
  ) {
    let errors = formErrors;
    if (!errors) {
      try {
        await change();
        return reply.redirect(`/admin/users/${id}?done=${notice}`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const user = await this.adminUsers.find(id);
    if (!user) throw new NotFoundException();
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/user', this.userPage(user, actorId, lang, { errors: translateFields(errors, lang) }));
  }

  private userPage(user: UserRecord, actorId: string, lang: Language, extra: { notice?: string | null; errors?: FieldMessages }) {
    const isSelf = user.id === actorId;
    const erased = user.status === 'erased';
    const errors = extra.errors ?? null;
    return {
      title: nameOf(user, lang),
      notice: extra.notice ?? null,
      errors,
      otherErrors: errors ? Object.entries(errors).filter(([field]) => !USER_FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [],
      user: { ...rowView(user, lang), erased, languageName: translate(lang, `admin.language.${user.language}`) },
      isSelf,
      roleOptions: erased
        ? null
        : (['admin', 'none'] as const).map((value) => ({ value, label: translate(lang, `admin.role.${value}`), selected: (user.siteRole ?? 'none') === value })),
      canDeactivate: user.status === 'active' && !isSelf,
      canReactivate: user.status === 'deactivated',
      erasureRequested: Boolean(user.erasureRequestedAt) && !erased,
      canErase: Boolean(user.erasureRequestedAt) && !erased && !isSelf,
      auditEntries: user.auditEntries.map((entry) => ({
        createdAt: entry.createdAt,
        action: actionLabel(entry.action, lang),
        actor: entry.actorUserId === null ? translate(lang, 'admin.audit.system') : entry.actorErased || entry.actorName === null ? translate(lang, 'accounts.deletedUser') : entry.actorName,
        details: detailsText(entry.details),
      })),
    };
  }
}
