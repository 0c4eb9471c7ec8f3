// What the discussion pages show, built from what ForumsService and ModerationService answer:
// the channel list, a channel's threads, the thread page with its reply, subscription and
// moderation forms, the new-thread and edit forms and the moderation log; and the
// addresses that bring a reader back to the page of a thread they were on. No rule is decided
// here: what a reader may do with a post or a channel comes from the services' `may…` flags.
import { HttpStatus } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Actor } from '../access/capabilities';
import { FieldErrors, isUuid } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { keptFragment } from '../views/helpers/remember.helper';
import { markdownAsText } from '../views/markdown';
import { formatSize } from '../files/files.view';
import { encodeCursor } from '../web/api/cursor';
import { RefusedState } from '../web/form-round-trip';
import { FieldMessages, translateFields, translateMessage } from '../web/forms';
import { authorName } from './author-name';
import { SUBSCRIPTION_LEVELS, SubscriptionLevel } from './forum-subscription.entity';
import { POST_LANGUAGES, REMOVE_FIELD, THREAD_LEVELS } from './forums-web.dto';
import { ChannelSummary, ForumsService, ThreadPost, ThreadSummary } from './forums.service';
import { ModerationEntry, ModerationService, THREAD_SWITCH_NAMES } from './moderation.service';
import { AttachmentLimits, AttachmentView } from './post-attachments.service';

type Values = Record<string, string>;

/** A thread's address with its page and notice: `/threads/<id>?cursor=…&done=…#post-…`. */
export function threadHref(threadId: string, options: { cursor?: string | null; done?: string; fromUnread?: boolean; replyTo?: string; anchor?: string } = {}): string {
  // Built as a string: every post on a page has a reply link, and URLSearchParams cost more than the rest of a post's model.
  const query: string[] = [];
  if (options.cursor) query.push(`cursor=${encodeURIComponent(options.cursor)}`);
  if (options.fromUnread) query.push('from=unread');
  if (options.replyTo) query.push(`replyTo=${encodeURIComponent(options.replyTo)}`);
  if (options.done) query.push(`done=${encodeURIComponent(options.done)}`);
  return `/threads/${threadId}${query.length > 0 ? `?${query.join('&')}` : ''}${options.anchor ? `#${options.anchor}` : ''}`;
}

/** Each post's reply link on a page of a thread: threadHref(threadId, { cursor, replyTo, anchor: 'reply' }), its common part built once a page. */
export function replyHrefs(threadId: string, cursor: string | null): (postId: string) => string {
  const page = threadHref(threadId, { cursor });
  const next = page.includes('?') ? '&' : '?';
  return (postId) => `${page}${next}replyTo=${encodeURIComponent(postId)}#reply`;
}

/** The first words of a post as plain text, to name it on the confirmation page. */
export const postStart = (body: string): string => {
  const text = markdownAsText(body).replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/** A page cursor from a hidden form field or the address, copied into a redirect only if it has a cursor's shape (checked in full when read). */
export const cursorOf = (value: unknown): string | undefined => (typeof value === 'string' && /^[A-Za-z0-9_-]{1,512}$/.test(value) ? value : undefined);

/** The 400 page for a form the page it came from cannot show again (a field no form has): what was wrong, nothing changed. */
export function refusedForm(reply: FastifyReply, lang: Language, errors: FieldMessages) {
  const messages = Object.values(translateFields(pageMessages(errors), lang));
  return reply.status(HttpStatus.BAD_REQUEST).view('errors/error', { title: translate(lang, 'error.generic.title'), message: messages.join(' '), status: 400 });
}

/** A page read from its address: the page, or the 400 page when the service refuses the address (a cursor we did not make). */
export async function addressedPage(reply: FastifyReply, lang: Language, view: string, model: () => Promise<object>) {
  try {
    return reply.view(view, await model());
  } catch (error) {
    if (error instanceof FieldErrors) return refusedForm(reply, lang, error.fields);
    throw error;
  }
}

/** A page's messages: a page address that is not one we made says so in the page's words rather than the API's. */
const pageMessages = (errors: FieldMessages): FieldMessages =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message === 'api.cursor.invalid' ? 'forums.cursor.invalid' : message]));

/** A refused subscription form's messages (or reason) in one line, as its page shows them. */
export const refusalText = (state: RefusedState): string => state.refusal ?? Object.values(state.errors).join(' ');

/** Messages for fields a page has no place for, to show in its summary. */
const otherErrors = (errors: FieldMessages | null, shown: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !shown.includes(field)).map(([, message]) => message) : [];

const languageOptions = (lang: Language, selected: string) =>
  POST_LANGUAGES.map((code) => ({ value: code, label: translate(lang, `forums.language.${code}`), selected: code === (selected || 'auto') }));

