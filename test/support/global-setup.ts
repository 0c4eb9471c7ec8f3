// Migrates one template database for the run; each test file clones it (test-database.ts), so files
// run in parallel on data of their own. The migrations run here exactly as the app runs them.
import { prepareDatabase } from '../../src/database/prepare-database';
import { databaseUrl, newRunId, templateDatabase } from './test-run';

export default async function globalSetup(): Promise<void> {
  const run = newRunId();
  process.env.VERSO_TEST_RUN = run;
  await prepareDatabase(databaseUrl(templateDatabase(run)));
}
