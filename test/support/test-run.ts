// Names shared by the global setup, the test files and the teardown. The run id keeps this run's
// databases and Redis keys apart from any other run on the same servers.
import { randomBytes } from 'node:crypto';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function runId(): string {
  const id = process.env.VERSO_TEST_RUN;
  if (!id) throw new Error('VERSO_TEST_RUN is not set: run the tests through jest (npm test), whose global setup sets it');
  return id;
}

export const templateDatabase = (run: string) => `verso_test_${run}_template`;
export const databasePrefix = (run: string) => `verso_test_${run}_`;
export const redisPrefix = (run: string) => `verso-test-${run}`;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
