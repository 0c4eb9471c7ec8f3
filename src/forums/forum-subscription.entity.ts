import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { ForumChannel } from './forum-channel.entity';
import { ForumThread } from './forum-thread.entity';
import { User } from '../identity/user.entity';

export const SUBSCRIPTION_LEVELS = ['every_post', 'new_threads', 'daily_digest', 'off'] as const;
export type SubscriptionLevel = (typeof SUBSCRIPTION_LEVELS)[number];

/**
 * A person's choice for a channel or a thread. A thread's own choice wins over its channel's.
 * Without one (defaultLevelSql in forum-subscriptions.service.ts): the announcements channel is
 * "every post", network channels "new threads only", a round's forum "every post" for its confirmed
 * participants and facilitators; starting or replying to a thread subscribes you to it ("every post").
 */
@Entity('forum_subscription')
@Index('forum_subscription_channel', ['userId', 'channelId'], { unique: true, where: 'channel_id IS NOT NULL' })
@Index('forum_subscription_thread', ['userId', 'threadId'], { unique: true, where: 'thread_id IS NOT NULL' })
@Index('forum_subscription_thread_subscribers', ['threadId'], { where: 'thread_id IS NOT NULL' })
@Index('forum_subscription_channel_subscribers', ['channelId'], { where: 'channel_id IS NOT NULL' })
@Check('forum_subscription_one_target', `num_nonnulls(channel_id, thread_id) = 1`)
@Check('forum_subscription_level_known', `level IN ('every_post', 'new_threads', 'daily_digest', 'off')`)
@Check('forum_subscription_new_threads_on_channels', `level <> 'new_threads' OR channel_id IS NOT NULL`)
export class ForumSubscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'forum_subscription_user_fk' })
  user?: Relation<User>;

  @Column({ type: 'uuid', nullable: true })
  channelId: string | null;

  @ManyToOne(() => ForumChannel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'forum_subscription_channel_fk' })
  channel?: Relation<ForumChannel>;

  @Column({ type: 'uuid', nullable: true })
  threadId: string | null;

  @ManyToOne(() => ForumThread, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id', foreignKeyConstraintName: 'forum_subscription_thread_fk' })
  thread?: Relation<ForumThread>;

  @Column({ type: 'text' })
  level: SubscriptionLevel;
}
