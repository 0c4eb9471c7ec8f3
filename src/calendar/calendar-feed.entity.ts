import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';

/**
 * A person's personal calendar feed (/calendar/feed/<token>.ics). The token is not stored: it is
 * derived from the user, the generation and the server's secret (CalendarFeedService), so the
 * profile can show the address again at any time, and a database dump holds no working address.
 * Only its SHA-256 is kept, to find the person. Resetting bumps the generation: the old address
 * stops working at once.
 */
@Entity('calendar_feed')
@Index('calendar_feed_token_hash_unique', ['tokenHash'], { unique: true })
export class CalendarFeed {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'calendar_feed_user_fk' })
  user?: User;

  @Column({ type: 'integer', default: 0 })
  generation: number;

  @Column({ type: 'text' })
  tokenHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
