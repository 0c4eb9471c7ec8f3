// The notification core's API for domain code: "notify this person of this kind", written to the
// outbox in the caller's transaction, and "cancel the pending ones with this key". Nothing here
// touches Redis, so a request that notifies answers promptly even while Redis is down. A kind's
// secret links are sealed here, before the row is written (secret-links.ts).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { Channel, NotificationPreference } from './notification.entity';
import { NotificationKinds, PayloadOf } from './notification-kinds';
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
export interface Notice<K extends string = string> {
  recipient: Recipient;
  payload: PayloadOf<K>;
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
  async notify<K extends string>(kind: K, recipient: Recipient, payload: PayloadOf<K>, options: NotifyOptions = {}): Promise<string | null> {
    const [id] = await this.insert(kind, [{ recipient, payload, key: options.key }], options);
    return id ?? null;
  }

  /**
   * notify() for many people at once, in one statement (everyone in a round when its session
   * moves): each person gets a row of their own with their own key and payload, unless they turned
   * the kind off or a live row with their key is already there. Returns how many were written.
   */
  async notifyAll<K extends string>(kind: K, items: Notice<K>[], options: Omit<NotifyOptions, 'key'> = {}): Promise<number> {
    return (await this.insert(kind, items, options)).length;
  }

  /** Writes through notification_enqueue (notifications/sql/outbox.sql), the one INSERT into the outbox, which the areas' SQL uses too. */
  private async insert(kind: string, items: Notice[], options: Omit<NotifyOptions, 'key'>): Promise<string[]> {
    const definition = this.kinds.get(kind);
    if (items.length === 0) return [];
    const bad = items.find((item) => !isEmailAddress(item.recipient.email));
    if (bad) throw new Error(`Cannot notify "${bad.recipient.email}": not an email address`);
    const rows: { id: string }[] = await (options.manager ?? this.dataSource.manager).query(
      `SELECT id FROM notification_enqueue($1, $2, $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::timestamptz[]) AS id`,
      [
        kind,
        !!definition.security,
        items.map((item) => item.key ?? null),
        items.map((item) => item.recipient.userId ?? null),
        items.map((item) => item.recipient.email.trim()),
        items.map((item) => item.recipient.name ?? null),
        items.map((item) => item.recipient.language),
        items.map((item) => JSON.stringify(this.secrets.seal(definition, item.payload))),
        items.map((item) => item.delivery ?? null),
        items.map(() => options.dueAt ?? null),
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

  /**
   * For writers that call notification_enqueue inside PostgreSQL (enrolment_enrol): a row written
   * there would hold its secret links in clear, so only kinds without any may be written that way.
   */
  mustBeWritableInSql(kinds: string[]): void {
    for (const kind of kinds) {
      if (this.kinds.get(kind).secretLinks.length > 0) throw new Error(`Notification kind "${kind}" has secret links: write it with notify(), which seals them`);
    }
  }
}
