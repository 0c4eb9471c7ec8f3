// npm run search:reindex — rebuilds every search vector after Voikko was installed or its Finnish
// dictionary upgraded (search/search-index.service.ts), while the site runs. An entry point beside
// main.ts, not in search/: it boots the whole app, which search sits below. Boots the app as a web
// process that does not listen (so it takes no jobs: APP_ROLE=web) and writes no demo data, logs
// a line per step and every few seconds, and exits 0 when done, 1 on an error.
//
// Without Voikko the app's start says so in one line (SearchVocabulary) and the vectors are
// rebuilt all the same, with PostgreSQL's snowball stems for Finnish words.
import 'reflect-metadata';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config/config';
import { withLocalDatabase } from './database/embedded-database';
import { createLogger } from './logging/logger';
import { REINDEX_BATCH_SIZE, SearchIndex } from './search/search-index.service';

/** How often a step that is still going logs how far it got. */
const PROGRESS_EVERY_MS = 5000;

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig({ ...process.env, APP_ROLE: 'web', DEMO_DATA: 'false' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const batchSize = batchSizeFrom(process.env.SEARCH_REINDEX_BATCH);
  const logger = createLogger(config.logLevel);
  // The app's own lines (routes mapped, modules started) only from warnings up: Voikko missing is one.
  const appLogger = logger.isLevelEnabled('debug') ? logger : createLogger(logger.isLevelEnabled('warn') ? 'warn' : config.logLevel);
  const local = await withLocalDatabase(config, logger);
  const app = await createApp(local.config, { logger: appLogger });
  try {
    await app.init();
    let loggedAt = 0;
    let step = '';
    logger.info({ batchSize }, 'search re-index: analysing the known words again, then rebuilding every kind’s search vectors');
    const summary = await app.get(SearchIndex).reindexAll({
      batchSize,
      onProgress(progress) {
        const now = Date.now();
        if (progress.step === step && now - loggedAt < PROGRESS_EVERY_MS) return;
        step = progress.step;
        loggedAt = now;
        logger.info({ step: progress.step, batches: progress.batches, last: progress.last, ms: progress.ms }, `search re-index: ${progress.step} under way`);
      },
    });
    for (const done of summary.steps) {
      const what =
        done.step === 'word'
          ? done.analysed
            ? `${done.rows} words analysed again`
            : 'words not analysed (no Voikko): Finnish vectors use the snowball stems'
          : `${done.step}: vectors rebuilt in ${done.batches} batches`;
      logger.info({ step: done.step, batches: done.batches, rows: done.rows, ms: done.ms }, `search re-index: ${what}`);
    }
    logger.info({ ms: summary.ms, voikko: summary.voikko }, 'search re-index: done');
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'search re-index failed');
    return 1;
  } finally {
    await app.close();
    await local.embedded?.stop();
  }
}

function batchSizeFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return REINDEX_BATCH_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 100_000) throw new ConfigError(`SEARCH_REINDEX_BATCH must be a whole number from 1 to 100000 (got ${raw})`);
  return size;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`search:reindex could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
