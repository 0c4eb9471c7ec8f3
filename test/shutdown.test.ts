import { startServingApp, waitForLive } from './support/app-process';

describe('the built app', () => {
  it('serves, then on SIGTERM finishes the request in flight, exits 0 and closes its port', async () => {
    const app = await startServingApp('shutdown', { LOG_LEVEL: 'info' });
    const { child, exited, base } = app;
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
      await app.close();
    }
  }, 90000);
});
