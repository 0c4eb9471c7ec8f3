// Moderation: facilitators in their cohorts' forums, admins everywhere, may pin and unpin, lock and
// unlock a thread, make it a reflection thread ("post first"), move it to another channel they
// moderate, and hide a post with a reason (or show it again). Each action is written to the
// moderation log in its own transaction, with who, when and why.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { checkedId, FieldErrors, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { isAdmin, mayModerateSql } from './forum-access';
import { ModerationAction } from './forum-moderation.entity';
import { cohortNameIn } from '../i18n/cohort-name';

export const MAX_REASON_LENGTH = 500;

/** The thread switches a moderator flips: each sets one column and logs one action. */
const THREAD_SWITCHES = {
  pin: { column: 'pinned', value: true },
  unpin: { column: 'pinned', value: false },
  lock: { column: 'locked', value: true },
  unlock: { column: 'locked', value: false },
  post_first_on: { column: 'post_first', value: true },
  post_first_off: { column: 'post_first', value: false },
} as const;

export type ThreadSwitch = keyof typeof THREAD_SWITCHES;
export const THREAD_SWITCH_NAMES = Object.keys(THREAD_SWITCHES) as ThreadSwitch[];

export interface ModerationEntry {
  action: ModerationAction;
  actorName: string | null;
  postId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

@Injectable()
export class ModerationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pins, unpins, locks, unlocks, or turns "post first" on or off. Flipping to what it already is changes and logs nothing. */
  async switchThread(actor: Actor, threadId: string, action: ThreadSwitch): Promise<void> {
    checkedId(threadId);
    const change = THREAD_SWITCHES[action];
    await this.dataSource.transaction(async (manager) => {
      await this.moderatedThread(manager, actor, threadId);
      const [, changed]: [unknown, number] = await manager.query(
        `UPDATE forum_thread SET ${change.column} = $2, updated_at = now() WHERE id = $1 AND ${change.column} <> $2`,
        [threadId, change.value],
      );
      if (changed) await this.log(manager, actor, action, threadId, null, null, {});
    });
  }

  /** Moves a thread to another channel the moderator moderates (not an archived one). */
  async moveThread(actor: Actor, threadId: string, toChannelId: unknown, reason?: unknown): Promise<void> {
    checkedId(threadId);
    if (typeof toChannelId !== 'string' || !/^[0-9a-f-]{36}$/i.test(toChannelId)) throw new FieldErrors({ channelId: 'forum.move.channelRequired' });
    await this.dataSource.transaction(async (manager) => {
      const thread = await this.moderatedThread(manager, actor, threadId);
      if (thread.channel_id === toChannelId) throw new FieldErrors({ channelId: 'forum.move.sameChannel' });
      const [target]: { may_moderate: boolean; archived_at: Date | null }[] = await manager.query(
        `SELECT ${mayModerateSql('ch', '$2', '$3')} AS may_moderate, ch.archived_at FROM forum_channel ch WHERE ch.id = $1 FOR SHARE`,
        [toChannelId, actor.id, isAdmin(actor)],
      );
      if (!target) throw new FieldErrors({ channelId: 'forum.move.channelRequired' });
      if (!target.may_moderate) throw new NotAllowed('forum.moderation.notModerator');
      if (target.archived_at) throw new Refused('forum.channel.archived');
      await manager.query(`UPDATE forum_thread SET channel_id = $2, updated_at = now() WHERE id = $1`, [threadId, toChannelId]);
      await this.log(manager, actor, 'move', threadId, null, optionalReason(reason), { from: thread.channel_id, to: toChannelId });
    });
  }

