// A person's own notifications, from the outbox: the list on /notifications, opening one (read, and
// where it leads) and the unread count in the header. What counts as "mine" is one SQL condition
// (MINE): my rows that are due, not cancelled, and not the digest email itself (its items are listed
// one by one instead, including those still waiting for the digest).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import { isUuid } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { decodeCursor, encodeCursor, Page } from '../web/api/cursor';
import { safeLocalPath } from '../web/local-path';
import { DIGEST_KIND } from './digest.service';
import { kindName, NotificationKinds } from './notification-kinds';

export const NOTIFICATIONS_PER_PAGE = 30;
/** The header says "99+" beyond this: counting further costs more than it tells (sql/unread-count.sql counts to 100). */
export const UNREAD_COUNT_CAP = 99;

/** Rows of person $1 the page lists, as SQL over notification n (sql/unread-count.sql counts the unread ones alike). */
const MINE = `n.recipient_user_id = $1 AND n.kind <> '${DIGEST_KIND}' AND n.status <> 'cancelled' AND n.due_at <= now()`;
const INSTANT_KEY = `to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface MyNotification {
  id: string;
  kind: string;
  kindName: string;
  subject: string;
  createdAt: Date;
  read: boolean;
  /** Still waiting for the person's next digest. */
  inDigest: boolean;
  /** Whether opening it leads to a page of its own. */
  hasTarget: boolean;
}

interface Row {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  subject: string | null;
  created_at: Date;
  created_key: string;
  read_at: Date | null;
  status: string;
  delivery: string;
}

@Injectable()
export class MyNotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kinds: NotificationKinds,
  ) {}

  /** My notifications, newest first; `cursor` from the previous page. */
  async list(userId: string, lang: Language, cursor?: string, limit = NOTIFICATIONS_PER_PAGE): Promise<Page<MyNotification>> {
    const after = cursor ? decodeCursor(cursor, ['instant', 'uuid']) : null;
    const rows: Row[] = await this.dataSource.query(
      `SELECT n.id, n.kind, n.payload, n.subject, n.created_at, ${INSTANT_KEY} AS created_key, n.read_at, n.status, n.delivery
       FROM notification n WHERE ${MINE} ${after ? 'AND (n.created_at, n.id) < ($3::timestamptz, $4::uuid)' : ''}
       ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
      [userId, limit + 1, ...(after ?? [])],
    );
    const items = rows.slice(0, limit).map((row) => this.view(row, lang));
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.created_key, last.id]) : null };
  }

  /**
   * Opens one of my notifications: marks it read and returns the local path it is about (my
   * notifications page when it has none); null when it is not mine to open.
   */
  async open(userId: string, id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    const [[row]]: [{ kind: string; payload: Record<string, unknown> }[], number] = await this.dataSource.query(
      `UPDATE notification n SET read_at = coalesce(n.read_at, now()) WHERE n.id = $2 AND ${MINE} RETURNING n.kind, n.payload`,
      [userId, id],
    );
    if (!row) return null;
    const path = this.kinds.aboutPath(row.kind, row.payload);
    return path ? safeLocalPath(path) : '/notifications';
  }

  async markAllRead(userId: string): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(`UPDATE notification n SET read_at = now() WHERE ${MINE} AND n.read_at IS NULL`, [userId]);
    return count;
  }

  /**
   * How many of mine are unread, up to UNREAD_COUNT_CAP + 1 (the view unread_notification_count,
   * which the session store reads with the session for signed-in pages).
   */
  async unreadCount(userId: string): Promise<number> {
    const [row] = await preparedQuery<{ unread: number }>(this.dataSource, 'unread-notifications', `SELECT unread FROM unread_notification_count WHERE user_id = $1`, [userId]);
    return row?.unread ?? 0;
  }

  private view(row: Row, lang: Language): MyNotification {
    return {
      id: row.id,
      kind: row.kind,
      kindName: kindName(row.kind, lang),
      subject: this.subject(row, lang),
      createdAt: row.created_at,
      read: row.read_at !== null,
      inDigest: row.delivery === 'digest' && row.status === 'pending',
      hasTarget: this.kinds.aboutPath(row.kind, row.payload) !== null,
    };
  }

  /** The subject in the reader's language as the payload has it; what was sent when the kind is gone. */
  private subject(row: Row, lang: Language): string {
    if (this.kinds.has(row.kind)) return this.kinds.get(row.kind).subject(row.payload, lang);
    return row.subject ?? kindName(row.kind, lang);
  }
}
