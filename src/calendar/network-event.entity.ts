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
// Registration: seats never above capacity (kept by event_registration's trigger under this row's lock).
@Check('network_event_registration_capacity_range', `registration_capacity IS NULL OR registration_capacity BETWEEN 1 AND 10000`)
@Check('network_event_seats_within_capacity', `seats_taken >= 0 AND seats_taken <= coalesce(registration_capacity, 0)`)
@Check('network_event_waitlist_not_negative', `waitlist_length >= 0`)
@Check('network_event_registration_questions_list', `jsonb_typeof(registration_questions) = 'array' AND jsonb_array_length(registration_questions) <= 10`)
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

  /** Seats for registration; null: the event takes no registrations (it is only listed). */
  @Column({ type: 'integer', nullable: true })
  registrationCapacity: number | null;

  /** Registration closes then; null: when the event starts. */
  @Column({ type: 'timestamptz', nullable: true })
  registrationClosesAt: Date | null;

  /** What registration asks (dietary needs, on site or remote…): RegistrationQuestion[]. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  registrationQuestions: unknown[];

  /** Confirmed registrations, kept by event_registration's trigger; never written elsewhere. */
  @Column({ type: 'integer', default: 0, insert: false, update: false })
  seatsTaken: number;

  /** Waitlisted registrations, kept by the same trigger. */
  @Column({ type: 'integer', default: 0, insert: false, update: false })
  waitlistLength: number;

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
