import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';

export const NETWORK_EVENT_STATUSES = ['published', 'cancelled'] as const;
export type NetworkEventStatus = (typeof NETWORK_EVENT_STATUSES)[number];

/**
 * An event of the whole developers' network, outside any cohort: the spring and autumn developer
 * days (kehittäjäpäivät). Listed on the events page and in the public calendar feed. Texts per
 * language, Finnish required; the description is Markdown, sanitised on render.
 */
@Entity('network_event')
@Index('network_event_starts', ['startsAt'])
@Check('network_event_title_has_finnish', `length(btrim(title->>'fi')) > 0`)
@Check('network_event_ends_after_start', `ends_at > starts_at`)
@Check('network_event_dates_in_range', `starts_at >= '2000-01-01' AND ends_at < '2101-01-01'`)
@Check('network_event_status_known', `status IN ('published', 'cancelled')`)
export class NetworkEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'jsonb' })
  title: LocalizedText;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  description: LocalizedText;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text', nullable: true })
  place: string | null;

  @Column({ type: 'text', nullable: true })
  meetingLink: string | null;

  @Column({ type: 'text', default: 'published' })
  status: NetworkEventStatus;

  /** Bumped on every change of time or status: the SEQUENCE calendars compare. */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The search vector, kept by a trigger from the texts (search/sql/search-vector.sql); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
