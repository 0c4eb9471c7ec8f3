// The worker side of the outbox: claims a row, checks it is still wanted, renders and sends it,
// and marks it. A row is claimed ("sending", attempt counted) before the SMTP call, so a worker that
// dies mid-send leaves a visible "sending" row, which the sweep hands out again once its lease has
// run out (see OutboxRelay). That is the one place delivery is at-least-once: if the SMTP server
// accepted the message and the worker died before marking it sent, the message goes again, with
// the same Message-ID. Everything else (cancelled, already sent, claimed by a live worker) is
// skipped, so no message is sent twice by two workers.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job } from 'bullmq';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobData, JobName } from '../queue/jobs';
import { MailRenderer } from './mail-renderer';
import { MailTransport } from './mail-transport';
import { Notification } from './notification.entity';
import { NotificationKinds } from './notification-kinds';

export type DeliveryOutcome = 'sent' | 'skipped' | 'stale' | 'early';

interface ClaimedRow {
  id: string;
  kind: string;
  language: Notification['language'];
  recipient_email: string;
  recipient_name: string | null;
  payload: Record<string, unknown>;
  due_at: Date;
}

@Injectable()
export class NotificationDelivery {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly kinds: NotificationKinds,
    private readonly renderer: MailRenderer,
    private readonly transport: MailTransport,
  ) {}

  @JobHandler(JobName.NotificationDeliver)
  async deliver({ notificationId }: JobData<JobName.NotificationDeliver>, job: Job, token?: string): Promise<DeliveryOutcome> {
    const row = await this.claim(notificationId);
    if (!row) return 'skipped';

    // A job that runs before its row is due (re-added without its delay) waits for the due time.
    const early = new Date(row.due_at).getTime() - Date.now();
    if (early > 1000 && token) {
      await this.release(row.id, 'queued', null);
      await job.moveToDelayed(Date.now() + early, token);
      throw new DelayedError();
    }

    try {
      const kind = this.kinds.get(row.kind);
      if (kind.stillValid && !(await kind.stillValid(row.payload))) {
        await this.release(row.id, 'cancelled', 'stale: no longer true when it fell due');
        return 'stale';
      }
      const mail = await this.renderer.render({
        kind: row.kind,
        language: row.language,
        recipientName: row.recipient_name,
        payload: row.payload,
      });
      const answer = await this.transport.send(
        { to: row.recipient_email, toName: row.recipient_name, messageId: `<${row.id}@verso>` },
        mail,
      );
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE notification SET status = 'sent', sent_at = now(), subject = $2, body_text = $3, body_html = $4,
             transport_result = $5, last_error = NULL, updated_at = now()
           WHERE id = $1`,
          [row.id, mail.subject, mail.text, mail.html, answer],
        );
        // A digest carries its items: they are sent when it is.
        await manager.query(`UPDATE notification SET status = 'sent', sent_at = now(), updated_at = now() WHERE digest_id = $1`, [row.id]);
      });
      return 'sent';
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.release(row.id, lastAttempt ? 'failed' : 'queued', String((error as Error).message ?? error).slice(0, 2000));
      this.logger.warn({ err: error, notificationId: row.id, attempt: job.attemptsMade + 1, lastAttempt }, 'notification not sent');
      throw error;
    }
  }

  /**
   * Takes the row for sending, unless it is cancelled, sent, failed, or being sent by a worker whose
   * lease has not run out. One UPDATE decides, so two workers can never both take it.
   */
  private async claim(id: string): Promise<ClaimedRow | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notification
         SET status = 'sending', attempts = attempts + 1, claimed_at = now(), updated_at = now()
       WHERE id = $1 AND delivery = 'email'
         AND (status IN ('pending', 'queued')
              OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $2)))
       RETURNING id, kind, language, recipient_email, recipient_name, payload, due_at`,
      [id, this.config.sendingLeaseSeconds],
    )) as [ClaimedRow[], number];
    return rows[0] ?? null;
  }

  private async release(id: string, status: 'queued' | 'failed' | 'cancelled', error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification SET status = $2, last_error = $3, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, status, error],
    );
  }
}
