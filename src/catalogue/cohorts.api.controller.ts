// The JSON API for cohorts and sessions (helper B fills this in).
import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

@ApiTags('cohorts')
@Controller('api/v1')
export class CohortsApiController {}
