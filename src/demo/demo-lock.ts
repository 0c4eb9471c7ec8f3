// One demo seed at a time across processes: several web processes starting on an empty database
// all try to seed, and the first to take a seed's session-level advisory lock writes it while the
// others wait, then find it written and skip.
import { DataSource } from 'typeorm';

/** `work` while holding the advisory lock `key` on a connection of its own (released whatever happens). */
export async function whileDemoLocked<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await lock.release();
  }
}
