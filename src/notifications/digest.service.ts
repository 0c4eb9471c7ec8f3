// Daily digests: notifications a person asked to get "daily" wait in the outbox until DIGEST_HOUR
// (Helsinki), when each person's waiting items become one digest email, itself an outbox row with
// the same guarantees. The items are marked sent when the digest is. Each item is re-read as it is
// gathered (its kind's stillValid and refresh, as the worker does for a mail of its own), so one no
// longer true is dropped rather than listed.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { formatDate } from '../i18n/dates';
import { Language, translate } from '../i18n/i18n';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { NotificationKinds } from './notification-kinds';

export const DIGEST_KIND = 'digest';

interface DigestItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  due_at: Date;
}

@Injectable()
export class DigestService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kinds: NotificationKinds,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: DIGEST_KIND,
      secretLinks: [],
      subject: (payload, lang) => translate(lang, 'mail.digest.subject', { date: payload.date, count: (payload.items as unknown[]).length }),
    });
  }

  /** Gathers every person's waiting digest items into one digest row each; returns how many. */
  @JobHandler(JobName.DigestGather)
  async gather(): Promise<{ digests: number }> {
    const recipients: { recipient_email: string; recipient_user_id: string | null; recipient_name: string | null; language: Language }[] =
      await this.dataSource.query(
        `SELECT DISTINCT ON (lower(recipient_email)) recipient_email, recipient_user_id, recipient_name, language
         FROM notification WHERE status = 'pending' AND delivery = 'digest' AND due_at <= now()
         ORDER BY lower(recipient_email), created_at DESC`,
      );
    let digests = 0;
    for (const recipient of recipients) {
      const made = await this.dataSource.transaction(async (manager) => {
        const items: DigestItem[] = await manager.query(
          `SELECT id, kind, payload, due_at FROM notification
           WHERE status = 'pending' AND delivery = 'digest' AND due_at <= now() AND lower(recipient_email) = lower($1)
           ORDER BY due_at FOR UPDATE SKIP LOCKED`,
          [recipient.recipient_email],
        );
        const lang = recipient.language;
        // Each item as it stands now: one no longer true (a post deleted since) leaves the digest.
        const current = await Promise.all(items.map((item) => this.kinds.current(item.kind, item.payload, lang)));
        const stale = items.filter((_, i) => !current[i]).map((item) => item.id);
        if (stale.length > 0) {
          await manager.query(`UPDATE notification SET status = 'cancelled', last_error = 'stale: no longer true when the digest was gathered', updated_at = now() WHERE id = ANY($1::uuid[])`, [stale]);
        }
        const live = items.flatMap((item, i) => {
          const payload = current[i];
          return payload ? [{ ...item, payload }] : [];
        });
        if (live.length === 0) return false;
        const payload = {
          date: formatDate(new Date(), lang, 'date'),
          items: live.map((item) => ({
            subject: this.kinds.get(item.kind).subject(item.payload, lang),
            at: formatDate(new Date(item.due_at), lang, 'dateTime'),
          })),
        };
        const [digest]: { id: string }[] = await manager.query(
          `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, delivery)
           VALUES ($1, $2, $3, $4, $5, $6, 'email') RETURNING id`,
          [DIGEST_KIND, recipient.recipient_user_id, recipient.recipient_email, recipient.recipient_name, lang, payload],
        );
        await manager.query(`UPDATE notification SET status = 'queued', digest_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [
          digest.id,
          live.map((item) => item.id),
        ]);
        return true;
      });
      if (made) digests++;
    }
    return { digests };
  }
}
