// The worker side of the outbox: claims a row, checks it is still wanted, renders and sends it,
// and marks it. A row is claimed ("sending", attempt counted) before the SMTP call, so a worker that
// dies mid-send leaves a visible "sending" row, which the sweep hands out again once its lease has
// run out (see OutboxRelay). That is the one place delivery is at-least-once: if the SMTP server
// accepted the message and the worker died before marking it sent, the message goes again, with
// the same Message-ID. Everything else (cancelled, already sent, claimed by a live worker) is
// skipped, so no message is sent twice by two workers. Secret links are opened only here, for the
// mail itself: the copy kept, the server's answer, errors and log lines hide them (secret-links.ts).
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { Logger } from 'pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobData, JobName } from '../queue/jobs';
import { Batcher } from './batcher';
import { DIGEST_KIND } from './digest.service';
import { MailRenderer } from './mail-renderer';
import { MailTransport } from './mail-transport';
import { Notification } from './notification.entity';
import { NotificationKind, NotificationKinds } from './notification-kinds';
import { SecretLinks, UnreadableSecretLink, withoutSecretLinks } from './secret-links';

/**
 * Under load, each round trip waits this long after the previous one began, so it carries the
 * claims and marks of several jobs; a worker holds enough jobs that the wait costs no throughput.
 * Each round trip costs PostgreSQL about 0.6 ms besides its rows, and on a busy machine the worker
 * waits while PostgreSQL takes its core; each wait holds the job's place. At 80 jobs in flight
 * (bench:reminders), 12 ms makes a trip carry about 12 claims and as many marks (820 trips for
 * 10,000 messages), where 5 ms made it carry 7 (1,530 trips); 25 ms saved little more (540–700).
 */
const ROUND_TRIP_SPACING_MS = 12;

/** The mail server refused for good (RFC 5321 5xx: no such mailbox, recipient rejected), as nodemailer reports it. */
export function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'stale' | 'early';

interface SentMessage {
  id: string;
  kind: string;
  subject: string;
  text: string;
  html: string;
  answer: string;
}

/** What a job asks of the database: take its row for sending, or record it sent. */
type DeliveryStep = { claim: string } | { sent: SentMessage };

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
export class NotificationDelivery implements OnApplicationShutdown {
  /** The claims and marks of all concurrent jobs travel together, one round trip at a time. */
  private readonly steps = new Batcher<DeliveryStep, ClaimedRow | true>((steps) => this.roundTrip(steps), ROUND_TRIP_SPACING_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly kinds: NotificationKinds,
    private readonly renderer: MailRenderer,
    private readonly transport: MailTransport,
    private readonly secrets: SecretLinks,
  ) {}

  @JobHandler(JobName.NotificationDeliver)
  async deliver({ notificationId }: JobData<JobName.NotificationDeliver>, job: Job, token?: string): Promise<DeliveryOutcome> {
    const row = (await this.steps.load({ claim: notificationId })) as ClaimedRow | undefined;
    if (!row) return 'skipped';

    // A job that runs before its row is due (re-added without its delay) waits for the due time.
    const early = new Date(row.due_at).getTime() - Date.now();
    if (early > 1000 && token) {
      await this.release(row.id, 'queued', null);
      await job.moveToDelayed(Date.now() + early, token);
      throw new DelayedError();
    }

    let hide = (text: string) => text;
    let kind: NotificationKind | undefined;
    let given: Record<string, unknown> | undefined;
    try {
      kind = this.kinds.get(row.kind);
      given = this.secrets.open(kind, row.payload);
      hide = this.secrets.hider(kind, row.language, given);
      const payload = await this.kinds.current(row.kind, given, row.language);
      if (!payload) {
        await this.release(row.id, 'cancelled', 'stale: no longer true when it fell due');
        return 'stale';
      }
      hide = this.secrets.hider(kind, row.language, given, payload);
      const notification = { kind: row.kind, language: row.language, recipientName: row.recipient_name, recipientEmail: row.recipient_email, payload };
      const mail = await this.renderer.render(notification);
      const kept = this.renderer.keptCopy(notification, mail);
      const answer = await this.transport.send(
        {
          to: row.recipient_email,
          toName: row.recipient_name,
          messageId: `<${row.id}@verso>`,
          headers: kind.headers?.(payload, { email: row.recipient_email, name: row.recipient_name }),
        },
        mail,
      );
      await this.steps.load({ sent: { id: row.id, kind: row.kind, subject: kept.subject, text: kept.text, html: kept.html, answer: hide(answer) } });
      if (kind.delivered) await this.tell(row.id, () => kind!.delivered!(payload));
      return 'sent';
    } catch (caught) {
      const error = withoutSecretLinks(caught, hide);
      // A link that will not open now never will, nor will an address the server refused for good (5xx): no point in retrying for a day.
      const unreadable = caught instanceof UnreadableSecretLink;
      const refused = isPermanentRefusal(caught);
      const lastAttempt = unreadable || refused || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = String((error as Error).message ?? error).slice(0, 2000);
      await this.release(row.id, lastAttempt ? 'failed' : 'queued', reason);
      this.logger.warn({ err: error, notificationId: row.id, attempt: job.attemptsMade + 1, lastAttempt }, 'notification not sent');
      if (refused && kind?.refused && given) await this.tell(row.id, () => kind!.refused!(given!, reason));
      throw unreadable || refused ? new UnrecoverableError((error as Error).message ?? String(error)) : error;
    }
  }

