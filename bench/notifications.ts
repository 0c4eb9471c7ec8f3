// npm run bench:notifications — 10,000 notifications due at once, to a local SMTP sink.
//
//   (a) outbox: the in-process app (APP_ROLE=web) writes 10,000 rows with NotificationsService.notify
//       in one transaction; timed from the commit until the sink holds all 10,000 Message-IDs. A
//       separate worker process (dist/src/main.js, APP_ROLE=worker) relays, renders and sends them.
//   (b) baseline: the same 10,000 messages, rendered beforehand with the app's MailRenderer, sent
//       straight from one pooled nodemailer transport with at most IN_FLIGHT sendMail in flight.
//
// Both sides use the same concurrency: CONNECTIONS SMTP connections (SMTP_MAX_CONNECTIONS = the
// baseline pool's maxConnections), so at most that many messages are at the sink at once, and
// IN_FLIGHT messages under way in the process (WORKER_CONCURRENCY jobs = the baseline's sendMail
// calls in flight; the pool queues what its connections cannot take yet). They also share the
// sink (a child process of its own, so neither side shares an event loop with it), the same
// warm-up, and are timed to the same end point: the sink has every message. Sides alternate
// b,a,b,a,… (five runs a side: this machine is shared and noisy); the figures are medians. Each run
// checks that every message arrived exactly once.
// Writes bench/results/notifications-<time>.json and prints a summary.
//
// Knobs for investigating (the defaults are the benchmark): BENCH_MESSAGES, BENCH_CONNECTIONS, BENCH_IN_FLIGHT, BENCH_RUNS,
// BENCH_WORKER_NODE_ARGS (extra node options for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import nodemailer, { Transporter } from 'nodemailer';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { Config, loadConfig } from '../src/config/config';
import { MailRenderer, RenderedMail } from '../src/notifications/mail-renderer';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
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
  intFromEnv,
  log,
  median,
  reportInvariants,
  round,
  runBench,
  sendInLanes,
  sleep,
} from './support/bench-kit';

const MESSAGES = intFromEnv('BENCH_MESSAGES', 10_000, 1, 1_000_000);
/** SMTP connections on both sides: the worker's SMTP_MAX_CONNECTIONS = the baseline pool's maxConnections. */
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 10, 1, 100);
/** Messages under way at once on both sides: the worker's WORKER_CONCURRENCY = the baseline's sendMail calls in flight. */
const IN_FLIGHT = intFromEnv('BENCH_IN_FLIGHT', 80, 1, 200);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 5, 1, 9);
/** Sent (and not counted) before each run on both sides: boots the worker, warms JIT and the SMTP pool. */
const WARMUP = 100;
/** Quiet time after the warm-up, before the timed part. */
const SETTLE_MS = 1000;
/** After the sink has everything: how long to keep listening for late duplicates before counting. */
const GRACE_MS = 500;
const RUN_TIMEOUT_MS = 5 * 60_000;
const BOOT_TIMEOUT_MS = 60_000;
/** The whole benchmark stops by itself after this, cleaning up what it can. */
const OVERALL_TIMEOUT_MS = (2 * RUNS_PER_SIDE + 2) * RUN_TIMEOUT_MS;
const TARGET_RATIO = 0.7;
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const wallClock = () => performance.timeOrigin + performance.now();


interface RunResult {
  side: 'outbox' | 'baseline';
  run: number;
  messages: number;
  /** From the commit (a) / the first sendMail (b) to the sink holding every message. */
  elapsedMs: number;
  messagesPerSecond: number;
  /** From the same start to the sink's first message: for (a), how long the relay took to hand out the first job. */
  firstMessageMs: number | null;
  delivery: Delivery;
  [extra: string]: unknown;
}

interface Invariant {
  name: string;
  description: string;
  passed: boolean;
  failures: string[];
}


