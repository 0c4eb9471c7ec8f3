// The discussion pages, for signed-in people: the channel list, a channel's threads, starting a
// thread, a thread's pages with the reply form, editing and deleting one's own posts, channel and
// thread subscriptions, and search. The rules (who reads and writes where, the edit window, locked
// threads, archived channels) are ForumsService's: a refused form shows its page again with the
// service's reason, 400 with each message next to its field and the text kept, 409 for a locked
// thread, an archived channel or a passed edit window, 403 where the person may not write.
//
// A thread page's forms carry the page they were sent from (`cursor`), so that after a change the
// reader is back where they were, and the reply form the place after the last post shown (`after`),
// so that the new post is on the page the reply leads to however long the thread is.
import { Body, Controller, ForbiddenException, Get, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { CONFIG, Config } from '../config/config';
import { encodeCursor } from '../database/cursor';
import { FieldErrors, isUuid, Refused, withValues } from '../errors/domain-errors';
import { Language, LANGUAGES, translate } from '../i18n/i18n';
import { markdownAsText } from '../views/markdown';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { fieldChecks, FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { authorName } from './author-name';
import { ForumSearchService } from './forum-search.service';
import { SUBSCRIPTION_LEVELS, SubscriptionLevel } from './forum-subscription.entity';
import { ForumSubscriptions } from './forum-subscriptions.service';
import { ChannelSummary, checkedBody, checkedTitle, ForumsService, mayAnnounce, PostView, ThreadSummary } from './forums.service';
import { ModerationService, THREAD_SWITCH_NAMES } from './moderation.service';

/** "auto" lets the service tell the language from the text. */
export const POST_LANGUAGES = ['auto', ...LANGUAGES] as const;
/** "New threads only" is a channel's level; a thread has no new threads. */
export const THREAD_LEVELS = ['every_post', 'daily_digest', 'off'] as const satisfies readonly SubscriptionLevel[];

/** What every post form carries: the body and its language. */
class PostFormFields {
  @IsString({ message: 'forum.body.required' })
  body: string;

  @IsOptional()
  @IsIn(POST_LANGUAGES, { message: 'forum.language.unknown' })
  language?: string;
}

export class ThreadFormDto extends PostFormFields {
  @IsString({ message: 'forum.title.required' })
  title: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'forums.sendNow.yes' })
  sendNow?: string;
}

