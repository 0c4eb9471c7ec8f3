import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { ForumThread } from './forum-thread.entity';
import { User } from '../identity/user.entity';

export const MODERATION_ACTIONS = ['pin', 'unpin', 'lock', 'unlock', 'move', 'hide', 'unhide', 'post_first_on', 'post_first_off'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The audit log of moderation: who did what to which thread or post, when and why. Written in the action's transaction. */
@Entity('forum_moderation')
@Index('forum_moderation_thread', ['threadId', 'createdAt'])
@Check('forum_moderation_action_known', `action IN ('pin', 'unpin', 'lock', 'unlock', 'move', 'hide', 'unhide', 'post_first_on', 'post_first_off')`)
export class ForumModeration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'forum_moderation_actor_fk' })
  actor?: Relation<User>;

  @Column({ type: 'text' })
  action: ModerationAction;

  @Column({ type: 'uuid' })
  threadId: string;

  @ManyToOne(() => ForumThread, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id', foreignKeyConstraintName: 'forum_moderation_thread_fk' })
  thread?: Relation<ForumThread>;

  @Column({ type: 'uuid', nullable: true })
  postId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** What changed, e.g. { from, to } channel ids of a move. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
