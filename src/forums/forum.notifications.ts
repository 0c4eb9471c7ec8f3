// The discussion channels' mail, through the notification core: who hears of a post (subscription
// levels, forum-subscription.entity.ts), @-mentions, and what the mail says when it goes.
//
// A post is written to the outbox in its own transaction, one row per reader, keyed
// forum-post-<post>-<person>, due when the author's edit window closes (at once for an
// announcement sent now). Only readers of the channel (mayReadSql) are written, never the author.
// The mail is rendered from the post as it stands when it goes (refresh): edited text, the thread's
// current title; a post deleted or hidden meanwhile, a reader who left the round or turned the
// thread off, drops the mail as stale. "Daily digest" readers get a digest row instead, which the
// digest re-reads the same way. Who follows without a row of their own is defaultLevelSql's rule.
//
// A facilitator's message to the whole round (ForumsService.writeToRound) reaches every confirmed
// participant and facilitator at once, by email, whatever level they chose for the forum (Moodle's
// forced subscription): the round's people cannot miss what is said to all of them. It still goes
// only to people who read the forum when it goes; their choice for other posts is kept.
//
// @-mentions: `@local.part` (an active person's email address before the @, any case) in a post
// tells that person at once (forum-mention-<post>-<person>) if they may read the channel. They then
// get the mention instead of the post's own mail: the post's rows skip whoever has a live mention
// row for the same post. Mentions in a reflection thread's hidden replies are sent, and dropped at
// send time like any mail the reader may not see yet.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { Language, LocalizedText, translate } from '../i18n/i18n';
import { Batcher } from '../notifications/batcher';
import { NotificationKinds } from '../notifications/notification-kinds';
import { Notice, NotificationsService } from '../notifications/notifications.service';
import { markdownAsText, MENTION } from '../views/markdown';
import { authorName } from './author-name';
import { ChannelKind } from './forum-channel.entity';
import { mayModerateSql, mayReadSql } from './forum-access';
import { SubscriptionLevel } from './forum-subscription.entity';
import { channelName, defaultLevelSql, ForumSubscriptions, SubscriptionTarget } from './forum-subscriptions.service';

export const FORUM_KINDS = { post: 'forum.post', mention: 'forum.mention' } as const;

/**
 * A post's mail to one reader (a follower's, or a mention's): which post and what its subject needs,
 * as written with the post; refresh adds the rest as the post stands when the mail goes.
 */
export type ForumPostMail = {
  postId: string;
  threadId: string;
  channelId: string;
  userId: string;
  opensThread: boolean;
  threadTitle: string;
  /** The author's name as written; in the reader's language ("a former member") once refreshed. */
  authorName: string | null;
  /** A facilitator's message to the whole round, sent whatever the reader chose. */
  toWholeRound?: boolean;
  channelName?: string;
  bodyText?: string;
  bodyHtml?: string;
  edited?: boolean;
  postUrl?: string;
  channelKind?: ChannelKind;
  /** A follower's mail: whether the thread's own choice brought it, and the address that turns that off. */
  followsThread?: boolean;
  unsubscribeUrl?: string;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [FORUM_KINDS.post]: ForumPostMail;
    [FORUM_KINDS.mention]: ForumPostMail;
  }
}

/** At most this many different names are looked up for one post: a post is not a mailing list. */
export const MAX_MENTIONS = 20;


/** The names a post's text mentions, lower-case, each once. */
export function mentionedNames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    names.add(match[1].toLowerCase());
    if (names.size >= MAX_MENTIONS) break;
  }
  return [...names];
}

/** The post itself in its thread, as the mail links it. */
export const postPath = (payload: Pick<ForumPostMail, 'threadId' | 'postId'>): string | null =>
  typeof payload.threadId === 'string' && typeof payload.postId === 'string' ? `/threads/${payload.threadId}#post-${payload.postId}` : null;

/** A post just written, in its transaction. */
export interface PostWritten {
  postId: string;
  threadId: string;
  channelId: string;
  channelKind: ChannelKind;
  authorId: string;
  /** The thread's opening post ("new threads" subscribers hear of these alone). */
  opensThread: boolean;
  /** A moderator's announcement sent at once, not after the edit window. */
  sendNow: boolean;
  /** The Markdown as written, for @-mentions. */
  body: string;
  /** A facilitator's message to the whole round: every member hears of it, their levels aside. */
  toWholeRound?: boolean;
}

