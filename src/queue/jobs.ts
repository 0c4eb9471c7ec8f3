// The typed catalogue of background jobs. Names are stable strings, never class names, so renaming
// code never orphans jobs already queued in Redis; each name has exactly one payload type.
import { JobsOptions } from 'bullmq';

export const NOTIFICATION_QUEUE = 'notifications';

export enum JobName {
  /** Every minute: proves the worker takes jobs and logs how long a job waited in the queue. */
  QueueHeartbeat = 'queue-heartbeat',
}

export interface JobPayloads {
  [JobName.QueueHeartbeat]: { scheduledAt: string };
}

export type JobData<N extends JobName> = JobPayloads[N];

const HOUR = 60 * 60 * 1000;

/**
 * The one place that decides job options. Job ids are deterministic so the same work is never
 * queued twice; BullMQ reserves ':' in ids, so they are refused here rather than failing in Redis.
 */
export function jobOptions(options: { jobId?: string; delayMs?: number } = {}): JobsOptions {
  if (options.jobId !== undefined && !/^[A-Za-z0-9_\-.]+$/.test(options.jobId)) {
    throw new Error(`Job id "${options.jobId}" may hold only letters, digits, '-', '_' and '.'`);
  }
  return {
    jobId: options.jobId,
    delay: options.delayMs,
    attempts: 8,
    // Waits of 30 s doubling: 7 retries over about an hour, for a dependency that blips.
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 24 * HOUR, count: 10_000 },
    removeOnFail: { age: 14 * 24 * HOUR },
  };
}