class Bench {
  private readonly id = randomBytes(4).toString('hex');
  private readonly databaseUrl: string;
  private readonly redisBase = `verso-bench-${this.id}`;
  private readonly sink = new SinkProcess();
  private app?: NestFastifyApplication;
  private config!: Config;
  private dataSource!: DataSource;
  private worker?: WorkerProcess;
  private createdDatabase = false;
  private cleanedUp?: Promise<void>;
  /** requestedAt of message i, the same on both sides. */
  private readonly requestedAt: string[] = [];

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_${this.id}`;
    this.databaseUrl = url.toString();
    const base = Date.now();
    for (let i = 0; i < Math.max(MESSAGES, WARMUP); i++) this.requestedAt.push(new Date(base + i * 1000).toISOString());
  }

  async setUp(): Promise<void> {
    await this.sink.start();
    this.config = loadConfig({
      NODE_ENV: 'test',
      APP_ROLE: 'web',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: `${this.redisBase}-web`,
    });
    this.createdDatabase = true; // createApp creates it: drop it even if createApp fails half-way
    this.app = await createApp(this.config);
    await this.app.init();
    this.dataSource = this.app.get(DataSource);
  }

  /** The messages of the baseline, rendered as the worker renders them. */
  async renderAll(): Promise<{ mails: RenderedMail[]; ms: number }> {
    const renderer = this.app!.get(MailRenderer);
    const started = performance.now();
    const mails: RenderedMail[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      mails.push(await renderer.render({ kind: TEST_MESSAGE_KIND, language: 'fi', recipientName: null, payload: { requestedAt: this.requestedAt[i] } }));
    }
    return { mails, ms: performance.now() - started };
  }

  private sinkCpuMs(): number | null {
    return this.sink.pid ? procCpuMs(this.sink.pid) : null;
  }

  private email(tag: string, i: number) {
    return tag === 'warmup' ? `bench-warmup-${i}@example.fi` : `bench-${i}@example.fi`;
  }

  /** Writes `count` notifications in one transaction; returns their ids once it has committed. */
  private async notifyMany(count: number, tag: 'warmup' | 'run'): Promise<string[]> {
    const notifications = this.app!.get(NotificationsService);
    return this.dataSource.transaction(async (manager) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = await notifications.notify(
          TEST_MESSAGE_KIND,
          { email: this.email(tag, i), language: 'fi' },
          { requestedAt: this.requestedAt[i] },
          { manager },
        );
        if (!id) throw new Error(`notify() wrote no row for message ${i}`);
        ids.push(id);
      }
      return ids;
    });
  }

  /** Waits until no notification row is left unsent; returns how long that took. */
  private async waitAllSent(timeoutMs: number, what: string): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ unsent }]: { unsent: number }[] = await this.dataSource.query(`SELECT count(*)::int AS unsent FROM notification WHERE status <> 'sent'`);
      if (unsent === 0) return performance.now() - started;
      if (Date.now() > deadline) throw new Error(`${what}: ${unsent} notification rows still not 'sent' after ${timeoutMs / 1000} s`);
      await Promise.race([sleep(100), this.worker?.died]);
    }
  }

  async runOutbox(run: number, expectedMails: RenderedMail[]): Promise<RunResult> {
    await this.dataSource.query('TRUNCATE notification');
    const redisPrefix = `${this.redisBase}-a${run}`;
    const bootStarted = performance.now();
    const worker = new WorkerProcess({
      // Production mode, as deployed; it needs a session secret even though a worker serves no HTTP.
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(24).toString('hex'),
      APP_ROLE: 'worker',
      WORKER_CONCURRENCY: String(IN_FLIGHT),
      SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
      LOG_LEVEL: 'error',
      SMTP_URL: this.sink.url,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      DEMO_DATA: 'false',
    }, WORKER_NODE_ARGS);
    this.worker = worker;
    try {
      await this.sink.reset();
      await this.notifyMany(WARMUP, 'warmup');
      await this.sink.waitForDistinct(WARMUP, BOOT_TIMEOUT_MS, `outbox run ${run}: worker boot and warm-up`, worker.died);
      const bootAndWarmupMs = performance.now() - bootStarted;
      await this.waitAllSent(BOOT_TIMEOUT_MS, `outbox run ${run}: warm-up`);
      await Promise.race([sleep(SETTLE_MS), worker.died]);
      await this.sink.reset();

      const insertStarted = wallClock();
      const ids = await this.notifyMany(MESSAGES, 'run');
      const committed = wallClock();
      const cpuAtCommit = { worker: worker.cpuMs(), sink: this.sinkCpuMs() };
      const reached = await this.sink.waitForDistinct(MESSAGES, RUN_TIMEOUT_MS, `outbox run ${run}`, worker.died);
      const elapsedMs = reached.lastAt! - committed;
      const workerCpuMs = (worker.cpuMs() ?? NaN) - (cpuAtCommit.worker ?? NaN);
      const sinkCpuMs = (this.sinkCpuMs() ?? NaN) - (cpuAtCommit.sink ?? NaN);
      await this.waitAllSent(RUN_TIMEOUT_MS, `outbox run ${run}`);
      const allMarkedSentMs = wallClock() - committed;
      await Promise.race([sleep(GRACE_MS), worker.died]);
      const { counts, stats } = await this.sink.dump();
      const peakRssKb = worker.peakRssKb();
      const sampledRssKb = worker.maxSampledRssKb;

      const [rows]: { rows: number; sent: number; claimed_once: number; max_attempts: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'sent')::int AS sent,
                count(*) FILTER (WHERE attempts = 1)::int AS claimed_once, coalesce(max(attempts), 0)::int AS max_attempts
         FROM notification WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      // The worker stores the message as sent: it must be exactly what the baseline sends.
      const stored: { recipient_email: string; subject: string; body_text: string; body_html: string }[] = await this.dataSource.query(
        `SELECT recipient_email, subject, body_text, body_html FROM notification WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      let differentFromBaseline = 0;
      for (const row of stored) {
        const i = Number(/^bench-(\d+)@/.exec(row.recipient_email)?.[1] ?? -1);
        const mail = expectedMails[i];
        if (!mail || mail.subject !== row.subject || mail.text !== row.body_text || mail.html !== row.body_html) differentFromBaseline++;
      }

