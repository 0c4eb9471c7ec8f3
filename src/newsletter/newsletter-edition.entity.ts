import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';
import { LocalizedText } from '../i18n/i18n';

export const EDITION_STATUSES = ['draft', 'scheduled', 'sending', 'sent'] as const;
export type EditionStatus = (typeof EDITION_STATUSES)[number];

/**
 * One issue of the newsletter (uutiskirje): a subject and a Markdown body in fi/sv/en, Finnish
 * required; each subscriber gets their language's text, else the Finnish. Scheduled, it is queued
 * at `scheduledAt` as one outbox row per confirmed subscriber; once sent it is in the archive.
 */
@Entity('newsletter_edition')
@Index('newsletter_edition_due', ['scheduledAt'], { where: `status = 'scheduled'` })
@Index('newsletter_edition_archive', ['sentAt'], { where: `status = 'sent'` })
@Check('newsletter_edition_status_known', `status IN ('draft', 'scheduled', 'sending', 'sent')`)
@Check('newsletter_edition_subject_has_finnish', `length(btrim(subject->>'fi')) BETWEEN 1 AND 200`)
@Check('newsletter_edition_body_has_finnish', `length(btrim(body->>'fi')) > 0`)
@Check('newsletter_edition_scheduled_when', `status = 'draft' OR scheduled_at IS NOT NULL`)
@Check('newsletter_edition_sent_when', `(status = 'sent') = (sent_at IS NOT NULL)`)
export class NewsletterEdition {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'jsonb' })
  subject: LocalizedText;

  /** Markdown per language, sanitised on render. */
  @Column({ type: 'jsonb' })
  body: LocalizedText;

  @Column({ type: 'text', default: 'draft' })
  status: EditionStatus;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledAt: Date | null;

  /** When every subscriber's row was in the outbox (the archive's date). */
  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** How many subscribers it was queued for. */
  @Column({ type: 'integer', default: 0 })
  recipientCount: number;

  /**
   * While sending: the last subscriber (in id order) whose outbox row is written, recorded in the
   * same transaction as the batch, so queueing resumes after it and never writes a subscriber twice.
   */
  @Column({ type: 'uuid', nullable: true })
  queuedThrough: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'newsletter_edition_creator_fk' })
  creator?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
