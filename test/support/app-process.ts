// Runs the built app (dist/, as `npm start` does) as a child process, for tests that need a real
// process: exit codes, signals, a worker killed mid-batch.
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from './test-database';
import { redisPrefix, runId, TEST_REDIS_URL } from './test-run';

export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface AppProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until the process answers /health/live (start-up seeds the demo: slow on a busy 2-core machine). */
export async function waitForLive(base: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the app did not come up');
}

export function startAppProcess(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface ServingApp extends AppProcess {
  base: string;
  /** Kills the process and drops its database. */
  close(): Promise<void>;
}

/** The built app serving HTTP on a free local port, on a database and Redis prefix of its own (`name`). */
export async function startServingApp(name: string, env: Record<string, string> = {}): Promise<ServingApp> {
  const databaseUrl = await createTestDatabase();
  const port = await freePort();
  const app = startAppProcess({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `${redisPrefix(runId())}-${name}`,
    ...env,
  });
  return {
    ...app,
    base: `http://127.0.0.1:${port}`,
    async close() {
      await app.kill();
      await dropTestDatabase(databaseUrl);
    },
  };
}
