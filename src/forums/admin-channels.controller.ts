// The admin pages for the discussion channels (site admins only): the list of every channel with
// its order buttons and archive state, the form that creates a network channel, and a channel's
// page, which edits its texts and archives it or brings it back. The rules are
// ChannelsAdminService's: a refused form shows its page again, 400, with each message next to its
// input and the input kept; what cannot be done to a channel (archiving the announcements channel,
// renaming or moving a round's) shows the reason, 409.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors, Refused, withValues } from '../errors/domain-errors';
import { Language, LANGUAGES, translate } from '../i18n/i18n';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { OptionalText } from '../web/form-fields';
import { Lang } from '../web/language';
import { ChannelForEdit, ChannelInput, ChannelsAdminService, MAX_CHANNEL_DESCRIPTION_LENGTH, MAX_CHANNEL_NAME_LENGTH, MoveDirection } from './channels-admin.service';

const NAME_TOO_LONG = withValues('forumAdmin.name.tooLong', { max: MAX_CHANNEL_NAME_LENGTH });
const DESCRIPTION_TOO_LONG = withValues('forumAdmin.description.tooLong', { max: MAX_CHANNEL_DESCRIPTION_LENGTH });

/** A channel's texts as the admin form sends them. */
export class ChannelFormDto {
  @MaxLength(MAX_CHANNEL_NAME_LENGTH, { message: NAME_TOO_LONG })
  @Matches(/\S/, { message: 'forumAdmin.nameFi.required' })
  @IsNotEmpty({ message: 'forumAdmin.nameFi.required' })
  @IsString({ message: 'forumAdmin.nameFi.required' })
  nameFi: string;

  @OptionalText(MAX_CHANNEL_NAME_LENGTH, NAME_TOO_LONG)
  nameSv?: string;

  @OptionalText(MAX_CHANNEL_NAME_LENGTH, NAME_TOO_LONG)
  nameEn?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionFi?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionSv?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionEn?: string;
}

const inputOf = (form: ChannelFormDto): ChannelInput => ({
  name: { fi: form.nameFi, sv: form.nameSv, en: form.nameEn },
  description: { fi: form.descriptionFi ?? '', sv: form.descriptionSv, en: form.descriptionEn },
});

const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const FORM_FIELDS = LANGUAGES.flatMap((code) => [`name${suffix(code)}`, `description${suffix(code)}`]);
const CHANNEL_NOTICES = ['created', 'saved'] as const;
const LIST_NOTICES = ['archived', 'unarchived', 'moved'] as const;

type Values = Record<string, string>;

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

const valuesOfBody = (body: unknown): Values => Object.fromEntries(FORM_FIELDS.map((field) => [field, text(body, field)]));

function valuesOfChannel(channel: ChannelForEdit): Values {
  const values: Values = {};
  for (const code of LANGUAGES) {
    values[`name${suffix(code)}`] = channel.name[code] ?? '';
    values[`description${suffix(code)}`] = channel.description[code] ?? '';
  }
  return values;
}

const otherErrors = (errors: FieldMessages | null) =>
  errors ? Object.entries(errors).filter(([field]) => !FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [];

/** The fields a form without inputs (archive, move) may carry: only its CSRF token. */
const unknownFields = (body: unknown) => Object.keys(body && typeof body === 'object' ? body : {}).filter((field) => field !== '_csrf');

function channelForm(values: Values, errors: FieldMessages | null, lang: Language) {
  const field = (id: string, name: string) => ({ id, name, value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    languages: LANGUAGES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `admin.programme.texts.${code}`),
      name: field(`channel-name-${code}`, `name${suffix(code)}`),
      description: field(`channel-description-${code}`, `description${suffix(code)}`),
    })),
  };
}

@ApiExcludeController()
@Requires(Capability.ChannelsManage)
@Controller('admin/channels')
export class AdminChannelsController {
  constructor(private readonly channels: ChannelsAdminService) {}

