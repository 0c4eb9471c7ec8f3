// The Redis connections of the process (the queue, its worker, rate limits, the readiness probe),
// beside the PostgreSQL connection: plumbing every area may use.
import IORedis, { RedisOptions } from 'ioredis';
import { Logger } from 'pino';

/**
 * A Redis connection that logs its errors instead of crashing the process or printing
 * "Unhandled error event": while Redis is down ioredis reconnects on its own.
 */
export function connectRedis(url: string, logger: Logger, name: string, options: RedisOptions = {}): IORedis {
  const redis = new IORedis(url, {
    connectionName: `verso-${name}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...options,
  });
  let lastLogged = 0;
  redis.on('error', (error) => {
    // Once a minute is enough to say Redis is still unreachable.
    if (Date.now() - lastLogged > 60_000) {
      lastLogged = Date.now();
      logger.warn({ err: error, connection: name }, 'Redis connection error');
    }
  });
  return redis;
}
