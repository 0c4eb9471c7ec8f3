// The discussion channels' rules: who reads and writes where (forum-access.ts), starting threads,
// replying, editing within the edit window, deleting one's own posts, reading a thread 50 posts a
// page (keyset, so no gaps or repeats while people post), and the read position that makes
// "unread" right on every device. Web pages and the JSON API both call these methods.
//
// Refusals: FieldErrors (400) for what was typed (empty or too long title or body, a reply to a
// post not in the thread), NotAllowed (403) for a forum the person may not post in or a
// post not theirs, Refused (409) for a locked thread, an archived channel or an edit after the
// window. Each check happens inside the write's transaction, against rows it has locked, so nothing
// is half-saved and a thread locked meanwhile is not posted in.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { CONFIG, Config } from '../config/config';
import { preparedQuery } from '../database/prepared';
import { checkedId, FieldErrors, isUuid, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { isLanguage, Language, localized, LocalizedText } from '../i18n/i18n';
import { markdownAsText, markdownOutsideCode, MentionedPerson, renderPost } from '../views/markdown';
import { ChannelKind } from './forum-channel.entity';
import { ChannelRights, isAdmin, mayModerateSql, mayReadSql, mayStartThreadSql } from './forum-access';
import { ForumNotifications, mentionedNames } from './forum.notifications';
import { AttachmentChanges, AttachmentLimits, AttachmentView, PostAttachments, postAttachmentsSql } from './post-attachments.service';
import { levelShown, SubscriptionLevels, threadLevelsSql } from './forum-subscriptions.service';
import { SubscriptionLevel } from './forum-subscription.entity';
import { detectLanguage } from './language-detection';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { cohortNameIn } from '../i18n/cohort-name';
import { decodeCursor, encodeCursor, Page } from '../web/api/cursor';

export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 20_000;
export const POSTS_PER_PAGE = 50;
export const THREADS_PER_PAGE = 30;

/** What a person writes: the post's language is chosen, or detected from the text ("auto" or none). */
export interface PostInput {
  body: unknown;
  language?: unknown;
}

export interface ThreadInput extends PostInput {
  title: unknown;
  /** Facilitators' and admins' announcements may go out at once instead of after the edit window. */
  sendNow?: boolean;
}

export interface ReplyInput extends PostInput {
  replyToId?: unknown;
}

export interface ChannelSummary extends ChannelRights {
  id: string;
  kind: ChannelKind;
  cohortId: string | null;
  name: string;
  description: string;
  archived: boolean;
  threadCount: number;
  unreadThreads: number;
  lastActivityAt: Date | null;
  /** The person's new threads may be mailed at once rather than after the edit window: announcements by facilitators and admins, and any moderator's thread. */
  mayAnnounce: boolean;
}

export interface ThreadSummary {
  id: string;
  channelId: string;
  title: string;
  authorName: string | null;
  pinned: boolean;
  locked: boolean;
  postFirst: boolean;
  replyCount: number;
  lastPostAt: Date;
  createdAt: Date;
  unread: boolean;
}

export interface PostView {
  id: string;
  authorId: string | null;
  authorName: string | null;
  /** Sanitised HTML; null when the post is deleted or hidden (the page says which). */
  bodyHtml: string | null;
  language: Language;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  replyTo: { id: string; authorName: string | null; excerpt: string | null } | null;
  /** The reader's own post, still in its edit window. */
  mayEdit: boolean;
  mayDelete: boolean;
  unread: boolean;
  /** Its files, in their order; none shown for a deleted or hidden post. */
  attachments: AttachmentView[];
}

/** A post on its thread's page, with what the reader may do with it there. */
export interface ThreadPost extends PostView {
  /** A live post in a thread the reader may reply in. */
  mayReplyTo: boolean;
  /** A moderator's: the live post may be hidden, or the hidden one shown again. */
  mayHide: boolean;
  mayUnhide: boolean;
}

export interface ThreadPage {
  thread: ThreadSummary;
  channel: ChannelSummary;
  posts: ThreadPost[];
  /** Cursor of the next page, null on the last. */
  nextCursor: string | null;
  /** A reflection thread whose other replies the reader sees once they have posted. */
  gated: boolean;
  mayReply: boolean;
  /** Why replying is closed, as a message key (locked thread, archived channel). */
  closedReason: string | null;
  firstPage: boolean;
  /** The reader's subscription level for the thread, as its page shows it (read with the thread). */
  subscriptionLevel: SubscriptionLevel;
}

/** A thread with posts the person has not read, as their home page lists it. */
export interface UnreadThread {
  id: string;
  title: string;
  lastPostAt: Date;
  channelId: string;
  /** The channel's name, or "Programme: round" for a round's own channel. */
  channelName: string;
}

/** A channel row with its round's name and programme title, as the forum and admin pages read it. */
export interface ChannelColumns {
  id: string;
  kind: ChannelKind;
  cohort_id: string | null;
  name: LocalizedText;
  description: LocalizedText;
  archived_at: Date | null;
  cohort_name: string | null;
  programme_title: LocalizedText | null;
}

interface ChannelRow extends ChannelColumns {
  may_read: boolean;
  may_moderate: boolean;
  may_start_thread: boolean;
  thread_count?: string;
  unread_threads?: string;
  last_activity_at?: Date | null;
}

interface ThreadRow {
  id: string;
  last_post_key?: string;
  channel_id: string;
  title: string;
  author_name: string | null;
  pinned: boolean;
  locked: boolean;
  post_first: boolean;
  reply_count: number;
  last_post_at: Date;
  created_at: Date;
  unread: boolean;
}

const CHANNEL_COLUMNS = (user: string, admin: string) => `ch.id, ch.kind, ch.cohort_id, ch.name, ch.description, ch.archived_at,
  c.name AS cohort_name, p.title AS programme_title,
  ${mayReadSql('ch', user, admin)} AS may_read, ${mayModerateSql('ch', user, admin)} AS may_moderate,
  ${mayStartThreadSql('ch', user, admin)} AS may_start_thread`;

const FROM_CHANNEL = `forum_channel ch LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing p ON p.id = c.programme_id`;

/**
 * An instant as a cursor or read position holds it: to the microsecond, as PostgreSQL keeps it (a
 * JavaScript Date keeps milliseconds, and a cursor cut to them would serve a post twice).
 */
const instantKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A post as the thread page shows it, with what it replies to: over forum_post p. */
const POST_COLUMNS = `p.id, p.author_id, u.display_name AS author_name, p.body_html, p.language, p.created_at, ${instantKey('p.created_at')} AS created_key,
  p.edited_at, p.deleted_at IS NOT NULL AS deleted, p.hidden_at IS NOT NULL AS hidden, p.hidden_reason, p.reply_to_id, ru.display_name AS reply_to_author,
  CASE WHEN rt.deleted_at IS NULL AND rt.hidden_at IS NULL THEN left(rt.body, 160) END AS reply_to_excerpt`;

const FROM_POSTS = `forum_post p LEFT JOIN person u ON u.id = p.author_id
  LEFT JOIN forum_post rt ON rt.id = p.reply_to_id LEFT JOIN person ru ON ru.id = rt.author_id`;

const THREAD_COLUMNS = `t.id, t.channel_id, t.title, u.display_name AS author_name, t.pinned, t.locked, t.post_first, t.reply_count, t.last_post_at,
  ${instantKey('t.last_post_at')} AS last_post_key, t.created_at`;

@Injectable()
export class ForumsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly notifications: ForumNotifications,
    private readonly attachments: PostAttachments,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /** How many files a post may carry and how large each, as its forms say. */
  get attachmentLimits(): AttachmentLimits {
    return this.attachments.limits;
  }

  /** The channels the person may read: network ones in admins' order, then their cohorts' forums. Archived ones only for admins. */
  async channels(actor: Actor, lang: Language): Promise<ChannelSummary[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT ${CHANNEL_COLUMNS('$1', '$2')},
         (SELECT count(*) FROM forum_thread t WHERE t.channel_id = ch.id) AS thread_count,
         (SELECT max(t.last_post_at) FROM forum_thread t WHERE t.channel_id = ch.id) AS last_activity_at,
         (SELECT count(*) FROM forum_thread t LEFT JOIN forum_read r ON r.thread_id = t.id AND r.user_id = $1
           WHERE t.channel_id = ch.id AND (r.read_up_to IS NULL OR r.read_up_to < t.last_post_at)) AS unread_threads
       FROM ${FROM_CHANNEL}
       WHERE ${mayReadSql('ch', '$1', '$2')} AND (ch.archived_at IS NULL OR $2)
       ORDER BY ch.kind = 'cohort', ch.position, c.enrolment_opens_at DESC NULLS LAST, ch.created_at`,
      [actor.id, isAdmin(actor)],
    );
    return rows.map((row) => this.channelSummary(row, lang));
  }

  /** One channel as the person sees it; 404 when it does not exist, 403 when they may not read it. */
  async channel(actor: Actor, channelId: string, lang: Language, manager: EntityManager = this.dataSource.manager, lock = false): Promise<ChannelSummary> {
    checkedId(channelId);
    const [row]: ChannelRow[] = await manager.query(
      `SELECT ${CHANNEL_COLUMNS('$2', '$3')} FROM ${FROM_CHANNEL} WHERE ch.id = $1 ${lock ? 'FOR SHARE OF ch' : ''}`,
      [channelId, actor.id, isAdmin(actor)],
    );
    if (!row) throw new NotFound();
    if (!row.may_read) throw new NotAllowed('forum.channel.notMember');
    return this.channelSummary(row, lang);
  }

  /**
   * The latest `limit` threads with posts the person has not read, in their own channels (the
   * network's and the forums of the rounds they are in), and how many there are in all: one
   * prepared statement, as the home page asks it on every visit (planning it cost about as much as
   * running it). An admin's right to read every round's forum does not make those forums theirs, so
   * it is left out here.
   */
  async unreadThreads(actor: Actor, lang: Language, limit: number): Promise<{ threads: UnreadThread[]; count: number }> {
    const rows = await preparedQuery<{
      id: string;
      title: string;
      last_post_at: Date;
      channel_id: string;
      channel_name: LocalizedText;
      cohort_name: string | null;
      programme_title: LocalizedText | null;
      total: number;
    }>(
      this.dataSource,
      'unread-threads',
      `SELECT t.id, t.title, t.last_post_at, ch.id AS channel_id, ch.name AS channel_name, c.name AS cohort_name, p.title AS programme_title,
              count(*) OVER ()::int AS total
         FROM forum_thread t
         JOIN forum_channel ch ON ch.id = t.channel_id
         LEFT JOIN cohort_listing c ON c.id = ch.cohort_id
         LEFT JOIN programme_listing p ON p.id = c.programme_id
         LEFT JOIN forum_read r ON r.thread_id = t.id AND r.user_id = $1
        WHERE ch.archived_at IS NULL AND ${mayReadSql('ch', '$1', 'false')}
          AND (r.read_up_to IS NULL OR r.read_up_to < t.last_post_at)
        ORDER BY t.last_post_at DESC, t.id
        LIMIT $2`,
      [actor.id, limit],
    );
    return {
      count: rows[0]?.total ?? 0,
      threads: rows.map((row) => ({
        id: row.id,
        title: row.title,
        lastPostAt: row.last_post_at,
        channelId: row.channel_id,
        channelName: row.programme_title ? `${localized(row.programme_title, lang)}: ${row.cohort_name}` : localized(row.channel_name, lang),
      })),
    };
  }

  /** The id of a round's own channel, or null when it has none (an unknown round neither). Reading it is checked where it opens. */
  async cohortChannelId(cohortId: string): Promise<string | null> {
    const [row]: { id: string }[] = await this.dataSource.query(`SELECT id FROM forum_channel WHERE cohort_id = $1 AND kind = 'cohort' LIMIT 1`, [checkedId(cohortId)]);
    return row?.id ?? null;
  }

  /** The channel a person is about to start a thread in; refused up front for the reasons startThread gives. */
  async channelToStartThreadIn(actor: Actor, channelId: string, lang: Language): Promise<ChannelSummary> {
    const channel = await this.channel(actor, channelId, lang);
    mustStartThreadIn(channel);
    return channel;
  }

  /** A channel's threads, pinned first, then by latest activity; `cursor` from the previous page. */
  async threads(actor: Actor, channelId: string, lang: Language, cursor?: string, limit = THREADS_PER_PAGE): Promise<{ channel: ChannelSummary } & Page<ThreadSummary>> {
    const channel = await this.channel(actor, channelId, lang);
    const after = cursor ? decodeCursor(cursor, ['int', 'instant', 'uuid']) : null;
    const rows: ThreadRow[] = await this.dataSource.query(
      `SELECT ${THREAD_COLUMNS}, (r.read_up_to IS NULL OR r.read_up_to < t.last_post_at) AS unread
       FROM forum_thread t LEFT JOIN person u ON u.id = t.author_id
       LEFT JOIN forum_read r ON r.thread_id = t.id AND r.user_id = $2
       WHERE t.channel_id = $1 ${after ? 'AND (t.pinned::int, t.last_post_at, t.id) < ($4, $5, $6)' : ''}
       ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC LIMIT $3`,
      [channelId, actor.id, limit + 1, ...(after ?? [])],
    );
    const items = rows.slice(0, limit).map(threadSummary);
    const last = rows[limit - 1];
    return { channel, items, nextCursor: rows.length > limit ? encodeCursor([last.pinned ? 1 : 0, last.last_post_key!, last.id]) : null };
  }

  /** Starts a thread with its opening post (and its files); the author is subscribed to it. Returns its id. */
  async startThread(actor: Actor, channelId: string, input: ThreadInput, lang: Language, attachments?: AttachmentChanges): Promise<{ threadId: string; postId: string }> {
    mustHaveVerifiedEmail(actor);
    const title = checkedTitle(input.title);
    const body = checkedBody(input.body);
    // Before the post's transaction, so its search vector finds the words analysed (search/search-vocabulary.service.ts).
    await this.vocabulary.learn([title, body]);
    return this.dataSource.transaction(async (manager) => {
      const channel = await this.channel(actor, channelId, lang, manager, true);
      mustStartThreadIn(channel);
      const [thread]: { id: string }[] = await manager.query(`INSERT INTO forum_thread (channel_id, author_id, title) VALUES ($1, $2, $3) RETURNING id`, [
        channelId,
        actor.id,
        title,
      ]);
      const postId = await this.insertPost(manager, actor, thread.id, body, postLanguage(input.language, body, actor.language), null);
      if (attachments) await this.attachments.apply(manager, actor, postId, attachments);
      await this.notifications.postWritten(
        { postId, threadId: thread.id, channelId, channelKind: channel.kind, authorId: actor.id, opensThread: true, sendNow: !!input.sendNow && channel.mayAnnounce, body },
        manager,
      );
      return { threadId: thread.id, postId };
    });
  }

  /**
   * A facilitator's (or admin's) message to the whole round: a thread in the round's forum whose
   * mail goes at once, not after the edit window, to every confirmed participant and facilitator,
   * whatever they chose for the forum (ForumNotifications). 404 for an unknown round, 403 for anyone
   * who does not moderate its forum, 409 when the forum is archived.
   */
  async writeToCohort(actor: Actor, cohortId: string, input: { title: unknown; body: unknown }, lang: Language): Promise<{ threadId: string; postId: string }> {
    mustHaveVerifiedEmail(actor);
    checkedId(cohortId);
    const [found]: { id: string }[] = await this.dataSource.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohortId]);
    if (!found) throw new NotFound();
    await this.vocabulary.learn([input.title, input.body].filter((text) => typeof text === 'string'));
    return this.dataSource.transaction(async (manager) => {
      // Rights before the text: someone who may not write to the round hears nothing about what they typed.
      const channel = await this.channel(actor, found.id, lang, manager, true);
      if (!channel.mayModerate) throw new NotAllowed();
      const title = checkedTitle(input.title);
      const body = checkedBody(input.body);
      if (channel.archived) throw new Refused('forum.channel.archived');
      const [thread]: { id: string }[] = await manager.query(`INSERT INTO forum_thread (channel_id, author_id, title) VALUES ($1, $2, $3) RETURNING id`, [channel.id, actor.id, title]);
      const postId = await this.insertPost(manager, actor, thread.id, body, postLanguage('auto', body, actor.language), null);
      await this.notifications.postWritten(
        { postId, threadId: thread.id, channelId: channel.id, channelKind: channel.kind, authorId: actor.id, opensThread: true, sendNow: true, toWholeRound: true, body },
        manager,
      );
      return { threadId: thread.id, postId };
    });
  }

  /** A reply to the thread, or to one of its posts, with its files. Returns the new post's id. */
  async reply(actor: Actor, threadId: string, input: ReplyInput, lang: Language, attachments?: AttachmentChanges): Promise<{ postId: string; threadId: string }> {
    mustHaveVerifiedEmail(actor);
    checkedId(threadId);
    const body = checkedBody(input.body);
    const replyToId = input.replyToId === undefined || input.replyToId === null || input.replyToId === '' ? null : input.replyToId;
    if (replyToId !== null && !isUuid(replyToId)) throw new FieldErrors({ replyToId: 'forum.replyTo.unknown' });
    await this.vocabulary.learn([body]);
    return this.dataSource.transaction(async (manager) => {
      const { thread, channel } = await this.threadForWriting(manager, actor, threadId, lang);
      if (replyToId) {
        const [target]: { id: string }[] = await manager.query(`SELECT id FROM forum_post WHERE id = $1 AND thread_id = $2 AND deleted_at IS NULL AND hidden_at IS NULL`, [
          replyToId,
          threadId,
        ]);
        if (!target) throw new FieldErrors({ replyToId: 'forum.replyTo.unknown' });
      }
      const postId = await this.insertPost(manager, actor, threadId, body, postLanguage(input.language, body, actor.language), replyToId);
      if (attachments) await this.attachments.apply(manager, actor, postId, attachments);
      await this.notifications.postWritten(
        { postId, threadId: thread.id, channelId: channel.id, channelKind: channel.kind, authorId: actor.id, opensThread: false, sendNow: false, body },
        manager,
      );
      return { postId, threadId };
    });
  }

  /** The author edits their post (its text, and its files added or removed) within the edit window; the post then shows "edited". */
  async editPost(actor: Actor, postId: string, input: PostInput, attachments?: AttachmentChanges): Promise<{ threadId: string }> {
    checkedId(postId);
    const body = checkedBody(input.body);
    await this.vocabulary.learn([body]);
    return this.dataSource.transaction(async (manager) => {
      const post = await this.ownPost(manager, actor, postId);
      if (!this.withinEditWindow(post.created_at)) throw new Refused(this.editWindowPassed());
      const language = input.language === undefined ? post.language : postLanguage(input.language, body, actor.language);
      await manager.query(`UPDATE forum_post SET body = $2, body_html = $3, language = $4, edited_at = now() WHERE id = $1`, [postId, body, await this.postHtml(manager, post.thread_id, body), language]);
      if (attachments) await this.attachments.apply(manager, actor, postId, attachments);
      return { threadId: post.thread_id };
    });
  }

  /** The author deletes their post: "message deleted" stays in its place; its mail, if not yet sent, is not. */
  async deletePost(actor: Actor, postId: string): Promise<{ threadId: string }> {
    checkedId(postId);
    return this.dataSource.transaction(async (manager) => {
      const post = await this.ownPost(manager, actor, postId);
      await manager.query(`UPDATE forum_post SET deleted_at = now() WHERE id = $1`, [postId]);
      return { threadId: post.thread_id };
    });
  }

  /** The post as its author edits it (the Markdown as written, its files), and why editing is closed (a message; null while the edit window is open). */
  async postForEdit(
    actor: Actor,
    postId: string,
  ): Promise<{ id: string; threadId: string; body: string; language: Language; attachments: AttachmentView[]; mayEdit: boolean; closedReason: string | null }> {
    checkedId(postId);
    const post = await this.ownPost(this.dataSource.manager, actor, postId);
    const mayEdit = this.withinEditWindow(post.created_at);
    const attachments = (await this.attachments.byPost([post.id])).get(post.id) ?? [];
    return { id: post.id, threadId: post.thread_id, body: post.body, language: post.language, attachments, mayEdit, closedReason: mayEdit ? null : this.editWindowPassed() };
  }

  /**
   * A page of a thread: 50 posts after `cursor` (or from the first unread one, or the start), and
   * the reader's read position moved to the last post shown. A reflection thread shows a
   * participant who has not posted only its opening post and their own.
   */
  async threadPage(actor: Actor, threadId: string, lang: Language, options: { cursor?: string; fromUnread?: boolean; limit?: number; markRead?: boolean } = {}): Promise<ThreadPage> {
    checkedId(threadId);
    const limit = options.limit ?? POSTS_PER_PAGE;
    const admin = isAdmin(actor);
    // A cursor that is not one we made is refused, but only after the 404 and 403 a bad address or a closed forum get.
    let cursor: (string | number)[] | null = null;
    let badCursor: unknown = null;
    try {
      cursor = options.cursor ? decodeCursor(options.cursor, ['instant', 'uuid']) : null;
    } catch (error) {
      badCursor = error;
    }
    // The thread, its channel and the reader's rights, read position and subscription (one row, its
    // columns as JSON), then the page's posts as rows, in one statement: the page is read on every
    // visit, and a round trip costs the database and the app more than these rows do (posts as JSON
    // too cost the database more than the rows), each live post with its files. The posts are read
    // only if the reader may read the forum; a reflection thread shows one who has not posted its
    // opening post and their own. The rows come as the plan reads them (the head, then the posts in
    // the index's order) and are put in order here: sorting 52 wide rows was a tenth of the statement.
    const rows = await preparedQuery<{ part: number; head: HeadRow | null; attachments: AttachmentView[] | null } & PostRow>(
      this.dataSource,
      'forum-thread-page',
      `WITH h AS MATERIALIZED (
         SELECT ${CHANNEL_COLUMNS('$2', '$3')},
           json_build_object('id', t.id, 'channel_id', t.channel_id, 'title', t.title, 'author_name', u.display_name, 'pinned', t.pinned, 'locked', t.locked,
                             'post_first', t.post_first, 'reply_count', t.reply_count, 'last_post_at', t.last_post_at, 'created_at', t.created_at) AS thread,
           t.id AS thread_id, t.post_first,
           -- Asked only of a reflection thread: in a long thread it is the page's dearest question.
           (t.post_first AND EXISTS (SELECT 1 FROM forum_post o WHERE o.author_id = $2 AND o.thread_id = t.id AND o.deleted_at IS NULL)) AS has_posted,
           r.read_up_to AS read_up_to_at, ${instantKey('r.read_up_to')} AS read_up_to,
           (SELECT o.id FROM forum_post o WHERE o.thread_id = t.id ORDER BY o.created_at, o.id LIMIT 1) AS opening_post_id,
           -- The page's subscription form, read here rather than in a statement of its own.
           ${threadLevelsSql('t', 'ch', '$2')}
         FROM forum_thread t JOIN ${FROM_CHANNEL} ON ch.id = t.channel_id
         LEFT JOIN person u ON u.id = t.author_id
         LEFT JOIN forum_read r ON r.thread_id = t.id AND r.user_id = $2
         WHERE t.id = $1)
       SELECT 0 AS part, row_to_json(h) AS head, NULL AS id, NULL AS author_id, NULL AS author_name, NULL AS body_html, NULL AS language, NULL AS created_at,
         NULL AS created_key, NULL AS edited_at, NULL AS deleted, NULL AS hidden, NULL AS hidden_reason, NULL AS reply_to_id, NULL AS reply_to_author, NULL AS reply_to_excerpt,
         NULL AS attachments
       FROM h
       UNION ALL
       SELECT 1, NULL, page.* FROM h CROSS JOIN LATERAL (
         SELECT ${POST_COLUMNS}, ${postAttachmentsSql('p')} AS attachments FROM ${FROM_POSTS}
         WHERE h.may_read AND p.thread_id = h.thread_id
           AND (NOT (h.post_first AND NOT h.may_moderate AND NOT h.has_posted) OR p.id = h.opening_post_id OR p.author_id = $2)
           -- After the cursor, or the read position when asked for the first unread post, or from the start.
           AND (p.created_at, p.id) > (coalesce($5::timestamptz, CASE WHEN $6 THEN h.read_up_to_at END, '-infinity'), coalesce($7::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
         ORDER BY p.created_at, p.id LIMIT $4) page`,
      [threadId, actor.id, admin, limit + 1, cursor?.[0] ?? null, !!options.fromUnread, cursor?.[1] ?? null],
    ).then(inPageOrder);
    const head = rows[0]?.head;
    if (!head) throw new NotFound();
    if (!head.may_read) throw new NotAllowed('forum.channel.notMember');
    if (badCursor) throw badCursor;
    const thread = threadSummary({ ...head.thread, last_post_at: new Date(head.thread.last_post_at), created_at: new Date(head.thread.created_at), unread: false });
    const channel = this.channelSummary(head, lang);
    const gated = thread.postFirst && !head.may_moderate && !head.has_posted;
    const after = cursor ?? (options.fromUnread && head.read_up_to ? head.read_up_to : null);
    const shown = rows.slice(1, limit + 1);
    const readUpTo = head.read_up_to ?? '';
    const last = shown[shown.length - 1];
    // Only a page that goes past the read position writes (an upsert that changes nothing still locks and logs the row).
    if (options.markRead !== false && last && last.created_key > readUpTo) await this.markRead(actor.id, threadId, last.created_key);
    const closedReason = channel.archived ? 'forum.channel.archived' : thread.locked && !channel.mayModerate ? 'forum.thread.locked' : null;
    const posts = shown.map((row): ThreadPost => {
      const post = this.postView(row, actor, readUpTo, row.attachments ?? undefined);
      const live = !post.deleted && !post.hidden;
      // The same rules as reply (a live post to answer) and ModerationService (no deleted post is hidden or shown again).
      return { ...post, mayReplyTo: !closedReason && live, mayHide: channel.mayModerate && live, mayUnhide: channel.mayModerate && !post.deleted && post.hidden };
    });
    return {
      thread,
      channel,
      posts,
      nextCursor: rows.length - 1 > limit ? encodeCursor([last.created_key, last.id]) : null,
      gated,
      mayReply: !closedReason,
      closedReason,
      firstPage: !after,
      subscriptionLevel: levelShown(head, true),
    };
  }

  /**
   * One post as its thread shows it to this person (the API's answer after a write), without
   * moving their read position. 404 for no such post, 403 for a forum they may not read; a post a
   * reflection thread still hides from them is 404 as well.
   */
  async post(actor: Actor, postId: string, lang: Language): Promise<PostView> {
    checkedId(postId);
    const [row]: (PostRow & { channel_id: string; thread_id: string; thread_post_first: boolean })[] = await this.dataSource.query(
      `SELECT ${POST_COLUMNS}, t.channel_id, t.id AS thread_id, t.post_first AS thread_post_first FROM ${FROM_POSTS} JOIN forum_thread t ON t.id = p.thread_id WHERE p.id = $1`,
      [postId],
    );
    if (!row) throw new NotFound();
    const channel = await this.channel(actor, row.channel_id, lang);
    if (row.thread_post_first && !channel.mayModerate && row.author_id !== actor.id) {
      const page = await this.threadPageGate(actor.id, row.thread_id);
      if (page.gated && page.openingPostId !== row.id) throw new NotFound();
    }
    const files = row.deleted || row.hidden ? new Map<string, AttachmentView[]>() : await this.attachments.byPost([row.id]);
    return this.postView(row, actor, '\uffff', files.get(row.id));
  }

  /** Whether a reflection thread still hides the others' replies from this person, and which post opens it. */
  private async threadPageGate(userId: string, threadId: string): Promise<{ gated: boolean; openingPostId: string | null }> {
    const [row]: { has_posted: boolean; opening_post_id: string | null }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = $1 AND o.author_id = $2 AND o.deleted_at IS NULL) AS has_posted,
              (SELECT o.id FROM forum_post o WHERE o.thread_id = $1 ORDER BY o.created_at, o.id LIMIT 1) AS opening_post_id`,
      [threadId, userId],
    );
    return { gated: !row.has_posted, openingPostId: row.opening_post_id };
  }

  /** Moves the read position forward (never back: reading an old page on a phone leaves the laptop's place). */
  async markRead(userId: string, threadId: string, upTo: string): Promise<void> {
    await preparedQuery(
      this.dataSource,
      'forum-mark-read',
      `INSERT INTO forum_read (user_id, thread_id, read_up_to) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET read_up_to = excluded.read_up_to WHERE forum_read.read_up_to < excluded.read_up_to`,
      [userId, threadId, upTo],
    );
  }

  /** The thread and its channel, locked for the write, with the checks every reply makes. */
  private async threadForWriting(manager: EntityManager, actor: Actor, threadId: string, lang: Language): Promise<{ thread: { id: string; locked: boolean }; channel: ChannelSummary }> {
    const [thread]: { id: string; channel_id: string; locked: boolean }[] = await manager.query(`SELECT id, channel_id, locked FROM forum_thread WHERE id = $1 FOR SHARE`, [threadId]);
    if (!thread) throw new NotFound();
    const channel = await this.channel(actor, thread.channel_id, lang, manager, true);
    if (channel.archived) throw new Refused('forum.channel.archived');
    if (thread.locked && !channel.mayModerate) throw new Refused('forum.thread.locked');
    return { thread, channel };
  }

  /**
   * A post's HTML, its @-mentions shown by name: of people who may read the thread and do not hide
   * their name from other participants, linked to the round's people page in a round's forum (the
   * network's channels have no page of people, so there the name is only highlighted). A name that
   * fits several people, or nobody, stays as written. Names are those at the time of writing.
   */
  private async postHtml(manager: EntityManager, threadId: string, body: string): Promise<string> {
    const names = mentionedNames(body);
    if (names.length === 0) return renderPost(body);
    const people: { local: string; display_name: string; cohort_id: string | null }[] = await manager.query(
      `SELECT lower(split_part(u.email, '@', 1)) AS local, u.display_name, ch.cohort_id
       FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id
       JOIN person u ON lower(split_part(u.email, '@', 1)) = ANY($2::text[])
       WHERE t.id = $1 AND u.status = 'active' AND NOT u.hide_name_from_participants
         AND ${mayReadSql('ch', 'u.id', `coalesce(u.site_role = 'admin', false)`)}`,
      [threadId, names],
    );
    const mentions = new Map<string, MentionedPerson>();
    for (const local of names) {
      const found = people.filter((person) => person.local === local);
      if (found.length !== 1 || !found[0].display_name) continue;
      mentions.set(local, { name: found[0].display_name, href: found[0].cohort_id ? `/cohorts/${found[0].cohort_id}/participants` : null });
    }
    return renderPost(body, mentions);
  }

  private async insertPost(manager: EntityManager, actor: Actor, threadId: string, body: string, language: Language, replyToId: string | null): Promise<string> {
    const [post]: { id: string; created_key: string }[] = await manager.query(
      `INSERT INTO forum_post (thread_id, author_id, reply_to_id, body, body_html, language) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, ${instantKey('created_at')} AS created_key`,
      [threadId, actor.id, replyToId, body, await this.postHtml(manager, threadId, body), language],
    );
    // Writing in a thread subscribes you to it, unless you have said otherwise; and you have read your own post.
    await manager.query(
      `INSERT INTO forum_subscription (user_id, thread_id, level) VALUES ($1, $2, 'every_post')
       ON CONFLICT (user_id, thread_id) WHERE thread_id IS NOT NULL DO NOTHING`,
      [actor.id, threadId],
    );
    await manager.query(
      `INSERT INTO forum_read (user_id, thread_id, read_up_to) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET read_up_to = greatest(forum_read.read_up_to, excluded.read_up_to)`,
      [actor.id, threadId, post.created_key],
    );
    return post.id;
  }

  /** The person's own live post, locked; 404 when there is none, 403 when it is someone else's. */
  private async ownPost(manager: EntityManager, actor: Actor, postId: string) {
    // Authors who can no longer read the forum (they left the round) may not change what is in it.
    const [post]: { id: string; thread_id: string; author_id: string | null; body: string; language: Language; created_at: Date; deleted_at: Date | null; hidden_at: Date | null; may_read: boolean }[] =
      await manager.query(
        `SELECT p.id, p.thread_id, p.author_id, p.body, p.language, p.created_at, p.deleted_at, p.hidden_at, ${mayReadSql('ch', '$2', '$3')} AS may_read
         FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id JOIN forum_channel ch ON ch.id = t.channel_id
         WHERE p.id = $1 FOR UPDATE OF p`,
        [postId, actor.id, isAdmin(actor)],
      );
    if (!post || post.deleted_at) throw new NotFound();
    if (post.author_id !== actor.id) throw new NotAllowed('forum.post.notYours');
    if (!post.may_read) throw new NotAllowed('forum.channel.notMember');
    if (post.hidden_at) throw new Refused('forum.post.hidden');
    return post;
  }

  private withinEditWindow(createdAt: Date): boolean {
    return Date.now() - new Date(createdAt).getTime() <= this.config.forumEditWindowMinutes * 60_000;
  }

  private editWindowPassed(): string {
    return withValues('forum.edit.windowPassed', { minutes: this.config.forumEditWindowMinutes });
  }

  private channelSummary(row: ChannelRow, lang: Language): ChannelSummary {
    const cohortName = row.cohort_id && row.programme_title ? `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name ?? '', lang)}` : null;
    const mayStartThread = row.may_read && row.may_start_thread && !row.archived_at;
    return {
      id: row.id,
      kind: row.kind,
      cohortId: row.cohort_id,
      name: cohortName ?? localized(row.name, lang),
      description: row.cohort_id ? '' : localized(row.description, lang) ?? '',
      archived: !!row.archived_at,
      threadCount: Number(row.thread_count ?? 0),
      unreadThreads: Number(row.unread_threads ?? 0),
      lastActivityAt: row.last_activity_at ? new Date(row.last_activity_at) : null,
      mayRead: row.may_read,
      mayModerate: row.may_moderate,
      mayStartThread,
      mayAnnounce: row.may_moderate || (row.kind === 'announcements' && mayStartThread),
    };
  }

  private postView(row: PostRow, actor: Actor, readUpTo: string, attachments: AttachmentView[] = []): PostView {
    const own = row.author_id === actor.id && !row.deleted && !row.hidden;
    const createdAt = new Date(row.created_at);
    return {
      id: row.id,
      authorId: row.author_id,
      authorName: row.author_name,
      bodyHtml: row.deleted || row.hidden ? null : row.body_html,
      language: row.language,
      createdAt,
      editedAt: row.edited_at ? new Date(row.edited_at) : null,
      deleted: row.deleted,
      hidden: row.hidden,
      hiddenReason: row.hidden ? row.hidden_reason : null,
      // The quoted start of the answered post, as text: Markdown marks would read as noise.
      replyTo: row.reply_to_id ? { id: row.reply_to_id, authorName: row.reply_to_author, excerpt: row.reply_to_excerpt === null ? null : markdownAsText(row.reply_to_excerpt) } : null,
      mayEdit: own && this.withinEditWindow(createdAt),
      mayDelete: own,
      // Keys of one format compare as the instants they are.
      unread: row.created_key > readUpTo && row.author_id !== actor.id,
      attachments: row.deleted || row.hidden ? [] : attachments,
    };
  }
}

/** The thread page's first row: the thread, its channel and what the reader may do there, as JSON (instants are ISO strings). */
type HeadRow = ChannelRow & SubscriptionLevels & { thread: ThreadRow; has_posted: boolean; read_up_to: string | null };

/**
 * The thread page's rows as it shows them: the head first, then the posts by time and id, the
 * cursor's order (created_key is the instant to the microsecond, and uuids compare as their text
 * does). Rows already in order cost one pass.
 */
export function inPageOrder<T extends { part: number; created_key: string | null; id: string | null }>(rows: T[]): T[] {
  const text = (a: string | null, b: string | null) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return rows.sort((a, b) => a.part - b.part || text(a.created_key, b.created_key) || text(a.id, b.id));
}

/** A post as POST_COLUMNS read it. */
interface PostRow {
  id: string;
  created_key: string;
  author_id: string | null;
  author_name: string | null;
  body_html: string;
  language: Language;
  created_at: Date;
  edited_at: Date | null;
  deleted: boolean;
  hidden: boolean;
  hidden_reason: string | null;
  reply_to_id: string | null;
  reply_to_author: string | null;
  reply_to_excerpt: string | null;
}

/** Whether the person may start a thread in the channel: 409 when it is archived, 403 when only facilitators and admins start threads there. */
function mustStartThreadIn(channel: ChannelSummary): void {
  if (channel.archived) throw new Refused('forum.channel.archived');
  if (!channel.mayStartThread) throw new NotAllowed('forum.channel.announcementsOnly');
}

function threadSummary(row: ThreadRow): ThreadSummary {
  return {
    id: row.id,
    channelId: row.channel_id,
    title: row.title,
    authorName: row.author_name,
    pinned: row.pinned,
    locked: row.locked,
    postFirst: row.post_first,
    replyCount: Number(row.reply_count),
    lastPostAt: new Date(row.last_post_at),
    createdAt: new Date(row.created_at),
    unread: row.unread,
  };
}

/** A title as stored: trimmed, 1–200 characters. */
export function checkedTitle(value: unknown): string {
  const title = typeof value === 'string' ? value.trim() : '';
  if (!title) throw new FieldErrors({ title: 'forum.title.required' });
  if (title.length > MAX_TITLE_LENGTH) throw new FieldErrors({ title: withValues('forum.title.tooLong', { max: MAX_TITLE_LENGTH }) });
  return title;
}

/**
 * A script tag or a script address (javascript:, vbscript:, data:text/html) in a body is refused
 * with a message rather than quietly neutralised: the writer learns why their link does not work.
 * Inside a code span or block it is shown as code (someone explaining markup), so only the
 * Markdown outside code is looked at. Whatever else looks like markup is kept as text by the
 * renderer (markdown-it without HTML, then sanitize-html), so no page ever carries executable
 * markup either way.
 */
const SCRIPT_IN_BODY = /<\s*\/?\s*script\b|(?:java|vb|live)\s*script\s*:|data\s*:\s*text\/html/i;

/** A body as stored: the Markdown as written (trailing space trimmed), not blank, at most 20,000 characters, no script. */
export function checkedBody(value: unknown): string {
  const body = typeof value === 'string' ? value.trimEnd() : '';
  if (!body.trim()) throw new FieldErrors({ body: 'forum.body.required' });
  if (body.length > MAX_BODY_LENGTH) throw new FieldErrors({ body: withValues('forum.body.tooLong', { max: MAX_BODY_LENGTH }) });
  if (SCRIPT_IN_BODY.test(markdownOutsideCode(body))) throw new FieldErrors({ body: 'forum.body.script' });
  return body;
}

/** The post's language: chosen, or detected from its text when "auto" or not given. */
export function postLanguage(chosen: unknown, body: string, fallback: Language): Language {
  if (chosen === undefined || chosen === null || chosen === '' || chosen === 'auto') return detectLanguage(body, fallback);
  if (!isLanguage(chosen)) throw new FieldErrors({ language: 'forum.language.unknown' });
  return chosen;
}
