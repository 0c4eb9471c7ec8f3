// What admins see and do with the outbox: list and filter it, the failed messages for their
// overview, read a message as sent, resend a failed one, and send a test message to check that mail
// gets out.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FieldErrors, isUuid } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { isStrictInstant } from '../web/api/cursor';
import { Notification, NotificationStatus } from './notification.entity';
import { NotificationKinds } from './notification-kinds';
import { NotificationsService } from './notifications.service';

export const TEST_MESSAGE_KIND = 'test-message';

declare module './notification-kinds' {
  interface NotificationPayloads {
    /** When an admin asked for it (ISO text), which the mail shows. */
    [TEST_MESSAGE_KIND]: { requestedAt: string };
  }
}
const PAGE_SIZE = 50;

export interface OutboxFilter {
  kind?: string;
  status?: NotificationStatus;
  recipient?: string;
  /** Keyset cursor: the created_at|id of the last row of the previous page. */
  before?: string;
}

export interface OutboxRow {
  id: string;
  kind: string;
  recipientEmail: string;
  language: Language;
  status: NotificationStatus;
  delivery: string;
  attempts: number;
  dueAt: Date;
  sentAt: Date | null;
  subject: string | null;
  lastError: string | null;
  createdAt: Date;
}

/** A message that failed to go out, as the admins' overview lists it. */
export interface FailedMessage {
  id: string;
  kind: string;
  recipientEmail: string;
  lastError: string | null;
  updatedAt: Date;
}

@Injectable()
export class OutboxService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kinds: NotificationKinds,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: TEST_MESSAGE_KIND,
      secretLinks: [],
      subject: (_payload, lang) => translate(lang, 'mail.test-message.subject'),
    });
  }

  async list(filter: OutboxFilter): Promise<{ rows: OutboxRow[]; next: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.kind) where.push(`kind = $${params.push(filter.kind)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.recipient) where.push(`recipient_email ILIKE $${params.push(`%${filter.recipient.replace(/[\\%_]/g, '\\$&')}%`)}`);
    if (filter.before !== undefined) {
      const [createdAt, id, ...rest] = filter.before.split('|');
      if (rest.length > 0 || !isStrictInstant(createdAt) || !isUuid(id)) throw new FieldErrors({ before: 'api.cursor.invalid' });
      where.push(`(created_at, id) < ($${params.push(createdAt)}::timestamptz, $${params.push(id)}::uuid)`);
    }
    const rows: OutboxRow[] = await this.dataSource.query(
      `SELECT id, kind, recipient_email AS "recipientEmail", language, status, delivery, attempts, due_at AS "dueAt",
              sent_at AS "sentAt", subject, last_error AS "lastError", created_at AS "createdAt"
       FROM notification ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${PAGE_SIZE + 1}`,
      params,
    );
    const more = rows.length > PAGE_SIZE;
    const page = rows.slice(0, PAGE_SIZE);
    const last = page.at(-1);
    return { rows: page, next: more && last ? `${last.createdAt.toISOString()}|${last.id}` : null };
  }

  /** The latest `limit` failed messages, and how many have failed in all. */
  async failed(limit: number): Promise<{ count: number; latest: FailedMessage[] }> {
    const rows: (FailedMessage & { total: number })[] = await this.dataSource.query(
      `SELECT id, kind, recipient_email AS "recipientEmail", last_error AS "lastError", updated_at AS "updatedAt", count(*) OVER ()::int AS total
         FROM notification WHERE status = 'failed'
        ORDER BY updated_at DESC, id LIMIT $1`,
      [limit],
    );
    return { count: rows[0]?.total ?? 0, latest: rows.map(({ total: _total, ...message }) => message) };
  }

  async find(id: string): Promise<Notification | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(Notification).findOne({ where: { id } });
  }

  /** Puts a failed message back in the outbox, with a new job id so the queue takes it again. */
  async resend(id: string): Promise<boolean> {
    const [, changed] = (await this.dataSource.query(
      `UPDATE notification SET status = 'pending', generation = generation + 1, attempts = 0, last_error = NULL,
         due_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'failed'`,
      [id],
    )) as [unknown, number];
    return changed === 1;
  }

  async sendTestMessage(email: string, language: Language): Promise<string | null> {
    return this.notifications.notify(TEST_MESSAGE_KIND, { email, language }, { requestedAt: new Date().toISOString() });
  }

  kindNames(): string[] {
    return this.kinds.names();
  }
}