/** Which post a mail is about and for whom, as its payload says. */
interface PostMailKey {
  postId: string;
  userId: string;
}

interface PostRow {
  id: string;
  thread_id: string;
  title: string;
  channel_id: string;
  channel_kind: ChannelKind;
  name: LocalizedText;
  cohort_name: string | null;
  programme_title: LocalizedText | null;
  author_name: string | null;
  body: string;
  body_html: string;
  edited: boolean;
  gone: boolean;
  opens: boolean;
}

interface ReaderRow {
  i: string;
  may_read: boolean;
  sees_post: boolean;
  thread_level: SubscriptionLevel | null;
  channel_level: SubscriptionLevel | null;
  default_level: SubscriptionLevel;
}

/** A post as it stands, and how one reader stands to it. */
interface PostForReader {
  post: PostRow;
  mayRead: boolean;
  seesPost: boolean;
  threadLevel: SubscriptionLevel | null;
  channelLevel: SubscriptionLevel | null;
  defaultLevel: SubscriptionLevel;
}

/** Whether person `u` is an admin, for the access rules. */
const ADMIN = `coalesce(u.site_role = 'admin', false)`;

interface Person {
  id: string;
  email: string;
  display_name: string;
  language: Language;
}

/**
 * Who a post's mail can reach at all, so the query starts from them rather than from everybody: a
 * round's forum reaches its members and whoever has a row; a reply in a network channel, only rows
 * (its default, "new threads only", does not hear of replies); an opening post there or in the
 * announcements channel, everybody. Who of them hears of it is the level's and mayReadSql's to say.
 */
function followerCandidates(event: PostWritten): string {
  const rows = `SELECT user_id FROM forum_subscription WHERE thread_id = $2 UNION ALL SELECT user_id FROM forum_subscription WHERE channel_id = $1`;
  // Uncorrelated, so that PostgreSQL joins the few candidates to person instead of asking per person.
  const channelCohort = `(SELECT cohort_id FROM forum_channel WHERE id = $1)`;
  const members = `SELECT m.user_id FROM cohort_member m WHERE m.cohort_id = ${channelCohort} AND m.is_in`;
  if (event.toWholeRound) return `AND u.id IN (${members})`;
  if (event.channelKind === 'cohort') return `AND u.id IN (${rows} UNION ALL ${members})`;
  if (event.channelKind === 'network' && !event.opensThread) return `AND u.id IN (${rows})`;
  return '';
}

