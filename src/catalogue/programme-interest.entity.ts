import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { User } from '../identity/user.entity';
import { Cohort } from './cohort.entity';
import { Programme } from './programme.entity';

/**
 * "Tell me when the next round opens": a person on a programme's interest list. When an admin
 * publishes a new round of the programme, everyone waiting is mailed once and the row records which
 * round told them (`notifiedAt`, `notifiedCohortId`); they may ask again for the round after.
 */
@Entity('programme_interest')
@Index('programme_interest_one_waiting', ['programmeId', 'userId'], { unique: true, where: `notified_at IS NULL` })
@Index('programme_interest_user', ['userId'])
export class ProgrammeInterest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programmeId: string;

  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'programme_interest_programme_fk' })
  programme?: Relation<Programme>;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'programme_interest_user_fk' })
  user?: Relation<User>;

  /** The person's agency when they asked: admins see demand by agency. */
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When the published round was mailed to them; null while they wait. */
  @Column({ type: 'timestamptz', nullable: true })
  notifiedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  notifiedCohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'notified_cohort_id', foreignKeyConstraintName: 'programme_interest_cohort_fk' })
  notifiedCohort?: Relation<Cohort>;
}
