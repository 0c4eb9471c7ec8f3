// Owns readiness: whether this process can reach PostgreSQL and Redis right now. Each probe has a
// short deadline so a stopped dependency turns readiness to 503 within seconds instead of hanging.
// Written here rather than with @nestjs/terminus: terminus 12.1 declares an optional MikroORM peer
// that conflicts with NestJS 12 at install, and it has no Redis check for BullMQ's connection anyway.
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { connectRedis } from '../database/redis';
import { LOGGER } from '../logging/logger';
import { FinnishAnalysis, SearchVocabulary } from '../search/search-vocabulary.service';

export type Dependency = 'database' | 'redis';
export type DependencyState = 'up' | 'down';

export interface Readiness {
  /**
   * unavailable: PostgreSQL is down, nothing works. degraded: Redis is down; pages and enrolment
   * still work (requests record their work in PostgreSQL) and mail waits in the outbox, so a load
   * balancer should keep sending this process requests.
   */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<Dependency, DependencyState>;
  /** The dependencies that are down, named so an operator knows where to look. */
  down: Dependency[];
  /** For each one down: what it means and how to start it. */
  help?: Partial<Record<Dependency, string>>;
  /** How Finnish words are found: Voikko's morphology, or (Voikko missing, not a failure) the snowball stemmer with how to install Voikko. */
  search: FinnishAnalysis;
}

/** host:port of a URL, without the credentials it may hold. */
function address(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || (url.startsWith('redis') ? '6379' : '5432')}`;
}

/** What an operator reads when a dependency is down: what stops working and how to start it. */
export function helpFor(dependency: Dependency, config: Pick<Config, 'databaseUrl' | 'redisUrl'>): string {
  return dependency === 'redis'
    ? `Redis does not answer at ${address(config.redisUrl)}: pages and enrolment work, and mail waits in the outbox until it does. ` +
        'Start it with `docker compose up -d redis`, or install it: `sudo apt-get install redis-server`.'
    : `PostgreSQL does not answer at ${address(config.databaseUrl)}: start it with \`docker compose up -d postgres\`, or install it: \`sudo apt-get install postgresql\`.`;
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
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** A connection of its own that fails at once while Redis is unreachable, instead of queueing. */
  private readonly redis: IORedis;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly vocabulary: SearchVocabulary,
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
    const search = this.vocabulary.analysis;
    if (down.length === 0) return { status: 'ok', checks, down, search };
    const help = Object.fromEntries(down.map((name) => [name, helpFor(name, this.config)]));
    return { status: database === 'down' ? 'unavailable' : 'degraded', checks, down, help, search };
  }

  /** Says once at start, in one line, when Redis is missing, what that means and how to start it. */
  onApplicationBootstrap() {
    void this.probe(() => this.pingRedis()).then((state) => {
      if (state === 'down') this.logger.warn({ redis: address(this.config.redisUrl) }, helpFor('redis', this.config));
    });
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
