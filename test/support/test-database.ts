import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { quoteIdentifier } from '../../src/database/prepare-database';
import { ADMIN_DATABASE_URL, databasePrefix, databaseUrl, runId, templateDatabase } from './test-run';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of the test's own: migrated (cloned from the run's template) or, with `empty`, bare. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<string> {
  const run = runId();
  const name = `${databasePrefix(run)}${randomBytes(4).toString('hex')}`;
  const template = options.empty ? 'template0' : templateDatabase(run);
  await admin(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
        return;
      } catch (error) {
        // Two files cloning the template at the same instant: PostgreSQL lets one copy at a time.
        const busy = (error as { code?: string }).code === '55006';
        if (!busy || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
  return databaseUrl(name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}
