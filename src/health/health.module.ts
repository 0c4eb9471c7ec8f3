import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthJobs } from './health.jobs';
import { HealthService } from './health.service';
import { RunningProcesses } from './running-processes.service';

@Module({
  controllers: [HealthController],
  providers: [HealthService, HealthJobs, RunningProcesses],
})
export class HealthModule {}
