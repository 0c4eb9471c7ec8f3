// Owns readiness: whether this process can reach PostgreSQL and Redis right now. Each probe has a
// short deadline so a stopped dependency turns readiness to 503 within seconds instead of hanging.
// Written here rather than with @nestjs/terminus: terminus 12.1 declares an optional MikroORM peer
// that conflicts with NestJS 12 at install, and it has no Redis check for BullMQ's connection anyway.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';
import { connectRedis } from '../queue/redis';

export type Dependency = 'database' | 'redis';
export type DependencyState = 'up' | 'down';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<Dependency, DependencyState>;
  /** The dependencies that are down, named so an operator knows where to look. */
  down: Dependency[];
}

const PROBE_TIMEOUT_MS = 2000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService implements OnApplicationShutdown {
  /** A connection of its own that fails at once while Redis is unreachable, instead of queueing. */
  private readonly redis: IORedis;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.redis = connectRedis(config.redisUrl, logger, 'health', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: PROBE_TIMEOUT_MS,
    });
  }

  async readiness(): Promise<Readiness> {
    const [database, redis] = await Promise.all([
      this.probe(() => this.dataSource.query('SELECT 1')),
      this.probe(() => this.pingRedis()),
    ]);
    const checks = { database, redis };
    const down = (Object.keys(checks) as Dependency[]).filter((name) => checks[name] === 'down');
    return { status: down.length ? 'unavailable' : 'ok', checks, down };
  }

  /**
   * Right after start the connection may still be opening: give it the deadline. Once it has
   * failed ('reconnecting'), Redis is down and the ping fails at once.
   */
  private async pingRedis(): Promise<unknown> {
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    const opening = () => ['wait', 'connecting', 'connect'].includes(this.redis.status);
    while (opening() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.redis.ping();
  }

  private async probe(call: () => Promise<unknown>): Promise<DependencyState> {
    try {
      await withDeadline(call(), PROBE_TIMEOUT_MS);
      return 'up';
    } catch {
      return 'down';
    }
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}