  @Get()
  async list(@Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = LIST_NOTICES.find((name) => name === done);
    return reply.view('admin/channels/list', await this.listPage(lang, { notice: notice ? translate(lang, `forumAdmin.notice.${notice}`) : null }));
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/channels/form', this.formPage(lang, null, {}, null, {}));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ChannelFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        const id = await this.channels.create(actorId, inputOf(form.value));
        return reply.redirect(`/admin/channels/${id}?done=created`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/channels/form', this.formPage(lang, null, valuesOfBody(body), translateFields(errors!, lang), {}));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const channel = await this.channels.findForEdit(id, lang);
    const notice = CHANNEL_NOTICES.find((name) => name === done);
    return reply.view('admin/channels/form', this.formPage(lang, channel, valuesOfChannel(channel), null, { notice: notice ? translate(lang, `forumAdmin.notice.${notice}`) : null }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const form = await validateForm(ChannelFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        await this.channels.update(actorId, id, inputOf(form.value));
        return reply.redirect(`/admin/channels/${id}?done=saved`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          const channel = await this.channels.findForEdit(id, lang);
          return reply.status(HttpStatus.CONFLICT).view('admin/channels/form', this.formPage(lang, channel, valuesOfChannel(channel), null, { refusal: translateMessage(lang, error.reason) }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const channel = await this.channels.findForEdit(id, lang);
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/channels/form', this.formPage(lang, channel, valuesOfBody(body), translateFields(errors!, lang), {}));
  }

  @Post(':id/archive')
  archive(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.change(id, body, lang, reply, 'archived', () => this.channels.archive(actorId, id));
  }

  @Post(':id/unarchive')
  unarchive(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.change(id, body, lang, reply, 'unarchived', () => this.channels.unarchive(actorId, id));
  }

  @Post(':id/move-up')
  moveUp(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.move(id, body, actorId, 'up', lang, reply);
  }

  @Post(':id/move-down')
  moveDown(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.move(id, body, actorId, 'down', lang, reply);
  }

  private move(id: string, body: unknown, actorId: string, direction: MoveDirection, lang: Language, reply: FastifyReply) {
    return this.change(id, body, lang, reply, 'moved', () => this.channels.move(actorId, id, direction));
  }

  /**
   * A button's change (no inputs but the CSRF token: anything else is refused, 400, nothing
   * changed), then back to the list at the channel's row; a refusal shows the list with the reason, 409.
   */
  private async change(id: string, body: unknown, lang: Language, reply: FastifyReply, notice: (typeof LIST_NOTICES)[number], work: () => Promise<boolean>) {
    checkedId(id);
    const unknown = unknownFields(body);
    if (unknown.length) {
      const errors = translateFields(Object.fromEntries(unknown.map((field) => [field, 'form.unknownField'])), lang);
      return reply.status(HttpStatus.BAD_REQUEST).view('admin/channels/list', await this.listPage(lang, { errors }));
    }
    try {
      const changed = await work();
      return reply.redirect(changed ? `/admin/channels?done=${notice}#channel-${id}` : `/admin/channels#channel-${id}`, 303);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      return reply.status(HttpStatus.CONFLICT).view('admin/channels/list', await this.listPage(lang, { refusal: translateMessage(lang, error.reason) }));
    }
  }

  private async listPage(lang: Language, state: { notice?: string | null; refusal?: string; errors?: FieldMessages }) {
    const rows = await this.channels.list(lang);
    const view = (row: (typeof rows)[number]) => ({
      ...row,
      kindLabel: translate(lang, `forumAdmin.kind.${row.kind}`),
      stateLabel: translate(lang, row.archived ? 'forumAdmin.state.archived' : 'forumAdmin.state.open'),
      cohortStatusLabel: row.cohortStatus ? translate(lang, `cohort.status.${row.cohortStatus}`) : null,
    });
    return {
      title: translate(lang, 'forumAdmin.title'),
      notice: state.notice ?? null,
      refusal: state.refusal ?? null,
      errors: state.errors ?? null,
      otherErrors: otherErrors(state.errors ?? null),
      networkChannels: rows.filter((row) => row.kind !== 'cohort').map(view),
      cohortChannels: rows.filter((row) => row.kind === 'cohort').map(view),
    };
  }

  /** The new-channel form (`channel` null) or a channel's page with its form and archive button. */
  private formPage(lang: Language, channel: ChannelForEdit | null, values: Values, errors: FieldMessages | null, state: { notice?: string | null; refusal?: string }) {
    return {
      title: channel ? channel.displayName : translate(lang, 'forumAdmin.new'),
      notice: state.notice ?? null,
      refusal: state.refusal ?? null,
      errors,
      otherErrors: otherErrors(errors),
      channel: channel && {
        id: channel.id,
        name: channel.displayName,
        kindLabel: translate(lang, `forumAdmin.kind.${channel.kind}`),
        isCohort: channel.kind === 'cohort',
        archived: !!channel.archivedAt,
        archivedAt: channel.archivedAt,
        threadCount: channel.threadCount,
        mayArchive: channel.mayArchive,
      },
      editable: !channel || channel.editable,
      action: channel ? `/admin/channels/${channel.id}` : '/admin/channels',
      form: channelForm(values, errors, lang),
    };
  }
}
