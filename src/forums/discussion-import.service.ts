// Owns the forum writes that bring in discussions written elsewhere in time, for the demo seed
// (src/demo): the posts are written through ForumsService as usual, and this moves them to when they
// were written, with what follows from a post's time. Also the network channels' digest
// subscriptions the demo gives a person, and what the seed asks of the forum before it writes.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A channel open for writing: a network channel by its Finnish name, or a round's forum by its round. */
export interface OpenChannel {
  id: string;
  /** The Finnish name (a round's forum is named after its round instead). */
  name: string;
  cohortId: string | null;
}

@Injectable()
export class DiscussionImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether anybody has written anything yet. */
  async hasPosts(): Promise<boolean> {
    const [{ posts }]: { posts: boolean }[] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM forum_post) AS posts`);
    return posts;
  }

  /** The channels not archived. */
  async openChannels(): Promise<OpenChannel[]> {
    return this.dataSource.query(`SELECT id, name->>'fi' AS name, cohort_id AS "cohortId" FROM forum_channel WHERE archived_at IS NULL`);
  }

  /**
   * Moves the posts to their times, and with them what follows from a post's time: its thread's
   * start and latest activity, the moderation log's entries (made just after the thread opened) and
   * each author's read position (up to their own latest post, so later replies are unread to them,
   * as they would be).
   */
  async backdate(posts: { id: string; at: Date }[], threadIds: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE forum_post p SET created_at = v.at FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE p.id = v.id`,
        [posts.map((post) => post.id), posts.map((post) => post.at)],
      );
      await manager.query(
        `UPDATE forum_thread t SET created_at = a.first_at, last_post_at = a.last_at, updated_at = a.last_at
         FROM (SELECT thread_id, min(created_at) AS first_at, max(created_at) AS last_at FROM forum_post WHERE thread_id = ANY($1) GROUP BY thread_id) a
         WHERE t.id = a.thread_id`,
        [threadIds],
      );
      await manager.query(
        `UPDATE forum_moderation m SET created_at = t.created_at + interval '2 minutes' FROM forum_thread t WHERE m.thread_id = t.id AND t.id = ANY($1)`,
        [threadIds],
      );
      await manager.query(
        `UPDATE forum_read r SET read_up_to = own.last_at
         FROM (SELECT thread_id, author_id, max(created_at) AS last_at FROM forum_post WHERE thread_id = ANY($1) GROUP BY thread_id, author_id) own
         WHERE r.thread_id = own.thread_id AND r.user_id = own.author_id`,
        [threadIds],
      );
    });
  }

  /** Every network channel's posts in the person's daily digest instead of mail of their own (a choice of their own already made stays). */
  async networkChannelsInDigest(userId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO forum_subscription (user_id, channel_id, level)
       SELECT $1::uuid, ch.id, 'daily_digest' FROM forum_channel ch WHERE ch.kind = 'network'
       ON CONFLICT (user_id, channel_id) WHERE channel_id IS NOT NULL DO NOTHING`,
      [userId],
    );
  }
}