const levelOptions = (lang: Language, levels: readonly SubscriptionLevel[], current: string) =>
  levels.map((level) => ({ value: level, label: translate(lang, `forums.subscription.${level}`), selected: level === current }));

/** "3 vastausta", "1 vastaus": the key's .one or .other form. */
const counted = (lang: Language, key: string, count: number) => translate(lang, `${key}.${count === 1 ? 'one' : 'other'}`, { count });

/** The lang attribute of a text written in another language than the page's. */
const langAttr = (language: string, lang: Language) => (language !== lang ? language : null);

/**
 * The key a post's block on the thread page is kept under ({{#remember}}, with the page language):
 * everything the block shows. Its text is named by its id and edit time, as an edit is the only
 * change to a post's text (ForumsService.editPost). None for a post with a form in it (delete,
 * hide, show again): forms carry the request's CSRF token.
 */
function postFragment(view: ThreadPost, replyHref: string | null, editHref: string | null): string | null {
  if (view.mayDelete || view.mayHide || view.mayUnhide) return null;
  const parts: unknown[] = [view.id, view.createdAt.getTime(), view.editedAt?.getTime(), view.bodyHtml?.length, view.deleted, view.hidden, view.hiddenReason, view.authorName, view.language, view.unread, replyHref, editHref];
  if (view.replyTo) parts.push(view.replyTo.id, view.replyTo.authorName, view.replyTo.excerpt);
  for (const file of view.attachments) parts.push(file.id, file.name, file.size, file.thumbnail);
  // Each part with its length, so no two different posts' parts run together into one key.
  let key = '';
  for (const part of parts) {
    const text = part === null || part === undefined ? '' : String(part);
    key += `${text.length}:${text};`;
  }
  return key;
}

/** A post's files as its page shows them: images as thumbnails linking to the file, others as links with their size. */
export const attachmentItems = (attachments: AttachmentView[], lang: Language) =>
  attachments.map((file) => ({
    id: file.id,
    href: `/files/${file.id}`,
    thumbnail: file.thumbnail ? `/files/${file.id}/thumbnail` : null,
    name: file.name,
    size: formatSize(file.size, lang),
  }));

/** The file input of a post's form (multipart, after its text fields): its hint names the limits. */
const attachmentsInput = (lang: Language, limits: AttachmentLimits, error: string | null, label = 'forums.attachments.label') => ({
  label: translate(lang, label),
  hint: translate(lang, 'forums.attachments.hint', { max: limits.files, megabytes: limits.megabytes }),
  error,
});

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

/** The channel list: the network's channels, then the reader's rounds' forums. */
export function channelsPage(channels: ChannelSummary[], lang: Language) {
  const items = channels.map((channel) => ({ kind: channel.kind, item: channelItem(channel, lang) }));
  return {
    title: translate(lang, 'forums.title'),
    network: items.filter((channel) => channel.kind !== 'cohort').map((channel) => channel.item),
    cohorts: items.filter((channel) => channel.kind === 'cohort').map((channel) => channel.item),
  };
}

/** What the channel page shows of a change just made, or a refused subscription form. */
export interface ChannelPageState {
  cursor?: string;
  notice?: string | null;
  subscriptionError?: string | null;
}

