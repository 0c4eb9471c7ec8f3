// Starting the built app as `npm start` does, in the situations a new user or an operator meets:
// only Node (no PostgreSQL: the embedded one), a data folder left by a killed run, production
// without a database, PORT taken, processes of one site that disagree on SESSION_SECRET or
// REDIS_PREFIX, and a worker without Redis.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers } from '../src/database/embedded-database';
import { AppProcess, freePort, startAppProcess, waitForLive } from './support/app-process';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { redisPrefix, runId, TEST_REDIS_URL } from './support/test-run';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const serverPid = (dir: string) => Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
const logLines = (app: AppProcess) =>
  app
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; level: number });
const nonJsonLines = (app: AppProcess) =>
  app
    .output()
    .trim()
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('{'));

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return done();
}

describe('a first start with nothing but Node: no DATABASE_URL and no PostgreSQL on the local port', () => {
  const folder = mkdtempSync(join(tmpdir(), 'verso-embedded-'));
  // As root the server runs as the user postgres, who must reach the folder.
  chmodSync(folder, 0o755);
  const dir = join(folder, 'postgres');
  let databasePort: number;
  const started: AppProcess[] = [];
  const start = async () => {
    const port = await freePort();
    const app = startAppProcess({ PORT: String(port), HOST: '127.0.0.1', LOCAL_DATABASE_PORT: String(databasePort), EMBEDDED_DATABASE_DIR: dir, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${redisPrefix(runId())}-embedded` });
    started.push(app);
    const base = `http://127.0.0.1:${port}`;
    await waitForLive(base, app.child, 120_000);
    return { app, base };
  };

  beforeAll(async () => {
    databasePort = await freePort();
  });
  afterAll(async () => {
    for (const app of started) await app.kill('SIGKILL');
    if (existsSync(join(dir, 'postmaster.pid')) && alive(serverPid(dir))) process.kill(serverPid(dir), 'SIGINT');
    await waitUntil(() => !existsSync(join(dir, 'postmaster.pid')), 10_000);
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts an embedded PostgreSQL with its data in the folder, says so in one line, serves the demo, and stops the server on SIGTERM', async () => {
    expect(await answers(databasePort)).toBe(false);
    const { app, base } = await start();
    const said = logLines(app).filter((line) => /PostgreSQL/.test(line.msg));
    expect(said.map((line) => line.msg)).toEqual([
      `No DATABASE_URL and nothing on localhost:${databasePort}: started an embedded PostgreSQL there with its data in ${dir}; it stops with the app`,
    ]);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    const pid = serverPid(dir);
    expect(alive(pid)).toBe(true);

    // The demo, as `npm start` shows it.
    const catalogue = await fetch(`${base}/programmes`);
    expect(catalogue.status).toBe(200);
    expect(await catalogue.text()).toContain('Kompleksisuus');
    expect((await (await fetch(`${base}/health/ready`)).json()).checks.database).toBe('up');

    expect(await app.kill('SIGTERM')).toBe(0);
    expect(await waitUntil(() => !alive(pid), 10_000)).toBe(true);
    expect(await answers(databasePort)).toBe(false);
  }, 180_000);

  it('after a killed run, uses the server it left running (its data kept) and stops it on SIGTERM', async () => {
    const first = await start();
    const enrolled = await fetch(`${first.base}/programmes`);
    expect(enrolled.status).toBe(200);
    await first.app.kill('SIGKILL');
    const leftPid = serverPid(dir);
    expect(alive(leftPid)).toBe(true);

    const { app, base } = await start();
    expect(logLines(app).map((line) => line.msg)).toContain(`Using the embedded PostgreSQL left running on localhost:${databasePort} (data in ${dir}); it stops with the app`);
    // The demo was seeded once, by the first start, and is still there.
    expect(logLines(app).map((line) => line.msg)).not.toContain('demo data seeded');
    expect((await fetch(`${base}/programmes`)).status).toBe(200);
    expect(await app.kill('SIGTERM')).toBe(0);
    expect(await waitUntil(() => !alive(leftPid), 10_000)).toBe(true);
  }, 180_000);

  it('makes the folder again when a killed first start left it half-made', async () => {
    const halfMade = join(folder, 'half-made');
    mkdirSync(halfMade);
    writeFileSync(join(halfMade, 'postgresql.conf'), '# initdb was killed here\n');
    const port = await freePort();
    const app = startAppProcess({ PORT: String(port), HOST: '127.0.0.1', LOCAL_DATABASE_PORT: String(await freePort()), EMBEDDED_DATABASE_DIR: halfMade, DEMO_DATA: 'false', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${redisPrefix(runId())}-half-made` });
    started.push(app);
    await waitForLive(`http://127.0.0.1:${port}`, app.child, 120_000);
    expect(logLines(app).map((line) => line.msg)).toContain('The embedded PostgreSQL data folder was left half-made by an earlier start; making it again');
    expect(existsSync(join(halfMade, 'PG_VERSION'))).toBe(true);
    const pid = serverPid(halfMade);
    expect(await app.kill('SIGTERM')).toBe(0);
    expect(await waitUntil(() => !alive(pid), 10_000)).toBe(true);
  }, 180_000);

  it('never starts one in production: one line naming DATABASE_URL, exit 1', async () => {
    const app = startAppProcess({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-forty-characters!',
      LOCAL_DATABASE_PORT: String(await freePort()),
      EMBEDDED_DATABASE_DIR: join(folder, 'production'),
      PORT: String(await freePort()),
    });
    expect(await app.exited).toBe(1);
    expect(nonJsonLines(app)).toEqual([expect.stringMatching(/^Verso could not start: PostgreSQL does not answer on localhost:\d+ and DATABASE_URL is not set: set DATABASE_URL \(production never starts an embedded database\)$/)]);
    expect(existsSync(join(folder, 'production'))).toBe(false);
  });
});

describe('starting with bad settings', () => {
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });
  afterAll(() => dropTestDatabase(databaseUrl));

  it('PORT taken: one clear line and exit code 1, before anything else is done', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const app = startAppProcess({ PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL });
      expect(await app.exited).toBe(1);
      expect(app.output().trim().split('\n')).toEqual([`Verso could not start: PORT ${port} is already in use on 127.0.0.1: stop what uses it, or set PORT to a free port`]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a process whose SESSION_SECRET or REDIS_PREFIX differs from the running ones refuses to start, naming the setting; the same settings start', async () => {
    const prefix = `${redisPrefix(runId())}-agree`;
    const secret = 'the-sites-own-session-secret-0123456789';
    const env = (extra: Record<string, string>) => ({ HOST: '127.0.0.1', DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, SESSION_SECRET: secret, DEMO_DATA: 'false', ...extra });
    const firstPort = await freePort();
    const first = startAppProcess(env({ PORT: String(firstPort), APP_ROLE: 'web' }));
    try {
      await waitForLive(`http://127.0.0.1:${firstPort}`, first.child);

      const otherSecret = startAppProcess(env({ APP_ROLE: 'worker', SESSION_SECRET: 'another-session-secret-of-40-characters' }));
      expect(await otherSecret.exited).toBe(1);
      expect(nonJsonLines(otherSecret)).toEqual([
        expect.stringMatching(/^Verso could not start: SESSION_SECRET differs from the one the site's running processes use \(web process \d+ on .+, seen \d+ s ago\): give every process of the site the same SESSION_SECRET$/),
      ]);

      const otherPrefix = startAppProcess(env({ APP_ROLE: 'worker', REDIS_PREFIX: `${prefix}-other` }));
      expect(await otherPrefix.exited).toBe(1);
      expect(nonJsonLines(otherPrefix)).toEqual([expect.stringContaining(`Verso could not start: REDIS_PREFIX is "${prefix}-other" here but "${prefix}" in the site's running processes`)]);

      const secondPort = await freePort();
      const agreeing = startAppProcess(env({ PORT: String(secondPort), APP_ROLE: 'web' }));
      await waitForLive(`http://127.0.0.1:${secondPort}`, agreeing.child);
      expect(await agreeing.kill('SIGTERM')).toBe(0);
    } finally {
      await first.kill('SIGTERM');
    }
    // With every process stopped the secret may change: the site's processes are restarted with the new one.
    const port = await freePort();
    const changed = startAppProcess(env({ PORT: String(port), APP_ROLE: 'web', SESSION_SECRET: 'a-new-session-secret-after-rotation-000' }));
    await waitForLive(`http://127.0.0.1:${port}`, changed.child);
    expect(await changed.kill('SIGTERM')).toBe(0);
  }, 120_000);

  it('a worker started without Redis waits and says how to start Redis, never exits by itself, and stops on SIGTERM', async () => {
    const worker = startAppProcess({ APP_ROLE: 'worker', DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:1', DEMO_DATA: 'false' });
    try {
      expect(await waitUntil(() => worker.output().includes('Redis does not answer at 127.0.0.1:1'), 60_000)).toBe(true);
      // Still waiting some seconds later: no exit, no restart loop.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(worker.child.exitCode).toBeNull();
      const stopping = Date.now();
      expect(await worker.kill('SIGTERM')).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(15_000);
      expect(logLines(worker).filter((line) => line.msg.startsWith('Redis does not answer'))).toHaveLength(1);
    } finally {
      await worker.kill('SIGKILL');
    }
  }, 90_000);
});
