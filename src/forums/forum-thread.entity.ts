import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { ForumChannel } from './forum-channel.entity';
import { User } from '../identity/user.entity';

/**
 * A thread (keskusteluketju): a title and its posts, the first of which opens it. Its reply count
 * and latest activity are kept by the post triggers (migration Forums), so the channel page lists
 * threads without counting posts.
 */
@Entity('forum_thread')
@Index('forum_thread_channel_activity', ['channelId', 'pinned', 'lastPostAt', 'id'])
@Check('forum_thread_title_length', `length(btrim(title)) BETWEEN 1 AND 200`)
export class ForumThread {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  channelId: string;

  @ManyToOne(() => ForumChannel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'forum_thread_channel_fk' })
  channel?: Relation<ForumChannel>;

  @Column({ type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'forum_thread_author_fk' })
  author?: Relation<User>;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'boolean', default: false })
  pinned: boolean;

  /** Nobody but moderators posts in a locked thread. */
  @Column({ type: 'boolean', default: false })
  locked: boolean;

  /** A reflection thread: participants see the others' replies only after posting their own. */
  @Column({ type: 'boolean', default: false })
  postFirst: boolean;

  /** Visible replies (posts after the first that are neither deleted nor hidden). */
  @Column({ type: 'integer', default: 0 })
  replyCount: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastPostAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
