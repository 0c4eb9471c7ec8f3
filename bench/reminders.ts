// npm run bench:reminders — one session with 10,000 participants falls due; and a personal calendar
// feed of 200 sessions.
//
// Reminders, two sides timed to the same end point (the sink has every message):
//   (a) app: a round (cohort) of 10,000 confirmed participants, reminders 1 minute before each
//       session. Adding a session starting at T + 1 min plans the 10,000 reminders in its own
//       statement (the Reminders migration's triggers), due at T a few seconds later; the worker
//       process (dist/src/main.js, APP_ROLE=worker) relays them to BullMQ as delayed jobs before T,
//       and at T re-reads each session (RemindersService.refreshReminder, batched), renders and
//       sends. Timed from T (the rows' due_at) to the sink holding all 10,000 Message-IDs.
//   (b) baseline: the same kind of message to the same 10,000 people (each reminder rendered
//       beforehand in-process exactly as the worker renders it: the kind's refresh, then the app's
//       MailRenderer, for another session of the same round), sent straight from one pooled
//       nodemailer transport with at most IN_FLIGHT sendMail in flight.
// As in bench:notifications: CONNECTIONS SMTP connections on both sides (SMTP_MAX_CONNECTIONS = the
// pool's maxConnections), IN_FLIGHT messages under way (WORKER_CONCURRENCY = sendMail calls in
// flight), the sink a child process of its own, a warm-up of WARMUP reminders (a) / messages (b)
// before each run, sides alternating b,a,b,a,…, medians reported, every run checked for exactly once.
//
// Feed: one person confirmed in 20 published rounds of 10 future sessions each. The web app runs as
// a process of its own (APP_ROLE=web); its feed address comes from CalendarFeedService.addressFor.
// Sequential keep-alive GETs, blocks of full GETs and conditional GETs (If-None-Match: the ETag)
// alternating: p50/p95 of each, and the 304's speed-up (full median ÷ 304 median). The body must
// parse with ical.js to exactly 200 VEVENTs, the 304 must have no body.
//
// Writes bench/results/reminders-<time>.json and prints a summary.
//
// Knobs for investigating (the defaults are the benchmark): BENCH_MESSAGES, BENCH_CONNECTIONS,
// BENCH_IN_FLIGHT, BENCH_RUNS, BENCH_LEAD_MS (from adding the session to its reminders falling due),
// BENCH_FEED_REQUESTS (of each kind), BENCH_WORKER_NODE_ARGS / BENCH_APP_NODE_ARGS (extra node
// options for the worker / web process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_SKIP=mail|feed.
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import ICAL from 'ical.js';
import nodemailer, { Transporter } from 'nodemailer';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { REMINDER_KINDS } from '../src/calendar/reminders.service';
import { Config, loadConfig } from '../src/config/config';
import { Language } from '../src/i18n/i18n';
import { MailRenderer, RenderedMail } from '../src/notifications/mail-renderer';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { PROJECT_ROOT } from '../src/paths';
import { SinkProcess } from './support/smtp-sink';
import { procCpuMs, WorkerProcess } from './support/worker-process';
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
  reportInvariants,
  round,
  runBench,
  sendInLanes,
  sleep,
} from './support/bench-kit';

const MESSAGES = intFromEnv('BENCH_MESSAGES', 10_000, 1, 100_000);
/** SMTP connections on both sides: the worker's SMTP_MAX_CONNECTIONS = the baseline pool's maxConnections. */
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 10, 1, 100);
/** Messages under way at once on both sides: the worker's WORKER_CONCURRENCY = the baseline's sendMail calls in flight. */
const IN_FLIGHT = intFromEnv('BENCH_IN_FLIGHT', 80, 1, 200);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 3, 1, 9);
/** From adding the session to its reminders falling due: the relay hands them to the queue meanwhile. */
const LEAD_MS = intFromEnv('BENCH_LEAD_MS', 15_000, 1000, 120_000);
/** Full GETs, and as many conditional GETs, measured (after the warm-up). */
const FEED_REQUESTS = intFromEnv('BENCH_FEED_REQUESTS', 500, 10, 100_000);
const FEED_BLOCK = Math.min(100, FEED_REQUESTS);
const FEED_WARMUP = 50;
const FEED_COHORTS = 20;
const FEED_SESSIONS_PER_COHORT = 10;
const FEED_EVENTS = FEED_COHORTS * FEED_SESSIONS_PER_COHORT;
/** Reminders (a) / messages (b) before each run, not counted: boots the worker, warms JIT and the SMTP pool. */
const WARMUP = 100;
/** The reminder offset of the benchmark's rounds, in minutes. */
const OFFSET_MINUTES = 1;
const SETTLE_MS = 1000;
/** After the sink has everything: how long to keep listening for late duplicates before counting. */
const GRACE_MS = 500;
const RUN_TIMEOUT_MS = 5 * 60_000;
const BOOT_TIMEOUT_MS = 60_000;
const OVERALL_TIMEOUT_MS = (2 * RUNS_PER_SIDE + 4) * RUN_TIMEOUT_MS;
const TARGET_RATIO = 0.7;
const TARGET_FEED_P95_MS = 20;
const TARGET_NOT_MODIFIED_SPEEDUP = 5;
const SKIP = process.env.BENCH_SKIP ?? '';
const nodeArgs = (name: string) => (process.env[name] ?? '').split(/\s+/).filter(Boolean);
const WORKER_NODE_ARGS = nodeArgs('BENCH_WORKER_NODE_ARGS');
const APP_NODE_ARGS = nodeArgs('BENCH_APP_NODE_ARGS');

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const wallClock = () => performance.timeOrigin + performance.now();
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const PROGRAMME = {
  title: { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande', en: 'Complexity and systems thinking' },
  summary: { fi: 'Kolmen päivän valmennus.', sv: 'Tre dagars coachning.', en: 'Three days of coaching.' },
  description: { fi: 'Valmennus **kompleksisuusajatteluun**.' },
};
const PLACE = 'Valtiovarainministeriö, Snellmaninkatu 1 A, Helsinki';
const MEETING_LINK = 'https://teams.example.fi/l/meetup-join/verso-penkki';
const AGENDA = 'Aamupäivä: **systeemikartta** omasta työstä.\n\nIltapäivä: pienryhmät ja yhteenveto. Ota mukaan kannettava.';

interface Outgoing {
  to: string;
  toName: string | null;
  mail: RenderedMail;
}

interface RunResult {
  side: 'app' | 'baseline';
  run: number;
  messages: number;
  /** From the due time (a) / the first sendMail (b) to the sink holding every message. */
  elapsedMs: number;
  messagesPerSecond: number;
  /** From the same start to the sink's first message. */
  firstMessageMs: number | null;
  delivery: Delivery;
  [extra: string]: unknown;
}

interface Answer {
  status: number;
  ms: number;
  etag: string | null;
  contentType: string | null;
  body: string;
}

interface FeedFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** CPU time of the web process per request, over the blocks of this kind (10 ms ticks). */
  appCpuPerRequestMs: number;
  bodyBytes: number;
}

