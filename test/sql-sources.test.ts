// The SQL in src/<area>/sql/*.sql is what the database runs: every file is applied by a migration,
// the newest migration naming a file records the file's current checksum (so a changed function
// cannot ship without a migration applying it), and every file can be applied again harmlessly.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { SqlSources, sqlChecksum, sqlText } from '../src/database/sql-sources';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const SRC = join(__dirname, '..', 'src');
const MIGRATIONS = join(__dirname, '..', 'migrations');

interface MigrationRecord {
  name: string;
  sqlSources: SqlSources;
}

function sqlFiles(): string[] {
  return readdirSync(SRC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((area) => {
      const dir = join(SRC, area.name, 'sql');
      try {
        return readdirSync(dir).filter((name) => name.endsWith('.sql')).map((name) => `${area.name}/sql/${name}`);
      } catch {
        return [];
      }
    });
}

/** Migrations in the order they run (by the timestamp their file name starts with), with what SQL files each applies. */
function migrationRecords(): MigrationRecord[] {
  return readdirSync(MIGRATIONS)
    .filter((name) => /^\d+-.*\.ts$/.test(name))
    .sort()
    .flatMap((file) => Object.values(require(join(MIGRATIONS, file)) as Record<string, { name: string; sqlSources?: SqlSources }>))
    .flatMap((migration) => (migration.sqlSources ? [{ name: migration.name, sqlSources: migration.sqlSources }] : []));
}

/** What is wrong between the files as they are now and the migrations' records of them. */
export function sqlSourceProblems(current: Record<string, string>, migrations: MigrationRecord[]): string[] {
  const problems: string[] = [];
  for (const [file, checksum] of Object.entries(current)) {
    const newest = migrations.filter((migration) => file in migration.sqlSources).at(-1);
    if (!newest) problems.push(`${file} is applied by no migration`);
    else if (newest.sqlSources[file] !== checksum)
      problems.push(`${file} changed since ${newest.name} recorded it: add a migration that applies it with checksum ${checksum}`);
  }
  for (const migration of migrations)
    for (const file of Object.keys(migration.sqlSources)) if (!(file in current)) problems.push(`${migration.name} applies ${file}, which does not exist`);
  return problems;
}

describe('SQL source files', () => {
  const files = sqlFiles();

  it('are each applied by a migration that records their current text', () => {
    expect(files.length).toBeGreaterThan(0);
    const current = Object.fromEntries(files.map((file) => [file, sqlChecksum(file)]));
    expect(sqlSourceProblems(current, migrationRecords())).toEqual([]);
  });

  it('catch a file changed without a migration, one no migration applies, and a migration naming a missing file', () => {
    const migrations: MigrationRecord[] = [
      { name: 'First1', sqlSources: { 'enrolment/sql/a.sql': 'old', 'calendar/sql/b.sql': 'same' } },
      { name: 'Second2', sqlSources: { 'enrolment/sql/a.sql': 'new', 'forums/sql/gone.sql': 'x' } },
    ];
    expect(sqlSourceProblems({ 'enrolment/sql/a.sql': 'new', 'calendar/sql/b.sql': 'same' }, migrations)).toEqual(['Second2 applies forums/sql/gone.sql, which does not exist']);
    expect(sqlSourceProblems({ 'enrolment/sql/a.sql': 'edited', 'calendar/sql/b.sql': 'same', 'home/sql/c.sql': 'c' }, migrations.slice(0, 1))).toEqual([
      'enrolment/sql/a.sql changed since First1 recorded it: add a migration that applies it with checksum edited',
      'home/sql/c.sql is applied by no migration',
    ]);
  });

  it('can each be applied again to a migrated database without error (every statement in them is idempotent)', async () => {
    const url = await createTestDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (const file of files) await client.query(sqlText(file));
    } finally {
      await client.end();
      await dropTestDatabase(url);
    }
  });
});
