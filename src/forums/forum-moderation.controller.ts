// The moderators' buttons on a thread page (facilitators in their cohorts' forums, admins
// everywhere): pin, lock, "post first", move a thread, hide a post with a reason and show it again,
// and the thread's moderation log (who, when, what, why). ModerationService decides who may; a
// refused form shows the thread page again, 400 with the message next to its field and the text
// kept, 409 with the reason.
import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors, Refused } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { authorName } from './author-name';
import { ButtonFormDto, cursorOf, refusedForm, text, threadHref, threadPageModel, ThreadPageServices } from './forums.controller';
import { ForumsService } from './forums.service';
import { ModerationService, THREAD_SWITCH_NAMES, ThreadSwitch } from './moderation.service';

export class MoveFormDto {
  @IsString({ message: 'forum.move.channelRequired' })
  channelId: string;

  @IsOptional()
  @IsString({ message: 'forum.hide.reasonRequired' })
  reason?: string;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

/** Hiding names the post's thread, whose page shows the form again if the reason is refused. */
export class HideFormDto {
  @IsString({ message: 'forum.hide.reasonRequired' })
  reason: string;

  @IsUUID('all', { message: 'forums.hide.threadUnknown' })
  threadId: string;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

/** The moderation log's words for each action. */
function entryDetails(entry: { action: string; details: Record<string, unknown> }, channelNames: Map<string, string>, lang: Language): string | null {
  if (entry.action !== 'move') return null;
  const name = (id: unknown) => (typeof id === 'string' && channelNames.get(id)) || translate(lang, 'forums.log.otherChannel');
  return translate(lang, 'forums.log.moved', { from: name(entry.details.from), to: name(entry.details.to) });
}

@ApiExcludeController()
@SignedIn()
@Controller()
export class ForumModerationController {
  constructor(
    private readonly forums: ForumsService,
    private readonly moderation: ModerationService,
  ) {}

  private get pages(): ThreadPageServices {
    return { forums: this.forums, moderation: this.moderation };
  }

  @Post('threads/:id/moderation/:action')
  async switchThread(@Param('id') id: string, @Param('action') action: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    if (!THREAD_SWITCH_NAMES.includes(action as ThreadSwitch)) throw new NotFoundException();
    const form = await validateForm(ButtonFormDto, body);
    if (form.errors) return refusedForm(reply, lang, form.errors);
    await this.moderation.switchThread(actor, id, action as ThreadSwitch);
    return reply.redirect(threadHref(id, { cursor: cursorOf(form.value.cursor), done: action }), 303);
  }

  @Post('threads/:id/move')
  async move(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(MoveFormDto, body);
    const values = { channelId: text(body, 'channelId'), reason: text(body, 'reason') };
    const cursor = cursorOf(text(body, 'cursor'));
    let errors = form.errors;
    if (!errors) {
      try {
        await this.moderation.moveThread(actor, id, form.value!.channelId, form.value!.reason);
        return reply.redirect(threadHref(id, { cursor, done: 'moved' }), 303);
      } catch (error) {
        if (error instanceof Refused) {
          const model = await threadPageModel(this.pages, actor, id, lang, { cursor, refusal: translateMessage(lang, error.reason), move: { ...values, errors: null } });
          return reply.status(HttpStatus.CONFLICT).view('forums/thread', model);
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const model = await threadPageModel(this.pages, actor, id, lang, { cursor, move: { ...values, errors: translateFields(errors, lang) } });
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/thread', model);
  }

  @Post('posts/:id/hide')
  async hide(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(HideFormDto, body);
    const cursor = cursorOf(text(body, 'cursor'));
    let errors = form.errors;
    if (!errors) {
      try {
        const { threadId } = await this.moderation.hidePost(actor, id, form.value!.reason);
        return reply.redirect(threadHref(threadId, { cursor, done: 'hidden', anchor: `post-${id}` }), 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    // Without a thread to show the form in again, the messages on a page of their own.
    const threadId = text(body, 'threadId');
    const unknownFields = Object.keys(errors).filter((field) => field !== 'reason');
    if (unknownFields.length) return refusedForm(reply, lang, errors);
    const message = translateFields(errors, lang).reason;
    const model = await threadPageModel(this.pages, actor, checkedId(threadId), lang, { cursor, hide: { postId: id, reason: text(body, 'reason'), error: message } });
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/thread', model);
  }

  @Post('posts/:id/unhide')
  async unhide(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ButtonFormDto, body);
    if (form.errors) return refusedForm(reply, lang, form.errors);
    const { threadId } = await this.moderation.unhidePost(actor, id);
    return reply.redirect(threadHref(threadId, { cursor: cursorOf(form.value.cursor), done: 'unhidden', anchor: `post-${id}` }), 303);
  }

  @Get('threads/:id/moderation')
  async log(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const [entries, channels] = await Promise.all([this.moderation.history(actor, id), this.forums.channels(actor, lang)]);
    const channelNames = new Map(channels.map((channel) => [channel.id, channel.name]));
    return reply.view('forums/moderation-log', {
      title: translate(lang, 'forums.log.title'),
      threadHref: threadHref(id),
      entries: entries.map((entry) => ({
        createdAt: entry.createdAt,
        datetime: entry.createdAt.toISOString(),
        actorName: authorName(entry.actorName, lang),
        action: translate(lang, `forums.log.action.${entry.action}`),
        reason: entry.reason,
        details: entryDetails(entry, channelNames, lang),
        postHref: entry.postId ? threadHref(id, { anchor: `post-${entry.postId}` }) : null,
      })),
    });
  }
}
