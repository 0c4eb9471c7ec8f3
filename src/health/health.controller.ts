import { Controller, Get, Header, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorator';
import { HealthService, Readiness } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving; says nothing about its dependencies (for restarts). */
  @Get('live')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'The process answers.' })
  live() {
    return { status: 'ok' };
  }

  /**
   * Whether this process can serve (for load balancers): 503 when PostgreSQL is down. Redis down
   * is 200 with status "degraded", since pages and enrolment still work; `down` and `help` name
   * what is missing and how to start it either way.
   */
  @Get('ready')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'PostgreSQL answers; status "degraded" when Redis does not (mail waits in the outbox).' })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL is down; `down` names it and `help` says how to start it.' })
  async ready(): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (readiness.status === 'unavailable') throw new HttpException(readiness, HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
