// The discussion pages, for signed-in people: the channel list, a channel's threads, starting a
// thread, a thread's pages with the reply form, editing and deleting one's own posts, channel and
// thread subscriptions (posts are searched by the one search, search/search.controller.ts). The
// rules (who reads and writes where, the edit window, locked threads, archived channels) are ForumsService's: a refused form shows its page again with the
// service's reason, 400 with each message next to its field and the text kept, 409 for a locked
// thread, an archived channel or a passed edit window, 403 where the person may not write.
//
// A thread page's forms carry the page they were sent from (`cursor`), so that after a change the
// reader is back where they were, and the reply form the place after the last post shown (`after`),
// so that the new post is on the page the reply leads to however long the thread is.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors, NotAllowed, Refused, TooLarge } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { FormRoundTrip, formRoundTrip } from '../web/form-round-trip';
import { fieldChecks, fieldText, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { ForumSubscriptions } from './forum-subscriptions.service';
import { ButtonFormDto, ChannelSubscriptionFormDto, PostEditFormDto, removalsOf, ReplyFormDto, ThreadFormDto, ThreadSubscriptionFormDto } from './forums-web.dto';
import { checkedBody, checkedTitle, ForumsService } from './forums.service';
import {
  addressedPage,
  ChannelPageState,
  channelPageModel,
  channelsPage,
  cursorOf,
  editPage,
  postStart,
  refusalText,
  refusedForm,
  threadFormPage,
  threadHref,
  threadNotice,
  threadPageModel,
  ThreadPageServices,
  ThreadPageState,
} from './forums.view';
import { ModerationService } from './moderation.service';
import { AttachmentChanges } from './post-attachments.service';
import { answeredCutOff, formFiles } from '../web/multipart';

/** A post form's files, streamed into the post's transaction as they arrive: those of a multipart form, none of a urlencoded one. */
const formUploads = (request: FastifyRequest): AttachmentChanges => (request.uploads ? { uploads: formFiles(request, 'attachments') } : {});

/** A post form's round trip (web/form-round-trip.ts), with its files: a file past the size limit is told next to the file input. */
async function postFormRoundTrip(request: FastifyRequest, round: FormRoundTrip) {
  try {
    return await formRoundTrip({ ...round, fileField: 'attachments' });
  } catch (error) {
    if (answeredCutOff(request, round.reply, 'a post with attachments')) return round.reply;
    throw error;
  }
}

@ApiExcludeController()
@SignedIn()
@Controller()
export class ForumsController {
  constructor(
    private readonly forums: ForumsService,
    private readonly moderation: ModerationService,
    private readonly subscriptions: ForumSubscriptions,
  ) {}

  private get pages(): ThreadPageServices {
    return { forums: this.forums, moderation: this.moderation };
  }

  @Get('channels')
  async channels(@CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('forums/channels', channelsPage(await this.forums.channels(actor, lang), lang));
  }

  @Get('channels/:id')
  async channel(@Param('id') id: string, @Query('cursor') cursor: unknown, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = done === 'subscribed' ? translate(lang, 'forums.notice.subscribed') : null;
    return addressedPage(reply, lang, 'forums/channel', () => this.channelPage(actor, id, lang, { cursor: cursorOf(cursor), notice }));
  }

  @Post('channels/:id/subscription')
  async channelSubscription(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ChannelSubscriptionFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.subscriptions.setLevel(actor, { channelId: id }, form.value!.level);
        return `/channels/${id}?done=subscribed`;
      },
      view: 'forums/channel',
      page: (state) => this.channelPage(actor, id, lang, { subscriptionError: refusalText(state) }),
    });
  }

  @Get('channels/:id/threads/new')
  async newThread(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const channel = await this.forums.channelToStartThreadIn(actor, id, lang);
    return reply.view('forums/thread-form', threadFormPage(channel, lang, { language: 'auto' }, null, null, this.forums.attachmentLimits));
  }

  @Post('channels/:id/threads')
  async startThread(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const form = await validateForm(ThreadFormDto, body);
    let errors = form.errors ?? fieldChecks([() => checkedTitle(form.value!.title), () => checkedBody(form.value!.body)]);
    const values = { title: fieldText(body, 'title'), body: fieldText(body, 'body'), language: fieldText(body, 'language'), sendNow: fieldText(body, 'sendNow') };
    const limits = this.forums.attachmentLimits;
    let status = HttpStatus.BAD_REQUEST;
    if (!errors) {
      const { title, body: postBody, language, sendNow } = form.value!;
      try {
        const { threadId } = await this.forums.startThread(actor, id, { title, body: postBody, language, sendNow: sendNow === 'yes' }, lang, formUploads(request));
        return reply.redirect(threadHref(threadId), 303);
      } catch (error) {
        if (answeredCutOff(request, reply, 'a new thread with attachments')) return reply;
        // A refusal the channel's page can say (archived: 409; announcements only, or an address not yet verified: 403): the form again, the text kept.
        if (error instanceof Refused || error instanceof NotAllowed) {
          const channel = await this.forums.channel(actor, id, lang);
          const reason = error instanceof Refused ? error.reason : error.message;
          const status = error instanceof Refused ? HttpStatus.CONFLICT : HttpStatus.FORBIDDEN;
          return reply.status(status).view('forums/thread-form', threadFormPage(channel, lang, values, null, translateMessage(lang, reason), limits));
        }
        // A file past the size limit: 413, the limit next to the file input.
        if (error instanceof TooLarge) {
          status = HttpStatus.PAYLOAD_TOO_LARGE;
          errors = { attachments: error.reason };
        } else if (error instanceof FieldErrors) errors = error.fields;
        else throw error;
      }
    }
    const channel = await this.forums.channel(actor, id, lang);
    return reply.status(status).view('forums/thread-form', threadFormPage(channel, lang, values, translateFields(errors, lang), null, limits));
  }

  @Get('threads/:id')
  async thread(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const state: ThreadPageState = {
      cursor: cursorOf(fieldText(query, 'cursor')),
      fromUnread: fieldText(query, 'from') === 'unread',
      replyTo: fieldText(query, 'replyTo') || null,
      notice: threadNotice(fieldText(query, 'done'), lang),
    };
    return addressedPage(reply, lang, 'forums/thread', () => threadPageModel(this.pages, actor, id, lang, state));
  }

  @Post('threads/:id/posts')
  async reply(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const form = await validateForm(ReplyFormDto, body);
    const values = { body: fieldText(body, 'body'), language: fieldText(body, 'language'), replyToId: fieldText(body, 'replyToId') };
    const cursor = cursorOf(fieldText(body, 'cursor'));
    return postFormRoundTrip(request, {
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const { body: postBody, language, replyToId, after } = form.value!;
        const { postId } = await this.forums.reply(actor, id, { body: postBody, language, replyToId }, lang, formUploads(request));
        return threadHref(id, { cursor: cursorOf(after), done: 'posted', anchor: `post-${postId}` });
      },
      view: 'forums/thread',
      // Refused as things stand (a thread locked meanwhile): the text kept for the writer to copy.
      page: async (state) =>
        state.refusal
          ? { ...(await threadPageModel(this.pages, actor, id, lang, { cursor, refusal: state.refusal, reply: { values, errors: null } })), keptText: values.body }
          : threadPageModel(this.pages, actor, id, lang, { cursor, reply: { values, errors: state.errors ?? null } }),
    });
  }

  @Post('threads/:id/subscription')
  async threadSubscription(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ThreadSubscriptionFormDto, body);
    const cursor = cursorOf(fieldText(body, 'cursor'));
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.subscriptions.setLevel(actor, { threadId: id }, form.value!.level);
        return threadHref(id, { cursor, done: 'subscribed' });
      },
      view: 'forums/thread',
      page: (state) => threadPageModel(this.pages, actor, id, lang, { cursor, subscriptionError: refusalText(state) }),
    });
  }

  @Get('posts/:id/edit')
  async editForm(@Param('id') id: string, @Query('cursor') cursor: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const post = await this.forums.postForEdit(actor, id);
    const page = editPage(post, lang, { body: post.body, language: post.language, cursor: cursorOf(cursor) ?? '' }, null, null, this.forums.attachmentLimits);
    if (post.closedReason) return reply.status(HttpStatus.CONFLICT).view('forums/post-edit', { ...page, refusal: translateMessage(lang, post.closedReason) });
    return reply.view('forums/post-edit', page);
  }

  @Post('posts/:id/edit')
  async edit(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { remove, fields } = removalsOf(body);
    const form = await validateForm(PostEditFormDto, fields);
    const values = { body: fieldText(body, 'body'), language: fieldText(body, 'language'), cursor: fieldText(body, 'cursor') };
    return postFormRoundTrip(request, {
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const { threadId } = await this.forums.editPost(actor, id, { body: form.value!.body, language: form.value!.language }, { remove, ...formUploads(request) });
        return threadHref(threadId, { cursor: cursorOf(values.cursor), done: 'edited', anchor: `post-${id}` });
      },
      view: 'forums/post-edit',
      page: async (state) => editPage(await this.forums.postForEdit(actor, id), lang, values, state.errors ?? null, state.refusal ?? null, this.forums.attachmentLimits, remove),
    });
  }

  @Post('posts/:id/delete')
  async delete(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { confirmed, fields } = confirmedForm(body);
    const form = await validateForm(ButtonFormDto, fields);
    if (form.errors) return refusedForm(reply, lang, form.errors);
    if (!confirmed) {
      const post = await this.forums.postForEdit(actor, id);
      return confirmationPage(reply, {
        question: translate(lang, 'forums.post.delete.confirm.question'),
        consequence: translate(lang, 'forums.post.delete.confirm.consequence', { start: postStart(post.body) }),
        yes: translate(lang, 'forums.post.delete.confirm.yes'),
        action: `/posts/${id}/delete`,
        backHref: threadHref(post.threadId, { cursor: cursorOf(form.value.cursor), anchor: `post-${id}` }),
        fields,
      });
    }
    const { threadId } = await this.forums.deletePost(actor, id);
    return reply.redirect(threadHref(threadId, { cursor: cursorOf(form.value.cursor), done: 'deleted', anchor: `post-${id}` }), 303);
  }

  private async channelPage(actor: Actor, id: string, lang: Language, state: ChannelPageState) {
    const threads = await this.forums.threads(actor, id, lang, state.cursor);
    const level = await this.subscriptions.level(actor, { channelId: id });
    return channelPageModel(id, threads, level, lang, state);
  }
}
