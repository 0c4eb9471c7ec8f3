import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { User } from '../identity/user.entity';
import { Enrolment } from './enrolment.entity';

/** The history of an enrolment: every change of status or waitlist place, who made it and why. */
@Entity('enrolment_change')
@Index('enrolment_change_enrolment', ['enrolmentId', 'createdAt'])
@Index('enrolment_change_cohort', ['cohortId', 'createdAt'])
export class EnrolmentChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'enrolment_change_enrolment_fk' })
  enrolment?: Relation<Enrolment>;

  /** Kept beside the enrolment so a cohort's roster changes are one index scan away. */
  @Column({ type: 'uuid' })
  cohortId: string;

  /** Null for a new enrolment. */
  @Column({ type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ type: 'text' })
  toStatus: string;

  @Column({ type: 'integer', nullable: true })
  fromPosition: number | null;

  @Column({ type: 'integer', nullable: true })
  toPosition: number | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** Null: the person themself via a link without an account (a manager), or the system. */
  @Column({ type: 'uuid', nullable: true })
  changedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by_id', foreignKeyConstraintName: 'enrolment_change_changed_by_fk' })
  changedBy?: Relation<User> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
