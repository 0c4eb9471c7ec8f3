// The seat rules under load: real concurrent HTTP requests (one keep-alive socket each, all sent in
// the same tick) at the app listening on a port, on the real PostgreSQL. After every storm one SQL
// check (invariants below) compares the rows with the cohort's counters and the rules: confirmed
// within capacity and the agency cap, waitlist positions exactly 1..W, one active enrolment per
// person, no free seat while someone who may take it waits. People are inserted with SQL and their
// tokens written as hashes: 200 argon2 hashes would take longer than the storms.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AgencyService } from '../src/identity/agency.service';
import { API_TOKEN_PREFIX } from '../src/identity/api-tokens.service';
import { newSecretToken, tokenHash } from '../src/identity/secret-token';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
/** Enrolment open now, cancellable for two months yet. */
const OPEN_NOW = { enrolmentOpensAt: new Date(Date.now() - 30 * DAY), enrolmentClosesAt: new Date(Date.now() + 60 * DAY), cancellationDeadline: new Date(Date.now() + 60 * DAY) };
const STORM_TIMEOUT_MS = 120_000;

interface Person {
  id: string;
  token: string;
  agencyId: string | null;
}

interface Answer {
  status: number;
  body: { enrolment?: { id: string; status: string; waitlistPosition: number | null }; id?: string; status?: string; [key: string]: unknown };
}

/** What the rows of one cohort say, next to its counters, and every rule they break. */
interface CohortState {
  capacity: number;
  seatsTaken: number;
  waitlistLength: number;
  /** Confirmed (or completed: a completed place still holds its seat). */
  confirmed: number;
  waitlisted: number;
  positions: number[];
  /** Confirmed per agency, for the agencies that have any. */
  confirmedPerAgency: number[];
  violations: string[];
}

/**
 * The one invariant check: every rule the issue states for a cohort, read in one statement (one
 * snapshot), so counters and rows are compared as of the same instant.
 */
