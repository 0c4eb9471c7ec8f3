// npm run bench:enrolment — 1,000 distinct people enrol at once in one 20-seat cohort.
//
//   (a) feature: POST /api/v1/cohorts/:id/enrolments, one per person with their own bearer token,
//       over HTTP at the built app (dist/src/main.js, APP_ROLE=web, NODE_ENV=production) running as
//       a process of its own: the HTTP client here would otherwise share the app's event loop and
//       be measured as part of it, and a separate process is how the app runs. Its PostgreSQL pool
//       is the app's own (data-source.options.ts: 10 connections, up to 15 s to get one).
//   (b) baseline: the same 1,000 enrolments with nothing but `pg`: per person one autocommitted
//       statement, the conditional `UPDATE cohort SET seats_taken = seats_taken + 1 WHERE id = $1
//       AND seats_taken < capacity`, plus what the result needs to exist (the waitlist counter when
//       no seat was left, and the enrolment row with its status and position), through a pg.Pool of
//       the app's size.
//
// Both sides keep BENCH_CONCURRENCY requests under way (default 100: a hundred people pressing the
// button at any instant until all 1,000 have; BENCH_CONCURRENCY=1000 sends everybody in the same
// instant, where p99 is the whole rush's length, for the baseline too — 1.2–1.4 s here), on the
// same database and cohort shape, with the same warm-up; the app stays up (idle) during (b). Each
// run uses a fresh cohort per side and tokens not used in the last minute (as in a real rush: the
// app then records the token's use, one UPDATE per person). Sides alternate b,a,b,a,… (five runs a
// side: this machine is shared and noisy); figures are medians. Every run checks the cohort with the
// same SQL as test/enrolment-concurrency.test.ts: 20 confirmed, 980 waitlisted at positions
// 1..980, counters equal to the rows, nobody twice.
// Writes bench/results/enrolment-<time>.json and prints a summary.
//
// Knobs for investigating (the defaults are the benchmark): BENCH_USERS, BENCH_CAPACITY,
// BENCH_CONCURRENCY, BENCH_RUNS, BENCH_TOKENS_USED=1 (tokens used within the minute: no UPDATE
// per request), BENCH_SYNCHRONOUS_COMMIT=off (for the bench database, both sides),
// BENCH_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_LOG_LEVEL (the app's).
import 'reflect-metadata';
import IORedis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { databaseName, maintenanceUrl, quoteIdentifier } from '../src/database/prepare-database';
import { dataSourceOptions } from '../src/database/data-source.options';
import { API_TOKEN_PREFIX } from '../src/identity/api-tokens.service';
import { newSecretToken, tokenHash } from '../src/identity/secret-token';
import { PROJECT_ROOT } from '../src/paths';
import { WorkerProcess } from './support/worker-process';
import {
  cleanUpOnAbort,
  cleanUpStep,
  freePort,
  gitState,
  intFromEnv,
  log,
  median,
  percentile,
  round,
  runBench,
  sleep,
} from './support/bench-kit';

const USERS = intFromEnv('BENCH_USERS', 1000, 1, 100_000);
const CAPACITY = intFromEnv('BENCH_CAPACITY', 20, 1, 1000);
/** Requests (a) / statements (b) sent at once; the rest follow one per answer. Default: everybody at once. */
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', Math.min(100, USERS), 1, 100_000);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 5, 1, 9);
const TOKENS_USED = process.env.BENCH_TOKENS_USED === '1';
const SYNCHRONOUS_COMMIT = process.env.BENCH_SYNCHRONOUS_COMMIT === 'off' ? 'off' : 'on';
const APP_NODE_ARGS = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const APP_LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
/** The app's pool, which the baseline's pool copies. */
const APP_POOL = dataSourceOptions('postgres://unused').extra as { max: number; connectionTimeoutMillis: number };
/** Enrolments before each timed run, in a cohort of their own (not counted): JIT, pool connections, caches. */
const WARMUP = Math.min(200, USERS);
const SETTLE_MS = 1000;
const ANSWER_WITHIN_MS = 5000;
const P99_UNDER_MS = 1000;
const TARGET_RATIO = 0.3;
const BOOT_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 120_000;
const OVERALL_TIMEOUT_MS = (2 * RUNS_PER_SIDE + 2) * RUN_TIMEOUT_MS;

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';


