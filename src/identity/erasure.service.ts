// Erasing a person who asked to be forgotten: their account stays as an empty shell (so what they
// took part in can later show "deleted user"), and everything that says who they were goes, in one
// transaction, so an erasure is never half done.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../events/domain-events';
import { UserService } from './user.service';
import { FieldErrors, NotFound } from '../errors/domain-errors';
import { UserStatus } from './user.entity';

/** The address an erased account keeps: unique (email is), and in a domain that can never receive mail. */
export function erasedEmail(userId: string): string {
  return `erased-${userId}@erased.invalid`;
}

export interface ErasureResult {
  notificationsCancelled: number;
  notificationsScrubbed: number;
}

@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Erases the person, on their own request only (erasure_requested_at set). Refusals are
   * FieldErrors on `erase`; an unknown person is NotFound.
   */
  async erase(actorUserId: string, userId: string): Promise<ErasureResult> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock keeps a concurrent role change, deactivation or second erasure out until we commit.
      const [user]: { id: string; email: string; status: UserStatus; erasure_requested_at: Date | null }[] = await manager.query(
        `SELECT id, email, status, erasure_requested_at FROM app_user WHERE id = $1 FOR UPDATE`,
        [userId],
      );
      if (!user) throw new NotFound();
      if (user.status === 'erased') throw new FieldErrors({ erase: 'admin.erase.alreadyErased' });
      if (!user.erasure_requested_at) throw new FieldErrors({ erase: 'admin.erase.notRequested' });
      // An admin erasing themselves would end their own session mid-request and could leave no admin.
      if (userId === actorUserId) throw new FieldErrors({ erase: 'admin.erase.notYourself' });

      // What they held elsewhere goes first (seats to the waitlist, subscriptions, the calendar feed,
      // reset links, sign-in sessions), in this transaction: a subscriber that fails leaves the person
      // as they were.
      await this.events.publish(manager, { name: 'user.leaving', userId, actorUserId, reason: 'erased' });

      const shell = erasedEmail(userId);
      // The role and last sign-in go too: an erased account is nobody, and was never seen.
      await manager.query(
        `UPDATE app_user
            SET email = $2, display_name = '', agency_id = NULL, password_hash = NULL, site_role = NULL,
                status = 'erased', session_version = session_version + 1, erasure_requested_at = NULL,
                last_signed_in_at = NULL, updated_at = now()
          WHERE id = $1`,
        [userId, shell],
      );
      await manager.query(`DELETE FROM api_token WHERE user_id = $1`, [userId]);

      // Their notification choices go, mail not yet sent is not sent, and every notification to their
      // account or address keeps no trace of them (src/notifications/sql/person-notifications.sql).
      const [{ notificationsCancelled, notificationsScrubbed }]: ErasureResult[] = await manager.query(
        `SELECT cancelled AS "notificationsCancelled", scrubbed AS "notificationsScrubbed" FROM notification_erase_person($1, $2, $3)`,
        [userId, user.email, shell],
      );

      const result = { notificationsCancelled, notificationsScrubbed };
      // Counts only: the log must not bring back what was just erased.
      await this.users.audit(manager, { actorUserId, action: 'user.erased', targetType: 'user', targetId: userId, details: { ...result } });
      return result;
    });
  }
}
