import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';
import { Language } from '../i18n/i18n';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * An address on the newsletter's list, with or without an account. Double opt-in: an address is
 * `pending` until its mailed link is used, and only `confirmed` addresses get editions. SMTP
 * refusals count in `failureCount`; after enough in a row the address is `bounced` and gets nothing.
 */
@Entity('newsletter_subscriber')
@Index('newsletter_subscriber_email', { synchronize: false })
@Index('newsletter_subscriber_user', ['userId'], { unique: true, where: `user_id IS NOT NULL` })
@Index('newsletter_subscriber_confirmed', ['id'], { where: `status = 'confirmed'` })
@Check('newsletter_subscriber_status_known', `status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')`)
@Check('newsletter_subscriber_email_length', `length(email) BETWEEN 3 AND 254`)
@Check('newsletter_subscriber_language_known', `language IN ('fi', 'sv', 'en')`)
@Check('newsletter_subscriber_failures', `failure_count >= 0`)
export class NewsletterSubscriber {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique without regard to case (the index newsletter_subscriber_email on lower(email), in the migration). */
  @Column({ type: 'text' })
  email: string;

  /** The account that subscribed with one click, if any. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'newsletter_subscriber_user_fk' })
  user?: Relation<User>;

  /** Which edition's language the address gets. */
  @Column({ type: 'text', default: 'fi' })
  language: Language;

  @Column({ type: 'text', default: 'pending' })
  status: SubscriberStatus;

  /**
   * SHA-256 of the confirmation link's token. Kept once the link is used, so a second click can say
   * "already confirmed"; null without a link (one-click account subscribers) and once unsubscribed or bounced.
   */
  @Column({ type: 'text', nullable: true })
  confirmTokenHash: string | null;

  /** When the confirmation link was mailed: it works for 7 days. */
  @Column({ type: 'timestamptz', nullable: true })
  confirmSentAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  unsubscribedAt: Date | null;

  /** SMTP refusals since the last delivery that went through. */
  @Column({ type: 'integer', default: 0 })
  failureCount: number;

  @Column({ type: 'text', nullable: true })
  lastFailure: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
