// The admin pages for the discussion channels (site admins only): the list of every channel with
// its order buttons and archive state, the form that creates a network channel, and a channel's
// page, which edits its texts and archives it or brings it back. The rules are
// ChannelsAdminService's: a refused form shows its page again, 400, with each message next to its
// input and the input kept; what cannot be done to a channel (archiving the announcements channel,
// renaming or moving a round's) shows the reason, 409.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { formRoundTrip, RefusedState } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { channelFormPage, channelListPage, valuesOfBody, valuesOfChannel } from './admin-channels.view';
import { ChannelInput, ChannelsAdminService, MoveDirection } from './channels-admin.service';
import { ChannelFormDto } from './forums-web.dto';

const inputOf = (form: ChannelFormDto): ChannelInput => ({
  name: { fi: form.nameFi, sv: form.nameSv, en: form.nameEn },
  description: { fi: form.descriptionFi ?? '', sv: form.descriptionSv, en: form.descriptionEn },
});

const CHANNEL_NOTICES = ['created', 'saved'] as const;
const LIST_NOTICES = ['archived', 'unarchived', 'moved'] as const;

/** The fields a form without inputs (archive, move) may carry: only its CSRF token. */
const unknownFields = (body: unknown) => Object.keys(body && typeof body === 'object' ? body : {}).filter((field) => field !== '_csrf');

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
    return reply.view('admin/channels/form', channelFormPage(lang, null, {}, null, {}));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ChannelFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => `/admin/channels/${await this.channels.create(actorId, inputOf(form.value!))}?done=created`,
      view: 'admin/channels/form',
      page: (state) => channelFormPage(lang, null, valuesOfBody(body), state.errors ?? null, { refusal: state.refusal }),
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const channel = await this.channels.findForEdit(id, lang);
    const notice = CHANNEL_NOTICES.find((name) => name === done);
    return reply.view('admin/channels/form', channelFormPage(lang, channel, valuesOfChannel(channel), null, { notice: notice ? translate(lang, `forumAdmin.notice.${notice}`) : null }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const form = await validateForm(ChannelFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.channels.update(actorId, id, inputOf(form.value!));
        return `/admin/channels/${id}?done=saved`;
      },
      view: 'admin/channels/form',
      // Refused as things stand (a round's channel): the channel as it is, with the reason.
      page: async (state) => {
        const channel = await this.channels.findForEdit(id, lang);
        if (state.refusal) return channelFormPage(lang, channel, valuesOfChannel(channel), null, { refusal: state.refusal });
        return channelFormPage(lang, channel, valuesOfBody(body), state.errors ?? null, {});
      },
    });
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
    return formRoundTrip({
      reply,
      lang,
      errors: unknown.length ? Object.fromEntries(unknown.map((field) => [field, 'form.unknownField'])) : null,
      change: async () => ((await work()) ? `/admin/channels?done=${notice}#channel-${id}` : `/admin/channels#channel-${id}`),
      view: 'admin/channels/list',
      page: (state) => this.listPage(lang, state),
    });
  }

  private async listPage(lang: Language, state: { notice?: string | null } | RefusedState) {
    return channelListPage(await this.channels.list(lang), lang, state);
  }
}