@Injectable()
export class ForumNotifications implements OnModuleInit {
  /** An announcement falling due mails everybody at once: their checks share queries. */
  private readonly posts = new Batcher<PostMailKey, PostForReader>((keys) => this.readPosts(keys), 2);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly kinds: NotificationKinds,
    private readonly notifications: NotificationsService,
    private readonly subscriptions: ForumSubscriptions,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: FORUM_KINDS.post,
      template: 'forum-post',
      // Added by refresh, so never stored; hidden in the copy the outbox keeps.
      secretLinks: ['unsubscribeUrl'],
      subject: (payload, lang) => translate(lang, payload.opensThread ? 'mail.forum.thread.subject' : 'mail.forum.post.subject', { thread: payload.threadTitle }),
      refresh: (payload, lang) => this.refresh(payload, lang, true),
      // RFC 8058 one-click unsubscribe, and one conversation per thread in the reader's mail program.
      headers: (payload) => ({
        ...(typeof payload.unsubscribeUrl === 'string'
          ? { 'List-Unsubscribe': `<${payload.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
          : {}),
        References: `<forum-thread-${String(payload.threadId)}@verso>`,
      }),
      aboutPath: postPath,
    });
    this.kinds.register({
      name: FORUM_KINDS.mention,
      template: 'forum-mention',
      secretLinks: [],
      subject: (payload, lang) => translate(lang, 'mail.forum.mention.subject', { author: authorName(payload.authorName, lang), thread: payload.threadTitle }),
      refresh: (payload, lang) => this.refresh(payload, lang, false),
      aboutPath: postPath,
    });
  }

  /** Writes the post's mail for everyone who follows it, and its mentions, in the post's transaction. */
  async postWritten(event: PostWritten, manager: EntityManager): Promise<void> {
    const [about]: { title: string; author_name: string | null }[] = await manager.query(
      `SELECT t.title, u.display_name AS author_name FROM forum_thread t LEFT JOIN person u ON u.id = $2 WHERE t.id = $1`,
      [event.threadId, event.authorId],
    );
    const payload = (userId: string): ForumPostMail => ({
      postId: event.postId,
      threadId: event.threadId,
      channelId: event.channelId,
      userId,
      opensThread: event.opensThread,
      threadTitle: about.title,
      authorName: about.author_name,
      ...(event.toWholeRound ? { toWholeRound: true } : {}),
    });
    const recipient = (person: Person) => ({ userId: person.id, email: person.email, name: person.display_name, language: person.language });

    const mentioned = await this.mentionedReaders(event, manager);
    if (mentioned.length > 0) {
      await this.notifications.notifyAll(
        FORUM_KINDS.mention,
        mentioned.map((person) => ({ recipient: recipient(person), key: `forum-mention-${event.postId}-${person.id}`, payload: payload(person.id) })),
        { manager },
      );
    }

    const followers: (Person & { level: SubscriptionLevel })[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language, lvl.level
       FROM person u
       JOIN forum_channel ch ON ch.id = $1
       LEFT JOIN forum_subscription ts ON ts.user_id = u.id AND ts.thread_id = $2
       LEFT JOIN forum_subscription cs ON cs.user_id = u.id AND cs.channel_id = $1
       CROSS JOIN LATERAL (SELECT ${event.toWholeRound ? `'every_post'` : `coalesce(ts.level, cs.level, ${defaultLevelSql('ch', 'u.id')})`} AS level) lvl
       WHERE u.status = 'active' AND u.id <> $3
         ${followerCandidates(event)}
         AND lvl.level IN ('every_post', 'daily_digest', CASE WHEN $4 THEN 'new_threads' END)
         AND ${mayReadSql('ch', 'u.id', ADMIN)}
         ${mentioned.length > 0 ? `AND NOT notification_live('forum-mention-' || $5::text || '-' || u.id)` : ''}`,
      [event.channelId, event.threadId, event.authorId, event.opensThread, ...(mentioned.length > 0 ? [event.postId] : [])],
    );
    if (followers.length === 0) return;
    const dueAt = new Date(Date.now() + (event.sendNow ? 0 : this.config.forumEditWindowMinutes * 60_000));
    await this.notifications.notifyAll(
      FORUM_KINDS.post,
      followers.map(
        (person): Notice<typeof FORUM_KINDS.post> => ({
          recipient: recipient(person),
          key: `forum-post-${event.postId}-${person.id}`,
          payload: payload(person.id),
          ...(person.level === 'daily_digest' ? { delivery: 'digest' as const } : {}),
        }),
      ),
      { manager, dueAt },
    );
  }

  /** The active people the post mentions who may read its channel, the author aside. */
  private async mentionedReaders(event: PostWritten, manager: EntityManager): Promise<Person[]> {
    const names = mentionedNames(event.body);
    if (names.length === 0) return [];
    return manager.query(
      `SELECT u.id, u.email, u.display_name, u.language FROM person u JOIN forum_channel ch ON ch.id = $2
       WHERE u.status = 'active' AND lower(split_part(u.email, '@', 1)) = ANY($1::text[]) AND u.id <> $3
         AND ${mayReadSql('ch', 'u.id', ADMIN)}`,
      [names, event.channelId, event.authorId],
    );
  }

  /**
   * The post as it stands when its mail goes, in the reader's language; null (stale) when it was
   * deleted or hidden, the reader may no longer read the channel or may not see the post yet (a
   * reflection thread they have not answered), or, for a follower's mail, they turned it off.
   */
  private async refresh(payload: ForumPostMail, lang: Language, follower: boolean): Promise<ForumPostMail | null> {
    if (typeof payload.postId !== 'string' || typeof payload.userId !== 'string') return null;
    const found = await this.posts.load({ postId: payload.postId, userId: payload.userId });
    if (!found || found.post.gone || !found.mayRead || !found.seesPost) return null;
    const { post } = found;
    const view = {
      ...payload,
      threadId: post.thread_id,
      channelId: post.channel_id,
      opensThread: post.opens,
      threadTitle: post.title,
      channelName: channelName(post, lang),
      authorName: authorName(post.author_name, lang),
      bodyText: markdownAsText(post.body),
      bodyHtml: post.body_html,
      edited: post.edited,
      postUrl: `${this.config.baseUrl}/threads/${post.thread_id}#post-${post.id}`,
      // The digest lists announcements apart from other channels' posts.
      channelKind: post.channel_kind,
    };
    if (!follower) return view;
    if (payload.toWholeRound === true) {
      // Sent whatever the reader chose; the address turns off the forum's other mail.
      return { ...view, toWholeRound: true, followsThread: false, unsubscribeUrl: this.subscriptions.unsubscribeAddress(payload.userId, { channelId: post.channel_id }) };
    }
    const level = found.threadLevel ?? found.channelLevel ?? found.defaultLevel;
    if (level === 'off' || (level === 'new_threads' && !post.opens)) return null;
    // Unsubscribing turns off what brought the mail: the thread's own choice, else the channel's.
    const target: SubscriptionTarget = found.threadLevel ? { threadId: post.thread_id } : { channelId: post.channel_id };
    return { ...view, followsThread: 'threadId' in target, unsubscribeUrl: this.subscriptions.unsubscribeAddress(payload.userId, target) };
  }

  /** A batch's posts, each read once (an announcement mails thousands), and how each reader stands to them now. */
  private async readPosts(keys: PostMailKey[]): Promise<Map<PostMailKey, PostForReader>> {
    const [posts, readers]: [PostRow[], ReaderRow[]] = await Promise.all([
      this.dataSource.query(
        `SELECT p.id, t.id AS thread_id, t.title, ch.id AS channel_id, ch.kind AS channel_kind, ch.name, c.name AS cohort_name, pr.title AS programme_title,
                au.display_name AS author_name, p.body, p.body_html, p.edited_at IS NOT NULL AS edited,
                (p.deleted_at IS NOT NULL OR p.hidden_at IS NOT NULL) AS gone,
                p.id = (SELECT o.id FROM forum_post o WHERE o.thread_id = t.id ORDER BY o.created_at, o.id LIMIT 1) AS opens
         FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id JOIN forum_channel ch ON ch.id = t.channel_id
         LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing pr ON pr.id = c.programme_id
         LEFT JOIN person au ON au.id = p.author_id
         WHERE p.id = ANY($1::uuid[])`,
        [[...new Set(keys.map((key) => key.postId))]],
      ),
      this.dataSource.query(
        `SELECT k.i, u.status = 'active' AND ${mayReadSql('ch', 'u.id', ADMIN)} AS may_read,
                (NOT t.post_first OR p.author_id = u.id OR ${mayModerateSql('ch', 'u.id', ADMIN)}
                 OR EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = t.id AND o.author_id = u.id AND o.deleted_at IS NULL)
                 OR p.id = (SELECT o.id FROM forum_post o WHERE o.thread_id = t.id ORDER BY o.created_at, o.id LIMIT 1)) AS sees_post,
                ts.level AS thread_level, cs.level AS channel_level, ${defaultLevelSql('ch', 'u.id')} AS default_level
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(post_id, user_id, i)
         JOIN forum_post p ON p.id = k.post_id JOIN forum_thread t ON t.id = p.thread_id JOIN forum_channel ch ON ch.id = t.channel_id
         JOIN person u ON u.id = k.user_id
         LEFT JOIN forum_subscription ts ON ts.user_id = u.id AND ts.thread_id = t.id
         LEFT JOIN forum_subscription cs ON cs.user_id = u.id AND cs.channel_id = ch.id`,
        [keys.map((key) => key.postId), keys.map((key) => key.userId)],
      ),
    ]);
    const byId = new Map(posts.map((post) => [post.id, post]));
    const byIndex = new Map(readers.map((row) => [Number(row.i), row]));
    return new Map(
      keys.flatMap((key, i): [PostMailKey, PostForReader][] => {
        const post = byId.get(key.postId);
        const reader = byIndex.get(i + 1);
        if (!post || !reader) return [];
        return [[key, { post, mayRead: reader.may_read, seesPost: reader.sees_post, threadLevel: reader.thread_level, channelLevel: reader.channel_level, defaultLevel: reader.default_level }]];
      }),
    );
  }
}
