import { SetMetadata } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobData, JobName } from './jobs';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** Marks a provider method as the handler of one job name: `@JobHandler(JobName.X) handle(data, job)`. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);

export type JobHandlerFn<N extends JobName = JobName> = (data: JobData<N>, job: Job<JobData<N>>, token?: string) => Promise<unknown>;