const figures = (latencies: number[], cpuMs: number, bodyBytes: number): FeedFigures => ({
  requests: latencies.length,
  p50Ms: round(percentile(latencies, 50), 2),
  p95Ms: round(percentile(latencies, 95), 2),
  p99Ms: round(percentile(latencies, 99), 2),
  maxMs: round(Math.max(...latencies), 2),
  meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length, 2),
  appCpuPerRequestMs: round(cpuMs / latencies.length, 3),
  bodyBytes,
});

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  private readonly databaseUrl: string;
  /** One REDIS_PREFIX for all the site's processes, as the app requires; emptied before each app run. */
  private readonly redisBase = `verso-bench-reminders-${this.id}`;
  /** Shared by the in-process app and the web process: the feed token is an HMAC under it. */
  private readonly sessionSecret = randomBytes(24).toString('hex');
  private readonly sink = new SinkProcess();
  private app?: NestFastifyApplication;
  private config!: Config;
  private dataSource!: DataSource;
  private worker?: WorkerProcess;
  private web?: WorkerProcess;
  private webPort = 0;
  private createdDatabase = false;
  private cleanedUp?: Promise<void>;
  private cohortId = '';
  private warmupCohortId = '';
  private feedUserId = '';
  /** Figures of the fixture, for the result's setup. */
  readonly fixture: Record<string, unknown> = {};

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_reminders_${this.id}`;
    this.databaseUrl = url.toString();
  }

  get webPid(): number | undefined {
    return this.web?.pid;
  }

  /** The in-process app (APP_ROLE=web, not listening) creates and migrates the database. */
  async setUp(): Promise<void> {
    await this.sink.start();
    this.webPort = await freePort();
    this.config = loadConfig({
      NODE_ENV: 'test',
      APP_ROLE: 'web',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisBase,
      SESSION_SECRET: this.sessionSecret,
      BASE_URL: `http://127.0.0.1:${this.webPort}`,
    });
    this.createdDatabase = true; // createApp creates it: drop it even if createApp fails half-way
    this.app = await createApp(this.config);
    await this.app.init();
    this.dataSource = this.app.get(DataSource);
  }

  private query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }

  private async count(sql: string, params: unknown[] = []): Promise<number> {
    const [{ n }] = await this.query<{ n: number }>(sql, params);
    return n;
  }

  private async insertPeople(count: number, tag: string): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `INSERT INTO app_user (email, display_name, language)
       -- Every 10th person reads Swedish, every 20th English, the rest Finnish.
       SELECT $1 || '-' || i || '@example.fi', 'Osallistuja Äijälä ' || i,
              CASE WHEN i % 20 = 0 THEN 'en' WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END
       FROM generate_series(1, $2::int) AS i ORDER BY i RETURNING id`,
      [`${tag}-${this.id}`, count],
    );
    return rows.map((row) => row.id);
  }

  private async insertCohort(programmeId: string, name: string, capacity: number, offsets: number[] | null): Promise<string> {
    const [{ id }] = await this.query<{ id: string }>(
      `INSERT INTO cohort (programme_id, name, term, status, capacity, enrolment_opens_at, enrolment_closes_at, delivery_mode, place, meeting_link,
                           starts_at, ends_at, reminder_offsets)
       VALUES ($1, $2, '2026-autumn', 'published', $3, now() - interval '30 days', now() + interval '30 days', 'hybrid', $4, $5,
               now(), now() + interval '400 days', coalesce($6::int[], '{10080,1440}'))
       RETURNING id`,
      [programmeId, name, capacity, PLACE, MEETING_LINK, offsets],
    );
    return id;
  }

  /** Confirmed seats, inserted as a rush would leave them; the enrolment triggers count the seats and plan each person's reminders. */
  private async confirm(cohortId: string, userIds: string[]): Promise<void> {
    await this.query(
      `INSERT INTO enrolment (cohort_id, user_id, status, confirmed_at) SELECT $1, user_id, 'confirmed', now() FROM unnest($2::uuid[]) AS p(user_id)`,
      [cohortId, userIds],
    );
  }

  private async addSession(cohortId: string, startsAt: Date, lengthMs: number): Promise<string> {
    const [{ id }] = await this.query<{ id: string }>(
      `INSERT INTO cohort_session (cohort_id, starts_at, ends_at, agenda) VALUES ($1, $2, $3, $4) RETURNING id`,
      [cohortId, startsAt.toISOString(), new Date(startsAt.getTime() + lengthMs).toISOString(), AGENDA],
    );
    return id;
  }

  /** A session done with is cancelled, so that the next one may overlap its time (the round's no-overlap rule). */
  private async cancelSession(sessionId: string): Promise<void> {
    await this.query(`UPDATE cohort_session SET status = 'cancelled' WHERE id = $1`, [sessionId]);
  }

  /**
   * The round of MESSAGES people (capacity checks dropped: see setup), a warm-up round, and the feed
   * person's 20 rounds. Returns the baseline's messages.
   */
  async makeFixture(): Promise<Outgoing[]> {
    const started = performance.now();
    // The schema allows at most 1,000 seats a round; this benchmark's one round holds 10,000.
    await this.query(`ALTER TABLE cohort DROP CONSTRAINT cohort_capacity_range, DROP CONSTRAINT cohort_seats_within_capacity`);
    const [{ id: programmeId }] = await this.query<{ id: string }>(
      `INSERT INTO programme (slug, title, summary, description, theme, status) VALUES ($1, $2, $3, $4, 'complexity', 'published') RETURNING id`,
      [`muistutukset-${this.id}`, PROGRAMME.title, PROGRAMME.summary, PROGRAMME.description],
    );
    this.cohortId = await this.insertCohort(programmeId, 'Syksyn ryhmä (10 000)', MESSAGES, [OFFSET_MINUTES]);
    this.warmupCohortId = await this.insertCohort(programmeId, 'Lämmittelyryhmä', WARMUP, [OFFSET_MINUTES]);

    // Another session of the round, two months ahead: its reminders are the baseline's messages.
    const templateSession = await this.addSession(this.cohortId, new Date(Date.now() + 60 * DAY_MS), 3 * HOUR_MS);
    const people = await this.insertPeople(MESSAGES, 'osallistuja');
    const enrolStarted = performance.now();
    await this.confirm(this.cohortId, people);
    this.fixture.enrolmentsWithTriggerMs = round(performance.now() - enrolStarted);
    const planned = await this.count(`SELECT count(*)::int AS n FROM notification WHERE key LIKE $1 AND status = 'pending'`, [`reminder-${templateSession}-%`]);
    if (planned !== MESSAGES) throw new Error(`confirming ${MESSAGES} people planned ${planned} reminders of the template session, not ${MESSAGES}`);
    this.fixture.plannedByEnrolmentTrigger = planned;
    await this.confirm(this.warmupCohortId, await this.insertPeople(WARMUP, 'lammittely'));

    const outgoing = await this.renderBaseline(templateSession);

    // The feed: one person in 20 rounds of 10 sessions a day apart, from a month ahead.
    [this.feedUserId] = await this.insertPeople(1, 'kalenteri');
    for (let c = 0; c < FEED_COHORTS; c++) {
      const cohortId = await this.insertCohort(programmeId, `Kalenteriryhmä ${c + 1}`, 20, null);
      await this.query(
        `INSERT INTO cohort_session (cohort_id, starts_at, ends_at, agenda, place)
         SELECT $1, s, s + interval '3 hours', $3, CASE WHEN k % 2 = 0 THEN 'Kuntatalo, Toinen linja 14, Helsinki' END
         FROM generate_series(1, $4::int) AS k, LATERAL (SELECT date_trunc('hour', now()) + make_interval(days => 30 + $2::int * $4::int + k, hours => 2) AS s) t`,
        [cohortId, c, AGENDA, FEED_SESSIONS_PER_COHORT],
      );
      await this.confirm(cohortId, [this.feedUserId]);
    }
    this.fixture.people = MESSAGES;
    this.fixture.pendingRowsAfterFixture = await this.count(`SELECT count(*)::int AS n FROM notification WHERE status = 'pending'`);
    this.fixture.fixtureMs = round(performance.now() - started);
    return outgoing;
  }

  /**
   * Each person's reminder of the template session, rendered as the worker renders it: the kind's
   * refresh (batched, as the worker's concurrent jobs are), then the MailRenderer.
   */
  private async renderBaseline(sessionId: string): Promise<Outgoing[]> {
    const started = performance.now();
    const kind = this.app!.get(NotificationKinds).get(REMINDER_KINDS.reminder);
    const renderer = this.app!.get(MailRenderer);
    const rows = await this.query<{ recipient_email: string; recipient_name: string | null; language: Language; payload: Record<string, unknown> }>(
      `SELECT recipient_email, recipient_name, language, payload FROM notification WHERE key LIKE $1 ORDER BY recipient_email`,
      [`reminder-${sessionId}-%`],
    );
    const outgoing: Outgoing[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      outgoing.push(
        ...(await Promise.all(
          chunk.map(async (row) => {
            const payload = kind.refresh ? await kind.refresh(row.payload, row.language) : row.payload;
            if (!payload) throw new Error(`the template session's reminder to ${row.recipient_email} is stale`);
            const mail = await renderer.render({ kind: kind.name, language: row.language, recipientName: row.recipient_name, recipientEmail: row.recipient_email, payload });
            return { to: row.recipient_email, toName: row.recipient_name, mail };
          }),
        )),
      );
    }
    this.fixture.baselineRenderMs = round(performance.now() - started);
    return outgoing;
  }

  private sinkCpuMs(): number | null {
    return this.sink.pid ? procCpuMs(this.sink.pid) : null;
  }

  /** How many messages the sink holds, each second from `since`: where a slow run loses its time. */
  private watchProgress(since: number): { samples: number[]; stop: () => void } {
    const samples: number[] = [];
    let stopped = false;
    const tick = async () => {
      while (!stopped) {
        await sleep(Math.max(0, since + (samples.length + 1) * 1000 - wallClock()));
        if (stopped) return;
        samples.push((await this.sink.stats()).distinct);
      }
    };
    void tick().catch(() => undefined);
    return { samples, stop: () => (stopped = true) };
  }

  /** Waits until none of the rows with these keys is left unsent. */
  private async waitAllSent(keyPattern: string, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unsent = await this.count(`SELECT count(*)::int AS n FROM notification WHERE key LIKE $1 AND status <> 'sent'`, [keyPattern]);
      if (unsent === 0) return;
      if (Date.now() > deadline) throw new Error(`${what}: ${unsent} reminder rows still not 'sent' after ${timeoutMs / 1000} s`);
      await Promise.race([sleep(100), this.worker?.died]);
    }
  }

  async runApp(run: number, expected: Outgoing[]): Promise<RunResult> {
    // Each run starts on an empty queue; the worker of the previous run has stopped.
    await deleteRedisKeys(REDIS_URL, this.redisBase);
    const bootStarted = performance.now();
    const worker = new WorkerProcess(
      {
        // Production mode, as deployed; it needs a session secret even though a worker serves no HTTP.
        NODE_ENV: 'production',
        SESSION_SECRET: this.sessionSecret,
        APP_ROLE: 'worker',
        WORKER_CONCURRENCY: String(IN_FLIGHT),
        SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
        LOG_LEVEL: 'error',
        SMTP_URL: this.sink.url,
        DATABASE_URL: this.databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: this.redisBase,
        DEMO_DATA: 'false',
        BASE_URL: this.config.baseUrl,
      },
      WORKER_NODE_ARGS,
    );
    this.worker = worker;
    try {
      // Warm-up: a session of the small round falls due a moment after the worker was started.
      await this.sink.reset();
      const warmupSession = await this.addSession(this.warmupCohortId, new Date(Date.now() + OFFSET_MINUTES * MINUTE_MS + 1500), 30 * MINUTE_MS);
      await this.sink.waitForDistinct(WARMUP, BOOT_TIMEOUT_MS, `app run ${run}: worker boot and warm-up`, worker.died);
      await this.waitAllSent(`reminder-${warmupSession}-%`, BOOT_TIMEOUT_MS, `app run ${run}: warm-up`);
      const bootAndWarmupMs = performance.now() - bootStarted;
      await this.cancelSession(warmupSession);
      await Promise.race([sleep(SETTLE_MS), worker.died]);
      await this.sink.reset();

      // The session whose reminders fall due LEAD_MS from now.
      const dueAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + LEAD_MS);
      const planStarted = wallClock();
      const sessionId = await this.addSession(this.cohortId, new Date(dueAt.getTime() + OFFSET_MINUTES * MINUTE_MS), 3 * HOUR_MS);
      const planMs = wallClock() - planStarted;
      const keys = `reminder-${sessionId}-%`;
      const [plan] = await this.query<{ rows: number; pending: number; first_due: Date; last_due: Date }>(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status IN ('pending', 'queued'))::int AS pending, min(due_at) AS first_due, max(due_at) AS last_due
         FROM notification WHERE key LIKE $1`,
        [keys],
      );
      if (plan.rows !== MESSAGES || plan.pending !== MESSAGES) throw new Error(`app run ${run}: the new session planned ${plan.rows} reminders (${plan.pending} unsent), not ${MESSAGES}`);
      if (new Date(plan.first_due).getTime() !== dueAt.getTime() || new Date(plan.last_due).getTime() !== dueAt.getTime()) {
        throw new Error(`app run ${run}: reminders due ${new Date(plan.first_due).toISOString()}..${new Date(plan.last_due).toISOString()}, expected ${dueAt.toISOString()}`);
      }
      // Whether the relay had handed every row to the queue before they fell due (it is not timed).
      let relayedAfterMs: number | null = null;
      while (wallClock() < dueAt.getTime() - 50) {
        const waiting = await this.count(`SELECT count(*)::int AS n FROM notification WHERE key LIKE $1 AND status = 'pending'`, [keys]);
        if (waiting === 0) {
          relayedAfterMs = wallClock() - planStarted;
          break;
        }
        await Promise.race([sleep(100), worker.died]);
      }
      await Promise.race([sleep(Math.max(0, dueAt.getTime() - wallClock())), worker.died]);
      const cpuAtDue = { worker: worker.cpuMs(), sink: this.sinkCpuMs() };
      const progress = this.watchProgress(dueAt.getTime());
      const reached = await this.sink.waitForDistinct(MESSAGES, RUN_TIMEOUT_MS, `app run ${run}`, worker.died).finally(() => progress.stop());
      const elapsedMs = reached.lastAt! - dueAt.getTime();
      const workerCpuMs = (worker.cpuMs() ?? NaN) - (cpuAtDue.worker ?? NaN);
      const sinkCpuMs = (this.sinkCpuMs() ?? NaN) - (cpuAtDue.sink ?? NaN);
      await this.waitAllSent(keys, RUN_TIMEOUT_MS, `app run ${run}`);
      const allMarkedSentMs = wallClock() - dueAt.getTime();
      await Promise.race([sleep(GRACE_MS), worker.died]);
      const { counts, stats } = await this.sink.dump();
      const peakRssKb = worker.peakRssKb();

      const [rows] = await this.query<{ rows: number; sent: number; failed: number; cancelled: number; claimed_once: number; recipients: number; subject: number; text: number; html: number }>(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled, count(*) FILTER (WHERE attempts = 1)::int AS claimed_once,
                count(DISTINCT recipient_email)::int AS recipients,
                avg(octet_length(subject))::float AS subject, avg(octet_length(body_text))::float AS text, avg(octet_length(body_html))::float AS html
         FROM notification WHERE key LIKE $1`,
        [keys],
      );
      const ids = await this.query<{ id: string }>(`SELECT id FROM notification WHERE key LIKE $1`, [keys]);
      const [sample] = await this.query<{ subject: string }>(`SELECT subject FROM notification WHERE key LIKE $1 AND status = 'sent' LIMIT 1`, [keys]);
      await this.cancelSession(sessionId);
      const bytes = (mail: RenderedMail) => Buffer.byteLength(mail.subject) + Buffer.byteLength(mail.text) + Buffer.byteLength(mail.html);
      const appBytes = rows.subject + rows.text + rows.html;
      const baselineBytes = expected.reduce((sum, o) => sum + bytes(o.mail), 0) / expected.length;

      return {
        side: 'app',
        run,
        messages: MESSAGES,
        elapsedMs: round(elapsedMs),
        messagesPerSecond: round(MESSAGES / (elapsedMs / 1000)),
        firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - dueAt.getTime()),
        delivery: checkDelivery(counts, stats.total, ids.map((row) => `<${row.id}@verso>`)),
        dueAt: dueAt.toISOString(),
        planMs: round(planMs),
        relayedAllBeforeDue: relayedAfterMs !== null,
        relayedAllAfterMs: relayedAfterMs === null ? null : round(relayedAfterMs),
        workerCpuMs,
        workerCpuPerMessageMs: round(workerCpuMs / MESSAGES, 3),
        sinkCpuMs,
        workerBootAndWarmupMs: round(bootAndWarmupMs),
        allMarkedSentAfterMs: round(allMarkedSentMs),
        rows: { total: rows.rows, sent: rows.sent, failed: rows.failed, cancelled: rows.cancelled, claimedOnce: rows.claimed_once, distinctRecipients: rows.recipients },
        meanMessageBytes: { app: round(appBytes), baseline: round(baselineBytes) },
        sampleSubject: sample?.subject ?? null,
        receivedBySecond: progress.samples,
        workerPeakRssMb: peakRssKb === null ? null : round(peakRssKb / 1024),
        workerPid: worker.pid,
      };
    } finally {
      await worker.stop();
      this.worker = undefined;
    }
  }

  /** At most IN_FLIGHT sendMail in flight; rejects on the first refusal. */
  private sendAll(transport: Transporter, outgoing: Outgoing[], messageId: (i: number) => string): Promise<void> {
    return sendInLanes(transport, outgoing.length, IN_FLIGHT, (i) => ({
      from: this.config.mailFrom,
      to: outgoing[i].toName ? { name: outgoing[i].toName!, address: outgoing[i].to } : outgoing[i].to,
      subject: outgoing[i].mail.subject,
      text: outgoing[i].mail.text,
      html: outgoing[i].mail.html,
      messageId: messageId(i),
      attachments: [],
    }));
  }

  async runBaseline(run: number, outgoing: Outgoing[]): Promise<RunResult> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: this.sink.port, pool: true, maxConnections: CONNECTIONS });
    const never = (p: Promise<void>) => p.then(() => new Promise<never>(() => undefined));
    try {
      await this.sink.reset();
      const warm = this.sendAll(transport, outgoing.slice(0, WARMUP), (i) => `<warmup-b${run}-${i}-${this.id}@bench>`);
      await this.sink.waitForDistinct(Math.min(WARMUP, outgoing.length), BOOT_TIMEOUT_MS, `baseline run ${run}: warm-up`, never(warm));
      await warm;
      await sleep(SETTLE_MS);
      await this.sink.reset();

      const ids = outgoing.map((_, i) => `<b${run}-${i}-${this.id}@bench>`);
      const started = wallClock();
      const cpuAtStart = { sender: process.cpuUsage(), sink: this.sinkCpuMs() };
      const sending = this.sendAll(transport, outgoing, (i) => ids[i]);
      const reached = await this.sink.waitForDistinct(MESSAGES, RUN_TIMEOUT_MS, `baseline run ${run}`, never(sending));
      const elapsedMs = reached.lastAt! - started;
      const senderCpu = process.cpuUsage(cpuAtStart.sender);
      const senderCpuMs = Math.round((senderCpu.user + senderCpu.system) / 1000);
      const sinkCpuMs = (this.sinkCpuMs() ?? NaN) - (cpuAtStart.sink ?? NaN);
      await sending;
      await sleep(GRACE_MS);
      const { counts, stats } = await this.sink.dump();
      return {
        side: 'baseline',
        run,
        messages: MESSAGES,
        elapsedMs: round(elapsedMs),
        messagesPerSecond: round(MESSAGES / (elapsedMs / 1000)),
        firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - started),
        delivery: checkDelivery(counts, stats.total, ids),
        senderCpuMs,
        senderCpuPerMessageMs: round(senderCpuMs / MESSAGES, 3),
        sinkCpuMs,
      };
    } finally {
      transport.close();
    }
  }

  /** Starts the web app as a process of its own and waits until it answers. */
  async startWeb(): Promise<void> {
    this.web = new WorkerProcess(
      {
        NODE_ENV: 'production',
        SESSION_SECRET: this.sessionSecret,
        APP_ROLE: 'web',
        HOST: '127.0.0.1',
        PORT: String(this.webPort),
        BASE_URL: this.config.baseUrl,
        LOG_LEVEL: 'error',
        DATABASE_URL: this.databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: this.redisBase,
        DEMO_DATA: 'false',
      },
      APP_NODE_ARGS,
    );
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.webPort}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`the web app did not become ready in ${BOOT_TIMEOUT_MS / 1000} s:\n${this.web.tail()}`);
      await Promise.race([sleep(200), this.web.died]);
    }
  }

  private get(agent: http.Agent, path: string, ifNoneMatch?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        { host: '127.0.0.1', port: this.webPort, path, method: 'GET', agent, headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              ms: performance.now() - started,
              etag: (response.headers.etag as string | undefined) ?? null,
              contentType: (response.headers['content-type'] as string | undefined) ?? null,
              body,
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  /** Sequential keep-alive GETs of the person's feed: blocks of full and conditional GETs alternating. */
  async runFeed(): Promise<{ full: FeedFigures; notModified: FeedFigures; checks: Record<string, unknown>; invariants: Invariant[] }> {
    const address = await this.app!.get(CalendarFeedService).addressFor(this.feedUserId);
    const path = new URL(address).pathname;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await this.get(agent, path);
      if (first.status !== 200 || !first.etag) throw new Error(`GET ${path.replace(/[^/]+\.ics$/, '<token>.ics')}: ${first.status}, ETag ${first.etag}: ${first.body.slice(0, 300)}`);
      const etag = first.etag;
      const events = new ICAL.Component(ICAL.parse(first.body)).getAllSubcomponents('vevent').length;
      for (let i = 0; i < FEED_WARMUP; i++) {
        await this.get(agent, path);
        await this.get(agent, path, etag);
      }
      const full: Answer[] = [];
      const conditional: Answer[] = [];
      const cpu = { full: 0, conditional: 0 };
      const pid = this.web!.pid;
      while (full.length < FEED_REQUESTS) {
        const n = Math.min(FEED_BLOCK, FEED_REQUESTS - full.length);
        for (const kind of ['full', 'conditional'] as const) {
          const before = procCpuMs(pid) ?? NaN;
          for (let i = 0; i < n; i++) {
            const answer = await Promise.race([this.get(agent, path, kind === 'conditional' ? etag : undefined), this.web!.died]);
            (kind === 'full' ? full : conditional).push(answer);
          }
          cpu[kind] += (procCpuMs(pid) ?? NaN) - before;
        }
      }
      const bodyBytes = Buffer.byteLength(first.body);
      const invariants = [
        invariant('feed-200-vevents', `The full feed parses with ical.js to exactly ${FEED_EVENTS} VEVENTs.`, [events], (n) => (n === FEED_EVENTS ? null : `${n} VEVENTs`)),
        invariant('feed-content-type', 'The full feed is text/calendar.', [first.contentType], (t) => (t?.startsWith('text/calendar') ? null : `Content-Type ${t}`)),
        invariant('feed-weak-etag', 'The feed has a weak ETag (W/"…").', [etag], (e) => (e.startsWith('W/"') ? null : `ETag ${e}`)),
        invariant('feed-full-stable', 'Every full GET answered 200 with the same ETag and body.', full, (a) =>
          a.status === 200 && a.etag === etag && a.body === first.body ? null : `${a.status}, ETag ${a.etag}, ${a.body.length} characters`,
        ),
        invariant('feed-304-empty', 'Every conditional GET (If-None-Match: the ETag) answered 304 with no body.', conditional, (a) =>
          a.status === 304 && a.body.length === 0 ? null : `${a.status}, ${a.body.length} characters of body`,
        ),
      ].map((inv) => ({ ...inv, failures: inv.failures.slice(0, 5) }));
      return {
        full: figures(full.map((a) => a.ms), cpu.full, bodyBytes),
        notModified: figures(conditional.map((a) => a.ms), cpu.conditional, 0),
        checks: { vevents: events, etag, contentType: first.contentType, bodyBytes },
        invariants,
      };
    } finally {
      agent.destroy();
    }
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }

  /** Stops the worker, the web process and the app, drops the database and this run's Redis keys, stops the sink. */
  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      await cleanUpStep('stop the worker', async () => this.worker?.stop(5000));
      await cleanUpStep('stop the web process', async () => this.web?.stop(5000));
      await cleanUpStep('close the app', async () => this.app?.close());
      if (this.createdDatabase) await cleanUpStep('drop the database', () => dropDatabase(this.databaseUrl));
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisBase));
      await cleanUpStep('stop the SMTP sink', () => this.sink.stop());
    })();
    return this.cleanedUp;
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:reminders', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);

  try {
    log(
      `bench:reminders: ${MESSAGES} reminders of one session, ${CONNECTIONS} SMTP connections, ${IN_FLIGHT} in flight, ${RUNS_PER_SIDE} runs a side (b,a alternating); ` +
        `feed of ${FEED_EVENTS} sessions, ${FEED_REQUESTS} full and ${FEED_REQUESTS} conditional GETs; node ${process.version}`,
    );
    await bench.setUp();
    const environment = await bench.environment();
    const outgoing = await bench.makeFixture();
    log(`fixture ready in ${bench.fixture.fixtureMs} ms (${MESSAGES} enrolments with their reminder trigger ${bench.fixture.enrolmentsWithTriggerMs} ms, baseline rendered in ${bench.fixture.baselineRenderMs} ms)`);

    const runs: RunResult[] = [];
    if (SKIP !== 'mail') {
      for (let run = 1; run <= RUNS_PER_SIDE; run++) {
        for (const side of ['baseline', 'app'] as const) {
          const result = side === 'baseline' ? await bench.runBaseline(run, outgoing) : await bench.runApp(run, outgoing);
          runs.push(result);
          const extra =
            side === 'app'
              ? `, first after ${result.firstMessageMs} ms, planned in ${result.planMs} ms, relayed before due: ${result.relayedAllBeforeDue} (${result.relayedAllAfterMs} ms), worker CPU ${result.workerCpuPerMessageMs} ms/msg`
              : `, sender CPU ${result.senderCpuPerMessageMs} ms/msg`;
          log(`  ${side.padEnd(8)} run ${run}: ${String(result.messagesPerSecond).padStart(7)} msg/s (${result.elapsedMs} ms), exactly once: ${result.delivery.exactlyOnce}${extra}`);
        }
      }
    }

    let feed: Awaited<ReturnType<Bench['runFeed']>> | null = null;
    if (SKIP !== 'feed') {
      await bench.startWeb();
      feed = await bench.runFeed();
      log(`  feed: full p50 ${feed.full.p50Ms} ms p95 ${feed.full.p95Ms} ms (${feed.full.bodyBytes} bytes); 304 p50 ${feed.notModified.p50Ms} ms p95 ${feed.notModified.p95Ms} ms`);
    }

    const app = runs.filter((r) => r.side === 'app');
    const baseline = runs.filter((r) => r.side === 'baseline');
    const appElapsedMs = app.length ? round(median(app.map((r) => r.elapsedMs))) : null;
    const baselineElapsedMs = baseline.length ? round(median(baseline.map((r) => r.elapsedMs))) : null;
    const appMessagesPerSecond = app.length ? round(median(app.map((r) => r.messagesPerSecond))) : null;
    const baselineMessagesPerSecond = baseline.length ? round(median(baseline.map((r) => r.messagesPerSecond))) : null;
    // Baseline time ÷ app time, i.e. the app's throughput ÷ the baseline's, of the medians.
    const ratio = appElapsedMs && baselineElapsedMs ? round(baselineElapsedMs / appElapsedMs, 3) : null;
    const feedP95Ms = feed?.full.p95Ms ?? null;
    const notModifiedSpeedup = feed ? round(feed.full.p50Ms / feed.notModified.p50Ms, 2) : null;

    const rowsOk = (r: RunResult) => {
      const rows = r.rows as { total: number; sent: number; failed: number; distinctRecipients: number };
      return rows.total === MESSAGES && rows.sent === MESSAGES && rows.failed === 0 && rows.distinctRecipients === MESSAGES;
    };
    const invariants: Invariant[] = [
      invariant(
        'sink-exactly-once',
        'The sink received every expected Message-ID exactly once, no other Message-ID, and exactly `messages` messages (both sides, every run).',
        runs,
        (r) => (r.delivery.exactlyOnce ? null : `${r.side} run ${r.run}: ${JSON.stringify(r.delivery)}`),
      ),
      invariant('reminder-rows-sent', `Every reminder row of the session is 'sent' afterwards, none failed or cancelled, to ${MESSAGES} distinct people.`, app, (r) =>
        rowsOk(r) ? null : `app run ${r.run}: ${JSON.stringify(r.rows)}`,
      ),
      invariant('reminder-claimed-once', 'Every reminder row was claimed by the worker exactly once (attempts = 1: no retries, no re-sends).', app, (r) => {
        const rows = r.rows as { claimedOnce: number };
        return rows.claimedOnce === MESSAGES ? null : `app run ${r.run}: ${JSON.stringify(r.rows)}`;
      }),
      invariant('same-size-messages', "The app's messages (as stored on the rows) are within 2% of the baseline's in mean size (subject + text + HTML).", app, (r) => {
        const { app: a, baseline: b } = r.meanMessageBytes as { app: number; baseline: number };
        return Math.abs(a - b) / b <= 0.02 ? null : `app run ${r.run}: ${a} bytes vs ${b}`;
      }),
      ...(feed?.invariants ?? []),
    ];
    const exactlyOnce = runs.length > 0 && runs.every((r) => r.delivery.exactlyOnce) && app.every(rowsOk);

    const finishedAt = new Date();
    const result = {
      benchmark: 'reminders',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      messages: MESSAGES,
      connections: CONNECTIONS,
      inFlight: IN_FLIGHT,
      runsPerSide: RUNS_PER_SIDE,
      node: process.version,
      ratio,
      targetRatio: TARGET_RATIO,
      exactlyOnce,
      feedP95Ms,
      targetFeedP95Ms: TARGET_FEED_P95_MS,
      notModifiedSpeedup,
      targetNotModifiedSpeedup: TARGET_NOT_MODIFIED_SPEEDUP,
      appElapsedMs,
      baselineElapsedMs,
      appMessagesPerSecond,
      baselineMessagesPerSecond,
      feed: feed ? { events: FEED_EVENTS, full: feed.full, notModified: feed.notModified, checks: feed.checks } : null,
      invariants,
      runs,
      setup: {
        database: 'a throwaway database, migrated by the in-process app (APP_ROLE=web) at start, dropped at the end',
        constraintsDropped:
          'cohort_capacity_range and cohort_seats_within_capacity are dropped in the bench database only, so that one round holds 10,000 confirmed seats; the reminder, outbox, worker and SMTP path is untouched',
        people: `${MESSAGES} people inserted with SQL (every 10th Swedish, every 20th English), confirmed in one published round (cohort) with reminder_offsets {${OFFSET_MINUTES}} by one INSERT into enrolment: the enrolment trigger planned each person's reminder of the round's session two months ahead (checked: ${MESSAGES} pending rows); those stay pending throughout, as a round's later sessions' reminders would`,
        session:
          `each app run adds a session starting at T + ${OFFSET_MINUTES} min to that round (T = ${LEAD_MS} ms after the insert, on a whole second): the cohort_session trigger plans its ${MESSAGES} reminders due at T in the same statement (checked: ${MESSAGES} rows, all due at T); ` +
          'the session is cancelled after the run so the next run may overlap its time',
        warmup: `${WARMUP} people in a round of their own; before each app run a session of theirs falls due at once (boots the worker, warms the reminder path and the SMTP pool); ${WARMUP} messages before each baseline run; then ${SETTLE_MS} ms quiet`,
        feed: `one person confirmed in ${FEED_COHORTS} published rounds of ${FEED_SESSIONS_PER_COHORT} sessions each, a day apart from a month ahead; address from CalendarFeedService.addressFor in the in-process app (same SESSION_SECRET as the web process)`,
        ...bench.fixture,
      },
      method: {
        order: 'baseline, app alternating, baseline first',
        app:
          'a fresh worker process per run (node dist/src/main.js, APP_ROLE=worker, NODE_ENV=production, WORKER_CONCURRENCY=inFlight, SMTP_MAX_CONNECTIONS=connections, LOG_LEVEL=error, on the site\'s one Redis prefix, emptied before each run), started before the warm-up; ' +
          'timed from T, the rows\' due_at, to the sink holding every Message-ID (<notification id@verso>); relayedAllBeforeDue says whether the relay had queued every row before T',
        baseline:
          "each person's reminder of the round's other session, rendered once beforehand in-process as the worker renders it (the session.reminder kind's refresh, batched 200 at a time, then the app's MailRenderer); one pooled nodemailer transport (pool: true, maxConnections = connections) per run, at most `inFlight` sendMail in flight, To with the person's name as the app sends it; timed from the first sendMail to the sink holding every Message-ID",
        ratio: 'median baseline elapsed ÷ median app elapsed (the app\'s throughput ÷ the baseline\'s)',
        sink: 'smtp-server in a child process of its own; counts Message-IDs read from the raw header, bodies not parsed',
        receivedBySecond: "app runs: how many distinct messages the sink held at each whole second after T",
        feed:
          `the web app as a process of its own (node dist/src/main.js, APP_ROLE=web, NODE_ENV=production, LOG_LEVEL=error), started after the mail runs; one keep-alive connection, sequential requests; ${FEED_WARMUP} full and ${FEED_WARMUP} conditional GETs of warm-up, ` +
          `then blocks of ${FEED_BLOCK} full GETs and ${FEED_BLOCK} conditional GETs (If-None-Match: the ETag of the first answer) alternating until ${FEED_REQUESTS} of each; latency from sending to the last byte read; ` +
          'feedP95Ms is the full GETs\' p95; notModifiedSpeedup is the full GETs\' median ÷ the conditional GETs\' median; appCpuPerRequestMs is the web process\'s CPU time over the blocks of that kind ÷ their requests',
        cpu: 'workerCpuMs / senderCpuMs / sinkCpuMs: CPU time (user + system, 10 ms ticks) of the worker process / the bench process sending the baseline / the sink process over the timed part',
        workerNodeArgs: WORKER_NODE_ARGS,
        appNodeArgs: APP_NODE_ARGS,
      },
      environment: { ...environment, webPid: bench.webPid, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    };

    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `reminders-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    log('');
    if (ratio !== null) {
      log(`due → worker → sink:   ${appMessagesPerSecond} msg/s, ${appElapsedMs} ms (median of ${app.length})`);
      log(`nodemailer pool → sink: ${baselineMessagesPerSecond} msg/s, ${baselineElapsedMs} ms (median of ${baseline.length})`);
      log(`ratio ${ratio} (target ≥ ${TARGET_RATIO}, ${met(ratio >= TARGET_RATIO)}); exactly once: ${exactlyOnce}`);
    }
    if (feed) {
      log(`feed p95 ${feedP95Ms} ms (target ≤ ${TARGET_FEED_P95_MS}, ${met(feedP95Ms! <= TARGET_FEED_P95_MS)}); 304 ${notModifiedSpeedup}× cheaper (target ≥ ${TARGET_NOT_MODIFIED_SPEEDUP}, ${met(notModifiedSpeedup! >= TARGET_NOT_MODIFIED_SPEEDUP)})`);
    }
    return reportInvariants(invariants, file);
  } finally {
    await bench.cleanUp();
  }
}

runBench('bench:reminders', main);
