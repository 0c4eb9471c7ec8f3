// Subscriptions to channels and threads, and the one-click unsubscribe of forum mail.
// Levels: "every post", "new threads only" (channels), "daily digest", "off". A thread's own choice
// wins over its channel's; without one applies the default (defaultLevelSql): everybody follows the
// announcements channel at "every post" and network channels at "new threads only", and a round's
// confirmed participants and facilitators its forum at "every post". The default is a rule, not rows
// (so people who were there before it get it too, and leaving the round ends it with reading rights);
// a row of one's own, "off" included, wins. Writing in a thread subscribes you to it (ForumsService.insertPost).
//
// An unsubscribe address names a person and a channel or thread, signed with an HMAC under the
// server's secret: no table of tokens, and the address stays valid as long as SESSION_SECRET does
// (changing it breaks the links in mail already sent, which then answer 404).
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { CONFIG, Config } from '../config/config';
import { checkedId, FieldErrors, NotAllowed, NotFound } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { ChannelKind } from './forum-channel.entity';
import { inCohortSql, isAdmin, mayReadSql } from './forum-access';
import { SUBSCRIPTION_LEVELS, SubscriptionLevel } from './forum-subscription.entity';

export type SubscriptionTarget = { channelId: string } | { threadId: string };

/** What an unsubscribe address turns off, as its confirmation page names it. */
export interface UnsubscribeTarget {
  userId: string;
  target: SubscriptionTarget;
  /** The thread's title, or the channel's name in the page's language. */
  name: string;
}

/** A channel's name as people see it: a cohort's forum is named after its round. */
export function channelName(row: { name: LocalizedText; programme_title: LocalizedText | null; cohort_name: string | null }, lang: Language): string {
  return row.programme_title && row.cohort_name ? `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name, lang)}` : localized(row.name, lang);
}

/**
 * The level that applies to person `user` for channel `ch` (a forum_channel row alias) without a
 * row of their own, as SQL: announcements "every post", network channels "new threads only", a
 * round's forum "every post" for its confirmed (or completed) participants and facilitators (Moodle's
 * auto-subscription) and "off" for admins who only look in.
 */
export function defaultLevelSql(ch: string, user: string): string {
  return `(CASE ${ch}.kind WHEN 'announcements' THEN 'every_post' WHEN 'network' THEN 'new_threads'
    ELSE CASE WHEN ${inCohortSql(ch, user)} THEN 'every_post' ELSE 'off' END END)`;
}

/** A person's levels for a channel or thread as read with it: their own choice, their channel's, and what applies without either. */
export interface SubscriptionLevels {
  own_level: SubscriptionLevel | null;
  channel_level: SubscriptionLevel | null;
  default_level: SubscriptionLevel;
}

/**
 * The person's levels for thread `t` of channel `ch` (row aliases) as SQL columns own_level,
 * channel_level and default_level, for a query that reads the thread anyway (the thread page).
 */
export function threadLevelsSql(t: string, ch: string, user: string): string {
  return `(SELECT s.level FROM forum_subscription s WHERE s.user_id = ${user} AND s.thread_id = ${t}.id) AS own_level,
    (SELECT s.level FROM forum_subscription s WHERE s.user_id = ${user} AND s.channel_id = ${ch}.id) AS channel_level,
    ${defaultLevelSql(ch, user)} AS default_level`;
}

/** The level a page shows: the person's own choice, or what applies without one (for a thread: its channel's, where "new threads only" means no replies, so "off"). */
export function levelShown(levels: SubscriptionLevels, isThread: boolean): SubscriptionLevel {
  if (levels.own_level) return levels.own_level;
  const channelLevel = levels.channel_level ?? levels.default_level;
  return isThread && channelLevel === 'new_threads' ? 'off' : channelLevel;
}

/** Version byte, target kind byte, person (16 bytes), target (16), HMAC-SHA256 cut to 16 bytes: 50 bytes, 67 characters. */
const TOKEN = /^[A-Za-z0-9_-]{67}$/;
const TOKEN_VERSION = 1;
const THREAD = 0x74; // 't'
const CHANNEL = 0x63; // 'c'

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

interface TargetRow extends SubscriptionLevels {
  kind: ChannelKind;
  may_read: boolean;
}

