// The notification core's API for domain code: "notify this person of this kind", written to the
// outbox in the caller's transaction, and "cancel the pending ones with this key". Nothing here
// touches Redis, so a request that notifies answers promptly even while Redis is down.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { Channel, Delivery, NotificationPreference } from './notification.entity';
import { NotificationKinds } from './notification-kinds';

export interface Recipient {
  /** A user with an account; omit for people without one (a manager approving an enrolment). */
  userId?: string;
  email: string;
  name?: string;
  language: Language;
}

export interface NotifyOptions {
  /** When to send; now when omitted. */
  dueAt?: Date;
  /** At most one live notification per key; cancel() finds them by it. */
  key?: string;
  /** The caller's transaction, so the notification commits or rolls back with the change. */
  manager?: EntityManager;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one check of what counts as an email address, for forms and for notify() alike. */
export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value);
}

@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kinds: NotificationKinds,
  ) {}

  /**
   * Records a notification in the outbox. Returns its id, or null when the recipient turned this
   * kind off, or a live notification with the same key already exists (it stays as it is).
   */
  async notify(kind: string, recipient: Recipient, payload: Record<string, unknown>, options: NotifyOptions = {}): Promise<string | null> {
    const definition = this.kinds.get(kind);
    if (!isEmailAddress(recipient.email)) throw new Error(`Cannot notify "${recipient.email}": not an email address`);
    const manager = options.manager ?? this.dataSource.manager;
    const channel: Channel = definition.security ? 'email' : await this.channelFor(manager, recipient.userId, kind);
    if (channel === 'off') return null;
    // enrolment_enrol (migration EnrolFunction) writes the same row inside PostgreSQL: keep the two alike.
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO notification (kind, key, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()))
       ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'queued', 'sending') DO NOTHING
       RETURNING id`,
      [
        kind,
        options.key ?? null,
        recipient.userId ?? null,
        recipient.email.trim(),
        recipient.name ?? null,
        recipient.language,
        payload,
        channel satisfies Delivery,
        options.dueAt ?? null,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Cancels the notifications not yet being sent whose key is `key`, or starts with `keyPrefix`. */
  async cancel(match: { key: string } | { keyPrefix: string }, manager?: EntityManager): Promise<number> {
    const pattern = 'key' in match ? match.key : `${match.keyPrefix.replace(/[\\%_]/g, '\\$&')}%`;
    const operator = 'key' in match ? '=' : 'LIKE';
    const result: [unknown[], number] = await (manager ?? this.dataSource.manager).query(
      `UPDATE notification SET status = 'cancelled', last_error = 'cancelled', updated_at = now()
       WHERE key ${operator} $1 AND status IN ('pending', 'queued')`,
      [pattern],
    );
    return result[1];
  }

  async setPreference(userId: string, kind: string, channel: Channel): Promise<void> {
    await this.dataSource.getRepository(NotificationPreference).upsert({ userId, kind, channel }, ['userId', 'kind']);
  }

  /** How a person wants each of these kinds, in one query: for writers that insert the row themselves (enrolment_enrol). */
  async channelsFor(userId: string, kinds: string[]): Promise<Record<string, Channel>> {
    for (const kind of kinds) this.kinds.get(kind);
    const rows: { kind: string; channel: Channel }[] = await this.dataSource.query(`SELECT kind, channel FROM notification_preference WHERE user_id = $1 AND kind = ANY($2)`, [userId, kinds]);
    return Object.fromEntries(kinds.map((kind) => [kind, rows.find((row) => row.kind === kind)?.channel ?? 'email']));
  }

  private async channelFor(manager: EntityManager, userId: string | undefined, kind: string): Promise<Channel> {
    if (!userId) return 'email';
    const preference = await manager.getRepository(NotificationPreference).findOne({ where: { userId, kind } });
    // Until the profile page lets people choose, every kind is "email".
    return preference?.channel ?? 'email';
  }
}