/**
 * The baseline's one statement per person. The seat is the conditional UPDATE; when it takes none,
 * the same statement counts the person into the queue and takes the new length as their position
 * (both UPDATEs are of the cohort row, so PostgreSQL decides them one at a time, as the app's row
 * lock does); the enrolment row records the outcome, with the app's constraints checking it.
 */
const BASELINE_SQL = `WITH seat AS (
    UPDATE cohort SET seats_taken = seats_taken + 1 WHERE id = $1 AND seats_taken < capacity RETURNING id
  ), queued AS (
    UPDATE cohort SET waitlist_length = waitlist_length + 1 WHERE id = $1 AND NOT EXISTS (SELECT FROM seat) RETURNING waitlist_length
  )
  INSERT INTO enrolment (cohort_id, user_id, status, waitlist_position)
  SELECT $1, $2, CASE WHEN EXISTS (SELECT FROM seat) THEN 'confirmed' ELSE 'waitlisted' END, (SELECT waitlist_length FROM queued)
  RETURNING status, waitlist_position`;

/** The invariant check of test/enrolment-concurrency.test.ts, for one cohort, in one snapshot. */
const INVARIANT_SQL = `WITH c AS (SELECT capacity, agency_seat_cap, seats_taken, waitlist_length FROM cohort WHERE id = $1),
       e AS (SELECT user_id, agency_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1),
       held AS (SELECT agency_id FROM e WHERE status IN ('confirmed', 'completed'))
  SELECT c.capacity, c.seats_taken AS "seatsTaken", c.waitlist_length AS "waitlistLength",
         (SELECT count(*)::int FROM held) AS confirmed,
         (SELECT count(*)::int FROM e WHERE status = 'waitlisted') AS waitlisted,
         (SELECT coalesce(array_agg(waitlist_position ORDER BY waitlist_position), '{}') FROM e WHERE status = 'waitlisted') AS positions,
         (SELECT count(*)::int FROM (SELECT user_id FROM e WHERE status IN ('pending_approval', 'confirmed', 'waitlisted') GROUP BY user_id HAVING count(*) > 1) twice) AS "twiceActive"
  FROM c`;

interface CohortCheck {
  confirmed: number;
  waitlisted: number;
  seatsTaken: number;
  waitlistLength: number;
  /** The rules hold for whatever was stored: confirmed within capacity, positions 1..W, counters equal to the rows, nobody twice. */
  consistent: boolean;
  /** Consistent, and everybody in: 20 confirmed, 980 waitlisted at exactly 1..980. */
  holds: boolean;
  violations: string[];
}

interface RunResult {
  side: 'feature' | 'baseline';
  run: number;
  requests: number;
  /** From the first request sent to the last answer. */
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by HTTP status (feature) or 'ok' / error message (baseline). */
  answers: Record<string, number>;
  check: CohortCheck;
  [extra: string]: unknown;
}

interface Person {
  id: string;
  token: string;
}