      return {
        side: 'outbox',
        run,
        messages: MESSAGES,
        elapsedMs: round(elapsedMs),
        messagesPerSecond: round(MESSAGES / (elapsedMs / 1000)),
        firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - committed),
        delivery: checkDelivery(counts, stats.total, ids.map((id) => `<${id}@verso>`)),
        insertMs: round(committed - insertStarted),
        workerCpuMs,
        workerCpuPerMessageMs: round(workerCpuMs / MESSAGES, 3),
        sinkCpuMs,
        workerBootAndWarmupMs: round(bootAndWarmupMs),
        allMarkedSentAfterMs: round(allMarkedSentMs),
        rows: { total: rows.rows, sent: rows.sent, claimedOnce: rows.claimed_once, maxAttempts: rows.max_attempts },
        rowsDifferentFromBaselineMessage: differentFromBaseline,
        workerPeakRssMb: peakRssKb === null ? null : round(peakRssKb / 1024),
        workerMaxSampledRssMb: round(sampledRssKb / 1024),
        workerPid: worker.pid,
      };
    } finally {
      await worker.stop();
      this.worker = undefined;
    }
  }

  /** At most IN_FLIGHT sendMail in flight; rejects on the first refusal. */
  private sendAll(transport: Transporter, mails: RenderedMail[], messageId: (i: number) => string, to: (i: number) => string): Promise<void> {
    return sendInLanes(transport, mails.length, IN_FLIGHT, (i) => ({
      from: this.config.mailFrom,
      to: to(i),
      subject: mails[i].subject,
      text: mails[i].text,
      html: mails[i].html,
      messageId: messageId(i),
      attachments: [],
    }));
  }

  async runBaseline(run: number, mails: RenderedMail[]): Promise<RunResult> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: this.sink.port, pool: true, maxConnections: CONNECTIONS });
    try {
      await this.sink.reset();
      const warm = this.sendAll(transport, mails.slice(0, WARMUP), (i) => `<warmup-b${run}-${i}-${this.id}@bench>`, (i) => this.email('warmup', i));
      await this.sink.waitForDistinct(Math.min(WARMUP, mails.length), BOOT_TIMEOUT_MS, `baseline run ${run}: warm-up`, warm.then(() => new Promise<never>(() => undefined)));
      await warm;
      await sleep(SETTLE_MS);
      await this.sink.reset();

      const ids = mails.map((_, i) => `<b${run}-${i}-${this.id}@bench>`);
      const started = wallClock();
      const cpuAtStart = { sender: process.cpuUsage(), sink: this.sinkCpuMs() };
      const sending = this.sendAll(transport, mails, (i) => ids[i], (i) => this.email('run', i));
      const reached = await this.sink.waitForDistinct(MESSAGES, RUN_TIMEOUT_MS, `baseline run ${run}`, sending.then(() => new Promise<never>(() => undefined)));
      const elapsedMs = reached.lastAt! - started;
      const senderCpu = process.cpuUsage(cpuAtStart.sender);
      const senderCpuMs = Math.round((senderCpu.user + senderCpu.system) / 1000);
      const sinkCpuMs = (this.sinkCpuMs() ?? NaN) - (cpuAtStart.sink ?? NaN);
      await sending;
      const allAnsweredMs = wallClock() - started;
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
        allSendMailResolvedAfterMs: round(allAnsweredMs),
        senderCpuMs,
        senderCpuPerMessageMs: round(senderCpuMs / MESSAGES, 3),
        sinkCpuMs,
      };
    } finally {
      transport.close();
    }
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }


  /** Stops the worker and the app, drops the database and this run's Redis keys, stops the sink. */
  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      await cleanUpStep('stop the worker', async () => this.worker?.stop(5000));
      await cleanUpStep('close the app', async () => this.app?.close());
      if (this.createdDatabase) {
        await cleanUpStep('drop the database', () => dropDatabase(this.databaseUrl));
      }
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisBase));
      await cleanUpStep('stop the SMTP sink', () => this.sink.stop());
    })();
    return this.cleanedUp;
  }
}

