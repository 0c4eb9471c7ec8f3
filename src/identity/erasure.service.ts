// Erasing a person who asked to be forgotten: their account stays as an empty shell (so what they
// took part in can later show "deleted user"), and everything that says who they were goes, in one
// transaction, so an erasure is never half done.
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../events/domain-events';
import { UserService } from './user.service';
import { FieldErrors } from '../errors/domain-errors';
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
   * FieldErrors on `erase`; an unknown person is a NotFoundException.
   */
  async erase(actorUserId: string, userId: string): Promise<ErasureResult> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock keeps a concurrent role change, deactivation or second erasure out until we commit.
      const [user]: { id: string; email: string; status: UserStatus; erasure_requested_at: Date | null }[] = await manager.query(
        `SELECT id, email, status, erasure_requested_at FROM app_user WHERE id = $1 FOR UPDATE`,
        [userId],
      );
      if (!user) throw new NotFoundException();
      if (user.status === 'erased') throw new FieldErrors({ erase: 'admin.erase.alreadyErased' });
      if (!user.erasure_requested_at) throw new FieldErrors({ erase: 'admin.erase.notRequested' });
      // An admin erasing themselves would end their own session mid-request and could leave no admin.
      if (userId === actorUserId) throw new FieldErrors({ erase: 'admin.erase.notYourself' });

      // What they held elsewhere goes first (seats to the waitlist, subscriptions, the calendar feed),
      // in this transaction: a subscriber that fails leaves the person as they were.
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
      await manager.query(`DELETE FROM password_reset WHERE user_id = $1`, [userId]);
      await manager.query(`DELETE FROM notification_preference WHERE user_id = $1`, [userId]);
      // The session version bump already ends their sessions; deleting them also drops the rows naming them.
      await manager.query(`DELETE FROM user_session WHERE sess->>'userId' = $1`, [userId]);

      // Mail not yet handed to a worker is not sent at all (the worker only claims pending or queued rows).
      const [, notificationsCancelled] = (await manager.query(
        `UPDATE notification SET status = 'cancelled', updated_at = now()
          WHERE (recipient_user_id = $1 OR lower(recipient_email) = lower($2)) AND status IN ('pending', 'queued')`,
        [userId, user.email],
      )) as [unknown, number];
      // Rows sent to their address without a user id (a test message, say) are theirs too. An SMTP
      // answer or error may quote the address, so one that does is dropped.
      const [, notificationsScrubbed] = (await manager.query(
        `UPDATE notification
            SET recipient_email = $3, recipient_name = NULL, body_text = NULL, body_html = NULL, payload = '{}',
                last_error = CASE WHEN strpos(lower(last_error), lower($2)) > 0 THEN NULL ELSE last_error END,
                transport_result = CASE WHEN strpos(lower(transport_result), lower($2)) > 0 THEN NULL ELSE transport_result END,
                updated_at = now()
          WHERE recipient_user_id = $1 OR lower(recipient_email) = lower($2)`,
        [userId, user.email, shell],
      )) as [unknown, number];

      const result = { notificationsCancelled, notificationsScrubbed };
      // Counts only: the log must not bring back what was just erased.
      await this.users.audit(manager, { actorUserId, action: 'user.erased', targetType: 'user', targetId: userId, details: { ...result } });
      return result;
    });
  }
}
