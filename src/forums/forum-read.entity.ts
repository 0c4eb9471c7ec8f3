import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { ForumThread } from './forum-thread.entity';
import { User } from '../identity/user.entity';

/** How far a person has read a thread: the time of the latest post they have seen, on any device. */
@Entity('forum_read')
export class ForumRead {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'forum_read_user_fk' })
  user?: Relation<User>;

  @PrimaryColumn({ type: 'uuid' })
  threadId: string;

  @ManyToOne(() => ForumThread, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id', foreignKeyConstraintName: 'forum_read_thread_fk' })
  thread?: Relation<ForumThread>;

  @Column({ type: 'timestamptz' })
  readUpTo: Date;
}
