// Domain events: one area tells the others that something happened, without importing them (the
// dependencies point one way, identity ← catalogue ← enrolment ← forums). An event is published
// inside the transaction of the change, and every subscriber runs with that transaction's
// EntityManager: what a subscriber writes (a notification, new reminders) commits or rolls back
// with the change itself, and a subscriber that throws undoes the change.
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface SessionTimes {
  startsAt: Date;
  endsAt: Date;
}

/** Every event, by name; a payload is typed by its name. */
export type DomainEvent =
  | {
      name: 'session.changed';
      change: 'added' | 'moved' | 'cancelled';
      changeId: string;
      sessionId: string;
      cohortId: string;
      previous: SessionTimes | null;
      current: SessionTimes;
      reason: string | null;
    }
  | { name: 'cohort.status-changed'; cohortId: string; from: string; to: string }
  /** A cohort was scheduled; `copiedFromId` is the round it was copied from ("schedule the next round"), or null. */
  | { name: 'cohort.created'; cohortId: string; programmeId: string; copiedFromId: string | null }
  /** A cohort's own fields changed (capacity, agency cap…); its row is locked by the change. */
  | { name: 'cohort.updated'; cohortId: string }
  /**
   * A person leaves (erased on request, or deactivated by an admin): every area lets go of what
   * they held. Published while their app_user row is locked and before an erasure blanks it.
   */
  | { name: 'user.leaving'; userId: string; actorUserId: string; reason: 'erased' | 'deactivated' }
  /**
   * The person's address is now known to be theirs: an account created verified (by an admin, the
   * demo, the first admin) or its mailed link used. The register matches imported rows to them.
   */
  | { name: 'user.email-verified'; userId: string; email: string };

export type DomainEventName = DomainEvent['name'];
export type DomainEventOf<N extends DomainEventName> = Extract<DomainEvent, { name: N }>;
export type DomainEventHandler<N extends DomainEventName> = (event: DomainEventOf<N>, manager: EntityManager) => Promise<void>;

@Injectable()
export class DomainEvents {
  // Stored untyped; on() and publish() keep each handler with the events of its name.
  private readonly handlers = new Map<DomainEventName, ((event: DomainEvent, manager: EntityManager) => Promise<void>)[]>();

  /** Subscribes for the app's lifetime; modules subscribe in onModuleInit. Returns an unsubscribe. */
  on<N extends DomainEventName>(name: N, handler: DomainEventHandler<N>): () => void {
    const stored = handler as unknown as (event: DomainEvent, manager: EntityManager) => Promise<void>;
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), stored]);
    return () => this.handlers.set(name, (this.handlers.get(name) ?? []).filter((h) => h !== stored));
  }

  /** Runs every subscriber in turn, in the caller's transaction. */
  async publish(manager: EntityManager, event: DomainEvent): Promise<void> {
    for (const handler of this.handlers.get(event.name) ?? []) await handler(event, manager);
  }
}
