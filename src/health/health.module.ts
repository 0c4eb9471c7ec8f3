import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthJobs } from './health.jobs';
import { HealthService } from './health.service';

@Module({
  controllers: [HealthController],
  providers: [HealthService, HealthJobs],
})
export class HealthModule {}
