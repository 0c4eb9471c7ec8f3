import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Cohort } from './cohort.entity';

export const SESSION_STATUSES = ['scheduled', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * One meeting of a cohort (tapaaminen, valmennuspäivä): a day on site or an online session. Times
 * are instants (timestamptz), entered and shown in Europe/Helsinki. Two scheduled sessions of one
 * cohort never overlap: PostgreSQL refuses it (btree_gist exclusion), whichever process writes.
 */
@Entity('cohort_session')
@Index('cohort_session_cohort_start', ['cohortId', 'startsAt'])
@Check('cohort_session_ends_after_start', `ends_at > starts_at`)
@Check('cohort_session_dates_in_range', `starts_at >= '2000-01-01' AND ends_at < '2101-01-01'`)
@Check('cohort_session_status_known', `status IN ('scheduled', 'cancelled')`)
@Exclusion('cohort_session_no_overlap', `USING gist (cohort_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'scheduled')`)
export class CohortSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, (cohort) => cohort.sessions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'cohort_session_cohort_fk' })
  cohort?: Relation<Cohort>;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** Null: the cohort's place. */
  @Column({ type: 'text', nullable: true })
  place: string | null;

  /** Null: the cohort's meeting link. Shown only to those who may see the cohort's link. */
  @Column({ type: 'text', nullable: true })
  meetingLink: string | null;

  /** Markdown, sanitised on render. */
  @Column({ type: 'text', nullable: true })
  agenda: string | null;

  @Column({ type: 'text', default: 'scheduled' })
  status: SessionStatus;

  /** Bumped on every move or cancellation: calendars (SEQUENCE) and reminders key on it. */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
