// Brute-force limits for sign-in and password reset, per account and per IP address, kept in Redis
// (rate-limiter-flexible) so every web process counts together. Redis down must not lock people
// out or hang a request: commands fail at once (no offline queue) and an in-memory limiter per
// process stands in until Redis is back.
import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';
import { connectRedis } from '../queue/redis';

export type LimitKind = 'sign-in-account' | 'sign-in-ip' | 'reset-account' | 'reset-ip';

/** Points (attempts) per window, and how long a key stays blocked once over. */
const LIMITS: Record<LimitKind, { points: number; duration: number; blockDuration: number }> = {
  // Failed sign-ins: 10 per account and 50 per IP address in 15 minutes.
  'sign-in-account': { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  'sign-in-ip': { points: 50, duration: 15 * 60, blockDuration: 15 * 60 },
  // Reset links asked for: 3 per account and 20 per IP address an hour.
  'reset-account': { points: 3, duration: 60 * 60, blockDuration: 60 * 60 },
  'reset-ip': { points: 20, duration: 60 * 60, blockDuration: 60 * 60 },
};

@Injectable()
export class RateLimits implements OnApplicationShutdown {
  private readonly redis: IORedis;
  private readonly limiters: Record<LimitKind, RateLimiterRedis>;

  constructor(@Inject(CONFIG) config: Config, @Inject(LOGGER) logger: Logger) {
    this.redis = connectRedis(config.redisUrl, logger, 'rate-limits', { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000 });
    const entries = (Object.keys(LIMITS) as LimitKind[]).map((kind) => {
      const limit = LIMITS[kind];
      const limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.redisPrefix}:limit:${kind}`,
        ...limit,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: kind, ...limit }),
      });
      return [kind, limiter] as const;
    });
    this.limiters = Object.fromEntries(entries) as Record<LimitKind, RateLimiterRedis>;
  }

  /** Seconds until all of these keys may try again (their attempts are used up); 0 when none is blocked. */
  async secondsToWait(checks: [LimitKind, string][]): Promise<number> {
    let wait = 0;
    for (const [kind, key] of checks) {
      const state = await this.limiters[kind].get(key);
      if (state && state.consumedPoints >= LIMITS[kind].points) wait = Math.max(wait, Math.ceil(state.msBeforeNext / 1000));
    }
    return wait;
  }

  /** Counts one attempt against each key. */
  async count(checks: [LimitKind, string][]): Promise<void> {
    for (const [kind, key] of checks) {
      await this.limiters[kind].consume(key).catch((result: unknown) => {
        // Over the limit is what we count for; anything else is a real failure.
        if (!(result instanceof RateLimiterRes)) throw result;
      });
    }
  }

  /** A successful sign-in forgets the account's failures. */
  async clear(kind: LimitKind, key: string): Promise<void> {
    await this.limiters[kind].delete(key).catch(() => undefined);
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}

/** Over a brute-force limit: the person may try again after `secondsToWait`. */
export class TooManyAttempts extends HttpException {
  constructor(readonly secondsToWait: number) {
    super('Too many attempts', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** "Try again in N minutes", rounded up. */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
