import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Cohort } from '../catalogue/cohort.entity';
import { User } from '../identity/user.entity';

export const ENROLMENT_STATUSES = ['pending_approval', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'declined', 'completed'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
/** The statuses that hold (or wait for) a place: one person has at most one of these per cohort. */
export const ACTIVE_STATUSES: EnrolmentStatus[] = ['pending_approval', 'confirmed', 'waitlisted', 'offered'];

/**
 * A person's place in a cohort (ilmoittautuminen). The seat rules live in PostgreSQL: one active
 * enrolment per person and cohort (a partial unique index), waitlist positions never repeated within
 * a cohort (a deferrable exclusion constraint, so a whole queue can move up by one in a statement),
 * and the counts on `cohort` (seats_taken never above capacity) kept under the cohort's row lock.
 */
@Entity('enrolment')
@Index('enrolment_one_active_per_person', ['cohortId', 'userId'], { unique: true, where: `status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')` })
@Index('enrolment_cohort_status', ['cohortId', 'status', 'agencyId'])
@Index('enrolment_user', ['userId', 'createdAt'])
// The approval job's work list: requests waiting for a manager, by when they lapse.
@Index('enrolment_approval_due', ['approvalExpiresAt'], { where: `status = 'pending_approval'` })
// The offer job's work list: seats offered, by when the offer lapses.
@Index('enrolment_offer_due', ['offerExpiresAt'], { where: `status = 'offered'` })
@Check('enrolment_status_known', `status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'declined', 'completed')`)
// A lapsed or answered offer keeps its deadline and link hash, so the link can say what became of it.
@Check('enrolment_offer_has_deadline', `status <> 'offered' OR (offer_expires_at IS NOT NULL AND offer_token_hash IS NOT NULL)`)
@Check('enrolment_waitlist_position', `(status = 'waitlisted') = (waitlist_position IS NOT NULL) AND (waitlist_position IS NULL OR waitlist_position >= 1)`)
@Check('enrolment_pending_has_manager', `status <> 'pending_approval' OR manager_email IS NOT NULL`)
@Exclusion('enrolment_waitlist_position_unique', `USING btree (cohort_id WITH =, waitlist_position WITH =) WHERE (status = 'waitlisted') DEFERRABLE INITIALLY DEFERRED`)
export class Enrolment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'enrolment_cohort_fk' })
  cohort?: Relation<Cohort>;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'enrolment_user_fk' })
  user?: Relation<User>;

  /** The person's agency when they enrolled: the per-agency cap counts by it. */
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ type: 'text' })
  status: EnrolmentStatus;

  /** 1 = next in line; only while waitlisted. */
  @Column({ type: 'integer', nullable: true })
  waitlistPosition: number | null;

  /** Who approves, when the cohort needs a manager's approval. */
  @Column({ type: 'text', nullable: true })
  managerEmail: string | null;

  /** SHA-256 of the one-time approval link's token; null once used. */
  @Column({ type: 'text', nullable: true })
  approvalTokenHash: string | null;

  /**
   * When a manager's approval request lapses: 14 days after it was asked, or when enrolment
   * closes if sooner (set by trigger enrolment_approval_expiry whenever a row becomes pending).
   */
  @Column({ type: 'timestamptz', nullable: true })
  approvalExpiresAt: Date | null;

  /** When the manager was reminded (once, after 3 days). */
  @Column({ type: 'timestamptz', nullable: true })
  approvalRemindedAt: Date | null;

  /** While a freed seat is offered (status 'offered'): when the offer lapses and passes to the next in line. */
  @Column({ type: 'timestamptz', nullable: true })
  offerExpiresAt: Date | null;

  /** SHA-256 of the one-time accept/decline link's token, while the seat is offered. */
  @Column({ type: 'text', nullable: true })
  offerTokenHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
