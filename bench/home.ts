// npm run bench:home — the participant's week (issue 15) at size: the signed-in home page under
// load, and the digests of a busy hour.
//
// Data: a throwaway database that the web process created and migrated. The forum from
// bench/support/forum-seed.ts (BENCH_POSTS posts, default 20,000, in 1,000 threads of the network
// channels, announcements and the rounds' forums; 300 authors; BENCH_COHORTS rounds, default 100),
// then BENCH_PEOPLE participants (2,000), each confirmed in 2 or 3 of the rounds, one in twenty also
// facilitating one; 6 sessions a round (2 past, 4 to come, each round at its own times); 30 threads
// read by each person (forum_read); BENCH_NOTIFICATIONS sent outbox rows (50,000) spread over the
// people and the last 60 days, three in five of them read; 3 digest items waiting for each
// participant and each author (forum.post, about threads' opening posts in the network channels and
// announcements). Enrolments, sessions, reads and outbox rows are loaded with
// session_replication_role = replica (no reminder planning or NOTIFY fires; seats_taken set after).
//
// Home page, two sides measured alike and alternating (baseline first), BENCH_RUNS (3) runs a side:
//   (a) app: GET / from the built app (dist/src/main.js, APP_ROLE=web, NODE_ENV=production) as a
//       process of its own, as BENCH_READERS (40) participants signed in through the real sign-in
//       form (request i as reader i mod readers): HomeService.personalHome's five reads and the
//       header's unread count (UnreadCountInterceptor) on top of the session and access checks;
//   (b) baseline: bench/support/home-baseline-process.ts, node:http + pg + the page's own template in
//       the layout, rendered from one query (the next sessions, HomeService.nextSessions' own SQL),
//       the person named by a header.
// BENCH_CONNECTIONS (20) keep-alive connections, each sending its next GET when its previous one is
// answered; BENCH_WARMUP (300) requests, then BENCH_REQUESTS (2,000) timed. ratio = app ÷ baseline
// requests per second (medians of the runs). Every answer is checked: 200, the reader's own next
// session (its round's calendar link) as the database says, and on the app's page the header's
// unread count as the database says (MyNotificationsService.unreadCount's own SQL).
//
// Digest at a busy hour: the participants' digest_hour set to the Helsinki hour of now, the authors'
// to another. (a) app: DigestService.queueDue(now, 0) in an in-process app (APP_ROLE=web, sharing
// the worker's Redis prefix), the per-person jobs run by a worker process (APP_ROLE=worker,
// BENCH_IN_FLIGHT jobs, BENCH_SMTP_CONNECTIONS connections, as bench:notifications), each digest an
// outbox row relayed and sent to the SMTP sink (a child process); timed from queueDue's start to the
// sink holding every digest. (b) baseline: as many bare INSERTs (one row per digest into a table of
// its own) each followed by a nodemailer send of the very message the app sent, BENCH_IN_FLIGHT
// under way on a pooled transport of BENCH_SMTP_CONNECTIONS; timed to the sink holding all of them.
// One run a side (app first: the baseline sends the app's messages). digestRatio = app ÷ baseline
// digests per second. Invariants: exactly one digest per due person, every due person's item in
// exactly one digest (theirs), nobody not due got one and their items still wait, the sink got each
// digest exactly once.
//
// Writes bench/results/home-<time>.json and prints a summary.
//
// Knobs (the defaults are the benchmark): BENCH_PEOPLE, BENCH_COHORTS, BENCH_POSTS,
// BENCH_NOTIFICATIONS, BENCH_CONNECTIONS, BENCH_READERS, BENCH_REQUESTS, BENCH_WARMUP, BENCH_RUNS,
// BENCH_IN_FLIGHT, BENCH_SMTP_CONNECTIONS, BENCH_SKIP=home|digest, BENCH_APP_NODE_ARGS,
// BENCH_KEEP_DATABASE=1.
import 'reflect-metadata';
import argon2 from 'argon2';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import nodemailer from 'nodemailer';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { dataSourceOptions } from '../src/database/data-source.options';
import { DIGEST_KIND, DigestService, helsinkiHour } from '../src/notifications/digest.service';
import { UNREAD_COUNT_CAP } from '../src/notifications/my-notifications.service';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { PROJECT_ROOT } from '../src/paths';
import { Seeded, seedForum } from './support/forum-seed';
import { SinkProcess } from './support/smtp-sink';
import { procCpuMs, startWebApp, WorkerProcess } from './support/worker-process';
import {
  benchEnvironment,
  checkDelivery,
  cleanUpOnAbort,
  cleanUpStep,
  deleteRedisKeys,
  Delivery,
  dropDatabase,
  freePort,
  intFromEnv,
  invariant,
  Invariant,
  log,
  median,
  percentile,
  round,
  runBench,
  sleep,
} from './support/bench-kit';
import { BaselineProcess } from './support/baseline-process';
import { signInThroughForm } from './support/form-sign-in';