@Injectable()
export class ForumSubscriptions implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // An erased person's choices say what they read; a deactivated person's wait for their return
    // (no forum mail goes to anyone who is not active).
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason === 'erased') await manager.query(`DELETE FROM forum_subscription WHERE user_id = $1`, [userId]);
    });
  }

  /**
   * The person's level for a channel or thread as the page shows it: their own choice, or what
   * applies without one (a thread: its channel's choice, where "new threads only" means no replies,
   * so "off"). 404 when there is no such channel or thread, 403 when they may not read it.
   */
  async level(actor: Actor, target: SubscriptionTarget): Promise<SubscriptionLevel> {
    return levelShown(await this.readableTarget(this.dataSource.manager, actor, target), 'threadId' in target);
  }

  /** Sets the person's level; 403 if they may not read the channel or thread (or, for any level but off, have not verified their address), 400 for an unknown level. */
  async setLevel(actor: Actor, target: SubscriptionTarget, level: unknown): Promise<void> {
    if (typeof level !== 'string' || !(SUBSCRIPTION_LEVELS as readonly string[]).includes(level) || (level === 'new_threads' && 'threadId' in target)) {
      throw new FieldErrors({ level: 'forum.subscription.level.unknown' });
    }
    // Less mail is always allowed: only mail to an address not yet proven waits for the link.
    if (level !== 'off') mustHaveVerifiedEmail(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.readableTarget(manager, actor, target);
      await this.upsert(manager, actor.id, target, level as SubscriptionLevel);
    });
  }

  /** The address in a forum mail that turns this person's mail of this channel or thread off. */
  unsubscribeAddress(userId: string, target: SubscriptionTarget): string {
    const isThread = 'threadId' in target;
    const body = Buffer.concat([Buffer.from([TOKEN_VERSION, isThread ? THREAD : CHANNEL]), uuidBytes(userId), uuidBytes(isThread ? target.threadId : target.channelId)]);
    return `${this.config.baseUrl}/unsubscribe/forum/${Buffer.concat([body, this.mac(body)]).toString('base64url')}`;
  }

  /**
   * What an unsubscribe token turns off, named in `lang`; null for a token that is malformed,
   * forged, or names a person or a channel or thread that is gone.
   */
  async unsubscribeTarget(token: string, lang: Language): Promise<UnsubscribeTarget | null> {
    const decoded = this.decode(token);
    if (!decoded) return null;
    const { userId, target } = decoded;
    const [row]: { title: string | null; name: LocalizedText; programme_title: LocalizedText | null; cohort_name: string | null }[] = await this.dataSource.query(
      `SELECT t.title, ch.name, p.title AS programme_title, c.name AS cohort_name
       FROM person u
       JOIN forum_channel ch ON ch.id = coalesce($2::uuid, (SELECT channel_id FROM forum_thread WHERE id = $3::uuid))
       LEFT JOIN forum_thread t ON t.id = $3::uuid
       LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing p ON p.id = c.programme_id
       WHERE u.id = $1 AND u.status <> 'erased'`,
      [userId, 'channelId' in target ? target.channelId : null, 'threadId' in target ? target.threadId : null],
    );
    if (!row || ('threadId' in target && row.title === null)) return null;
    return { userId, target, name: row.title ?? channelName(row, lang) };
  }

  /**
   * Turns off what the token names (the person need not be signed in) and returns it, named in
   * `lang`; null, changing nothing, for a token that names nothing.
   */
  async unsubscribe(token: string, lang: Language): Promise<UnsubscribeTarget | null> {
    const found = await this.unsubscribeTarget(token, lang);
    if (!found) return null;
    // A target deleted since it was named makes the foreign key refuse: nothing was changed, as for a bad token.
    try {
      await this.upsert(this.dataSource.manager, found.userId, found.target, 'off');
    } catch (error) {
      if ((error as { code?: string }).code === '23503') return null;
      throw error;
    }
    return found;
  }

  private async upsert(manager: EntityManager, userId: string, target: SubscriptionTarget, level: SubscriptionLevel): Promise<void> {
    if ('threadId' in target) {
      await manager.query(
        `INSERT INTO forum_subscription (user_id, thread_id, level) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, thread_id) WHERE thread_id IS NOT NULL DO UPDATE SET level = excluded.level`,
        [userId, target.threadId, level],
      );
    } else {
      await manager.query(
        `INSERT INTO forum_subscription (user_id, channel_id, level) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, channel_id) WHERE channel_id IS NOT NULL DO UPDATE SET level = excluded.level`,
        [userId, target.channelId, level],
      );
    }
  }

  /** The target with the person's own rows; 404 when it does not exist, 403 when they may not read its channel. */
  private async readableTarget(manager: EntityManager, actor: Actor, target: SubscriptionTarget): Promise<TargetRow> {
    const threadId = 'threadId' in target ? checkedId(target.threadId) : null;
    const channelId = 'channelId' in target ? checkedId(target.channelId) : null;
    const [row]: TargetRow[] = await manager.query(
      `SELECT ch.kind, ${mayReadSql('ch', '$3', '$4')} AS may_read,
         (SELECT level FROM forum_subscription s WHERE s.user_id = $3 AND (s.thread_id = $2 OR (s.channel_id = $1 AND $2::uuid IS NULL))) AS own_level,
         (SELECT level FROM forum_subscription s WHERE s.user_id = $3 AND s.channel_id = ch.id) AS channel_level,
         ${defaultLevelSql('ch', '$3')} AS default_level
       FROM forum_channel ch
       WHERE ch.id = coalesce($1::uuid, (SELECT channel_id FROM forum_thread WHERE id = $2::uuid))`,
      [channelId, threadId, actor.id, isAdmin(actor)],
    );
    if (!row) throw new NotFound();
    if (!row.may_read) throw new NotAllowed('forum.channel.notMember');
    return row;
  }

  private decode(token: string): { userId: string; target: SubscriptionTarget } | null {
    if (typeof token !== 'string' || !TOKEN.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== 50 || bytes[0] !== TOKEN_VERSION || (bytes[1] !== THREAD && bytes[1] !== CHANNEL)) return null;
    const body = bytes.subarray(0, 34);
    if (!timingSafeEqual(bytes.subarray(34), this.mac(body))) return null;
    const userId = uuidOf(body.subarray(2, 18));
    const targetId = uuidOf(body.subarray(18, 34));
    return { userId, target: bytes[1] === THREAD ? { threadId: targetId } : { channelId: targetId } };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.config.sessionSecret).update('forum-unsubscribe:').update(body).digest().subarray(0, 16);
  }
}