function invariant(name: string, description: string, runs: RunResult[], failure: (run: RunResult) => string | null): Invariant {
  const failures = runs.map((run) => failure(run)).filter((f): f is string => f !== null);
  return { name, description, passed: failures.length === 0, failures };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:notifications', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);

  try {
    log(`bench:notifications: ${MESSAGES} messages, ${CONNECTIONS} SMTP connections, ${IN_FLIGHT} in flight, ${RUNS_PER_SIDE} runs a side (b,a alternating), node ${process.version}`);
    await bench.setUp();
    const environment = await bench.environment();
    const { mails, ms: renderMs } = await bench.renderAll();
    log(`rendered ${MESSAGES} baseline messages in ${Math.round(renderMs)} ms`);

    const runs: RunResult[] = [];
    for (let run = 1; run <= RUNS_PER_SIDE; run++) {
      for (const side of ['baseline', 'outbox'] as const) {
        const result = side === 'baseline' ? await bench.runBaseline(run, mails) : await bench.runOutbox(run, mails);
        runs.push(result);
        const extra =
          side === 'outbox'
            ? `, first after ${result.firstMessageMs} ms, worker CPU ${result.workerCpuPerMessageMs} ms/msg, peak RSS ${result.workerPeakRssMb} MB`
            : `, sender CPU ${result.senderCpuPerMessageMs} ms/msg`;
        log(
          `  ${side.padEnd(8)} run ${run}: ${String(result.messagesPerSecond).padStart(7)} msg/s (${result.elapsedMs} ms)` +
            `, exactly once: ${result.delivery.exactlyOnce}${extra}`,
        );
      }
    }

    const outbox = runs.filter((r) => r.side === 'outbox');
    const baseline = runs.filter((r) => r.side === 'baseline');
    const outboxMessagesPerSecond = round(median(outbox.map((r) => r.messagesPerSecond)));
    const baselineMessagesPerSecond = round(median(baseline.map((r) => r.messagesPerSecond)));
    const ratio = round(outboxMessagesPerSecond / baselineMessagesPerSecond, 3);
    const peaks = outbox.map((r) => r.workerPeakRssMb as number | null).filter((v): v is number => v !== null);
    const peakRssMb = peaks.length ? Math.max(...peaks) : null;
    const exactlyOnce = runs.every((r) => r.delivery.exactlyOnce);

    const invariants: Invariant[] = [
      invariant(
        'sink-exactly-once',
        'The sink received every expected Message-ID exactly once, no other Message-ID, and exactly `messages` messages (both sides, every run).',
        runs,
        (r) => (r.delivery.exactlyOnce ? null : `${r.side} run ${r.run}: ${JSON.stringify(r.delivery)}`),
      ),
      invariant('outbox-rows-sent', "Every outbox row written in the run is 'sent' afterwards.", outbox, (r) => {
        const rows = r.rows as { total: number; sent: number };
        return rows.total === MESSAGES && rows.sent === MESSAGES ? null : `outbox run ${r.run}: ${JSON.stringify(rows)}`;
      }),
      invariant('outbox-claimed-once', 'Every outbox row was claimed by the worker exactly once (attempts = 1: no retries, no re-sends).', outbox, (r) => {
        const rows = r.rows as { claimedOnce: number; maxAttempts: number };
        return rows.claimedOnce === MESSAGES ? null : `outbox run ${r.run}: ${JSON.stringify(rows)}`;
      }),
      invariant(
        'same-messages',
        "The outbox worker sent the same subject, text and HTML as the baseline's pre-rendered message for each recipient (as stored on the row).",
        outbox,
        (r) => (r.rowsDifferentFromBaselineMessage === 0 ? null : `outbox run ${r.run}: ${r.rowsDifferentFromBaselineMessage} rows differ`),
      ),
    ];

    const finishedAt = new Date();
    const result = {
      benchmark: 'notifications',
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
      peakRssMb,
      outboxMessagesPerSecond,
      baselineMessagesPerSecond,
      invariants,
      runs,
      method: {
        order: 'baseline, outbox alternating, baseline first',
        outbox:
          'in-process app (APP_ROLE=web) writes the rows with NotificationsService.notify in one transaction; timed from its commit to the sink holding every Message-ID; ' +
          'a fresh worker process (node dist/src/main.js, APP_ROLE=worker, NODE_ENV=production, WORKER_CONCURRENCY=inFlight, SMTP_MAX_CONNECTIONS=connections, LOG_LEVEL=error, a Redis prefix of its own) per run, notification table truncated before each run',
        baseline:
          'messages rendered once beforehand with the app MailRenderer; one pooled nodemailer transport (pool: true, maxConnections = connections) per run, at most `inFlight` sendMail in flight; timed from the first sendMail to the sink holding every Message-ID',
        warmup: `${WARMUP} messages before each run on both sides (not counted), then ${SETTLE_MS} ms quiet`,
        sink: 'smtp-server in a child process of its own; counts Message-IDs read from the raw header, bodies not parsed',
        peakRss: "VmHWM of the worker's /proc/<pid>/status read at the end of each run (also VmRSS sampled every 100 ms); peakRssMb is the largest over the runs",
        renderMs: round(renderMs),
        cpu: 'workerCpuMs / senderCpuMs / sinkCpuMs: CPU time (user + system, 10 ms ticks) of the worker process / the bench process sending the baseline / the sink process over the timed part',
        workerNodeArgs: WORKER_NODE_ARGS,
      },
      environment: { ...environment, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    };

    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `notifications-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    log(`outbox → queue → worker → sink: ${outboxMessagesPerSecond} msg/s (median of ${outbox.length})`);
    log(`nodemailer pool → sink:          ${baselineMessagesPerSecond} msg/s (median of ${baseline.length})`);
    log(`ratio ${ratio} (target ≥ ${TARGET_RATIO}${ratio >= TARGET_RATIO ? ', met' : ', NOT met'})`);
    log(`worker peak RSS ${peakRssMb} MB; exactly once: ${exactlyOnce}`);
    return reportInvariants(invariants, file);
  } finally {
    await bench.cleanUp();
  }
}

runBench('bench:notifications', main);
