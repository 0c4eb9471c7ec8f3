// Owns the BullMQ queue and worker of the notification queue. Queue.add() waits while Redis is
// unreachable, so this service is for workers and relays, never for an HTTP request path: requests
// record their work in PostgreSQL and a relay hands it here.
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Logger } from 'pino';
import { CONFIG, Config } from '../config/config';
import { connectRedis } from '../database/redis';
import { LOGGER } from '../logging/logger';
import { JOB_HANDLER, JobHandlerFn } from './job-handler.decorator';
import { EnqueueOptions, JobData, JobName, jobOptions, NOTIFICATION_QUEUE } from './jobs';

export interface FoundHandler {
  name: JobName;
  owner: string;
  fn: JobHandlerFn;
}

/** Every job name needs exactly one handler; boot stops otherwise. */
export function handlerTable(found: FoundHandler[], names: JobName[] = Object.values(JobName)): Map<JobName, JobHandlerFn> {
  const problems: string[] = [];
  const table = new Map<JobName, JobHandlerFn>();
  for (const name of names) {
    const handlers = found.filter((h) => h.name === name);
    if (handlers.length === 0) problems.push(`job "${name}" has no handler`);
    if (handlers.length > 1) problems.push(`job "${name}" has ${handlers.length} handlers (${handlers.map((h) => h.owner).join(', ')})`);
    if (handlers.length === 1) table.set(name, handlers[0].fn);
  }
  if (problems.length > 0) throw new Error(`Job handlers are wrong: ${problems.join('; ')}`);
  return table;
}

/** Waits for `promise`, at most `ms`; what happens after that is no longer waited for. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

@Injectable()
export class QueueService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly connection: IORedis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: IORedis;
  private handlers = new Map<JobName, JobHandlerFn>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    this.connection = connectRedis(config.redisUrl, logger, 'queue', { maxRetriesPerRequest: null });
    this.queue = new Queue(NOTIFICATION_QUEUE, { connection: this.connection, prefix: config.redisPrefix });
    this.queue.on('error', (error) => this.logger.debug({ err: error }, 'queue error'));
  }

  onModuleInit() {
    this.handlers = handlerTable(this.findHandlers());
  }

  onApplicationBootstrap() {
    if (!this.config.runsWorkers) return;
    this.workerConnection = connectRedis(this.config.redisUrl, this.logger, 'worker', { maxRetriesPerRequest: null });
    this.worker = new Worker(NOTIFICATION_QUEUE, (job, token) => this.process(job, token), {
      connection: this.workerConnection,
      prefix: this.config.redisPrefix,
      concurrency: this.config.workerConcurrency,
      // A dead worker's jobs go back to the queue after the same lease a "sending" outbox row has.
      lockDuration: this.config.sendingLeaseSeconds * 1000,
      stalledInterval: this.config.sendingLeaseSeconds * 1000,
    });
    this.worker.on('error', (error) => this.logger.debug({ err: error }, 'worker error'));
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ err: error, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade }, 'job failed'),
    );
    void this.scheduleRecurringJobs();
  }

  /**
   * Recurring jobs live in Redis, so a flushed or replaced Redis forgets them: workers call this at
   * boot and again every minute (upserting is idempotent). Never awaited on a request path.
   */
  async scheduleRecurringJobs(): Promise<void> {
    const schedules: { name: JobName; repeat: { every?: number; pattern?: string; tz?: string } }[] = [
      { name: JobName.QueueHeartbeat, repeat: { every: 60_000 } },
      { name: JobName.OutboxSweep, repeat: { every: this.config.sweepIntervalMs } },
      // Every hour: each person's digest comes at their own hour (DIGEST_HOUR is only the default).
      { name: JobName.DigestGather, repeat: { pattern: '0 * * * *', tz: 'Europe/Helsinki' } },
      // Facilitators' daily summary of roster changes, at the site's default digest hour.
      { name: JobName.RosterSummary, repeat: { pattern: `0 ${this.config.digestHour} * * *`, tz: 'Europe/Helsinki' } },
      // A lapsed approval request tells the person within a quarter of an hour; its link says so at once.
      { name: JobName.ApprovalDeadlines, repeat: { every: 15 * 60_000 } },
      // A lapsed seat offer passes to the next in line within a minute; its link says it lapsed at once.
      { name: JobName.OfferDeadlines, repeat: { every: 60_000 } },
      // A round's feedback survey opens within 5 minutes of its last session's end.
      { name: JobName.FeedbackSurveys, repeat: { every: 5 * 60_000 } },
      // At night, when nobody reads the register.
      { name: JobName.RegisterRetention, repeat: { pattern: '30 3 * * *', tz: 'Europe/Helsinki' } },
      { name: JobName.FileOrphans, repeat: { pattern: '45 3 * * *', tz: 'Europe/Helsinki' } },
      // A scheduled newsletter edition goes out within a minute of its time.
      { name: JobName.NewsletterSend, repeat: { every: 60_000 } },
    ];
    try {
      for (const { name, repeat } of schedules) {
        await this.queue.upsertJobScheduler(name, repeat, {
          name,
          data: name === JobName.QueueHeartbeat ? { scheduledAt: new Date().toISOString() } : {},
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not schedule the recurring jobs');
    }
  }

  /** Adds a job. Waits while Redis is unreachable: call from workers and relays only. */
  async enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<Job> {
    return this.queue.add(name, data, jobOptions(options, this.config.jobRetryDelayMs));
  }

  /** Adds many jobs in one round trip; jobs whose id is already queued are left as they are. */
  async enqueueMany<N extends JobName>(name: N, jobs: { data: JobData<N>; options: EnqueueOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map(({ data, options }) => ({ name, data, opts: jobOptions(options, this.config.jobRetryDelayMs) })));
  }

  async job(id: string): Promise<Job | undefined> {
    return this.queue.getJob(id);
  }

  /** Which of these job ids Redis holds (one pipelined round trip). */
  async existingJobIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.connection.pipeline();
    for (const id of ids) pipeline.exists(this.queue.toKey(id));
    const answers = (await pipeline.exec()) ?? [];
    return new Set(ids.filter((_, i) => answers[i]?.[1] === 1));
  }

  /** The BullMQ queue itself, for the dashboard. */
  get bullQueue(): Queue {
    return this.queue;
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    // Rethrown, not swallowed: BullMQ retries a job only when its handler fails.
    if (!handler) throw new Error(`No handler for job "${job.name}"`);
    return handler(job.data, job, token);
  }

  private findHandlers(): FoundHandler[] {
    const found: FoundHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, prototype[method]);
        if (name) {
          found.push({ name, owner: `${instance.constructor.name}.${method}`, fn: (prototype[method] as JobHandlerFn).bind(instance) });
        }
      }
    }
    return found;
  }

  /**
   * Lets in-flight jobs finish before the database closes. While Redis is unreachable BullMQ's
   * close() waits for it forever, so then the process stops at once: its jobs stay in Redis, and
   * their outbox rows' lease hands them to the next worker.
   */
  async beforeApplicationShutdown() {
    if (!this.worker) return;
    const reachable = this.workerConnection?.status === 'ready';
    await settlesWithin(this.worker.close(), reachable ? this.config.sendingLeaseSeconds * 1000 : 1000);
  }

  async onApplicationShutdown() {
    await settlesWithin(this.queue.close(), this.connection.status === 'ready' ? 5000 : 1000);
    // Connections we pass in are shared, so BullMQ leaves closing them to us.
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}