const PEOPLE = intFromEnv('BENCH_PEOPLE', 2000, 50, 100_000);
const COHORTS = intFromEnv('BENCH_COHORTS', 100, 10, 1000);
const POSTS = intFromEnv('BENCH_POSTS', 20_000, 2_000, 1_000_000);
const THREADS = 1000;
const NOTIFICATIONS = intFromEnv('BENCH_NOTIFICATIONS', 50_000, 0, 5_000_000);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 20, 1, 500);
const READERS = intFromEnv('BENCH_READERS', 40, 1, Math.min(500, PEOPLE));
const REQUESTS = intFromEnv('BENCH_REQUESTS', 2000, 100, 1_000_000);
const WARMUP = intFromEnv('BENCH_WARMUP', 300, 0, 1_000_000);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 3, 1, 9);
// DigestService.gatherFor holds a pool connection for its transaction while the forum kinds' refresh
// (a Batcher over the DataSource) and the sessions read need another: with more jobs under way than
// the pool (10) can serve twice, every connection is held by a job waiting for one, each waits 15 s
// for a connection and fails, and BullMQ retries it 40 s later (measured: 30 gathers at once in one
// process, 9 done and 21 "timeout exceeded when trying to connect"). So the worker runs 4 jobs at
// once here (the app's default is 40, bench:notifications 80), and the baseline has as many in flight.
const IN_FLIGHT = intFromEnv('BENCH_IN_FLIGHT', 4, 1, 200);
const SMTP_CONNECTIONS = intFromEnv('BENCH_SMTP_CONNECTIONS', 4, 1, 100);
const AUTHORS = 300;
const ITEMS_PER_PERSON = 3;
const THREADS_READ = 30;
const SESSIONS_PER_ROUND = 6;
const MAIL_WARMUP = 50;
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === '1';
const APP_NODE_ARGS = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const APP_POOL = dataSourceOptions('postgres://unused').extra as { max: number };

const BOOT_TIMEOUT_MS = 60_000;
const DIGEST_TIMEOUT_MS = intFromEnv('BENCH_DIGEST_TIMEOUT_S', 300, 5, 3600) * 1000;
const OVERALL_TIMEOUT_MS = 25 * 60_000;
const GRACE_MS = 500;
const PASSWORD = 'Viikon-aloitus-2026';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const wallClock = () => performance.timeOrigin + performance.now();

/** HomeService.nextSessions' query: the person's first session to come is its first row. */
const NEXT_SESSION_SQL = `WITH mine AS (
     SELECT cohort_id, 'facilitator' AS role FROM cohort_facilitator WHERE user_id = $1
     UNION ALL
     SELECT cohort_id, status::text FROM enrolment WHERE user_id = $1 AND status IN ('confirmed', 'waitlisted', 'pending_approval')
   ), roles AS (SELECT DISTINCT ON (cohort_id) cohort_id, role FROM mine ORDER BY cohort_id, role = 'facilitator' DESC, role = 'confirmed' DESC)
   SELECT c.id AS cohort_id FROM roles
     JOIN cohort c ON c.id = roles.cohort_id AND c.status = 'published'
     JOIN programme p ON p.id = c.programme_id AND p.status <> 'draft'
     JOIN cohort_session s ON s.cohort_id = c.id AND s.status = 'scheduled' AND s.ends_at > now()
    ORDER BY s.starts_at, s.id LIMIT 1`;
/** MyNotificationsService.unreadCount's query. */
const UNREAD_SQL = `SELECT count(*)::int AS count FROM (SELECT 1 FROM notification n
   WHERE n.recipient_user_id = $1 AND n.kind <> '${DIGEST_KIND}' AND n.status <> 'cancelled' AND n.due_at <= now() AND n.read_at IS NULL LIMIT ${UNREAD_COUNT_CAP + 1}) unread`;

interface Answer {
  status: number;
  ms: number;
  body: string;
}

interface Reader {
  id: string;
  email: string;
  cookie: string;
  nextCohortId: string;
  unread: number;
}

interface LoadRun {
  side: 'app' | 'baseline';
  run: number;
  requests: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpuPerRequestMs: number;
  badAnswers: number;
  badExamples: string[];
  bodyBytes: number;
}

