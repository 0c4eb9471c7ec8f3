import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Cohort } from '../catalogue/cohort.entity';
import { Programme } from '../catalogue/programme.entity';
import { User } from '../identity/user.entity';

/**
 * A person completed a programme (suoritus): the register of trained developers by agency. One per
 * person and programme; the cohort says which round.
 */
@Entity('completion')
@Index('completion_one_per_programme', ['programmeId', 'userId'], { unique: true })
@Index('completion_certificate_code', ['certificateCode'], { unique: true })
@Index('completion_agency', ['agencyId', 'programmeId'])
@Check('completion_person_or_anonymised', `(user_id IS NULL) = (anonymised_at IS NOT NULL)`)
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

  /** Null once anonymised by the retention job (the programme, round, agency and year stay for the statistics). */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'completion_user_fk' })
  user?: Relation<User>;

  /** The agency at completion, for the register by agency. */
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  markedById: string | null;

  /** On the certificate: anyone may check it at /certificates/:code. Null once anonymised. */
  @Column({ type: 'text', nullable: true })
  certificateCode: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  anonymisedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  completedAt: Date;
}
