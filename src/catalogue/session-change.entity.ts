import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { User } from '../identity/user.entity';
import { CohortSession } from './cohort-session.entity';

export const SESSION_CHANGE_KINDS = ['added', 'moved', 'cancelled'] as const;
export type SessionChangeKind = (typeof SESSION_CHANGE_KINDS)[number];

/**
 * The record of a session added to, moved in or cancelled from a cohort: what it was, what it
 * became, who did it and why. Notifications and reminders react to the `session.changed` domain
 * event raised in the same transaction.
 */
@Entity('session_change')
@Index('session_change_session', ['sessionId', 'createdAt'])
@Check('session_change_kind_known', `kind IN ('added', 'moved', 'cancelled')`)
export class SessionChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => CohortSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'session_change_session_fk' })
  session?: Relation<CohortSession>;

  @Column({ type: 'text' })
  kind: SessionChangeKind;

  @Column({ type: 'timestamptz', nullable: true })
  previousStartsAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousEndsAt: Date | null;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  changedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by_id', foreignKeyConstraintName: 'session_change_changed_by_fk' })
  changedBy?: User | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