  /** Hides a post, with a reason the thread shows in its place. */
  async hidePost(actor: Actor, postId: string, reason: unknown): Promise<{ threadId: string }> {
    checkedId(postId);
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why) throw new FieldErrors({ reason: 'forum.hide.reasonRequired' });
    if (why.length > MAX_REASON_LENGTH) throw new FieldErrors({ reason: withValues('forum.hide.reasonTooLong', { max: MAX_REASON_LENGTH }) });
    return this.dataSource.transaction(async (manager) => {
      const post = await this.moderatedPost(manager, actor, postId);
      if (post.hidden_at) throw new Refused('forum.post.alreadyHidden');
      await manager.query(`UPDATE forum_post SET hidden_at = now(), hidden_reason = $2 WHERE id = $1`, [postId, why]);
      await this.log(manager, actor, 'hide', post.thread_id, postId, why, {});
      return { threadId: post.thread_id };
    });
  }

  async unhidePost(actor: Actor, postId: string): Promise<{ threadId: string }> {
    checkedId(postId);
    return this.dataSource.transaction(async (manager) => {
      const post = await this.moderatedPost(manager, actor, postId);
      if (!post.hidden_at) throw new Refused('forum.post.notHidden');
      await manager.query(`UPDATE forum_post SET hidden_at = NULL, hidden_reason = NULL WHERE id = $1`, [postId]);
      await this.log(manager, actor, 'unhide', post.thread_id, postId, null, {});
      return { threadId: post.thread_id };
    });
  }

  /** A thread's moderation history, newest first, for its moderators. */
  async history(actor: Actor, threadId: string): Promise<ModerationEntry[]> {
    checkedId(threadId);
    await this.moderatedThread(this.dataSource.manager, actor, threadId, false);
    const rows: { action: ModerationAction; actor_name: string | null; post_id: string | null; reason: string | null; details: Record<string, unknown>; created_at: Date }[] =
      await this.dataSource.query(
        `SELECT m.action, u.display_name AS actor_name, m.post_id, m.reason, m.details, m.created_at
         FROM forum_moderation m LEFT JOIN person u ON u.id = m.actor_id WHERE m.thread_id = $1 ORDER BY m.created_at DESC, m.id`,
        [threadId],
      );
    return rows.map((row) => ({ action: row.action, actorName: row.actor_name, postId: row.post_id, reason: row.reason, details: row.details, createdAt: new Date(row.created_at) }));
  }

  /** The channels a thread may be moved to by this moderator. */
  async moveTargets(actor: Actor, threadId: string, lang: Language): Promise<{ id: string; name: string }[]> {
    const thread = await this.moderatedThread(this.dataSource.manager, actor, threadId, false);
    const rows: { id: string; name: Record<Language, string | undefined>; cohort_name: string | null; programme_title: Record<Language, string | undefined> | null }[] =
      await this.dataSource.query(
        `SELECT ch.id, ch.name, c.name AS cohort_name, p.title AS programme_title
         FROM forum_channel ch LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing p ON p.id = c.programme_id
         WHERE ch.archived_at IS NULL AND ch.id <> $1 AND ${mayModerateSql('ch', '$2', '$3')}
         ORDER BY ch.kind = 'cohort', ch.position, ch.created_at`,
        [thread.channel_id, actor.id, isAdmin(actor)],
      );
    return rows.map((row) => ({
      id: row.id,
      name: row.programme_title ? `${row.programme_title[lang] || row.programme_title.fi}: ${cohortNameIn(row.cohort_name ?? '', lang)}` : row.name[lang] || row.name.fi || '',
    }));
  }

  /** The thread, locked, when the actor moderates its channel: 404 if none, 403 if not theirs to moderate. */
  private async moderatedThread(manager: EntityManager, actor: Actor, threadId: string, lock = true): Promise<{ id: string; channel_id: string }> {
    const [row]: { id: string; channel_id: string; may_moderate: boolean }[] = await manager.query(
      `SELECT t.id, t.channel_id, ${mayModerateSql('ch', '$2', '$3')} AS may_moderate
       FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id WHERE t.id = $1 ${lock ? 'FOR UPDATE OF t' : ''}`,
      [threadId, actor.id, isAdmin(actor)],
    );
    if (!row) throw new NotFound();
    if (!row.may_moderate) throw new NotAllowed('forum.moderation.notModerator');
    return row;
  }

  private async moderatedPost(manager: EntityManager, actor: Actor, postId: string): Promise<{ id: string; thread_id: string; hidden_at: Date | null }> {
    const [post]: { id: string; thread_id: string; hidden_at: Date | null; deleted_at: Date | null }[] = await manager.query(
      `SELECT id, thread_id, hidden_at, deleted_at FROM forum_post WHERE id = $1 FOR UPDATE`,
      [postId],
    );
    if (!post || post.deleted_at) throw new NotFound();
    await this.moderatedThread(manager, actor, post.thread_id, false);
    return post;
  }

  private async log(manager: EntityManager, actor: Actor, action: ModerationAction, threadId: string, postId: string | null, reason: string | null, details: Record<string, unknown>): Promise<void> {
    await manager.query(`INSERT INTO forum_moderation (actor_id, action, thread_id, post_id, reason, details) VALUES ($1, $2, $3, $4, $5, $6)`, [
      actor.id,
      action,
      threadId,
      postId,
      reason,
      details,
    ]);
  }
}

function optionalReason(reason: unknown): string | null {
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (why.length > MAX_REASON_LENGTH) throw new FieldErrors({ reason: withValues('forum.hide.reasonTooLong', { max: MAX_REASON_LENGTH }) });
  return why || null;
}
