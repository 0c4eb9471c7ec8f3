// The one description of the database connection, used by the app (through TypeOrmModule), by the
// TypeORM CLI (data-source.ts) and by the tests, so all three see the same entities and migrations.
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Project root: two levels up from src/database, in the source tree and in dist/ alike. */
const ROOT = join(__dirname, '..', '..');

/**
 * How long an idle connection is kept. pg's default of 10 s meant that a page after a quiet moment
 * paid for a new PostgreSQL backend and for planning its prepared statements again (the thread
 * page's takes about 6 ms to plan, five times over before PostgreSQL settles on a generic plan):
 * bench:forum saw the first burst after a pause queue up for seconds.
 */
export const IDLE_CONNECTION_MS = 5 * 60_000;

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [join(ROOT, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(ROOT, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    // Schema changes only through reviewed migration files, in tests too.
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is built into PostgreSQL 13+, so no extension has to be installed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      max: 10,
      // Also how long a request waits for a free connection: in a rush on one popular round a
      // request may queue for seconds, which is better than an error. The readiness check has a
      // deadline of its own (health.service.ts), so a stopped database still fails it quickly.
      connectionTimeoutMillis: 15_000,
      idleTimeoutMillis: IDLE_CONNECTION_MS,
      application_name: 'verso',
      // The app's queries are short; JIT compilation added about a second to some search plans
      // over a million posts (bench:forum) and never pays for itself here.
      options: '-c jit=off',
    },
  };
}