interface Answer {
  status: number;
  ms: number;
  enrolment?: { status: string; waitlistPosition: number | null };
}

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  private readonly databaseUrl: string;
  private readonly redisPrefix = `verso-bench-enrolment-${this.id}`;
  private app?: WorkerProcess;
  private port = 0;
  private db!: Pool;
  private agent!: http.Agent;
  private adminToken = '';
  private programmeId = '';
  private people: Person[] = [];
  private warmupPeople: Person[] = [];
  private cleanedUp?: Promise<void>;

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_enrolment_${this.id}`;
    this.databaseUrl = url.toString();
  }

  /** Starts the app (which creates and migrates the database), then makes the people and a programme. */
  async setUp(): Promise<void> {
    if (SYNCHRONOUS_COMMIT === 'off') {
      await this.admin(async (client) => {
        await client.query(`CREATE DATABASE ${quoteIdentifier(databaseName(this.databaseUrl))}`);
        await client.query(`ALTER DATABASE ${quoteIdentifier(databaseName(this.databaseUrl))} SET synchronous_commit = off`);
      });
    }
    this.port = await freePort();
    this.app = new WorkerProcess(
      {
        NODE_ENV: 'production',
        SESSION_SECRET: randomBytes(24).toString('hex'),
        APP_ROLE: 'web',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: APP_LOG_LEVEL,
        DATABASE_URL: this.databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: this.redisPrefix,
        DEMO_DATA: 'false',
      },
      APP_NODE_ARGS,
    );
    await this.waitUntilReady();
    this.db = new Pool({ connectionString: this.databaseUrl, max: APP_POOL.max, connectionTimeoutMillis: APP_POOL.connectionTimeoutMillis, application_name: 'verso-bench' });
    this.agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

    const [{ id: adminId }] = (await this.db.query(`INSERT INTO app_user (email, display_name, site_role) VALUES ($1, 'Penkki Ylläpitäjä', 'admin') RETURNING id`, [`bench-admin-${this.id}@example.fi`])).rows;
    this.adminToken = (await this.makeTokens([adminId]))[0];
    this.people = await this.makePeople(USERS, 'rynnakko');
    this.warmupPeople = await this.makePeople(WARMUP, 'lammittely');
    const programme = await this.api('POST', '/api/v1/programmes', this.adminToken, {
      slug: `penkki-${this.id}`,
      title: { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande', en: 'Complexity and systems thinking' },
      summary: { fi: 'Kolmen päivän valmennus.', sv: 'Tre dagars coachning.', en: 'Three days of coaching.' },
      description: { fi: 'Valmennus **kompleksisuusajatteluun**.' },
      theme: 'complexity',
    });
    this.programmeId = programme.id as string;
    await this.api('PATCH', `/api/v1/programmes/${this.programmeId}`, this.adminToken, { status: 'published' });
  }

  private async admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: maintenanceUrl(this.databaseUrl), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`the app did not become ready in ${BOOT_TIMEOUT_MS / 1000} s:\n${this.app!.tail()}`);
      await Promise.race([sleep(200), this.app!.died]);
    }
  }

  /** People inserted directly (no argon2 hashing: they never sign in with a password), each with a token. */
  private async makePeople(count: number, tag: string): Promise<Person[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await this.db.query(
      `INSERT INTO app_user (id, email, display_name, language) SELECT id, $2 || '-' || id || '@example.fi', 'Osallistuja Äijälä', 'fi' FROM unnest($1::uuid[]) AS p(id)`,
      [ids, tag],
    );
    const tokens = await this.makeTokens(ids);
    return ids.map((id, i) => ({ id, token: tokens[i] }));
  }

  private async makeTokens(userIds: string[]): Promise<string[]> {
    const tokens = userIds.map(() => newSecretToken(API_TOKEN_PREFIX));
    await this.db.query(
      `INSERT INTO api_token (user_id, name, token_hash, expires_at) SELECT user_id, 'bench', hash, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS t(user_id, hash)`,
      [userIds, tokens.map(tokenHash)],
    );
    return tokens;
  }

  /** A call to the app that must succeed (the fixture's programme and cohorts). */
  private async api(method: string, path: string, token: string, body: object): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** A published 20-seat cohort whose enrolment is open, made through the API as an admin would. */
  async newCohort(name: string): Promise<string> {
    const day = 86_400_000;
    const cohort = await this.api('POST', '/api/v1/cohorts', this.adminToken, {
      programmeId: this.programmeId,
      name,
      capacity: CAPACITY,
      enrolmentOpensAt: new Date(Date.now() - day).toISOString(),
      enrolmentClosesAt: new Date(Date.now() + 30 * day).toISOString(),
      sessions: [{ startsAt: new Date(Date.now() + 60 * day).toISOString(), endsAt: new Date(Date.now() + 60 * day + 7 * 3_600_000).toISOString() }],
    });
    await this.api('PATCH', `/api/v1/cohorts/${cohort.id}`, this.adminToken, { status: 'published' });
    return cohort.id as string;
  }

  /** Tokens look unused for the last minute, so the app records each one's use, as in a real rush. */
  private async resetTokenUse(): Promise<void> {
    await this.db.query(`UPDATE api_token SET last_used_at = ${TOKENS_USED ? 'now()' : 'NULL'}`);
  }

  private enrolOverHttp(cohortId: string, person: Person): Promise<Answer> {
    const body = '{}';
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: `/api/v1/cohorts/${cohortId}/enrolments`,
          method: 'POST',
          agent: this.agent,
          headers: { authorization: `Bearer ${person.token}`, 'content-type': 'application/json', 'content-length': body.length, accept: 'application/json' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const ms = performance.now() - started;
            let enrolment: Answer['enrolment'];
            try {
              enrolment = (JSON.parse(text) as { enrolment?: Answer['enrolment'] }).enrolment;
            } catch {
              enrolment = undefined;
            }
            resolve({ status: response.statusCode!, ms, enrolment });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** CONCURRENCY lanes: each sends its next request when its previous one is answered. */
  private async storm<T>(count: number, send: (i: number) => Promise<T>): Promise<{ results: T[]; elapsedMs: number }> {
    const results: T[] = new Array(count);
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      for (let i = next++; i < count; i = next++) results[i] = await send(i);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
    return { results, elapsedMs: performance.now() - started };
  }

  async check(cohortId: string): Promise<CohortCheck> {
    const [row] = (await this.db.query(INVARIANT_SQL, [cohortId])).rows;
    const expectedWaitlist = Math.max(0, USERS - CAPACITY);
    const violations: string[] = [];
    const positions: number[] = row.positions;
    if (row.confirmed > row.capacity) violations.push(`${row.confirmed} confirmed in ${row.capacity} seats`);
    if (positions.some((position, i) => position !== i + 1)) violations.push(`waitlist positions are not 1..${positions.length}`);
    if (row.seatsTaken !== row.confirmed) violations.push(`seats_taken ${row.seatsTaken}, ${row.confirmed} confirmed rows`);
    if (row.waitlistLength !== row.waitlisted) violations.push(`waitlist_length ${row.waitlistLength}, ${row.waitlisted} waitlisted rows`);
    if (row.twiceActive > 0) violations.push(`${row.twiceActive} people enrolled twice`);
    const consistent = violations.length === 0;
    if (row.confirmed !== Math.min(CAPACITY, USERS)) violations.push(`${row.confirmed} confirmed, expected ${Math.min(CAPACITY, USERS)}`);
    if (row.waitlisted !== expectedWaitlist) violations.push(`${row.waitlisted} waitlisted, expected ${expectedWaitlist}`);
    return { confirmed: row.confirmed, waitlisted: row.waitlisted, seatsTaken: row.seatsTaken, waitlistLength: row.waitlistLength, consistent, holds: violations.length === 0, violations };
  }

  async runFeature(run: number): Promise<RunResult> {
    const warmupCohort = await this.newCohort(`Lämmittely a${run}`);
    const cohortId = await this.newCohort(`Ryntäys a${run}`);
    await this.resetTokenUse();
    await this.storm(WARMUP, (i) => this.enrolOverHttp(warmupCohort, this.warmupPeople[i]));
    await this.resetTokenUse();
    await Promise.race([sleep(SETTLE_MS), this.app!.died]);

    const cpuBefore = { app: this.app!.cpuMs(), bench: process.cpuUsage() };
    const { results, elapsedMs } = await Promise.race([this.storm(USERS, (i) => this.enrolOverHttp(cohortId, this.people[i])), this.app!.died]);
    const appCpuMs = (this.app!.cpuMs() ?? NaN) - (cpuBefore.app ?? NaN);
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const answers: Record<string, number> = {};
    for (const answer of results) answers[answer.status] = (answers[answer.status] ?? 0) + 1;
    // What the answers said must be what the rows say: 20 seats, positions 1..980 once each.
    const told = results.filter((a) => a.enrolment?.status === 'waitlisted').map((a) => a.enrolment!.waitlistPosition!);
    const toldPositionsExact = told.length === USERS - Math.min(CAPACITY, USERS) && [...told].sort((x, y) => x - y).every((p, i) => p === i + 1);
    const latencies = results.map((a) => a.ms);
    const failed = results.filter((a) => a.status >= 500).length;
    return {
      side: 'feature',
      run,
      ...rushFigures(elapsedMs, latencies),
      answers,
      answersTellThePositions: toldPositionsExact,
      appErrors: failed ? distinctErrors(this.app!.tail(400)) : [],
      check: await this.check(cohortId),
      appCpuMs,
      appCpuPerRequestMs: round(appCpuMs / USERS, 2),
      benchCpuMs: Math.round((benchCpu.user + benchCpu.system) / 1000),
    };
  }

  async runBaseline(run: number): Promise<RunResult> {
    const warmupCohort = await this.newCohort(`Lämmittely b${run}`);
    const cohortId = await this.newCohort(`Ryntäys b${run}`);
    // The app's pool size; no limit on the wait for a connection (pg's default), so the baseline is
    // the ceiling it is meant to be even when this machine is busy.
    const pool = new Pool({ connectionString: this.databaseUrl, max: APP_POOL.max, application_name: 'verso-bench-baseline' });
    try {
      const enrol = async (cohort: string, person: Person) => {
        const started = performance.now();
        try {
          const { rows } = await pool.query(BASELINE_SQL, [cohort, person.id]);
          return { ok: rows.length === 1, error: null as string | null, ms: performance.now() - started };
        } catch (error) {
          return { ok: false, error: (error as Error).message, ms: performance.now() - started };
        }
      };
      await this.storm(WARMUP, (i) => enrol(warmupCohort, this.warmupPeople[i]));
      await sleep(SETTLE_MS);

      const cpuBefore = process.cpuUsage();
      const { results, elapsedMs } = await this.storm(USERS, (i) => enrol(cohortId, this.people[i]));
      const benchCpu = process.cpuUsage(cpuBefore);
      const answers: Record<string, number> = {};
      for (const r of results) answers[r.ok ? 'ok' : (r.error ?? 'no row')] = (answers[r.ok ? 'ok' : (r.error ?? 'no row')] ?? 0) + 1;
      const latencies = results.map((r) => r.ms);
      return {
        side: 'baseline',
        run,
        ...rushFigures(elapsedMs, latencies),
        answers,
        check: await this.check(cohortId),
        benchCpuMs: Math.round((benchCpu.user + benchCpu.system) / 1000),
      };
    } finally {
      await pool.end();
    }
  }

  async environment(): Promise<Record<string, unknown>> {
    const setting = async (name: string) => (await this.db.query(`SELECT current_setting($1) AS value`, [name])).rows[0].value as string;
    return {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      postgres: await setting('server_version'),
      postgresSettings: { synchronous_commit: await setting('synchronous_commit'), fsync: await setting('fsync'), max_connections: await setting('max_connections') },
      appPool: APP_POOL,
      ...gitState(),
    };
  }

  /** Stops the app, drops the database and this run's Redis keys. */
  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      this.agent?.destroy();
      await cleanUpStep('close the pool', async () => this.db?.end());
      await cleanUpStep('stop the app', async () => this.app?.stop(5000));
      await cleanUpStep('drop the database', () =>
        this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(databaseName(this.databaseUrl))} WITH (FORCE)`)),
      );
      await cleanUpStep('delete the Redis keys', async () => {
        const redis = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await redis.connect();
        try {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.redisPrefix}*`, 'COUNT', 1000);
            if (keys.length) await redis.unlink(...keys);
            cursor = next;
          } while (cursor !== '0');
        } finally {
          redis.disconnect();
        }
      });
    })();
    return this.cleanedUp;
  }

  get appPid(): number | null {
    return this.app?.pid ?? null;
  }
}

/** The distinct error messages the app logged (pino JSON lines), to say why requests failed. */
function distinctErrors(output: string): string[] {
  const messages = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /"err":\{"type":"[^"]*","message":"([^"]+)"/.exec(line);
    if (match) messages.add(match[1]);
  }
  return [...messages];
}

/** What one rush of USERS requests measured: its speed and its latencies. */
function rushFigures(elapsedMs: number, latencies: number[]) {
  return {
    requests: USERS,
    elapsedMs: round(elapsedMs),
    requestsPerSecond: round(USERS / (elapsedMs / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:enrolment', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);

  try {
    log(
      `bench:enrolment: ${USERS} people, ${CAPACITY} seats, ${CONCURRENCY} at once, pool ${APP_POOL.max} a side, ${RUNS_PER_SIDE} runs a side (b,a alternating), ` +
        `tokens ${TOKENS_USED ? 'used within the minute' : 'fresh'}, synchronous_commit ${SYNCHRONOUS_COMMIT}, node ${process.version}`,
    );
    await bench.setUp();
    const environment = await bench.environment();

    const runs: RunResult[] = [];
    for (let run = 1; run <= RUNS_PER_SIDE; run++) {
      for (const side of ['baseline', 'feature'] as const) {
        const result = side === 'baseline' ? await bench.runBaseline(run) : await bench.runFeature(run);
        runs.push(result);
        const extra = side === 'feature' ? `, app CPU ${result.appCpuPerRequestMs} ms/request` : '';
        log(
          `  ${side.padEnd(8)} run ${run}: ${String(result.requestsPerSecond).padStart(7)} enrolments/s (${result.elapsedMs} ms), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms` +
            `, answers ${JSON.stringify(result.answers)}, ${result.check.confirmed} confirmed / ${result.check.waitlisted} waitlisted, invariants ${result.check.holds ? 'hold' : `not met: ${result.check.violations.join('; ')}`}${extra}`,
        );
        const appErrors = (result.appErrors as string[] | undefined) ?? [];
        if (appErrors.length) log(`    app errors: ${appErrors.join(' | ')}`);
      }
    }

    const feature = runs.filter((r) => r.side === 'feature');
    const baseline = runs.filter((r) => r.side === 'baseline');
    const featureRequestsPerSecond = round(median(feature.map((r) => r.requestsPerSecond)));
    const baselineRequestsPerSecond = round(median(baseline.map((r) => r.requestsPerSecond)));
    const ratio = round(featureRequestsPerSecond / baselineRequestsPerSecond, 3);
    const p50Ms = round(median(feature.map((r) => r.p50Ms)));
    const p99Ms = round(median(feature.map((r) => r.p99Ms)));
    const invariantHolds = runs.every((r) => r.check.holds) && feature.every((r) => r.answersTellThePositions);
    const rulesHeldForWhatWasStored = runs.every((r) => r.check.consistent);
    const allCreated = feature.every((r) => r.answers['201'] === USERS);
    // "All answered within 5 s": the whole rush over, every person with their answer.
    const allAnsweredWithin5s = feature.every((r) => r.elapsedMs < ANSWER_WITHIN_MS);
    const worst = feature.reduce((a, b) => (a.p99Ms >= b.p99Ms ? a : b));

    const finishedAt = new Date();
    const result = {
      benchmark: 'enrolment',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      users: USERS,
      capacity: CAPACITY,
      concurrency: CONCURRENCY,
      runsPerSide: RUNS_PER_SIDE,
      ratio,
      targetRatio: TARGET_RATIO,
      featureRequestsPerSecond,
      baselineRequestsPerSecond,
      p50Ms,
      p99Ms,
      worstRunP99Ms: worst.p99Ms,
      confirmed: median(feature.map((r) => r.check.confirmed)),
      waitlisted: median(feature.map((r) => r.check.waitlisted)),
      invariantHolds,
      rulesHeldForWhatWasStored,
      allCreated,
      allAnsweredWithin5s,
      p99Under1s: feature.every((r) => r.p99Ms < P99_UNDER_MS),
      targets: { ratio: ratio >= TARGET_RATIO, answeredWithinMs: ANSWER_WITHIN_MS, p99UnderMs: P99_UNDER_MS },
      runs,
      method: {
        order: 'baseline, feature alternating, baseline first',
        feature:
          'POST /api/v1/cohorts/:id/enrolments with body {} and a bearer token per person, node http with a keep-alive agent (maxSockets = concurrency), ' +
          'at a separate app process (node dist/src/main.js, APP_ROLE=web, NODE_ENV=production, LOG_LEVEL=' + APP_LOG_LEVEL + '); latency from sending to the whole answer; a fresh cohort per run',
        baseline: 'one autocommitted statement per person (BASELINE_SQL in bench/enrolment.ts) through a pg.Pool of the app pool size (no timeout on the wait for a connection); a fresh cohort per run',
        concurrency: `${CONCURRENCY} requests (a) or statements (b) at once, each lane sending its next when answered`,
        warmup: `${WARMUP} enrolments of other people in a cohort of their own before each run on both sides (not counted), then ${SETTLE_MS} ms quiet`,
        tokens: TOKENS_USED ? 'last_used_at = now() before each run (no UPDATE per request)' : 'last_used_at = NULL before each run: each request records its token use (one UPDATE)',
        synchronousCommit: SYNCHRONOUS_COMMIT,
        appNodeArgs: APP_NODE_ARGS,
        cpu: 'appCpuMs: user + system CPU of the app process over the timed part (10 ms ticks); benchCpuMs: this process',
      },
      environment: { ...environment, appPid: bench.appPid, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    };

    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `enrolment-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    log(`app over HTTP: ${featureRequestsPerSecond} enrolments/s (median of ${feature.length}), p50 ${p50Ms} ms, p99 ${p99Ms} ms`);
    log(`pg baseline:   ${baselineRequestsPerSecond} enrolments/s (median of ${baseline.length})`);
    log(`ratio ${ratio} (target ≥ ${TARGET_RATIO}${ratio >= TARGET_RATIO ? ', met' : ', NOT met'})`);
    log(`invariants hold: ${invariantHolds} (rules held for what was stored: ${rulesHeldForWhatWasStored}); all ${USERS} created (201): ${allCreated}; all answered within ${ANSWER_WITHIN_MS / 1000} s: ${allAnsweredWithin5s}; p99 under ${P99_UNDER_MS} ms in every run: ${result.p99Under1s}`);
    log(`results: ${file.slice(PROJECT_ROOT.length + 1)}`);
    return invariantHolds ? 0 : 1;
  } finally {
    await bench.cleanUp();
  }
}

runBench('bench:enrolment', main);
