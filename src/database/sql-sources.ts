// SQL functions, triggers and views live in source files, `src/<area>/sql/*.sql`, beside the
// TypeScript of the area whose rule they state ("placement" under enrolment/, "reminder planning"
// under calendar/). Every statement in them is idempotent (CREATE OR REPLACE, DROP … IF EXISTS then
// CREATE TRIGGER), and migrations apply them: a migration names the files it applies with the
// SHA-256 of each as reviewed (`sqlSources`). A change to a file therefore shows in review as a
// diff of that file plus a new migration recording its new checksum; test/sql-sources.test.ts fails
// when a file changed and no migration records its current checksum.
//
// An older migration whose recorded checksum no longer matches the file skips that file: the
// newest migration naming it applies the current text (the test guarantees one does), so a fresh
// database built from all migrations ends with exactly what the files say.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';
import { PROJECT_ROOT } from '../paths';

/** Where the area folders are: SQL files are read from the source tree, in dist/ builds too. */
const SRC = join(PROJECT_ROOT, 'src');

/** A migration's record: each file (relative to src/) as reviewed, applied in this order. */
export type SqlSources = Record<string, string>;

export function sqlText(file: string): string {
  return readFileSync(join(SRC, file), 'utf8');
}

export function sqlChecksum(file: string): string {
  return createHash('sha256').update(sqlText(file)).digest('hex');
}

/** Applies the files a migration names, in its order; a file changed since then is left to the newer migration that records it. */
export async function applySqlSources(queryRunner: QueryRunner, sources: SqlSources): Promise<void> {
  for (const [file, checksum] of Object.entries(sources)) {
    if (sqlChecksum(file) !== checksum) continue;
    await queryRunner.query(sqlText(file));
  }
}
