// An enrolment storm's people and its check, shared by test/several-processes.test.ts and
// bench:scale: people inserted with SQL (argon2 hashes for hundreds would take longer than the
// storm), each with an API token stored as its hash, and the seat rules of
// test/enrolment-concurrency.test.ts read for one round in one statement (one snapshot).
import { randomUUID } from 'node:crypto';
import { API_TOKEN_PREFIX } from '../../src/identity/api-tokens.service';
import { newSecretToken, tokenHash } from '../../src/identity/secret-token';

/** Runs one statement and gives its rows: a TypeORM DataSource's query, or a pg Pool's wrapped. */
export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface StormPerson {
  id: string;
  email: string;
  token: string;
}

/** `count` people with verified addresses and API tokens, their emails tagged with `tag`. */
export async function insertPeople(query: Query, count: number, tag: string): Promise<StormPerson[]> {
  const people = Array.from({ length: count }, () => {
    const id = randomUUID();
    return { id, email: `${tag}-${id}@example.fi`, token: newSecretToken(API_TOKEN_PREFIX) };
  });
  await query(
    `INSERT INTO app_user (id, email, display_name, language, email_verified_at)
     SELECT id, email, 'Osallistuja Äijälä', 'fi', now() FROM unnest($1::uuid[], $2::text[]) AS p(id, email)`,
    [people.map((p) => p.id), people.map((p) => p.email)],
  );
  await query(
    `INSERT INTO api_token (user_id, name, token_hash, expires_at) SELECT user_id, 'storm', hash, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS t(user_id, hash)`,
    [people.map((p) => p.id), people.map((p) => tokenHash(p.token))],
  );
  return people;
}

export interface RoundState {
  capacity: number;
  seatsTaken: number;
  waitlistLength: number;
  confirmed: number;
  waitlisted: number;
  positions: number[];
  /** Every seat rule the rows and counters break; empty when they hold. */
  violations: string[];
}

/** The round's rows against its counters and the rules: within capacity, counters equal to the rows, positions 1..W, nobody twice, no free seat while someone waits. */
export async function roundState(query: Query, cohortId: string): Promise<RoundState> {
  const [row] = await query<Omit<RoundState, 'violations'> & { twiceActive: number }>(
    `WITH c AS (SELECT capacity, seats_taken, waitlist_length FROM cohort WHERE id = $1),
          e AS (SELECT user_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1)
     SELECT c.capacity, c.seats_taken AS "seatsTaken", c.waitlist_length AS "waitlistLength",
            (SELECT count(*)::int FROM e WHERE status IN ('confirmed', 'completed')) AS confirmed,
            (SELECT count(*)::int FROM e WHERE status = 'waitlisted') AS waitlisted,
            (SELECT coalesce(array_agg(waitlist_position ORDER BY waitlist_position), '{}') FROM e WHERE status = 'waitlisted') AS positions,
            (SELECT count(*)::int FROM (SELECT user_id FROM e WHERE status IN ('pending_approval', 'confirmed', 'waitlisted') GROUP BY user_id HAVING count(*) > 1) twice) AS "twiceActive"
     FROM c`,
    [cohortId],
  );
  const positions = row.positions;
  const violations: string[] = [];
  if (row.confirmed > row.capacity) violations.push(`${row.confirmed} confirmed in ${row.capacity} seats`);
  if (row.seatsTaken !== row.confirmed) violations.push(`seats_taken ${row.seatsTaken}, but ${row.confirmed} confirmed rows`);
  if (row.waitlistLength !== row.waitlisted) violations.push(`waitlist_length ${row.waitlistLength}, but ${row.waitlisted} waitlisted rows`);
  if (positions.some((position, i) => position !== i + 1)) violations.push(`waitlist positions are not 1..${positions.length}: ${positions.join(',')}`);
  if (row.twiceActive > 0) violations.push(`${row.twiceActive} people with two active enrolments`);
  if (row.waitlisted > 0 && row.confirmed < row.capacity) violations.push(`${row.capacity - row.confirmed} seats free while ${row.waitlisted} wait`);
  return { capacity: row.capacity, seatsTaken: row.seatsTaken, waitlistLength: row.waitlistLength, confirmed: row.confirmed, waitlisted: row.waitlisted, positions, violations };
}
