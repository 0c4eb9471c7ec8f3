// One-time links mailed to a person (proving their address, resetting their password): the row
// both tables share and the one rule for using a link. Only a link's SHA-256 is stored, so a copy of
// the database opens nothing; a link works once, until it expires, and while its person is active.
import { Column, CreateDateColumn, EntityManager, PrimaryGeneratedColumn } from 'typeorm';
import { newSecretToken, tokenHash } from '../identity/secret-token';

/** The tables of one-time links, one per flow; each entity extends OneTimeLink. */
export type OneTimeLinkTable = 'email_verification' | 'password_reset';

/** A link's columns; each table names its own indexes and foreign key. */
export abstract class OneTimeLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The person a link works for, with what the password rules need. */
export interface LinkHolder {
  id: string;
  email: string;
  display_name: string;
}

/** When link `l` of person `u` works; $1 is the link's hash. */
const LINK_WORKS = `l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.id = l.user_id AND u.status = 'active'`;

/** Stores a new link for the person, working for `minutes`, and returns its token: the only copy, to be mailed. */
export async function issueLink(manager: EntityManager, table: OneTimeLinkTable, userId: string, minutes: number): Promise<string> {
  const token = newSecretToken();
  await manager.query(`INSERT INTO ${table} (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [
    userId,
    tokenHash(token),
    minutes,
  ]);
  return token;
}

/** Ends every unused link the person holds in this table. */
export async function endLinks(manager: EntityManager, table: OneTimeLinkTable, userId: string): Promise<void> {
  await manager.query(`UPDATE ${table} SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
}

/** The person whose link this is, while it works; null when it does not (unknown, used, expired, person not active). */
export async function linkHolder(manager: EntityManager, table: OneTimeLinkTable, token: string): Promise<LinkHolder | null> {
  const [holder]: LinkHolder[] = await manager.query(
    `SELECT u.id, u.email, u.display_name FROM ${table} l JOIN person u ON u.id = l.user_id WHERE ${LINK_WORKS}`,
    [tokenHash(token)],
  );
  return holder ?? null;
}

/**
 * Spends a working link and returns whose it was, or null when it does not work. One conditional
 * UPDATE, so of two uses at once only one gets the row.
 */
export async function spendLink(manager: EntityManager, table: OneTimeLinkTable, token: string): Promise<string | null> {
  const [spent]: [{ user_id: string }[], number] = await manager.query(
    `UPDATE ${table} l SET used_at = now() FROM person u WHERE ${LINK_WORKS} RETURNING l.user_id`,
    [tokenHash(token)],
  );
  return spent.length === 1 ? spent[0].user_id : null;
}
