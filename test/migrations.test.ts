import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.options';
import { ensureDatabaseExists, prepareDatabase } from '../src/database/prepare-database';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { databasePrefix, databaseUrl, runId } from './support/test-run';

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let url: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase({ empty: true });
    dataSource = new DataSource(dataSourceOptions(url));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropTestDatabase(url);
  });

  it('run up on an empty database, match the entities exactly, and revert down to nothing', async () => {
    expect(await tables(dataSource)).toEqual([]);

    const ran = await dataSource.runMigrations({ transaction: 'each' });
    expect(ran.length).toBe(dataSource.migrations.length);
    expect(await tables(dataSource)).toEqual(expect.arrayContaining(['agency', 'migrations', 'programme']));

    // The same check as `migration:generate --check`: entities and migrations describe one schema.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);

    for (let i = 0; i < ran.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(dataSource)).toEqual(['migrations']);

    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tables(dataSource)).toEqual(expect.arrayContaining(['agency', 'programme']));
  });

  it('creates a missing database on start and migrates it once, even when two instances start at once', async () => {
    const fresh = databaseUrl(`${databasePrefix(runId())}fresh`);
    try {
      const [first, second] = await Promise.all([prepareDatabase(fresh), prepareDatabase(fresh)]);
      // Exactly one of the two ran the migrations; the other found nothing pending.
      expect([first.length, second.length].sort()).toEqual([0, dataSource.migrations.length]);
      expect(await ensureDatabaseExists(fresh)).toBe(false);
      expect(await prepareDatabase(fresh)).toEqual([]);
    } finally {
      await dropTestDatabase(fresh);
    }
  });
});
