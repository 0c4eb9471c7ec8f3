import IORedis from 'ioredis';
import { Client } from 'pg';
import { quoteIdentifier } from '../../src/database/prepare-database';
import { ADMIN_DATABASE_URL, databasePrefix, redisPrefix, runId, TEST_REDIS_URL } from './test-run';

/** Drops this run's databases and Redis keys, so runs leave nothing behind. */
export default async function globalTeardown(): Promise<void> {
  const run = runId();
  const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      databasePrefix(run),
    ]);
    for (const { datname } of rows) await pg.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
  } finally {
    await pg.end();
  }
  const redis = new IORedis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix(run)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
