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

  /** PostgreSQL and Redis answer (for load balancers). 503 names what is down. */
  @Get('ready')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'PostgreSQL and Redis answer.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `down` names it.' })
  async ready(): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (readiness.status !== 'ok') throw new HttpException(readiness, HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
