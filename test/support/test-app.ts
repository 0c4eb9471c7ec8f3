// Runs the real app in-process, through the same createApp as main.ts, on a database and a Redis
// key prefix of the test file's own.
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DestinationStream } from 'pino';
import { createApp } from '../../src/app';
import { CONFIG, Config, loadConfig } from '../../src/config/config';
import { createTestDatabase, dropTestDatabase } from './test-database';
import { redisPrefix, runId, TEST_REDIS_URL } from './test-run';

export interface TestApp {
  app: NestFastifyApplication;
  config: Config;
  http: TestAgent;
  close(): Promise<void>;
}

/** Settings of a test app; a test overrides any of them (a wrong REDIS_URL, APP_ROLE=web, …). */
export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DEMO_DATA: 'false',
    REDIS_URL: TEST_REDIS_URL,
    // One prefix per database: apps started on one database are processes of one site, and those
    // must agree on it (health/running-processes.service.ts).
    REDIS_PREFIX: `${redisPrefix(runId())}-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 6)}`,
    DATABASE_URL: databaseUrl,
    ...env,
  });
}

/** `logDestination`: a stream to read the app's log lines from (give LOG_LEVEL too), instead of stdout. */
export async function startTestApp(env: Record<string, string> = {}, options: { logDestination?: DestinationStream } = {}): Promise<TestApp> {
  const config = await testConfig(env);
  const app = await createApp(config, options);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    // As the app has it: with the installation's own session secret when SESSION_SECRET is unset.
    config: app.get<Config>(CONFIG),
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await dropTestDatabase(config.databaseUrl);
    },
  };
}
