// The moderators' buttons on a thread page (facilitators in their cohorts' forums, admins
// everywhere): pin, lock, "post first", move a thread, hide a post with a reason and show it again,
// and the thread's moderation log (who, when, what, why). ModerationService decides who may; a
// refused form shows the thread page again, 400 with the message next to its field and the text
// kept, 409 with the reason.
import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { fieldText, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { ButtonFormDto, HideFormDto, MoveFormDto } from './forums-web.dto';
import { ForumsService } from './forums.service';
import { cursorOf, moderationLogPage, refusedForm, threadHref, threadPageModel, ThreadPageServices } from './forums.view';
import { ModerationService, THREAD_SWITCH_NAMES, ThreadSwitch } from './moderation.service';

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
    const values = { channelId: fieldText(body, 'channelId'), reason: fieldText(body, 'reason') };
    const cursor = cursorOf(fieldText(body, 'cursor'));
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.moderation.moveThread(actor, id, form.value!.channelId, form.value!.reason);
        return threadHref(id, { cursor, done: 'moved' });
      },
      view: 'forums/thread',
      page: (state) => threadPageModel(this.pages, actor, id, lang, { cursor, refusal: state.refusal, move: { ...values, errors: state.errors ?? null } }),
    });
  }

  @Post('posts/:id/hide')
  async hide(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(HideFormDto, body);
    const cursor = cursorOf(fieldText(body, 'cursor'));
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
    const threadId = fieldText(body, 'threadId');
    const unknownFields = Object.keys(errors).filter((field) => field !== 'reason');
    if (unknownFields.length) return refusedForm(reply, lang, errors);
    const message = translateFields(errors, lang).reason;
    const model = await threadPageModel(this.pages, actor, checkedId(threadId), lang, { cursor, hide: { postId: id, reason: fieldText(body, 'reason'), error: message } });
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
    return reply.view('forums/moderation-log', moderationLogPage(id, entries, channels, lang));
  }
}