  /** Runs a kind's refused/delivered hook; its failure is logged, as the message's fate is already recorded. */
  private async tell(notificationId: string, hook: () => Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (error) {
      this.logger.warn({ err: error, notificationId }, 'notification kind hook failed');
    }
  }

  /**
   * One query for a batch of steps: marks the sent rows `sent` (storing the message as sent, for the
   * outbox page; a digest's items with it), and claims the rows to send. A claim takes the row unless
   * it is cancelled, sent, failed, or being sent by a worker whose lease has not run out; one UPDATE
   * decides for each row, so two workers can never both take it. A row being marked in this very
   * batch is not claimed (two changes of one row in one statement would be undefined).
   */
  private async roundTrip(steps: DeliveryStep[]): Promise<Map<DeliveryStep, ClaimedRow | true>> {
    const claims = steps.filter((step): step is { claim: string } => 'claim' in step).map((step) => step.claim);
    const sent = steps.filter((step): step is { sent: SentMessage } => 'sent' in step).map((step) => step.sent);
    const { rows } = await this.pool.query<ClaimedRow>({
      name: 'notification-delivery-round-trip',
      text: `WITH marked AS (
               UPDATE notification AS n
                  SET status = 'sent', sent_at = now(), subject = m.subject, body_text = m.text, body_html = m.html,
                      transport_result = m.answer, last_error = NULL, updated_at = now()
                 FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) AS m(id, subject, text, html, answer)
                WHERE n.id = m.id
           ), digest_items AS (
               UPDATE notification SET status = 'sent', sent_at = now(), updated_at = now()
                WHERE digest_id = ANY($8::uuid[])
           )
           UPDATE notification
              SET status = 'sending', attempts = attempts + 1, claimed_at = now(), updated_at = now()
            WHERE id = ANY($1::uuid[]) AND id <> ALL($3::uuid[]) AND delivery = 'email'
              AND (status IN ('pending', 'queued')
                   OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $2)))
        RETURNING id, kind, language, recipient_email, recipient_name, payload, due_at`,
      values: [
        claims,
        this.config.sendingLeaseSeconds,
        sent.map((m) => m.id),
        sent.map((m) => m.subject),
        sent.map((m) => m.text),
        sent.map((m) => m.html),
        sent.map((m) => m.answer),
        sent.filter((m) => m.kind === DIGEST_KIND).map((m) => m.id),
      ],
    });
    const claimed = new Map(rows.map((row) => [row.id, row]));
    return new Map(
      steps.flatMap((step): [DeliveryStep, ClaimedRow | true][] => {
        if ('sent' in step) return [[step, true]];
        const row = claimed.get(step.claim);
        return row ? [[step, row]] : [];
      }),
    );
  }

  /**
   * The hot path (claims and marks) has a pool of its own, with prepared statements and without
   * waiting for each commit to reach the disk: if PostgreSQL itself crashed, the last fraction of a
   * second of claims and marks could be lost, which at worst sends a message again with the same
   * Message-ID — the at-least-once window this module already documents. Other writes keep full
   * durability. Each query is planned for the table as it is then: a generic plan cached while the
   * outbox was nearly empty scans the whole table, and it would stay cached as the table grows
   * (measured: 4 ms instead of 0.2 ms a round trip at 10,000 rows).
   */
  private readonly pool = this.deliveryPool();

  private deliveryPool(): Pool {
    const pool = new Pool({
      connectionString: this.config.databaseUrl,
      // The claims and marks of all concurrent jobs share one query at a time.
      max: 1,
      connectionTimeoutMillis: 5000,
      options: '-c synchronous_commit=off -c plan_cache_mode=force_custom_plan',
      application_name: 'verso-delivery',
    });
    // An idle connection dropped by a restarting PostgreSQL must not take the process with it.
    pool.on('error', (error) => this.logger.warn({ err: error }, 'delivery database connection lost'));
    return pool;
  }

  async onApplicationShutdown() {
    await this.pool.end();
  }

  private async release(id: string, status: 'queued' | 'failed' | 'cancelled', error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification SET status = $2, last_error = $3, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, status, error],
    );
  }
}
