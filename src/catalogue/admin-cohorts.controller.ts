// Admin pages for scheduling cohorts and sessions (helper A fills this in).
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';

@ApiExcludeController()
@Requires(Capability.CohortSchedule)
@Controller('admin')
export class AdminCohortsController {}
