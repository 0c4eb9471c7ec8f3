import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Cohort } from '../catalogue/cohort.entity';
import { Programme } from '../catalogue/programme.entity';
import { User } from '../identity/user.entity';

/**
 * A person completed a programme (suoritus): the register of trained developers by agency. One per
 * person and programme; the cohort says which round.
 */
@Entity('completion')
@Index('completion_one_per_programme', ['programmeId', 'userId'], { unique: true })
export class Completion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programmeId: string;

  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'completion_programme_fk' })
  programme?: Relation<Programme>;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'completion_cohort_fk' })
  cohort?: Relation<Cohort>;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'completion_user_fk' })
  user?: Relation<User>;

  /** The agency at completion, for the register by agency. */
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  markedById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  completedAt: Date;
}
