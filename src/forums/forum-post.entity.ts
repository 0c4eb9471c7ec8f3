import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Language } from '../i18n/i18n';
import { ForumThread } from './forum-thread.entity';
import { User } from '../identity/user.entity';

/**
 * A post (viesti). The body is Markdown as written; bodyHtml is it rendered and sanitised once, when
 * written, so reading a thread renders nothing. `search` is the body's search vector in the post's
 * own language (Finnish with Voikko's base forms and compound parts, Swedish or English stemmed:
 * search/sql/search-vector.sql), kept by a trigger, with a GIN index (migration Forums). The
 * opening post's vector also holds its thread's title. A deleted post keeps its place ("message
 * deleted"); a hidden one shows its moderator's reason.
 */
@Entity('forum_post')
@Index('forum_post_thread_order', ['threadId', 'createdAt', 'id'])
// GIN over the search vector of posts that can be found (migration Forums: partial, so not synchronised).
@Index('forum_post_search', { synchronize: false })
// The newest findable posts first, for search; and posts by author and thread (migration Forums: partial, descending).
@Index('forum_post_findable_recent', { synchronize: false })
@Index('forum_post_author_thread', { synchronize: false })
@Check('forum_post_body_length', `length(btrim(body)) BETWEEN 1 AND 20000`)
@Check('forum_post_language_known', `language IN ('fi', 'sv', 'en')`)
@Check('forum_post_file_count_counted', `file_count >= 0`)
export class ForumPost {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  threadId: string;

  @ManyToOne(() => ForumThread, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id', foreignKeyConstraintName: 'forum_post_thread_fk' })
  thread?: Relation<ForumThread>;

  @Column({ type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'forum_post_author_fk' })
  author?: Relation<User>;

  /** The post this one answers, in the same thread; null for a reply to the thread itself. */
  @Column({ type: 'uuid', nullable: true })
  replyToId: string | null;

  @ManyToOne(() => ForumPost, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reply_to_id', foreignKeyConstraintName: 'forum_post_reply_to_fk' })
  replyTo?: Relation<ForumPost>;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  bodyHtml: string;

  @Column({ type: 'text', default: 'fi' })
  language: Language;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  hiddenAt: Date | null;

  @Column({ type: 'text', nullable: true })
  hiddenReason: string | null;

  /** How many files the post has: kept by the trigger forum_post_file_count (forums/sql/post-files.sql), never written by TypeORM. */
  @Column({ type: 'int', default: 0, insert: false, update: false })
  fileCount: number;

  /** Kept by the trigger forum_post_search (migration Forums); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
