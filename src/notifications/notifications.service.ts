// The notification core's API for domain code: "notify this person of this kind", written to the
// outbox in the caller's transaction, and "cancel the pending ones with this key". Nothing here
// touches Redis, so a request that notifies answers promptly even while Redis is down. A kind's
// secret links are sealed here, before the row is written (secret-links.ts).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { Channel, NotificationPreference } from './notification.entity';
import { NotificationKinds } from './notification-kinds';
import { SecretLinks } from './secret-links';

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

/** One person's notification of a kind, for notifyAll(). */
export interface Notice {
  recipient: Recipient;
  payload: Record<string, unknown>;
  key?: string;
  /**
   * 'digest' puts this one in the person's daily digest even if they take the kind by email (a
   * forum channel they follow "daily"); a kind they turned off stays off, security mail goes by email.
   */
  delivery?: 'digest';
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
    private readonly secrets: SecretLinks,
  ) {}

  /**
   * Records a notification in the outbox. Returns its id, or null when the recipient turned this
   * kind off, or a live notification with the same key already exists (it stays as it is).
   */
  async notify(kind: string, recipient: Recipient, payload: Record<string, unknown>, options: NotifyOptions = {}): Promise<string | null> {
    const [id] = await this.insert(kind, [{ recipient, payload, key: options.key }], options);
    return id ?? null;
  }

  /**
   * notify() for many people at once, in one statement (everyone in a round when its session
   * moves): each person gets a row of their own with their own key and payload, unless they turned
   * the kind off or a live row with their key is already there. Returns how many were written.
   */
  async notifyAll(kind: string, items: Notice[], options: Omit<NotifyOptions, 'key'> = {}): Promise<number> {
    return (await this.insert(kind, items, options)).length;
  }

  /** The one INSERT into the outbox from TypeScript; enrolment_enrol (migration EnrolFunction) writes the same row inside PostgreSQL: keep the two alike. */
  private async insert(kind: string, items: Notice[], options: Omit<NotifyOptions, 'key'>): Promise<string[]> {
    const definition = this.kinds.get(kind);
    if (items.length === 0) return [];
    const bad = items.find((item) => !isEmailAddress(item.recipient.email));
    if (bad) throw new Error(`Cannot notify "${bad.recipient.email}": not an email address`);
    const rows: { id: string }[] = await (options.manager ?? this.dataSource.manager).query(
      `INSERT INTO notification (kind, key, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at)
       SELECT $1, i.key, i.user_id, i.email, i.name, i.language, i.payload,
              CASE WHEN $2 THEN 'email' WHEN i.delivery = 'digest' THEN 'digest' ELSE coalesce(pref.channel, 'email') END, coalesce($3, now())
       FROM unnest($4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[]) AS i(key, user_id, email, name, language, payload, delivery)
       LEFT JOIN notification_preference pref ON pref.user_id = i.user_id AND pref.kind = $1
       WHERE $2 OR coalesce(pref.channel, 'email') <> 'off'
       ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'queued', 'sending') DO NOTHING
       RETURNING id`,
      [
        kind,
        !!definition.security,
        options.dueAt ?? null,
        items.map((item) => item.key ?? null),
        items.map((item) => item.recipient.userId ?? null),
        items.map((item) => item.recipient.email.trim()),
        items.map((item) => item.recipient.name ?? null),
        items.map((item) => item.recipient.language),
        items.map((item) => JSON.stringify(this.secrets.seal(definition, item.payload))),
        items.map((item) => item.delivery ?? null),
      ],
    );
    return rows.map((row) => row.id);
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
    for (const kind of kinds) {
      // A row written inside PostgreSQL would hold its secret links in clear: only notify() seals them.
      if (this.kinds.get(kind).secretLinks.length > 0) throw new Error(`Notification kind "${kind}" has secret links: write it with notify(), which seals them`);
    }
    const rows: { kind: string; channel: Channel }[] = await this.dataSource.query(`SELECT kind, channel FROM notification_preference WHERE user_id = $1 AND kind = ANY($2)`, [userId, kinds]);
    return Object.fromEntries(kinds.map((kind) => [kind, rows.find((row) => row.kind === kind)?.channel ?? 'email']));
  }
}