/** The channel page: its threads (pinned first, then by latest activity), a page at a time, and the reader's subscription. */
export function channelPageModel(
  id: string,
  { channel, items, nextCursor }: { channel: ChannelSummary; items: ThreadSummary[]; nextCursor: string | null },
  level: SubscriptionLevel,
  lang: Language,
  state: ChannelPageState,
) {
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

/** The new-thread form, with what was typed and what was wrong with it. */
export function threadFormPage(channel: ChannelSummary, lang: Language, values: Values, errors: FieldMessages | null, refusal: string | null, limits: AttachmentLimits) {
  return {
    title: translate(lang, 'forums.thread.new'),
    channel: channelItem(channel, lang),
    errors,
    otherErrors: otherErrors(errors, ['title', 'body', 'language', 'attachments']),
    refusal,
    form: {
      action: `/channels/${channel.id}/threads`,
      title: { value: values.title ?? '', error: errors?.title ?? null },
      body: { value: values.body ?? '', error: errors?.body ?? null },
      language: { options: languageOptions(lang, values.language ?? 'auto'), error: errors?.language ?? null },
      sendNow: channel.mayAnnounce ? { checked: values.sendNow === 'yes', error: errors?.sendNow ?? null } : null,
      attachments: attachmentsInput(lang, limits, errors?.attachments ?? null),
    },
  };
}

/**
 * A post's edit form, with what was typed and what was wrong with it: its files each with a
 * "remove" checkbox (`remove-<file id>`, as kept from a refused form in `removing`), and an input
 * for more.
 */
export function editPage(
  post: { id: string; threadId: string; attachments: AttachmentView[] },
  lang: Language,
  values: Values,
  errors: FieldMessages | null,
  refusal: string | null,
  limits: AttachmentLimits,
  removing: string[] = [],
) {
  return {
    title: translate(lang, 'forums.edit.title'),
    errors,
    otherErrors: otherErrors(errors, ['body', 'language', 'attachments']),
    refusal,
    threadHref: threadHref(post.threadId, { cursor: cursorOf(values.cursor), anchor: `post-${post.id}` }),
    form: {
      action: `/posts/${post.id}/edit`,
      cursor: values.cursor ?? '',
      body: { value: values.body ?? '', error: errors?.body ?? null },
      language: { options: languageOptions(lang, values.language ?? 'auto'), error: errors?.language ?? null },
      current: attachmentItems(post.attachments, lang).map((file) => ({ ...file, removeName: `${REMOVE_FIELD}${file.id}`, removing: removing.includes(file.id) })),
      attachments: attachmentsInput(lang, limits, errors?.attachments ?? null, post.attachments.length ? 'forums.attachments.addMore' : 'forums.attachments.label'),
    },
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
const THREAD_NOTICES = ['posted', 'edited', 'deleted', 'subscribed', 'hidden', 'unhidden', 'moved', ...THREAD_SWITCH_NAMES] as const;

/** The thread page's `?done=` as its notice. */
export function threadNotice(done: unknown, lang: Language): string | null {
  const notice = THREAD_NOTICES.find((name) => name === done);
  return notice ? translate(lang, `forums.notice.${notice}`) : null;
}

export interface ThreadPageServices {
  forums: ForumsService;
  moderation: ModerationService;
}

/**
 * The thread page's view model: a page of posts with what the reader may do with each, and the
 * reply, subscription and moderation forms. It reads the page itself, since whether the visit
 * moves the read position depends on the state the page is shown in.
 */
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
  const replyHrefOf = replyHrefs(thread.id, cursor);
  const post = (view: ThreadPost) => {
    const replyHref = view.mayReplyTo ? replyHrefOf(view.id) : null;
    const editHref = view.mayEdit ? `/posts/${view.id}/edit${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}` : null;
    const fragment = postFragment(view, replyHref, editHref);
    // Rendered for an earlier page: the block needs no model.
    const kept = fragment === null ? undefined : keptFragment(lang, fragment);
    if (kept !== undefined) return { fragment, kept };
    return {
      fragment,
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
      attachments: attachmentItems(view.attachments, lang),
      replyTo: view.replyTo && { href: `#post-${view.replyTo.id}`, authorName: authorName(view.replyTo.authorName, lang), excerpt: view.replyTo.excerpt },
      editHref,
      mayDelete: view.mayDelete,
      replyHref,
      moderate: view.mayHide || view.mayUnhide,
      hideForm: view.mayHide
        ? {
            id: `hide-reason-${view.id}`,
            value: state.hide?.postId === view.id ? state.hide.reason : '',
            error: state.hide?.postId === view.id ? state.hide.error : null,
            open: state.hide?.postId === view.id,
          }
        : null,
    };
  };
  return {
    title: thread.title,
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: [
      ...otherErrors(replyErrors, ['body', 'language', 'attachments']),
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
          attachments: attachmentsInput(lang, services.forums.attachmentLimits, replyErrors?.attachments ?? null),
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

/** The moderation log's words for each action. */
function entryDetails(entry: ModerationEntry, channelNames: Map<string, string>, lang: Language): string | null {
  if (entry.action !== 'move') return null;
  const name = (id: unknown) => (typeof id === 'string' && channelNames.get(id)) || translate(lang, 'forums.log.otherChannel');
  return translate(lang, 'forums.log.moved', { from: name(entry.details.from), to: name(entry.details.to) });
}

/** A thread's moderation log, newest first; a move names the channels the reader knows. */
export function moderationLogPage(threadId: string, entries: ModerationEntry[], channels: ChannelSummary[], lang: Language) {
  const channelNames = new Map(channels.map((channel) => [channel.id, channel.name]));
  return {
    title: translate(lang, 'forums.log.title'),
    threadHref: threadHref(threadId),
    entries: entries.map((entry) => ({
      createdAt: entry.createdAt,
      datetime: entry.createdAt.toISOString(),
      actorName: authorName(entry.actorName, lang),
      action: translate(lang, `forums.log.action.${entry.action}`),
      reason: entry.reason,
      details: entryDetails(entry, channelNames, lang),
      postHref: entry.postId ? threadHref(threadId, { anchor: `post-${entry.postId}` }) : null,
    })),
  };
}
