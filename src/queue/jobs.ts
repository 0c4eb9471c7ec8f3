// The typed catalogue of background jobs. Names are stable strings, never class names, so renaming
// code never orphans jobs already queued in Redis; each name has exactly one payload type.
import { JobsOptions } from 'bullmq';

export const NOTIFICATION_QUEUE = 'notifications';

export enum JobName {
  /** Every minute: proves the worker takes jobs and logs how long a job waited in the queue. */
  QueueHeartbeat = 'queue-heartbeat',
  /** Render and send one outbox row; the job id is the row's. */
  NotificationDeliver = 'notification-deliver',
  /** Every minute: re-enqueue outbox rows whose job Redis lost or whose worker died. */
  OutboxSweep = 'outbox-sweep',
  /**
   * Hourly at minute 0 (Helsinki): finds the people whose digest is due this hour (their own hour
   * and rhythm) with something waiting, and queues a DigestForPerson job for each, spread over the hour.
   */
  DigestGather = 'digest-gather',
  /** One person's digest: their waiting items, re-read, become one digest email. */
  DigestForPerson = 'digest-for-person',
  /** Daily at DIGEST_HOUR: one email per facilitator listing the changes to their cohorts' rosters. */
  RosterSummary = 'roster-summary',
  /** Every 15 minutes: lapses managers' approval requests past their deadline and reminds managers once after 3 days. */
  ApprovalDeadlines = 'approval-deadlines',
  /** Every 5 minutes: opens the rounds' feedback surveys whose last session has ended (inviting the participants) and sends the one reminder before closing. */
  FeedbackSurveys = 'feedback-surveys',
  /** Daily: anonymises the register's completions (and imported ones) older than REGISTER_RETENTION_YEARS, in batches. */
  RegisterRetention = 'register-retention',
  /** Daily: removes stored content no file_blob row names, left by a crash between an S3 put and its commit (FilesService.removeOrphans). */
  FileOrphans = 'file-orphans',
  /** Every minute: seats offered to the next in line whose claim deadline has passed lapse, and pass to the next (OfferDeadlinesService). */
  OfferDeadlines = 'offer-deadlines',
  /** Every minute: queues the newsletter editions whose time has come, one outbox row per confirmed subscriber, and finishes any a worker left half-queued. */
  NewsletterSend = 'newsletter-send',
}

export interface JobPayloads {
  [JobName.QueueHeartbeat]: { scheduledAt: string };
  [JobName.NotificationDeliver]: { notificationId: string };
  [JobName.OutboxSweep]: Record<string, never>;
  [JobName.DigestGather]: Record<string, never>;
  /** `hour`: the Helsinki hour the digest is for, yyyymmddhh (also in the job id). */
  [JobName.DigestForPerson]: { userId: string; hour: string };
  [JobName.RosterSummary]: Record<string, never>;
  [JobName.ApprovalDeadlines]: Record<string, never>;
  [JobName.FeedbackSurveys]: Record<string, never>;
  [JobName.RegisterRetention]: Record<string, never>;
  [JobName.FileOrphans]: Record<string, never>;
  [JobName.OfferDeadlines]: Record<string, never>;
  [JobName.NewsletterSend]: Record<string, never>;
}

export type JobData<N extends JobName> = JobPayloads[N];

export interface EnqueueOptions {
  jobId?: string;
  delayMs?: number;
}

const HOUR = 60 * 60 * 1000;

/** One digest job per person and Helsinki hour (yyyymmddhh): queuing it twice in that hour is a no-op. */
export function digestJobId(userId: string, hour: string): string {
  return `digest-${userId}-${hour}`;
}
/** 12 attempts with doubling waits: from 40 s (the default first wait) they span about 23 hours. */
export const JOB_ATTEMPTS = 12;

/**
 * The one place that decides job options. Job ids are deterministic so the same work is never
 * queued twice; BullMQ reserves ':' in ids, so they are refused here rather than failing in Redis.
 */
export function jobOptions(options: EnqueueOptions = {}, retryDelayMs = 40_000): JobsOptions {
  if (options.jobId !== undefined && !/^[A-Za-z0-9_\-.]+$/.test(options.jobId)) {
    throw new Error(`Job id "${options.jobId}" may hold only letters, digits, '-', '_' and '.'`);
  }
  return {
    jobId: options.jobId,
    delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: retryDelayMs },
    removeOnComplete: { age: 24 * HOUR, count: 50_000 },
    removeOnFail: { age: 14 * 24 * HOUR },
  };
}
