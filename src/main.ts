// Starts Verso: validates the configuration (a bad setting prints one line and exits 1), prepares
// the database, then serves HTTP and/or runs workers as APP_ROLE says, and shuts down gracefully.
import 'reflect-metadata';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config/config';

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

  const app = await createApp(config);
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
      // First stop accepting connections and let in-flight requests finish; then Nest's close lets
      // running jobs finish and closes the Redis and PostgreSQL connections.
      const http = config.runsWeb ? app.getHttpAdapter().getInstance().close() : Promise.resolve();
      http
        .then(() => app.close())
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Verso could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
