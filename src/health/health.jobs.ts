import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobData, JobName } from '../queue/jobs';

@Injectable()
export class HealthJobs {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** Logs how long the heartbeat waited between falling due and being taken by a worker. */
  @JobHandler(JobName.QueueHeartbeat)
  async heartbeat(_data: JobData<JobName.QueueHeartbeat>, job: Job): Promise<{ waitedMs: number }> {
    const due = job.timestamp + (job.delay ?? 0);
    const waitedMs = Math.max(0, Date.now() - due);
    this.logger.info({ job: job.name, waitedMs }, 'queue heartbeat');
    return { waitedMs };
  }
}