async function invariants(db: DataSource, cohortId: string): Promise<CohortState> {
  const [row] = await db.query(
    `WITH c AS (SELECT capacity, agency_seat_cap, seats_taken, waitlist_length FROM cohort WHERE id = $1),
          e AS (SELECT user_id, agency_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1),
          held AS (SELECT agency_id FROM e WHERE status IN ('confirmed', 'completed')),
          per_agency AS (SELECT agency_id, count(*)::int AS n FROM held WHERE agency_id IS NOT NULL GROUP BY agency_id)
     SELECT c.capacity, c.agency_seat_cap AS "agencySeatCap", c.seats_taken AS "seatsTaken", c.waitlist_length AS "waitlistLength",
            (SELECT count(*)::int FROM held) AS confirmed,
            (SELECT count(*)::int FROM e WHERE status = 'waitlisted') AS waitlisted,
            (SELECT coalesce(array_agg(waitlist_position ORDER BY waitlist_position), '{}') FROM e WHERE status = 'waitlisted') AS positions,
            (SELECT coalesce(array_agg(n ORDER BY n DESC), '{}') FROM per_agency) AS "confirmedPerAgency",
            (SELECT count(*)::int FROM (SELECT user_id FROM e WHERE status IN ('pending_approval', 'confirmed', 'waitlisted') GROUP BY user_id HAVING count(*) > 1) twice) AS "twiceActive",
            (SELECT count(*)::int FROM e w
              WHERE w.status = 'waitlisted' AND (SELECT count(*) FROM held) < c.capacity
                AND (c.agency_seat_cap IS NULL OR w.agency_id IS NULL OR coalesce((SELECT n FROM per_agency p WHERE p.agency_id = w.agency_id), 0) < c.agency_seat_cap)) AS "passedOver"
     FROM c`,
    [cohortId],
  );
  const violations: string[] = [];
  const positions: number[] = row.positions;
  if (row.confirmed > row.capacity) violations.push(`${row.confirmed} confirmed in ${row.capacity} seats`);
  if (row.agencySeatCap !== null && row.confirmedPerAgency.some((n: number) => n > row.agencySeatCap)) violations.push(`an agency has ${row.confirmedPerAgency[0]} confirmed, cap ${row.agencySeatCap}`);
  if (row.seatsTaken !== row.confirmed) violations.push(`seats_taken ${row.seatsTaken}, but ${row.confirmed} confirmed rows`);
  if (row.waitlistLength !== row.waitlisted) violations.push(`waitlist_length ${row.waitlistLength}, but ${row.waitlisted} waitlisted rows`);
  if (positions.some((position, i) => position !== i + 1)) violations.push(`waitlist positions are not 1..${positions.length}: ${positions.join(',')}`);
  if (row.twiceActive > 0) violations.push(`${row.twiceActive} people with two active enrolments`);
  if (row.passedOver > 0) violations.push(`${row.passedOver} waitlisted people could take one of the free seats`);
  return {
    capacity: row.capacity,
    seatsTaken: row.seatsTaken,
    waitlistLength: row.waitlistLength,
    confirmed: row.confirmed,
    waitlisted: row.waitlisted,
    positions,
    confirmedPerAgency: row.confirmedPerAgency,
    violations,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('enrolment under concurrent requests', () => {
  let t: TestApp;
  let db: DataSource;
  let port: number;
  /** Enough sockets for every request of a storm at once: nothing waits for a free one on this side. */
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  function call(method: 'POST' | 'DELETE', path: string, token: string, body?: object): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          agent,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            try {
              resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : {} });
            } catch (error) {
              reject(new Error(`${method} ${path}: ${response.statusCode} ${text.slice(0, 300)} (${(error as Error).message})`));
            }
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  const enrol = (cohortId: string, person: Person) => call('POST', `/api/v1/cohorts/${cohortId}/enrolments`, person.token, {});
  const cancel = (cohortId: string, person: Person) => call('DELETE', `/api/v1/cohorts/${cohortId}/enrolments/me`, person.token);

  /** `count` people with tokens, spread over `agencyIds` in turn (or of no agency). */
  async function people(count: number, agencyIds: (string | null)[] = [null]): Promise<Person[]> {
    const made = range(1, count).map((i) => ({ id: randomUUID(), token: newSecretToken(API_TOKEN_PREFIX), agencyId: agencyIds[i % agencyIds.length] }));
    await db.query(
      `INSERT INTO app_user (id, email, display_name, agency_id, language, email_verified_at)
       SELECT id, 'ryntaja-' || id || '@example.fi', 'Osallistuja Äijälä', agency_id, 'fi', now() FROM unnest($1::uuid[], $2::uuid[]) AS p(id, agency_id)`,
      [made.map((p) => p.id), made.map((p) => p.agencyId)],
    );
    await db.query(
      `INSERT INTO api_token (user_id, name, token_hash, expires_at) SELECT user_id, 'concurrency test', hash, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS t(user_id, hash)`,
      [made.map((p) => p.id), made.map((p) => tokenHash(p.token))],
    );
    return made;
  }

  /** Every status seen, with how often: a failed storm shows what it got instead. */
  const statusCounts = (answers: Answer[]) => answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

  /** What each person's answer said, against the row the database holds for them now. */
  async function answersMatchRows(cohortId: string, crowd: Person[], answers: Answer[]): Promise<void> {
    const rows: { user_id: string; id: string; status: string }[] = await db.query(
      `SELECT user_id, id, status FROM enrolment WHERE cohort_id = $1 AND status IN ('confirmed', 'waitlisted', 'pending_approval')`,
      [cohortId],
    );
    const byUser = new Map(rows.map((row) => [row.user_id, row]));
    crowd.forEach((person, i) => expect(answers[i].body.enrolment?.id).toBe(byUser.get(person.id)?.id));
  }

  it(
    'seats exactly 20 of 200 people enrolling at once and queues the other 180 at positions 1..180',
    async () => {
      const cohort = await newCohort(t, { capacity: 20, ...OPEN_NOW });
      const crowd = await people(200);

      const answers = await Promise.all(crowd.map((person) => enrol(cohort.id, person)));

      expect(statusCounts(answers)).toEqual({ 201: 200 });
      const confirmed = answers.filter((a) => a.body.enrolment!.status === 'confirmed');
      const queued = answers.filter((a) => a.body.enrolment!.status === 'waitlisted');
      expect(confirmed).toHaveLength(20);
      expect(queued.map((a) => a.body.enrolment!.waitlistPosition).sort((x, y) => x! - y!)).toEqual(range(1, 180));
      await answersMatchRows(cohort.id, crowd, answers);
      const state = await invariants(db, cohort.id);
      expect(state.violations).toEqual([]);
      expect(state).toMatchObject({ confirmed: 20, seatsTaken: 20, waitlisted: 180, waitlistLength: 180, positions: range(1, 180) });
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'gives one enrolment to a person who sends the same enrolment twice at once, and names it in both answers',
    async () => {
      const cohort = await newCohort(t, { capacity: 5, ...OPEN_NOW });
      const crowd = await people(30);

      // Each person's two requests leave together; all 60 leave in the same tick.
      const answers = await Promise.all(crowd.flatMap((person) => [enrol(cohort.id, person), enrol(cohort.id, person)]));

      crowd.forEach((_, i) => {
        const [first, second] = [answers[2 * i], answers[2 * i + 1]];
        expect([first.status, second.status].sort()).toEqual([200, 201]);
        expect(first.body.enrolment!.id).toBe(second.body.enrolment!.id);
        expect(first.body.enrolment).toEqual(second.body.enrolment);
        expect([first.body.created, second.body.created].sort()).toEqual([false, true]);
      });
      const [{ rows }] = await db.query(`SELECT count(*)::int AS rows FROM enrolment WHERE cohort_id = $1`, [cohort.id]);
      expect(rows).toBe(30);
      const state = await invariants(db, cohort.id);
      expect(state.violations).toEqual([]);
      expect(state).toMatchObject({ confirmed: 5, waitlisted: 25 });
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'keeps every rule while 20 confirmed and 10 waitlisted people cancel and 100 others enrol, all at once',
    async () => {
      const cohort = await newCohort(t, { capacity: 20, ...OPEN_NOW });
      const first = await people(50);
      for (const person of first) expect((await enrol(cohort.id, person)).status).toBe(201);
      const seated = first.slice(0, 20);
      const leavingQueue = first.slice(25, 35);
      const newcomers = await people(100);

      const storm = [...seated.map((p) => cancel(cohort.id, p)), ...leavingQueue.map((p) => cancel(cohort.id, p)), ...newcomers.map((p) => enrol(cohort.id, p))];
      const answers = await Promise.all(storm);

      expect(statusCounts(answers)).toEqual({ 200: 30, 201: 100 });
      expect(answers.slice(0, 30).every((a) => a.body.status === 'cancelled')).toBe(true);
      const state = await invariants(db, cohort.id);
      expect(state.violations).toEqual([]);
      // 50 + 100 enrolled, 30 cancelled: every freed seat went to the queue.
      expect(state).toMatchObject({ confirmed: 20, seatsTaken: 20, waitlisted: 100, waitlistLength: 100, positions: range(1, 100) });
      // Freed seats went to those queued before, in order: the 20 of the first 50 still enrolled hold
      // every seat, and the queue is exactly the newcomers.
      const stayed = first.filter((p) => !seated.includes(p) && !leavingQueue.includes(p)).map((p) => p.id);
      const holders: { user_id: string }[] = await db.query(`SELECT user_id FROM enrolment WHERE cohort_id = $1 AND status = 'confirmed'`, [cohort.id]);
      expect(holders.map((row) => row.user_id).sort()).toEqual(stayed.sort());
    },
    STORM_TIMEOUT_MS,
  );

  it(
    'keeps each agency at 3 confirmed while 200 people of 8 agencies enrol at once, and while seats free again',
    async () => {
      const names = range(1, 8).map((i) => `Virasto ${i} ${randomUUID().slice(0, 8)}`);
      await t.app.get(AgencyService).ensure(names);
      const agencyIds: string[] = (await db.query(`SELECT id FROM agency WHERE name = ANY($1)`, [names])).map((row: { id: string }) => row.id);
      const cohort = await newCohort(t, { capacity: 20, agencySeatCap: 3, ...OPEN_NOW });
      const crowd = await people(200, agencyIds);

      const answers = await Promise.all(crowd.map((person) => enrol(cohort.id, person)));

      expect(statusCounts(answers)).toEqual({ 201: 200 });
      await answersMatchRows(cohort.id, crowd, answers);
      let state = await invariants(db, cohort.id);
      expect(state.violations).toEqual([]);
      // Eight agencies of 3 could fill 24 seats: all 20 are taken, none by a fourth of an agency.
      expect(state).toMatchObject({ confirmed: 20, waitlisted: 180, positions: range(1, 180) });
      expect(Math.max(...state.confirmedPerAgency)).toBe(3);

      // Half the seats free up while 50 more people arrive: promotions skip agencies at their cap.
      const seated: { user_id: string }[] = await db.query(`SELECT user_id FROM enrolment WHERE cohort_id = $1 AND status = 'confirmed' ORDER BY user_id LIMIT 10`, [cohort.id]);
      const leaving = crowd.filter((p) => seated.some((row) => row.user_id === p.id));
      const newcomers = await people(50, agencyIds);
      const second = await Promise.all([...leaving.map((p) => cancel(cohort.id, p)), ...newcomers.map((p) => enrol(cohort.id, p))]);

      expect(statusCounts(second)).toEqual({ 200: 10, 201: 50 });
      state = await invariants(db, cohort.id);
      expect(state.violations).toEqual([]);
      expect(state).toMatchObject({ confirmed: 20, waitlisted: 220, positions: range(1, 220) });
      expect(Math.max(...state.confirmedPerAgency)).toBeLessThanOrEqual(3);
    },
    STORM_TIMEOUT_MS,
  );
});