export class PostEditFormDto extends PostFormFields {
  /** The page the form was on, shown again if the post is refused. */
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class ReplyFormDto extends PostEditFormDto {
  @IsOptional()
  @IsString({ message: 'forum.replyTo.unknown' })
  replyToId?: string;

  /** Where the page the reply leads to starts: at the last post the writer saw. */
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  after?: string;
}

/** A form without fields of its own (a delete or moderation button): the page it was on. */
export class ButtonFormDto {
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class ChannelSubscriptionFormDto {
  @IsIn(SUBSCRIPTION_LEVELS, { message: 'forums.subscription.level.unknown' })
  level: SubscriptionLevel;
}

export class ThreadSubscriptionFormDto {
  @IsIn(THREAD_LEVELS, { message: 'forums.subscription.level.unknown' })
  level: SubscriptionLevel;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

type Values = Record<string, string>;

export function text(source: unknown, field: string): string {
  const value = (source && typeof source === 'object' ? (source as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

/** A thread's address with its page and notice: `/threads/<id>?cursor=…&done=…#post-…`. */
export function threadHref(threadId: string, options: { cursor?: string | null; done?: string; fromUnread?: boolean; replyTo?: string; anchor?: string } = {}): string {
  const query = new URLSearchParams();
  if (options.cursor) query.set('cursor', options.cursor);
  if (options.fromUnread) query.set('from', 'unread');
  if (options.replyTo) query.set('replyTo', options.replyTo);
  if (options.done) query.set('done', options.done);
  const search = query.toString();
  return `/threads/${threadId}${search ? `?${search}` : ''}${options.anchor ? `#${options.anchor}` : ''}`;
}

/** The first words of a post as plain text, to name it on the confirmation page. */
const postStart = (body: string): string => {
  const text = markdownAsText(body).replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/** A page's cursor as a form sends it back: a blank one is the first page. */
/** A page cursor from a hidden form field or the address, copied into a redirect only if it has a cursor's shape (checked in full when read). */
export const cursorOf = (value: unknown): string | undefined => (typeof value === 'string' && /^[A-Za-z0-9_-]{1,512}$/.test(value) ? value : undefined);

/** The 400 page for a form the page it came from cannot show again (a field no form has): what was wrong, nothing changed. */
export function refusedForm(reply: FastifyReply, lang: Language, errors: FieldMessages) {
  const messages = Object.values(translateFields(pageMessages(errors), lang));
  return reply.status(HttpStatus.BAD_REQUEST).view('errors/error', { title: translate(lang, 'error.generic.title'), message: messages.join(' '), status: 400 });
}

/** A page's messages: a page address that is not one we made says so in the page's words rather than the API's. */
const pageMessages = (errors: FieldMessages): FieldMessages =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message === 'api.cursor.invalid' ? 'forums.cursor.invalid' : message]));

/** Messages for fields a page has no place for, to show in its summary. */
const otherErrors = (errors: FieldMessages | null, shown: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !shown.includes(field)).map(([, message]) => message) : [];

export const languageOptions = (lang: Language, selected: string) =>
  POST_LANGUAGES.map((code) => ({ value: code, label: translate(lang, `forums.language.${code}`), selected: code === (selected || 'auto') }));

const levelOptions = (lang: Language, levels: readonly SubscriptionLevel[], current: string) =>
  levels.map((level) => ({ value: level, label: translate(lang, `forums.subscription.${level}`), selected: level === current }));

/** "3 vastausta", "1 vastaus": the key's .one or .other form. */
const counted = (lang: Language, key: string, count: number) => translate(lang, `${key}.${count === 1 ? 'one' : 'other'}`, { count });

/** The lang attribute of a text written in another language than the page's. */
const langAttr = (language: string, lang: Language) => (language !== lang ? language : null);

function channelItem(channel: ChannelSummary, lang: Language) {
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    href: `/channels/${channel.id}`,
    archived: channel.archived,
    announcements: channel.kind === 'announcements',
    // Whoever reads a round's forum may see who is in the round.
    participantsHref: channel.cohortId ? `/cohorts/${channel.cohortId}/participants` : null,
    threadCount: counted(lang, 'forums.threads.count', channel.threadCount),
    unread: channel.unreadThreads > 0 ? counted(lang, 'forums.threads.unread', channel.unreadThreads) : null,
    lastActivityAt: channel.lastActivityAt,
    lastActivityIso: channel.lastActivityAt?.toISOString() ?? null,
  };
}

function threadItem(thread: ThreadSummary, lang: Language) {
  return {
    ...thread,
    href: `/threads/${thread.id}`,
    lastPostIso: thread.lastPostAt.toISOString(),
    unreadHref: thread.unread ? threadHref(thread.id, { fromUnread: true }) : null,
    replies: counted(lang, 'forums.replies', thread.replyCount),
    authorName: authorName(thread.authorName, lang),
  };
}

/** What the thread page shows of a form that was refused, or a change just made. */
export interface ThreadPageState {
  cursor?: string;
  fromUnread?: boolean;
  replyTo?: string | null;
  notice?: string | null;
  refusal?: string | null;
  reply?: { values: Values; errors: FieldMessages | null };
  hide?: { postId: string; reason: string; error: string | null };
  move?: { channelId: string; reason: string; errors: FieldMessages | null };
  subscriptionError?: string | null;
}

/** What `?done=` may say on a thread page after a change. */
export const THREAD_NOTICES = ['posted', 'edited', 'deleted', 'subscribed', 'hidden', 'unhidden', 'moved', ...THREAD_SWITCH_NAMES] as const;

export interface ThreadPageServices {
  forums: ForumsService;
  moderation: ModerationService;
}

/** The thread page's view model: a page of posts with what the reader may do with each, and the reply, subscription and moderation forms. */
export async function threadPageModel(services: ThreadPageServices, actor: Actor, threadId: string, lang: Language, state: ThreadPageState = {}) {
  // The page shown again for a refused form changes nothing, not even how far the reader has read.
  const refusedForm = Boolean(state.refusal || state.reply || state.move || state.hide || state.subscriptionError);
  const page = await services.forums.threadPage(actor, threadId, lang, { cursor: state.cursor, fromUnread: state.fromUnread, markRead: !refusedForm });
  const { thread, channel } = page;
  const moveTargets = channel.mayModerate ? await services.moderation.moveTargets(actor, threadId, lang) : [];
  const cursor = state.cursor ?? '';
  const replyValues = state.reply?.values ?? {};
  const replyErrors = state.reply?.errors ?? null;
  const replyToId = replyValues.replyToId ?? (isUuid(state.replyTo) ? state.replyTo : '');
  const replyingTo = replyToId ? page.posts.find((post) => post.id === replyToId) : undefined;
  const moveErrors = state.move?.errors ?? null;
  const errors = replyErrors || moveErrors || state.hide?.error || state.subscriptionError ? true : null;
  const last = page.posts[page.posts.length - 1];
  const post = (view: PostView) => ({
    id: view.id,
    anchor: `post-${view.id}`,
    authorName: authorName(view.authorName, lang),
    createdAt: view.createdAt,
    datetime: view.createdAt.toISOString(),
    editedAt: view.editedAt,
    deleted: view.deleted,
    hidden: view.hidden,
    hiddenReason: view.hiddenReason,
    bodyHtml: view.bodyHtml,
    lang: langAttr(view.language, lang),
    unread: view.unread,
    replyTo: view.replyTo && { href: `#post-${view.replyTo.id}`, authorName: authorName(view.replyTo.authorName, lang), excerpt: view.replyTo.excerpt },
    editHref: view.mayEdit ? `/posts/${view.id}/edit${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}` : null,
    mayDelete: view.mayDelete,
    replyHref: page.mayReply && !view.deleted && !view.hidden ? threadHref(thread.id, { cursor, replyTo: view.id, anchor: 'reply' }) : null,
    moderate: channel.mayModerate && !view.deleted,
    hideForm:
      channel.mayModerate && !view.deleted && !view.hidden
        ? {
            id: `hide-reason-${view.id}`,
            value: state.hide?.postId === view.id ? state.hide.reason : '',
            error: state.hide?.postId === view.id ? state.hide.error : null,
            open: state.hide?.postId === view.id,
          }
        : null,
  });
  return {
    title: thread.title,
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: [
      ...otherErrors(replyErrors, ['body', 'language']),
      ...otherErrors(moveErrors, ['channelId', 'reason']),
      ...(state.hide?.error && !page.posts.some((p) => p.id === state.hide!.postId) ? [state.hide.error] : []),
    ],
    thread: { ...thread, href: threadHref(thread.id) },
    channel: { id: channel.id, name: channel.name, href: `/channels/${channel.id}`, archived: channel.archived },
    posts: page.posts.map(post),
    cursor,
    firstPageHref: page.firstPage ? null : threadHref(thread.id),
    nextHref: page.nextCursor ? threadHref(thread.id, { cursor: page.nextCursor }) : null,
    gated: page.gated,
    closedReason: page.closedReason ? translateMessage(lang, page.closedReason) : null,
    replyForm: page.mayReply
      ? {
          action: `/threads/${thread.id}/posts`,
          body: { value: replyValues.body ?? '', error: replyErrors?.body ?? null },
          language: { options: languageOptions(lang, replyValues.language ?? 'auto'), error: replyErrors?.language ?? null },
          replyToId,
          replyingTo: replyToId ? { authorName: replyingTo ? authorName(replyingTo.authorName, lang) : null, href: `#post-${replyToId}` } : null,
          cancelReplyHref: replyToId ? threadHref(thread.id, { cursor, anchor: 'reply' }) : null,
          // A millisecond before the last post shown, so the page after the reply starts with it (the cursor is the service's (created_at, id) key).
          after: last ? encodeCursor([new Date(last.createdAt.getTime() - 1).toISOString(), last.id]) : cursor,
        }
      : null,
    subscription: {
      action: `/threads/${thread.id}/subscription`,
      options: levelOptions(lang, THREAD_LEVELS, page.subscriptionLevel),
      error: state.subscriptionError ?? null,
    },
    moderation: channel.mayModerate
      ? {
          switches: [thread.pinned ? 'unpin' : 'pin', thread.locked ? 'unlock' : 'lock', thread.postFirst ? 'post_first_off' : 'post_first_on'].map((action) => ({
            action: `/threads/${thread.id}/moderation/${action}`,
            label: translate(lang, `forums.moderation.${action}`),
          })),
          move: moveTargets.length
            ? {
                action: `/threads/${thread.id}/move`,
                options: [
                  { value: '', label: translate(lang, 'forums.move.choose'), selected: !state.move?.channelId },
                  ...moveTargets.map((target) => ({ value: target.id, label: target.name, selected: target.id === state.move?.channelId })),
                ],
                channelError: moveErrors?.channelId ?? null,
                reason: { value: state.move?.reason ?? '', error: moveErrors?.reason ?? null },
              }
            : null,
          logHref: `/threads/${thread.id}/moderation`,
        }
      : null,
  };
}

/** The thread page's `?done=` as its notice. */
export function threadNotice(done: unknown, lang: Language): string | null {
  const notice = THREAD_NOTICES.find((name) => name === done);
  return notice ? translate(lang, `forums.notice.${notice}`) : null;
}

@ApiExcludeController()
@SignedIn()
@Controller()
export class ForumsController {
  constructor(
    private readonly forums: ForumsService,
    private readonly moderation: ModerationService,
    private readonly subscriptions: ForumSubscriptions,
    private readonly search: ForumSearchService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private get pages(): ThreadPageServices {
    return { forums: this.forums, moderation: this.moderation };
  }

  @Get('channels')
  async channels(@CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const channels = (await this.forums.channels(actor, lang)).map((channel) => ({ kind: channel.kind, item: channelItem(channel, lang) }));
    return reply.view('forums/channels', {
      title: translate(lang, 'forums.title'),
      network: channels.filter((channel) => channel.kind !== 'cohort').map((channel) => channel.item),
      cohorts: channels.filter((channel) => channel.kind === 'cohort').map((channel) => channel.item),
    });
  }

  @Get('channels/:id')
  async channel(@Param('id') id: string, @Query('cursor') cursor: unknown, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    try {
      return reply.view('forums/channel', await this.channelPage(actor, id, lang, { cursor: cursorOf(cursor), notice: done === 'subscribed' ? translate(lang, 'forums.notice.subscribed') : null }));
    } catch (error) {
      if (error instanceof FieldErrors) return refusedForm(reply, lang, error.fields);
      throw error;
    }
  }

  @Post('channels/:id/subscription')
  async channelSubscription(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ChannelSubscriptionFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        await this.subscriptions.setLevel(actor, { channelId: id }, form.value.level);
        return reply.redirect(`/channels/${id}?done=subscribed`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const messages = translateFields(errors!, lang);
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/channel', await this.channelPage(actor, id, lang, { subscriptionError: Object.values(messages).join(' ') }));
  }

  @Get('channels/:id/threads/new')
  async newThread(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const channel = await this.forums.channel(actor, id, lang);
    // Refused up front rather than after the writing: the same reasons startThread gives.
    if (channel.archived) throw new Refused('forum.channel.archived');
    if (!channel.mayStartThread) throw new ForbiddenException('forum.channel.announcementsOnly');
    return reply.view('forums/thread-form', this.threadFormPage(channel, lang, { language: 'auto' }, null, null));
  }

  @Post('channels/:id/threads')
  async startThread(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ThreadFormDto, body);
    let errors = form.errors ?? fieldChecks([() => checkedTitle(form.value!.title), () => checkedBody(form.value!.body)]);
    const values: Values = { title: text(body, 'title'), body: text(body, 'body'), language: text(body, 'language'), sendNow: text(body, 'sendNow') };
    if (!errors) {
      const { title, body: postBody, language, sendNow } = form.value!;
      try {
        const { threadId } = await this.forums.startThread(actor, id, { title, body: postBody, language, sendNow: sendNow === 'yes' }, lang);
        return reply.redirect(threadHref(threadId), 303);
      } catch (error) {
        // A refusal the channel's page can say (archived; announcements): the form again, the text kept.
        if (error instanceof Refused || error instanceof ForbiddenException) {
          const channel = await this.forums.channel(actor, id, lang);
          const reason = error instanceof Refused ? error.reason : error.message;
          const status = error instanceof Refused ? HttpStatus.CONFLICT : HttpStatus.FORBIDDEN;
          return reply.status(status).view('forums/thread-form', this.threadFormPage(channel, lang, values, null, translateMessage(lang, reason)));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const channel = await this.forums.channel(actor, id, lang);
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/thread-form', this.threadFormPage(channel, lang, values, translateFields(errors, lang), null));
  }

  @Get('threads/:id')
  async thread(
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentActor() actor: Actor,
    @Lang() lang: Language,
    @Res() reply: FastifyReply,
  ) {
    const state: ThreadPageState = {
      cursor: cursorOf(text(query, 'cursor')),
      fromUnread: text(query, 'from') === 'unread',
      replyTo: text(query, 'replyTo') || null,
      notice: threadNotice(text(query, 'done'), lang),
    };
    try {
      return reply.view('forums/thread', await threadPageModel(this.pages, actor, id, lang, state));
    } catch (error) {
      if (error instanceof FieldErrors) return refusedForm(reply, lang, error.fields);
      throw error;
    }
  }

  @Post('threads/:id/posts')
  async reply(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ReplyFormDto, body);
    const values: Values = { body: text(body, 'body'), language: text(body, 'language'), replyToId: text(body, 'replyToId') };
    const cursor = cursorOf(text(body, 'cursor'));
    let errors = form.errors;
    if (!errors) {
      const { body: postBody, language, replyToId, after } = form.value!;
      try {
        const { postId } = await this.forums.reply(actor, id, { body: postBody, language, replyToId }, lang);
        return reply.redirect(threadHref(id, { cursor: cursorOf(after), done: 'posted', anchor: `post-${postId}` }), 303);
      } catch (error) {
        if (error instanceof Refused) {
          const model = await threadPageModel(this.pages, actor, id, lang, { cursor, refusal: translateMessage(lang, error.reason), reply: { values, errors: null } });
          return reply.status(HttpStatus.CONFLICT).view('forums/thread', { ...model, keptText: values.body });
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const model = await threadPageModel(this.pages, actor, id, lang, { cursor, reply: { values, errors: translateFields(errors, lang) } });
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/thread', model);
  }

  @Post('threads/:id/subscription')
  async threadSubscription(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ThreadSubscriptionFormDto, body);
    const cursor = cursorOf(text(body, 'cursor'));
    let errors = form.errors;
    if (form.value) {
      try {
        await this.subscriptions.setLevel(actor, { threadId: id }, form.value.level);
        return reply.redirect(threadHref(id, { cursor, done: 'subscribed' }), 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const subscriptionError = Object.values(translateFields(errors!, lang)).join(' ');
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/thread', await threadPageModel(this.pages, actor, id, lang, { cursor, subscriptionError }));
  }

  @Get('posts/:id/edit')
  async editForm(@Param('id') id: string, @Query('cursor') cursor: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const post = await this.forums.postForEdit(actor, id);
    const page = this.editPage(post, lang, { body: post.body, language: post.language, cursor: cursorOf(cursor) ?? '' }, null, null);
    if (!post.mayEdit) return reply.status(HttpStatus.CONFLICT).view('forums/post-edit', { ...page, refusal: this.windowPassed(lang) });
    return reply.view('forums/post-edit', page);
  }

  @Post('posts/:id/edit')
  async edit(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(PostEditFormDto, body);
    const values: Values = { body: text(body, 'body'), language: text(body, 'language'), cursor: text(body, 'cursor') };
    let errors = form.errors;
    if (!errors) {
      try {
        const { threadId } = await this.forums.editPost(actor, id, { body: form.value!.body, language: form.value!.language });
        return reply.redirect(threadHref(threadId, { cursor: cursorOf(values.cursor), done: 'edited', anchor: `post-${id}` }), 303);
      } catch (error) {
        if (error instanceof Refused) {
          const post = await this.forums.postForEdit(actor, id);
          return reply.status(HttpStatus.CONFLICT).view('forums/post-edit', this.editPage(post, lang, values, null, translateMessage(lang, error.reason)));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const post = await this.forums.postForEdit(actor, id);
    return reply.status(HttpStatus.BAD_REQUEST).view('forums/post-edit', this.editPage(post, lang, values, translateFields(errors, lang), null));
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

  @Get('search')
  async searchPage(@Query() query: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
    const q = text(query, 'q');
    const model = { title: translate(lang, 'forums.search.title'), q, error: null as string | null, searched: false, results: [] as unknown[], nextHref: null as string | null };
    if (!('q' in raw)) return reply.view('forums/search', model);
    try {
      const hits = await this.search.search(actor, raw.q, lang, cursorOf(text(query, 'cursor')));
      model.searched = true;
      model.results = hits.items.map((hit) => ({
        // The post itself, on the page of its thread it is on.
        threadHref: threadHref(hit.threadId, { cursor: hit.pageCursor, anchor: `post-${hit.postId}` }),
        threadTitle: hit.threadTitle,
        channelHref: `/channels/${hit.channelId}`,
        channelName: hit.channelName,
        authorName: authorName(hit.authorName, lang),
        createdAt: hit.createdAt,
        datetime: hit.createdAt.toISOString(),
        snippetHtml: hit.snippetHtml,
        lang: langAttr(hit.language, lang),
      }));
      model.nextHref = hits.nextCursor ? `/search?${new URLSearchParams({ q, cursor: hits.nextCursor }).toString()}` : null;
      return reply.view('forums/search', model);
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      model.error = Object.values(translateFields(pageMessages(error.fields), lang)).join(' ');
      return reply.status(HttpStatus.BAD_REQUEST).view('forums/search', model);
    }
  }

  /** The channel page: its threads (pinned first, then by latest activity), a page at a time, and the reader's subscription. */
  private async channelPage(actor: Actor, id: string, lang: Language, state: { cursor?: string; notice?: string | null; subscriptionError?: string | null }) {
    const { channel, items, nextCursor } = await this.forums.threads(actor, id, lang, state.cursor);
    const level = await this.subscriptions.level(actor, { channelId: id });
    return {
      title: channel.name,
      notice: state.notice ?? null,
      errors: state.subscriptionError ? true : null,
      otherErrors: [],
      channel: channelItem(channel, lang),
      threads: items.map((thread) => threadItem(thread, lang)),
      nextHref: nextCursor ? `/channels/${id}?cursor=${encodeURIComponent(nextCursor)}` : null,
      firstPageHref: state.cursor ? `/channels/${id}` : null,
      newThreadHref: channel.mayStartThread ? `/channels/${id}/threads/new` : null,
      subscription: {
        action: `/channels/${id}/subscription`,
        options: levelOptions(lang, SUBSCRIPTION_LEVELS, level),
        error: state.subscriptionError ?? null,
      },
    };
  }

  private threadFormPage(channel: ChannelSummary, lang: Language, values: Values, errors: FieldMessages | null, refusal: string | null) {
    return {
      title: translate(lang, 'forums.thread.new'),
      channel: channelItem(channel, lang),
      errors,
      otherErrors: otherErrors(errors, ['title', 'body', 'language']),
      refusal,
      form: {
        action: `/channels/${channel.id}/threads`,
        title: { value: values.title ?? '', error: errors?.title ?? null },
        body: { value: values.body ?? '', error: errors?.body ?? null },
        language: { options: languageOptions(lang, values.language ?? 'auto'), error: errors?.language ?? null },
        sendNow: mayAnnounce(channel) ? { checked: values.sendNow === 'yes', error: errors?.sendNow ?? null } : null,
      },
    };
  }

  private editPage(post: { id: string; threadId: string }, lang: Language, values: Values, errors: FieldMessages | null, refusal: string | null) {
    return {
      title: translate(lang, 'forums.edit.title'),
      errors,
      otherErrors: otherErrors(errors, ['body', 'language']),
      refusal,
      threadHref: threadHref(post.threadId, { cursor: cursorOf(values.cursor), anchor: `post-${post.id}` }),
      form: {
        action: `/posts/${post.id}/edit`,
        cursor: values.cursor ?? '',
        body: { value: values.body ?? '', error: errors?.body ?? null },
        language: { options: languageOptions(lang, values.language ?? 'auto'), error: errors?.language ?? null },
      },
    };
  }

  private windowPassed(lang: Language): string {
    return translateMessage(lang, withValues('forum.edit.windowPassed', { minutes: this.config.forumEditWindowMinutes }));
  }
}
