import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';
import { Language } from '../i18n/i18n';

export const NOTIFICATION_STATUSES = ['pending', 'queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
/** How a notification reaches its recipient: its own email, or a line in the daily digest. */
export type Delivery = 'email' | 'digest';
export const CHANNELS = ['email', 'digest', 'off'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * One row of the outbox: a message to one person, written in the same transaction as the change
 * that causes it, then relayed to the queue, sent by a worker and marked. Statuses move
 * pending → queued → sending → sent, or to failed / cancelled.
 */
@Entity('notification')
@Check('notification_status_known', `status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'cancelled')`)
@Check('notification_delivery_known', `delivery IN ('email', 'digest')`)
@Check('notification_language_known', `language IN ('fi', 'sv', 'en')`)
@Check('notification_sent_has_time', `status <> 'sent' OR sent_at IS NOT NULL`)
// The relay's work list: due rows not yet handed to the queue.
@Index('notification_relay', ['dueAt'], { where: `status = 'pending' AND delivery = 'email'` })
// The sweep's and digest's work lists.
@Index('notification_in_flight', ['status', 'dueAt'], { where: `status IN ('queued', 'sending')` })
@Index('notification_digest_pending', ['recipientEmail', 'dueAt'], { where: `status = 'pending' AND delivery = 'digest'` })
@Index('notification_outbox_list', ['createdAt'])
// A person's own notifications page and the unread count in the header.
@Index('notification_for_person', ['recipientUserId', 'createdAt'], { where: `recipient_user_id IS NOT NULL` })
@Index('notification_digest_items', ['digestId'], { where: `digest_id IS NOT NULL` })
// Pending notifications by key prefix (text_pattern_ops, made by migration Reminders).
@Index('notification_live_key_prefix', { synchronize: false })
// One live notification per key: the same reminder is never scheduled twice.
@Index('notification_key_live', ['key'], { unique: true, where: `key IS NOT NULL AND status IN ('pending', 'queued', 'sending')` })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: string;

  /** Caller's key, for cancelling and for "at most one live" (reminder-<session>-<user>-<offset>). */
  @Column({ type: 'text', nullable: true })
  key: string | null;

  @Column({ type: 'uuid', nullable: true })
  recipientUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recipient_user_id', foreignKeyConstraintName: 'notification_recipient_user_fk' })
  recipientUser?: User | null;

  @Column({ type: 'text' })
  recipientEmail: string;

  @Column({ type: 'text', nullable: true })
  recipientName: string | null;

  @Column({ type: 'text' })
  language: Language;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: 'email' })
  delivery: Delivery;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  dueAt: Date;

  @Column({ type: 'text', default: 'pending' })
  status: NotificationStatus;

  /** Times a worker has claimed it for sending. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Bumped when an admin resends it, so its new job gets a new id. */
  @Column({ type: 'integer', default: 0 })
  generation: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** The digest email that carries this notification, for digest-bound ones. */
  @Column({ type: 'uuid', nullable: true })
  digestId: string | null;

  /** When the person opened it from their notifications page. */
  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;

  /** The message as sent, for the outbox page. */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  bodyText: string | null;

  @Column({ type: 'text', nullable: true })
  bodyHtml: string | null;

  /** Where it went: the SMTP server's answer, or 'not sent: no SMTP_URL' in the demo. */
  @Column({ type: 'text', nullable: true })
  transportResult: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A person's choice per kind: its own email, the daily digest, or nothing. */
@Entity('notification_preference')
@Check('notification_preference_channel_known', `channel IN ('email', 'digest', 'off')`)
export class NotificationPreference {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notification_preference_user_fk' })
  user?: User;

  @PrimaryColumn({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  channel: Channel;
}
