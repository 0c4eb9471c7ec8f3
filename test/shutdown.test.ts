import { freePort, startAppProcess, waitForLive } from './support/app-process';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { redisPrefix, runId, TEST_REDIS_URL } from './support/test-run';

describe('the built app', () => {
  it('serves, then on SIGTERM finishes the request in flight, exits 0 and closes its port', async () => {
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = startAppProcess({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${redisPrefix(runId())}-shutdown`,
      LOG_LEVEL: 'info',
    });
    const { child, exited } = app;
    try {
      await waitForLive(base, child);
      const home = await fetch(`${base}/`);
      expect(await home.text()).toContain('Kompleksisuus ja systeemiajattelu'); // demo data seeded at start

      const inFlight = fetch(`${base}/programmes/valmentava-johtajuus`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill('SIGTERM');
      expect((await inFlight).status).toBe(200);
      expect(await exited).toBe(0);
      await expect(fetch(`${base}/health/live`)).rejects.toThrow();
      // Every log line is JSON, and request lines carry the request id.
      const lines = app.output().trim().split('\n').filter((line) => line.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.some((line) => JSON.parse(line).reqId && JSON.parse(line).msg === 'request completed')).toBe(true);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- app output ---\n${app.output()}`);
    } finally {
      await app.kill();
      await dropTestDatabase(databaseUrl);
    }
  }, 90000);
});
