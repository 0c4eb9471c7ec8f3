import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation, UpdateDateColumn } from 'typeorm';
import { CohortSession } from '../catalogue/cohort-session.entity';
import { User } from '../identity/user.entity';

/** Whether a participant was at a session, as a facilitator marked it. */
@Entity('attendance')
export class Attendance {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => CohortSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'attendance_session_fk' })
  session?: Relation<CohortSession>;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'attendance_user_fk' })
  user?: Relation<User>;

  @Column({ type: 'boolean' })
  present: boolean;

  @Column({ type: 'uuid', nullable: true })
  markedById: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  markedAt: Date;
}
