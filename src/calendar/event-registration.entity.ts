import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { User } from '../identity/user.entity';
import { NetworkEvent } from './network-event.entity';

export const EVENT_REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type EventRegistrationStatus = (typeof EVENT_REGISTRATION_STATUSES)[number];

/**
 * A person's registration for a network event (a developer day), with the same seat rules as a
 * round's enrolment, held by PostgreSQL: one live registration per person and event (a partial
 * unique index), queue positions never repeated (a deferrable exclusion constraint), and the
 * counters on `network_event` (seats_taken never above registration_capacity) kept by trigger under
 * the event's row lock.
 */
@Entity('event_registration')
@Index('event_registration_one_live_per_person', ['eventId', 'userId'], { unique: true, where: `status IN ('confirmed', 'waitlisted')` })
@Index('event_registration_event_status', ['eventId', 'status'])
@Index('event_registration_user', ['userId'])
@Check('event_registration_status_known', `status IN ('confirmed', 'waitlisted', 'cancelled')`)
@Check('event_registration_waitlist_position', `(status = 'waitlisted') = (waitlist_position IS NOT NULL) AND (waitlist_position IS NULL OR waitlist_position >= 1)`)
@Check('event_registration_answers_object', `jsonb_typeof(answers) = 'object'`)
@Exclusion('event_registration_waitlist_position_unique', `USING btree (event_id WITH =, waitlist_position WITH =) WHERE (status = 'waitlisted') DEFERRABLE INITIALLY DEFERRED`)
export class EventRegistration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  eventId: string;

  @ManyToOne(() => NetworkEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'event_registration_event_fk' })
  event?: Relation<NetworkEvent>;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'event_registration_user_fk' })
  user?: Relation<User>;

  /** The person's agency when they registered (the participant list and CSV show it). */
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ type: 'text' })
  status: EventRegistrationStatus;

  /** 1 = next in line; only while waitlisted. */
  @Column({ type: 'integer', nullable: true })
  waitlistPosition: number | null;

  /** Answers to the event's registration questions, by question key. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  answers: Record<string, string>;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