interface DigestRun {
  side: 'app' | 'baseline';
  digests: number;
  elapsedMs: number;
  digestsPerSecond: number;
  firstMessageMs: number | null;
  delivery: Delivery;
  [extra: string]: unknown;
}

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  readonly databaseUrl: string;
  private readonly redisPrefix = `verso-bench-home-${this.id}`;
  private readonly sink = new SinkProcess();
  private web?: WorkerProcess;
  private baseline?: BaselineProcess;
  private worker?: WorkerProcess;
  private app?: NestFastifyApplication;
  private webPort = 0;
  private baselinePort = 0;
  private db?: Pool;
  private cleanedUp?: Promise<void>;
  seeded!: Seeded;
  peopleIds: string[] = [];
  readers: Reader[] = [];
  private readonly signInRetries: string[] = [];
  readonly fixture: Record<string, unknown> = {};
  readonly invariants: Invariant[] = [];

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_home_${this.id}`;
    this.databaseUrl = url.toString();
  }

  get pids(): Record<string, number | undefined> {
    return { web: this.web?.pid, baseline: this.baseline?.pid, worker: this.worker?.pid, sink: this.sink.pid };
  }

  private query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.db!.query(sql, params).then((result) => result.rows as T[]);
  }

  async startWeb(): Promise<void> {
    this.webPort = await freePort();
    this.web = await startWebApp({ port: this.webPort, databaseUrl: this.databaseUrl, redisUrl: REDIS_URL, redisPrefix: `${this.redisPrefix}-web`, nodeArgs: APP_NODE_ARGS, bootTimeoutMs: BOOT_TIMEOUT_MS });
    this.db = new Pool({ connectionString: this.databaseUrl, max: APP_POOL.max, application_name: 'verso-bench' });
  }

  async seed(): Promise<void> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const at = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = Math.round(performance.now() - at);
      }
    };
    const passwordHash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
    this.seeded = await timed('forum', () =>
      seedForum(this.db!, {
        databaseUrl: this.databaseUrl,
        tag: this.id,
        posts: POSTS,
        threads: THREADS,
        longThreadPosts: 500,
        authors: AUTHORS,
        cohorts: COHORTS,
        readers: 0,
        passwordHash,
        parallel: 2,
      }),
    );
    const client = await this.db!.connect();
    try {
      // The bulk rows are consistent by construction: no reminder planning, NOTIFY or per-row check.
      await client.query('SET session_replication_role = replica');
      const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
      const cohorts = (await q<{ id: string }>(`SELECT id FROM cohort ORDER BY name COLLATE "C", id`)).map((r) => r.id);
      this.peopleIds = await timed('people', async () =>
        (
          await q<{ id: string }>(
            `INSERT INTO app_user (email, display_name, language, password_hash, digest_rhythm)
             SELECT 'osallistuja-' || i || '-' || $1 || '@example.fi', 'Osallistuja ' || i, 'fi', $2, 'daily' FROM generate_series(1, $3::int) AS i ORDER BY i RETURNING id`,
            [this.id, passwordHash, PEOPLE],
          )
        ).map((r) => r.id),
      );
      await timed('enrolments', async () => {
        const pairs: [string, string][] = [];
        this.peopleIds.forEach((user, i) => {
          const mine = new Set([i % COHORTS, (i * 7 + 3) % COHORTS]);
          if (i % 2 === 0) mine.add((i * 13 + 5) % COHORTS);
          if (mine.size < 2) mine.add((i + 1) % COHORTS);
          for (const c of mine) pairs.push([cohorts[c], user]);
        });
        await q(`UPDATE cohort SET capacity = 1000`);
        await q(
          `INSERT INTO enrolment (cohort_id, user_id, status, confirmed_at) SELECT c, u, 'confirmed', now() - interval '100 days' FROM unnest($1::uuid[], $2::uuid[]) AS e(c, u)`,
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        );
        await q(`UPDATE cohort c SET seats_taken = (SELECT count(*) FROM enrolment e WHERE e.cohort_id = c.id AND e.status = 'confirmed')`);
        // One in twenty also facilitates a round (Sanna's view of the page).
        const facilitators = this.peopleIds.filter((_, i) => i % 20 === 0);
        await q(`INSERT INTO cohort_facilitator (cohort_id, user_id) SELECT ($1::uuid[])[1 + (ord::int * 11) % cardinality($1::uuid[])], u FROM unnest($2::uuid[]) WITH ORDINALITY AS f(u, ord) ON CONFLICT DO NOTHING`, [
          cohorts,
          facilitators,
        ]);
        this.fixture.enrolments = pairs.length;
        this.fixture.facilitators = facilitators.length;
      });
      await timed('sessions', () =>
        q(
          `INSERT INTO cohort_session (cohort_id, starts_at, ends_at, place, meeting_link)
           SELECT c, t, t + interval '3 hours', 'Sali ' || (ord % 7 + 1), 'https://meet.example.fi/ryhma-' || ord
           FROM unnest($1::uuid[]) WITH ORDINALITY AS r(c, ord),
                LATERAL (SELECT date_trunc('hour', now()) + interval '1 day' + (ord * 37) * interval '1 minute' + k * interval '14 days' AS t FROM generate_series(-2, $2::int - 3) AS k) s`,
          [cohorts, SESSIONS_PER_ROUND],
        ),
      );
      const threads = (await q<{ id: string }>(`SELECT id FROM forum_thread ORDER BY id`)).map((r) => r.id);
      await timed('reads', () =>
        q(
          `INSERT INTO forum_read (user_id, thread_id, read_up_to)
           SELECT u, t.id, t.last_post_at FROM unnest($1::uuid[]) WITH ORDINALITY AS p(u, ord), generate_series(0, $3::int - 1) AS k,
             LATERAL (SELECT id, last_post_at FROM forum_thread WHERE id = ($2::uuid[])[1 + (ord::int * 17 + k * 31) % cardinality($2::uuid[])]) t
           ON CONFLICT DO NOTHING`,
          [this.peopleIds, threads, THREADS_READ],
        ),
      );
      await timed('notifications', () =>
        q(
          `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at, status, sent_at, attempts, subject, read_at, created_at, updated_at)
           SELECT 'forum.post', u.id, u.email, u.display_name, 'fi', '{}'::jsonb, 'email', at, 'sent', at, 1, 'Uusi viesti', CASE WHEN g % 5 < 3 THEN at + interval '2 hours' END, at, at
           FROM generate_series(0, $2::int - 1) AS g
           CROSS JOIN LATERAL (SELECT now() - interval '60 days' * ((g * 7919) % 10007) / 10007.0 AS at) w
           JOIN app_user u ON u.id = ($1::uuid[])[1 + ((g::bigint * 104729) % cardinality($1::uuid[]))::int]`,
          [this.peopleIds, NOTIFICATIONS],
        ),
      );
      // Digest items: opening posts (a network channel's default level hears of new threads) of visible threads.
      const openers = await q<{ post_id: string; thread_id: string; channel_id: string; title: string; author_name: string }>(
        `SELECT * FROM (SELECT DISTINCT ON (t.id) p.id AS post_id, t.id AS thread_id, ch.id AS channel_id, t.title, u.display_name AS author_name,
                       p.deleted_at IS NULL AND p.hidden_at IS NULL AS visible
                  FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id JOIN forum_post p ON p.thread_id = t.id LEFT JOIN app_user u ON u.id = p.author_id
                 WHERE ch.kind IN ('network', 'announcements') ORDER BY t.id, p.created_at, p.id) o WHERE visible ORDER BY thread_id`,
      );
      const authors = (await q<{ id: string }>(`SELECT id FROM app_user WHERE email LIKE 'kirjoittaja-%' ORDER BY id`)).map((r) => r.id);
      await timed('digestItems', async () => {
        const recipients = [...this.peopleIds, ...authors];
        const rows = recipients.flatMap((userId, i) =>
          Array.from({ length: ITEMS_PER_PERSON }, (_, k) => {
            const o = openers[(i * ITEMS_PER_PERSON + k) % openers.length];
            return { userId, payload: { postId: o.post_id, threadId: o.thread_id, channelId: o.channel_id, userId, opensThread: true, threadTitle: o.title, authorName: o.author_name } };
          }),
        );
        await q(
          `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at, status)
           SELECT 'forum.post', u.id, u.email, u.display_name, u.language, r.payload, 'digest', now() - interval '3 hours' + r.ord * interval '1 millisecond', 'pending'
           FROM unnest($1::uuid[], $2::jsonb[]) WITH ORDINALITY AS r(user_id, payload, ord) JOIN app_user u ON u.id = r.user_id`,
          [rows.map((r) => r.userId), rows.map((r) => JSON.stringify(r.payload))],
        );
        this.fixture.digestItems = rows.length;
        this.fixture.digestOpeningPosts = openers.length;
      });
      this.fixture.authors = authors.length;
    } finally {
      await client.query('SET session_replication_role = DEFAULT').catch(() => undefined);
      client.release();
    }
    await timed('analyze', () => this.query('VACUUM ANALYZE'));
    const [sizes] = await this.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM app_user) AS people_total, (SELECT count(*)::int FROM cohort) AS rounds, (SELECT count(*)::int FROM cohort_session) AS sessions,
              (SELECT count(*)::int FROM forum_post) AS posts, (SELECT count(*)::int FROM forum_thread) AS threads, (SELECT count(*)::int FROM forum_read) AS reads,
              (SELECT count(*)::int FROM notification) AS notification_rows`,
    );
    Object.assign(this.fixture, { people: PEOPLE, ...sizes, seedMs: round(performance.now() - started), seedStepsMs: { ...timings, forumSteps: this.seeded.timings } });
  }

  /** READERS of the participants, spread over them, sign in through the form; what their page should say. */
  async signInReaders(): Promise<void> {
    const started = performance.now();
    const base = `http://127.0.0.1:${this.webPort}`;
    const step = Math.floor(PEOPLE / READERS);
    for (let r = 0; r < READERS; r++) {
      // Every other reader also facilitates a round (one in twenty participants does).
      const index = r * step + (r % 2);
      const id = this.peopleIds[index];
      const email = `osallistuja-${index + 1}-${this.id}@example.fi`;
      // A 500 on a machine this busy (the session store's pool waits 3 s for a connection) is retried, and noted.
      let signedIn = '';
      for (let attempt = 1; !signedIn; attempt++) {
        const { res, jar } = await signInThroughForm(base, email, PASSWORD, { 'accept-language': 'fi', 'x-forwarded-proto': 'https' });
        if (res.status >= 500 && attempt < 3) {
          this.signInRetries.push(`${email} attempt ${attempt}: ${res.status}; ${this.web!.tail(3)}`);
          await sleep(1000);
          continue;
        }
        if (res.status !== 303 || !jar.has('verso_session')) throw new Error(`signing in ${email}: ${res.status} to ${res.headers.get('location')}, cookies ${jar.names().join(', ')}: ${(await res.text()).slice(0, 120)}\n${this.web!.tail(15)}`);
        signedIn = jar.header();
      }
      const [next] = await this.query<{ cohort_id: string }>(NEXT_SESSION_SQL, [id]);
      const [{ count }] = await this.query<{ count: number }>(UNREAD_SQL, [id]);
      if (!next) throw new Error(`reader ${email} has no session to come`);
      this.readers.push({ id, email, cookie: signedIn, nextCohortId: next.cohort_id, unread: count });
    }
    this.fixture.signInMs = round(performance.now() - started);
    this.fixture.signInRetries = this.signInRetries;
    this.fixture.readerUnreadCounts = { min: Math.min(...this.readers.map((r) => r.unread)), max: Math.max(...this.readers.map((r) => r.unread)) };
  }

  async startBaseline(): Promise<void> {
    this.baselinePort = await freePort();
    this.baseline = new BaselineProcess('home-baseline-process.js', { DATABASE_URL: this.databaseUrl, PORT: String(this.baselinePort), POOL_MAX: String(APP_POOL.max), NODE_ENV: 'production' });
    await Promise.race([this.baseline.ready, this.baseline.died, sleep(BOOT_TIMEOUT_MS).then(() => Promise.reject(new Error('the baseline process did not start')))]);
  }

  private get(agent: http.Agent, port: number, headers: Record<string, string>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request({ host: '127.0.0.1', port, path: '/', method: 'GET', agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  }

  private headers(side: 'app' | 'baseline', reader: Reader): Record<string, string> {
    const common = { 'accept-language': 'fi', 'x-forwarded-proto': 'https' };
    return side === 'app' ? { ...common, cookie: reader.cookie } : { ...common, 'x-bench-person': reader.id };
  }

  /** What is wrong with an answer for `reader`, or null. */
  private problem(side: 'app' | 'baseline', answer: Answer, reader: Reader): string | null {
    if (answer.status !== 200) return `${answer.status}: ${answer.body.slice(0, 200)}`;
    if (!answer.body.includes(`/cohorts/${reader.nextCohortId}/calendar.ics`)) return `${reader.email}: no next session of round ${reader.nextCohortId}`;
    if (side === 'baseline') return null;
    const shown = reader.unread > UNREAD_COUNT_CAP ? `${UNREAD_COUNT_CAP}+` : String(reader.unread);
    const badge = /<span class="nav-badge" aria-hidden="true">([^<]*)<\/span>/.exec(answer.body)?.[1] ?? null;
    const expected = reader.unread > 0 ? shown : null;
    return badge === expected ? null : `${reader.email}: header unread ${badge ?? 'none'}, the database says ${expected ?? 'none'}`;
  }

  private async storm(side: 'app' | 'baseline', agent: http.Agent, count: number): Promise<{ answers: Answer[]; problems: string[]; elapsedMs: number }> {
    const port = side === 'app' ? this.webPort : this.baselinePort;
    const died = side === 'app' ? this.web!.died : this.baseline!.died;
    const answers: Answer[] = new Array(count);
    const problems: string[] = [];
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      for (let i = next++; i < count; i = next++) {
        const reader = this.readers[i % this.readers.length];
        const answer = await this.get(agent, port, this.headers(side, reader));
        const problem = this.problem(side, answer, reader);
        if (problem) problems.push(problem);
        answers[i] = { ...answer, body: i === 0 ? answer.body : '' };
      }
    };
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONNECTIONS, count) }, lane)), died]);
    return { answers, problems, elapsedMs: performance.now() - started };
  }

  async loadRun(side: 'app' | 'baseline', run: number): Promise<LoadRun> {
    const pid = side === 'app' ? this.web!.pid : this.baseline!.pid;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      if (WARMUP > 0) await this.storm(side, agent, WARMUP);
      await sleep(500);
      const cpuBefore = procCpuMs(pid) ?? NaN;
      const { answers, problems, elapsedMs } = await this.storm(side, agent, REQUESTS);
      const cpuMs = (procCpuMs(pid) ?? NaN) - cpuBefore;
      const ms = answers.map((a) => a.ms);
      return {
        side,
        run,
        requests: REQUESTS,
        elapsedMs: round(elapsedMs),
        requestsPerSecond: round(REQUESTS / (elapsedMs / 1000)),
        p50Ms: round(percentile(ms, 50), 2),
        p95Ms: round(percentile(ms, 95), 2),
        p99Ms: round(percentile(ms, 99), 2),
        maxMs: round(Math.max(...ms), 2),
        serverCpuPerRequestMs: round(cpuMs / REQUESTS, 3),
        badAnswers: problems.length,
        badExamples: problems.slice(0, 5),
        bodyBytes: Buffer.byteLength(answers[0].body),
      };
    } finally {
      agent.destroy();
    }
  }

  /** The home page's part is over: its processes give the digest the machine. */
  async stopHome(): Promise<void> {
    await this.web?.stop(5000);
    await this.baseline?.stop();
  }

  /** The in-process app that calls queueDue, and the worker that runs the jobs, on one Redis prefix; the worker warmed up. */
  async startDigest(): Promise<void> {
    await this.sink.start();
    const prefix = `${this.redisPrefix}-digest`;
    this.app = await createApp(loadConfig({ NODE_ENV: 'test', APP_ROLE: 'web', DEMO_DATA: 'false', LOG_LEVEL: 'error', DATABASE_URL: this.databaseUrl, REDIS_URL, REDIS_PREFIX: prefix }));
    await this.app.init();
    this.worker = new WorkerProcess({
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(24).toString('hex'),
      APP_ROLE: 'worker',
      WORKER_CONCURRENCY: String(IN_FLIGHT),
      SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
      LOG_LEVEL: 'error',
      SMTP_URL: this.sink.url,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DEMO_DATA: 'false',
    });
    const dataSource = this.app.get(DataSource);
    const notifications = this.app.get(NotificationsService);
    await this.sink.reset();
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < MAIL_WARMUP; i++) {
        await notifications.notify(TEST_MESSAGE_KIND, { email: `bench-warmup-${i}@example.fi`, language: 'fi' }, { requestedAt: new Date().toISOString() }, { manager });
      }
    });
    await this.sink.waitForDistinct(MAIL_WARMUP, BOOT_TIMEOUT_MS, 'digest: worker boot and warm-up', this.worker.died);
    await this.waitUnsent(`kind = '${TEST_MESSAGE_KIND}'`, BOOT_TIMEOUT_MS, 'digest warm-up');
    await sleep(1000);
    await this.sink.reset();
  }

  private async waitUnsent(where: string, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ unsent }] = await this.query<{ unsent: number }>(`SELECT count(*)::int AS unsent FROM notification WHERE ${where} AND status <> 'sent'`);
      if (unsent === 0) return;
      if (Date.now() > deadline) throw new Error(`${what}: ${unsent} rows still not 'sent' after ${timeoutMs / 1000} s`);
      await Promise.race([sleep(100), this.worker?.died ?? sleep(0)]);
    }
  }

  async digestApp(): Promise<DigestRun> {
    const now = new Date();
    const { hour } = helsinkiHour(now);
    const authorsHour = (hour + 12) % 24;
    await this.query(`UPDATE app_user SET digest_hour = $1 WHERE id = ANY($2::uuid[])`, [hour, this.peopleIds]);
    await this.query(`UPDATE app_user SET digest_hour = $1 WHERE email LIKE 'kirjoittaja-%'`, [authorsHour]);
    const digest = this.app!.get(DigestService);
    const worker = this.worker!;
    const cpuBefore = { worker: worker.cpuMs() ?? NaN, bench: process.cpuUsage() };
    const started = wallClock();
    const { people } = await digest.queueDue(now, 0);
    const queuedMs = wallClock() - started;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const reached = await this.sink.waitForDistinct(Math.max(1, people), DIGEST_TIMEOUT_MS, 'digest (app)', worker.died);
    const elapsedMs = reached.lastAt! - started;
    const workerCpuMs = (worker.cpuMs() ?? NaN) - cpuBefore.worker;
    await this.waitUnsent(`kind = '${DIGEST_KIND}'`, DIGEST_TIMEOUT_MS, 'digest (app)');
    await sleep(GRACE_MS);
    const { counts, stats } = await this.sink.dump();
    const digests = await this.query<{ id: string }>(`SELECT id FROM notification WHERE kind = $1`, [DIGEST_KIND]);
    const peakRssKb = worker.peakRssKb();
    await this.checkDigests(people);
    return {
      side: 'app',
      digests: people,
      elapsedMs: round(elapsedMs),
      digestsPerSecond: round(people / (elapsedMs / 1000)),
      firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - started),
      delivery: checkDelivery(counts, stats.total, digests.map((d) => `<${d.id}@verso>`)),
      queueDueMs: round(queuedMs),
      queueDueBenchCpuMs: Math.round((benchCpu.user + benchCpu.system) / 1000),
      workerCpuMs,
      workerCpuPerDigestMs: round(workerCpuMs / Math.max(1, people), 3),
      workerPeakRssMb: peakRssKb === null ? null : round(peakRssKb / 1024),
      helsinkiHour: hour,
    };
  }

  private async checkDigests(queued: number): Promise<void> {
    const [c] = await this.query<Record<string, number>>(
      `WITH due AS (SELECT id FROM app_user WHERE id = ANY($1::uuid[])),
            digest AS (SELECT id, recipient_user_id, (payload->>'count')::int AS items FROM notification WHERE kind = '${DIGEST_KIND}')
       SELECT (SELECT count(*)::int FROM due) AS due_people,
              (SELECT count(*)::int FROM due WHERE (SELECT count(*) FROM digest d WHERE d.recipient_user_id = due.id) <> 1) AS due_without_exactly_one,
              (SELECT count(*)::int FROM digest d WHERE d.recipient_user_id <> ALL ($1::uuid[]) OR d.recipient_user_id IS NULL) AS digests_to_not_due,
              (SELECT count(*)::int FROM digest WHERE items <> ${ITEMS_PER_PERSON}) AS digests_without_all_items,
              (SELECT count(*)::int FROM notification n WHERE n.delivery = 'digest' AND n.recipient_user_id = ANY($1::uuid[])) AS due_items,
              (SELECT count(*)::int FROM notification n JOIN digest d ON d.id = n.digest_id AND d.recipient_user_id = n.recipient_user_id
                WHERE n.delivery = 'digest' AND n.recipient_user_id = ANY($1::uuid[]) AND n.status = 'sent') AS due_items_in_their_digest_sent,
              (SELECT count(*)::int FROM notification n WHERE n.delivery = 'digest' AND n.status = 'cancelled') AS items_dropped_as_stale,
              (SELECT count(*)::int FROM notification n WHERE n.delivery = 'digest' AND n.recipient_user_id <> ALL ($1::uuid[])) AS not_due_items,
              (SELECT count(*)::int FROM notification n WHERE n.delivery = 'digest' AND n.recipient_user_id <> ALL ($1::uuid[]) AND n.status = 'pending' AND n.digest_id IS NULL) AS not_due_items_waiting`,
      [this.peopleIds],
    );
    this.fixture.digestCounts = c;
    const n = this.peopleIds.length;
    this.invariants.push(
      invariant('digest-one-per-due-person', `queueDue queued every due person (${n}) and each got exactly one digest.`, [c], (x) =>
        queued === n && x.due_without_exactly_one === 0 ? null : `queued ${queued}, ${x.due_without_exactly_one} due people without exactly one digest`,
      ),
      invariant('digest-items-once', `Each of the due people's ${n * ITEMS_PER_PERSON} items is in exactly one digest, their own, and sent with it; none dropped as stale; every digest counts ${ITEMS_PER_PERSON} items.`, [c], (x) =>
        x.due_items === n * ITEMS_PER_PERSON && x.due_items_in_their_digest_sent === x.due_items && x.items_dropped_as_stale === 0 && x.digests_without_all_items === 0 ? null : JSON.stringify(x),
      ),
      invariant('digest-nobody-not-due', 'Nobody not due (the authors, whose hour is another) got a digest, and all their items still wait.', [c], (x) =>
        x.digests_to_not_due === 0 && x.not_due_items > 0 && x.not_due_items_waiting === x.not_due_items ? null : JSON.stringify(x),
      ),
    );
  }

  /** As many bare INSERTs and nodemailer sends of the same messages as the app sent digests. */
  async digestBaseline(): Promise<DigestRun> {
    await this.worker?.stop();
    const mails = await this.query<{ recipient_email: string; subject: string; body_text: string; body_html: string }>(
      `SELECT recipient_email, subject, body_text, body_html FROM notification WHERE kind = $1 ORDER BY id`,
      [DIGEST_KIND],
    );
    await this.query(`CREATE TABLE bench_bare_digest (id bigserial PRIMARY KEY, recipient_email text NOT NULL, subject text NOT NULL, body_text text NOT NULL, body_html text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    const pool = new Pool({ connectionString: this.databaseUrl, max: APP_POOL.max, application_name: 'verso-bench-baseline' });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: this.sink.port, pool: true, maxConnections: SMTP_CONNECTIONS });
    const send = async (count: number, id: (i: number) => string) => {
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < count; i = next++) {
          const mail = mails[i % mails.length];
          await pool.query(`INSERT INTO bench_bare_digest (recipient_email, subject, body_text, body_html) VALUES ($1, $2, $3, $4)`, [mail.recipient_email, mail.subject, mail.body_text, mail.body_html]);
          await transport.sendMail({ from: 'verso@example.fi', to: mail.recipient_email, subject: mail.subject, text: mail.body_text, html: mail.body_html, messageId: id(i) });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    };
    try {
      await this.sink.reset();
      await send(MAIL_WARMUP, (i) => `<warmup-${i}-${this.id}@bench>`);
      await sleep(1000);
      await this.sink.reset();
      await pool.query('TRUNCATE bench_bare_digest');
      const ids = mails.map((_, i) => `<digest-${i}-${this.id}@bench>`);
      const started = wallClock();
      const cpu = process.cpuUsage();
      const sending = send(mails.length, (i) => ids[i]);
      const reached = await this.sink.waitForDistinct(Math.max(1, mails.length), DIGEST_TIMEOUT_MS, 'digest (baseline)', sending.then(() => new Promise<never>(() => undefined)));
      const elapsedMs = reached.lastAt! - started;
      const senderCpu = process.cpuUsage(cpu);
      await sending;
      await sleep(GRACE_MS);
      const { counts, stats } = await this.sink.dump();
      return {
        side: 'baseline',
        digests: mails.length,
        elapsedMs: round(elapsedMs),
        digestsPerSecond: round(mails.length / (elapsedMs / 1000)),
        firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - started),
        delivery: checkDelivery(counts, stats.total, ids),
        senderCpuMs: Math.round((senderCpu.user + senderCpu.system) / 1000),
      };
    } finally {
      transport.close();
      await pool.end();
    }
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }

  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      await cleanUpStep('stop the web process', async () => this.web?.stop(5000));
      await cleanUpStep('stop the baseline process', async () => this.baseline?.stop());
      await cleanUpStep('stop the worker', async () => this.worker?.stop(5000));
      await cleanUpStep('close the app', async () => this.app?.close());
      await cleanUpStep('close the pool', async () => this.db?.end());
      if (KEEP_DATABASE) log(`kept the database: ${this.databaseUrl}`);
      else await cleanUpStep('drop the database', () => dropDatabase(this.databaseUrl));
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisPrefix));
      await cleanUpStep('stop the SMTP sink', () => this.sink.stop());
    })();
    return this.cleanedUp;
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:home', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);

  try {
    log(
      `bench:home: ${PEOPLE} people in ${COHORTS} rounds, ${POSTS} posts, ${NOTIFICATIONS} outbox rows; home page: ${CONNECTIONS} connections as ${READERS} signed-in people, ` +
        `${WARMUP} + ${REQUESTS} requests, ${RUNS_PER_SIDE} runs a side (b,a alternating); digest: ${PEOPLE} due × ${ITEMS_PER_PERSON} items, ${IN_FLIGHT} in flight, ${SMTP_CONNECTIONS} SMTP connections; node ${process.version}`,
    );
    await bench.startWeb();
    const environment = await bench.environment();
    await bench.seed();
    log(`seeded in ${bench.fixture.seedMs} ms: ${JSON.stringify(bench.fixture.seedStepsMs)}`);

    const runs: LoadRun[] = [];
    if (!SKIP.has('home')) {
      await bench.signInReaders();
      log(`${READERS} people signed in through the form in ${bench.fixture.signInMs} ms; their unread counts ${JSON.stringify(bench.fixture.readerUnreadCounts)}`);
      await bench.startBaseline();
      for (let run = 1; run <= RUNS_PER_SIDE; run++) {
        for (const side of ['baseline', 'app'] as const) {
          const result = await bench.loadRun(side, run);
          runs.push(result);
          log(
            `  ${side.padEnd(8)} run ${run}: ${String(result.requestsPerSecond).padStart(7)} req/s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, ` +
              `${result.serverCpuPerRequestMs} ms CPU/req, ${result.bodyBytes} bytes, ${result.badAnswers} bad answers`,
          );
        }
      }
      bench.invariants.push(
        invariant('home-200-own-page', "Every answer (both sides, warm-up excluded) was 200 with the reader's own next session (its round's calendar link) as the database says; on the app's, the header's unread count as the database says.", runs, (r) =>
          r.badAnswers === 0 ? null : `${r.side} run ${r.run}: ${r.badAnswers} bad, e.g. ${r.badExamples.join(' | ')}`,
        ),
      );
    }
    await bench.stopHome();

    const digestRuns: DigestRun[] = [];
    if (!SKIP.has('digest')) {
      await bench.startDigest();
      for (const side of ['app', 'baseline'] as const) {
        const result = side === 'app' ? await bench.digestApp() : await bench.digestBaseline();
        digestRuns.push(result);
        log(`  digest ${side.padEnd(8)}: ${result.digests} in ${result.elapsedMs} ms, ${result.digestsPerSecond} digests/s, first after ${result.firstMessageMs} ms, exactly once: ${result.delivery.exactlyOnce}`);
      }
      bench.invariants.push(
        invariant('digest-sink-exactly-once', 'The sink received every digest (app: each digest row\'s Message-ID; baseline: each of its own) exactly once, and nothing else.', digestRuns, (r) =>
          r.delivery.exactlyOnce ? null : `${r.side}: ${JSON.stringify(r.delivery)}`,
        ),
      );
    }

    const app = runs.filter((r) => r.side === 'app');
    const baseline = runs.filter((r) => r.side === 'baseline');
    const med = (list: LoadRun[], pick: (r: LoadRun) => number) => (list.length ? round(median(list.map(pick)), 2) : null);
    const appRequestsPerSecond = med(app, (r) => r.requestsPerSecond);
    const baselineRequestsPerSecond = med(baseline, (r) => r.requestsPerSecond);
    const ratio = appRequestsPerSecond && baselineRequestsPerSecond ? round(appRequestsPerSecond / baselineRequestsPerSecond, 3) : null;
    const digestApp = digestRuns.find((r) => r.side === 'app');
    const digestBaseline = digestRuns.find((r) => r.side === 'baseline');
    const digestRatio = digestApp && digestBaseline ? round(digestApp.digestsPerSecond / digestBaseline.digestsPerSecond, 3) : null;

    const finishedAt = new Date();
    const result = {
      benchmark: 'home',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      people: PEOPLE,
      rounds: COHORTS,
      posts: POSTS,
      notifications: NOTIFICATIONS,
      connections: CONNECTIONS,
      readers: READERS,
      requestsPerRun: REQUESTS,
      warmupPerRun: WARMUP,
      runsPerSide: RUNS_PER_SIDE,
      node: process.version,
      ratio,
      appRequestsPerSecond,
      baselineRequestsPerSecond,
      p50Ms: med(app, (r) => r.p50Ms),
      p95Ms: med(app, (r) => r.p95Ms),
      p99Ms: med(app, (r) => r.p99Ms),
      baselineP50Ms: med(baseline, (r) => r.p50Ms),
      baselineP95Ms: med(baseline, (r) => r.p95Ms),
      appCpuPerRequestMs: med(app, (r) => r.serverCpuPerRequestMs),
      baselineCpuPerRequestMs: med(baseline, (r) => r.serverCpuPerRequestMs),
      digestRatio,
      digestAppMs: digestApp?.elapsedMs ?? null,
      digestBaselineMs: digestBaseline?.elapsedMs ?? null,
      digestAppPerSecond: digestApp?.digestsPerSecond ?? null,
      digestBaselinePerSecond: digestBaseline?.digestsPerSecond ?? null,
      invariants: bench.invariants,
      runs,
      digestRuns,
      setup: {
        database: 'a throwaway database, created and migrated by the web process at its start, dropped at the end',
        seeding:
          'the forum by bench/support/forum-seed.ts (1,000 threads, a long one of 500 posts, 300 authors, no readers of its own); then participants, enrolments (2 or 3 rounds each, confirmed), facilitators, sessions, forum reads, sent outbox rows and waiting digest items set-based with session_replication_role = replica; VACUUM ANALYZE',
        ...bench.fixture,
      },
      method: {
        order: 'home page: baseline, app alternating, baseline first; then the web and baseline processes stopped; digest: app, then baseline (it sends the messages the app sent)',
        app: `node dist/src/main.js, APP_ROLE=web, NODE_ENV=production, LOG_LEVEL=error, pool ${APP_POOL.max}; GET / with the cookies of reader (i mod ${READERS}) for request i`,
        baseline: `bench/support/home-baseline-process.ts: node:http, pg (pool ${APP_POOL.max}, one named prepared statement: HomeService.nextSessions' query), views/home/home.hbs in views/layouts/main.hbs compiled once with the app's Handlebars instance; the other lists empty, no session, access check, header count`,
        load: `${CONNECTIONS} keep-alive connections, each sending its next GET when its previous one is answered; ${WARMUP} warm-up requests, 500 ms quiet, then ${REQUESTS} timed; latency from sending to the last byte read; every answer checked`,
        ratio: "median of the app's runs' requests per second ÷ median of the baseline's",
        digestApp: `DigestService.queueDue(now, 0) in an in-process app (APP_ROLE=web, NODE_ENV=test) sharing the worker's Redis prefix; worker process APP_ROLE=worker, NODE_ENV=production, WORKER_CONCURRENCY=${IN_FLIGHT}, SMTP_MAX_CONNECTIONS=${SMTP_CONNECTIONS}, warmed with ${MAIL_WARMUP} test messages; timed from queueDue's start to the sink holding every digest`,
        digestBaseline: `per digest one INSERT into a bare table (pg pool ${APP_POOL.max}) then one sendMail of the app's stored message on a pooled nodemailer transport (maxConnections ${SMTP_CONNECTIONS}), ${IN_FLIGHT} under way; ${MAIL_WARMUP} warm-up sends; timed from the first INSERT to the sink holding every message`,
        digestRatio: "app digests per second ÷ baseline's (one run a side)",
        cpu: 'serverCpuPerRequestMs / workerCpuMs: CPU time (user + system, /proc, 10 ms ticks) of the serving process / the worker over the timed part',
        appNodeArgs: APP_NODE_ARGS,
      },
      environment: { ...environment, pids: bench.pids, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    };

    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `home-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    if (ratio !== null) {
      log(`home page: app ${appRequestsPerSecond} req/s vs baseline ${baselineRequestsPerSecond} req/s (medians of ${app.length}), ratio ${ratio}`);
      log(`  app p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms; baseline p50 ${result.baselineP50Ms} ms, p95 ${result.baselineP95Ms} ms`);
    }
    if (digestRatio !== null) log(`digest: app ${digestApp!.digests} in ${digestApp!.elapsedMs} ms (${digestApp!.digestsPerSecond}/s) vs baseline ${digestBaseline!.elapsedMs} ms (${digestBaseline!.digestsPerSecond}/s), ratio ${digestRatio}`);
    for (const inv of bench.invariants) log(`  ${inv.passed ? 'ok  ' : 'FAIL'} ${inv.name}${inv.passed ? '' : `: ${inv.failures.slice(0, 5).join('; ')}`}`);
    log(`results: ${file.slice(PROJECT_ROOT.length + 1)}`);
    return bench.invariants.every((inv) => inv.passed) ? 0 : 1;
  } finally {
    await bench.cleanUp();
  }
}

runBench('bench:home', main);
