// Starts Verso: validates the configuration (a bad setting prints one line and exits 1), prepares
// the database, then serves HTTP and/or runs workers as APP_ROLE says, and shuts down gracefully.
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Server } from 'node:http';
import { createServer } from 'node:net';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config/config';
import { withLocalDatabase } from './database/embedded-database';
import { createLogger } from './logging/logger';

/** A reason not to start that the person starting can act on: printed as one line, exit 1. */
class CannotStart extends Error {}

/** Fails at once, before the database is touched or a worker takes a job, when PORT is taken. */
async function portIsFree(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CannotStart(`PORT ${port} is already in use on ${host}: stop what uses it, or set PORT to a free port`)
          : error.code === 'EACCES'
            ? new CannotStart(`PORT ${port} on ${host} needs privileges this process does not have: set PORT to 1024 or above`)
            : error,
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  if (config.runsWeb) await portIsFree(config.host, config.port);
  const local = await withLocalDatabase(config, logger);
  config = local.config;
  const app = await createApp(config, { logger });
  keepServingAfterResponseErrors(app);
  if (config.runsWeb) {
    await app.listen({ port: config.port, host: config.host });
  } else {
    await app.init();
  }

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      stopGracefully(app, config.runsWeb)
        .then(() => local.embedded?.stop())
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
}

/** Errors Node raises while writing one response: that response is lost, nothing else is. */
const RESPONSE_WRITE_ERROR = /^ERR_(HTTP_|INVALID_CHAR|INVALID_HTTP_TOKEN|STREAM_)/;

/**
 * The last line of defence behind web/request-safety.ts: an error from writing one response that
 * escapes into an I/O callback (where nothing catches it) is logged and the process goes on serving
 * everyone else. Any other uncaught error still ends the process, as Node would, for a supervisor
 * to restart it in a known state.
 */
function keepServingAfterResponseErrors(app: NestFastifyApplication): void {
  const log = app.getHttpAdapter().getInstance().log;
  process.on('uncaughtException', (error: Error & { code?: string }) => {
    if (typeof error.code === 'string' && RESPONSE_WRITE_ERROR.test(error.code)) {
      log.error({ err: error }, 'an error escaped while writing a response; the process goes on');
      return;
    }
    log.fatal({ err: error }, 'uncaught error');
    process.exit(1);
  });
}

/** How long in-flight requests get before their connections are cut. */
const DRAIN_DEADLINE_MS = 20_000;

/**
 * Stops accepting connections and lets in-flight requests finish; then Nest's close lets running
 * jobs finish and closes the Redis and PostgreSQL connections. A keep-alive connection whose request
 * finished after close began would hold the server open until its idle timeout, so idle
 * connections are swept until the server has closed.
 */
async function stopGracefully(app: NestFastifyApplication, runsWeb: boolean): Promise<void> {
  if (runsWeb) {
    const server = app.getHttpServer() as Server;
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
    try {
      await app.getHttpAdapter().getInstance().close();
    } finally {
      clearInterval(sweep);
      clearTimeout(deadline);
    }
  }
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`Verso could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
