// Moves the outbox into the queue. Every worker process runs the relay: woken by PostgreSQL when
// notifications are written (notification_written in sql/outbox.sql), and twice a second anyway, it hands due
// pending rows (and rows due within the next day, as delayed jobs) to BullMQ with the row id as the
// job id, so a row is queued once however many relays see it, then marks them queued. Rows due later
// stay in PostgreSQL only. The sweep, a recurring job, re-enqueues rows whose job Redis no longer
// has (a flush, a restart without persistence) and rows left "sending" by a worker that died.
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { PgListener } from '../database/pg-listener';
import { LOGGER } from '../logging/logger';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { QueueService } from '../queue/queue.service';

const RELAY_INTERVAL_MS = 500;
const RELAY_BATCH = 1000;
/** Rows due within this window become delayed jobs; later ones wait in PostgreSQL. */
const DELAYED_HORIZON = '24 hours';
const SWEEP_BATCH = 10_000;

/** The job id of a row: its id, plus its resend generation so a resent row gets a fresh job. */
export function deliveryJobId(row: { id: string; generation: number }): string {
  return row.generation === 0 ? row.id : `${row.id}-r${row.generation}`;
}

interface RelayRow {
  id: string;
  generation: number;
  due_at: Date;
}

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private scheduleTimer?: NodeJS.Timeout;
  private listener?: PgListener;
  private running?: Promise<void>;
  /** Woken while a pass ran: rows may have committed after its query, so pass again. */
  private wokenMeanwhile = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queue: QueueService,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runsWorkers) return;
    this.listener = new PgListener(this.config.databaseUrl, 'notification_written', () => this.wake(), this.logger);
    this.listener.start();
    this.timer = setInterval(() => this.wake(), RELAY_INTERVAL_MS);
    // Redis may have forgotten the recurring jobs (flushed, replaced): put them back now and then.
    this.scheduleTimer = setInterval(() => void this.queue.scheduleRecurringJobs(), this.config.sweepIntervalMs);
  }

  /** One relay pass at a time per process; a pass waiting on Redis simply holds the next one back. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenMeanwhile = true;
      return;
    }
    this.running = this.relayAll()
      .then(() => undefined)
      .catch((error) => this.logger.warn({ err: error }, 'outbox relay pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.wokenMeanwhile) {
          this.wokenMeanwhile = false;
          this.wake();
        }
      });
  }

  /** Relays until no due rows are left; returns how many it handed to the queue. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const relayed = await this.relayBatch();
      total += relayed;
      if (relayed < RELAY_BATCH || this.stopped) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const rows: RelayRow[] = await this.dataSource.query(
      `SELECT id, generation, due_at FROM notification
       WHERE status = 'pending' AND delivery = 'email' AND due_at <= now() + interval '${DELAYED_HORIZON}'
       ORDER BY due_at LIMIT ${RELAY_BATCH}`,
    );
    if (rows.length === 0) return 0;
    await this.enqueue(rows);
    await this.dataSource.query(
      `UPDATE notification SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [rows.map((row) => row.id)],
    );
    return rows.length;
  }

  private async enqueue(rows: RelayRow[]): Promise<void> {
    const now = Date.now();
    await this.queue.enqueueMany(
      JobName.NotificationDeliver,
      rows.map((row) => ({
        data: { notificationId: row.id },
        options: { jobId: deliveryJobId(row), delayMs: new Date(row.due_at).getTime() - now },
      })),
    );
  }

  /**
   * Re-enqueues rows that should be in the queue but are not: "queued" rows (due now or later)
   * whose job Redis no longer holds, and "sending" rows whose worker's lease ran out. A finished job
   * of such a row is removed first, since BullMQ ignores a new job with the id of a kept one.
   */
  @JobHandler(JobName.OutboxSweep)
  async sweep(): Promise<{ requeued: number }> {
    const queued: RelayRow[] = await this.dataSource.query(
      `SELECT id, generation, due_at FROM notification WHERE status = 'queued' AND delivery = 'email' ORDER BY due_at LIMIT ${SWEEP_BATCH}`,
    );
    const present = await this.queue.existingJobIds(queued.map(deliveryJobId));
    const lost = queued.filter((row) => !present.has(deliveryJobId(row)));

    const abandoned: RelayRow[] = await this.dataSource.query(
      `SELECT id, generation, due_at FROM notification
       WHERE status = 'sending' AND delivery = 'email' AND claimed_at < now() - make_interval(secs => $1)
       ORDER BY due_at LIMIT ${SWEEP_BATCH}`,
      [this.config.sendingLeaseSeconds],
    );
    for (const row of abandoned) {
      const job = await this.queue.job(deliveryJobId(row));
      const state = job ? await job.getState() : 'missing';
      if (['waiting', 'delayed', 'active', 'prioritized'].includes(state)) continue;
      await job?.remove().catch(() => undefined);
      lost.push(row);
    }

    await this.enqueue(lost);
    if (lost.length) this.logger.warn({ requeued: lost.length }, 'outbox sweep re-enqueued lost notifications');
    return { requeued: lost.length };
  }

  /** Stops relaying before the queue closes; a pass stuck on an unreachable Redis is not waited for. */
  async beforeApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.scheduleTimer);
    await this.listener?.stop();
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}
