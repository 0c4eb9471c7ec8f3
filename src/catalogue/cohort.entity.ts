import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';
import { CohortSession } from './cohort-session.entity';
import { Programme } from './programme.entity';

export const COHORT_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export type CohortStatus = (typeof COHORT_STATUSES)[number];
/** How a round's completion is decided: from attendance (at least `completionMinSessions`, null: all), or marked by a facilitator alone. */
export const COMPLETION_RULES = ['attendance', 'facilitator'] as const;
export type CompletionRule = (typeof COMPLETION_RULES)[number];
export const DELIVERY_MODES = ['on_site', 'online', 'hybrid'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/**
 * One round of a programme (ryhmä, toteutus): about 20 people from many agencies with their own
 * sessions. `seatsTaken` and `waitlistLength` are kept by enrolment under a row lock on this row, so
 * the seat rules hold in PostgreSQL whatever the number of web processes; `term`, `startsAt` and
 * `endsAt` are kept by scheduling from the cohort's sessions.
 */
@Entity('cohort')
@Index('cohort_programme_start', ['programmeId', 'startsAt'])
@Index('cohort_start', ['startsAt', 'id'])
@Check('cohort_name_length', `length(btrim(name)) BETWEEN 1 AND 120`)
@Check('cohort_status_known', `status IN ('draft', 'published', 'cancelled', 'completed')`)
@Check('cohort_delivery_mode_known', `delivery_mode IN ('on_site', 'online', 'hybrid')`)
@Check('cohort_term_format', `term ~ '^[0-9]{4}-(spring|autumn)$'`)
@Check('cohort_capacity_range', `capacity BETWEEN 1 AND 1000`)
@Check('cohort_agency_cap_range', `agency_seat_cap IS NULL OR agency_seat_cap BETWEEN 1 AND capacity`)
@Check('cohort_seats_within_capacity', `seats_taken BETWEEN 0 AND capacity`)
@Check('cohort_waitlist_not_negative', `waitlist_length >= 0`)
@Check('cohort_enrolment_window', `enrolment_closes_at > enrolment_opens_at`)
// At most 10 reminders per session, each between a minute and 60 days before it (in minutes).
@Check('cohort_reminder_offsets_range', `cardinality(reminder_offsets) <= 10 AND array_position(reminder_offsets, NULL) IS NULL AND 1 <= ALL (reminder_offsets) AND 86400 >= ALL (reminder_offsets)`)
// A freed seat offered for at most two weeks (in hours); null: the seat is confirmed at once.
@Check('cohort_seat_offer_hours_range', `seat_offer_hours IS NULL OR seat_offer_hours BETWEEN 1 AND 336`)
@Check('cohort_completion_rule_known', `completion_rule IN ('attendance', 'facilitator')`)
@Check('cohort_completion_min_sessions_range', `completion_min_sessions IS NULL OR completion_min_sessions BETWEEN 1 AND 100`)
@Check('cohort_dates_in_range', `enrolment_opens_at >= '2000-01-01' AND enrolment_closes_at < '2101-01-01' AND (cancellation_deadline IS NULL OR cancellation_deadline BETWEEN '2000-01-01' AND '2101-01-01')`)
export class Cohort {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programmeId: string;

  @ManyToOne(() => Programme, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'cohort_programme_fk' })
  programme?: Programme;

  /** "Kevät 2027", "Syksy 2027 – verkossa". */
  @Column({ type: 'text' })
  name: string;

  /** `2027-spring` or `2027-autumn`: the half-year of the first session (January–July is spring). */
  @Column({ type: 'text' })
  term: string;

  @Column({ type: 'text', default: 'draft' })
  status: CohortStatus;

  @Column({ type: 'integer', default: 20 })
  capacity: number;

  /** At most this many confirmed seats per agency, to keep the cohort cross-agency; null: no cap. */
  @Column({ type: 'integer', nullable: true })
  agencySeatCap: number | null;

  @Column({ type: 'boolean', default: false })
  requiresApproval: boolean;

  /**
   * Waitlist offers: when set, a freed seat is offered to the next in line, who has this many hours
   * to claim it (never past the first session), instead of being confirmed at once. Null: confirmed at once.
   */
  @Column({ type: 'integer', nullable: true })
  seatOfferHours: number | null;

  @Column({ type: 'timestamptz' })
  enrolmentOpensAt: Date;

  @Column({ type: 'timestamptz' })
  enrolmentClosesAt: Date;

  /** Participants may cancel until then; null: until the first session starts. */
  @Column({ type: 'timestamptz', nullable: true })
  cancellationDeadline: Date | null;

  @Column({ type: 'text', default: 'on_site' })
  deliveryMode: DeliveryMode;

  /** Where it meets (public). */
  @Column({ type: 'text', nullable: true })
  place: string | null;

  /** The online meeting link: shown only to confirmed participants, facilitators and admins. */
  @Column({ type: 'text', nullable: true })
  meetingLink: string | null;

  /** Minutes before each session that its people get a reminder (default 7 days and 1 day). */
  @Column({ type: 'integer', array: true, default: () => `'{10080,1440}'` })
  reminderOffsets: number[];

  @Column({ type: 'text', default: 'attendance' })
  completionRule: CompletionRule;

  /** Under the attendance rule: sessions attended to complete; null: every scheduled session. */
  @Column({ type: 'integer', nullable: true })
  completionMinSessions: number | null;

  @Column({ type: 'integer', default: 0 })
  seatsTaken: number;

  @Column({ type: 'integer', default: 0 })
  waitlistLength: number;

  /** The first session's start and the last one's end, for ordering and date filters. */
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** The round this one was copied from ("schedule the next round"). */
  @Column({ type: 'uuid', nullable: true })
  copiedFromId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'copied_from_id', foreignKeyConstraintName: 'cohort_copied_from_fk' })
  copiedFrom?: Cohort | null;

  @ManyToMany(() => User)
  @JoinTable({
    name: 'cohort_facilitator',
    joinColumn: { name: 'cohort_id', foreignKeyConstraintName: 'cohort_facilitator_cohort_fk' },
    inverseJoinColumn: { name: 'user_id', foreignKeyConstraintName: 'cohort_facilitator_user_fk' },
  })
  facilitators?: User[];

  @OneToMany(() => CohortSession, (session) => session.cohort)
  sessions?: Relation<CohortSession>[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The search vector, kept by a trigger from the texts (search/sql/search-vector.sql); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
