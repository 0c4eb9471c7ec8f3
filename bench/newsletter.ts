// npm run bench:newsletter — one newsletter edition to 20,000 confirmed subscribers, to a local SMTP sink.
//
//   (a) outbox: the edition is due; NewsletterEditions.sendDue() (in this process, as the worker's
//       sweep would run it) queues one outbox row per subscriber in batches, and a separate worker
//       process (dist/src/main.js, APP_ROLE=worker) relays, refreshes (the subscriber's language,
//       the unsubscribe link), renders and sends them. Timed from the start of the queueing until
//       the sink holds every Message-ID.
//   (b) baseline: the same 20,000 messages (each subscriber's subject, text, HTML and
//       List-Unsubscribe headers), rendered beforehand with the app's own kind and MailRenderer,
//       sent straight from one pooled nodemailer transport with at most IN_FLIGHT sendMail in flight.
//
// Both sides use CONNECTIONS SMTP connections and IN_FLIGHT messages under way, the same sink (a
// child process of its own), the same warm-up, and the same end point. Sides alternate b,a,b,a…
// (3 runs a side); the figures are medians. Each run checks that every subscriber got exactly one
// message. While each side sends, a web process of its own (APP_ROLE=web) is asked for the
// newsletter archive and the events page at a fixed 20 requests a second: their p95 is
// `pageP95MsWhileSending` (the outbox side), against the same pages while the baseline sends and
// while nothing sends.
// Writes bench/results/newsletter-<time>.json and prints a summary.
//
// Knobs: BENCH_SUBSCRIBERS, BENCH_CONNECTIONS, BENCH_IN_FLIGHT, BENCH_RUNS, BENCH_WORKER_NODE_ARGS (extra node options
// for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import nodemailer, { Transporter } from 'nodemailer';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { Config, loadConfig } from '../src/config/config';
import { Language } from '../src/i18n/i18n';
import { NewsletterEditions } from '../src/newsletter/newsletter-editions.service';
import { MailRenderer, RenderedMail } from '../src/notifications/mail-renderer';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { PROJECT_ROOT } from '../src/paths';
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
import { SinkProcess } from './support/smtp-sink';
import { procCpuMs, startWebApp, WorkerProcess } from './support/worker-process';

const SUBSCRIBERS = intFromEnv('BENCH_SUBSCRIBERS', 20_000, 1, 1_000_000);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 10, 1, 100);
const IN_FLIGHT = intFromEnv('BENCH_IN_FLIGHT', 80, 1, 200);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 3, 1, 9);
const WARMUP = 100;
const SETTLE_MS = 1000;
const GRACE_MS = 500;
const RUN_TIMEOUT_MS = 10 * 60_000;
const BOOT_TIMEOUT_MS = 60_000;
const OVERALL_TIMEOUT_MS = (2 * RUNS_PER_SIDE + 3) * RUN_TIMEOUT_MS;
const TARGET_RATIO = 0.7;
/** The pages asked while mail goes out: one request every PAGE_INTERVAL_MS, not waiting for the last. */
const PAGE_INTERVAL_MS = 50;
const PAGES = ['/newsletter', '/events'];
const IDLE_PAGE_MS = 5000;
const KIND = 'newsletter.edition';
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Every process of the site shares the secret (it keys the unsubscribe links) and the Redis prefix (the app refuses to start otherwise).
const SESSION_SECRET = randomBytes(24).toString('hex');

const wallClock = () => performance.timeOrigin + performance.now();

interface Message {
  to: string;
  mail: RenderedMail;
  headers: Record<string, string>;
}

interface Pages {
  requests: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

interface RunResult {
  side: 'outbox' | 'baseline';
  run: number;
  messages: number;
  elapsedMs: number;
  messagesPerSecond: number;
  delivery: Delivery;
  pages: Pages;
  [extra: string]: unknown;
}

/** Asks the pages at a fixed rate until stopped; latencies of each answer, failures counted. */
class PageLoad {
  private readonly latencies: number[] = [];
  private failed = 0;
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly base: string) {}

  start(): void {
    let i = 0;
    this.timer = setInterval(() => {
      const path = PAGES[i++ % PAGES.length];
      const started = performance.now();
      const request = fetch(`${this.base}${path}`, { headers: { 'accept-language': 'fi' } })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) this.failed++;
          else this.latencies.push(performance.now() - started);
        })
        .catch(() => {
          this.failed++;
        })
        .finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }, PAGE_INTERVAL_MS);
  }

  async stop(): Promise<Pages> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    return {
      requests: this.latencies.length + this.failed,
      failed: this.failed,
      p50Ms: round(percentile(this.latencies, 50)),
      p95Ms: round(percentile(this.latencies, 95)),
      p99Ms: round(percentile(this.latencies, 99)),
    };
  }
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
  private web?: WorkerProcess;
  webBase = '';
  private createdDatabase = false;
  private cleanedUp?: Promise<void>;
  editionId = '';
  private warmupEditionId = '';

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_${this.id}`;
    this.databaseUrl = url.toString();
  }

  async setUp(): Promise<void> {
    await this.sink.start();
    this.config = loadConfig({
      NODE_ENV: 'test',
      APP_ROLE: 'web',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      SESSION_SECRET,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisBase,
    });
    this.createdDatabase = true;
    this.app = await createApp(this.config);
    await this.app.init();
    this.dataSource = this.app.get(DataSource);
    const port = await freePort();
    this.webBase = `http://127.0.0.1:${port}`;
    this.web = await startWebApp({ port, databaseUrl: this.databaseUrl, redisUrl: REDIS_URL, redisPrefix: this.redisBase, env: { SESSION_SECRET } });
  }

  /**
   * 20,000 confirmed subscribers (fi 70 %, sv 20 %, en 10 %; 10 % of them with accounts would not
   * change the path, so none), WARMUP more for the warm-up edition, and the two editions with the
   * network's own text: the subscribers' main edition and the warm-up one, both drafts.
   */
  async seed(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO newsletter_subscriber (email, language, status, confirmed_at)
       SELECT 'bench-' || i || '@example.fi', CASE WHEN i % 10 < 7 THEN 'fi' WHEN i % 10 < 9 THEN 'sv' ELSE 'en' END, 'confirmed', now()
       FROM generate_series(0, $1 - 1) i`,
      [SUBSCRIBERS],
    );
    await this.dataSource.query(
      `INSERT INTO newsletter_subscriber (email, language, status) SELECT 'bench-warmup-' || i || '@example.fi', 'fi', 'pending' FROM generate_series(0, $1 - 1) i`,
      [WARMUP],
    );
    const body = editionBody();
    const [main]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO newsletter_edition (subject, body) VALUES ($1, $2) RETURNING id`,
      [{ fi: 'Kehittäjäverkoston uutiskirje, joulukuu 2026', sv: 'Utvecklarnätverkets nyhetsbrev, december 2026', en: "The developers' network newsletter, December 2026" }, body],
    );
    const [warm]: { id: string }[] = await this.dataSource.query(`INSERT INTO newsletter_edition (subject, body) VALUES ($1, $2) RETURNING id`, [{ fi: 'Lämmittely' }, body]);
    this.editionId = main.id;
    this.warmupEditionId = warm.id;
  }

  /** Each subscriber's message as the worker sends it: the kind's refresh, headers and the app's renderer. */
  async renderAll(): Promise<{ messages: Message[]; ms: number }> {
    const kinds = this.app!.get(NotificationKinds);
    const renderer = this.app!.get(MailRenderer);
    const kind = kinds.get(KIND);
    const subscribers: { id: string; email: string; language: Language }[] = await this.dataSource.query(
      `SELECT id, email, language FROM newsletter_subscriber WHERE status = 'confirmed' ORDER BY id`,
    );
    const started = performance.now();
    const messages: Message[] = [];
    for (const s of subscribers) {
      const payload = await kinds.current(KIND, { editionId: this.editionId, subscriberId: s.id }, s.language);
      if (!payload) throw new Error(`subscriber ${s.email}: the edition's message is not current`);
      const recipient = { email: s.email, name: null };
      messages.push({
        to: s.email,
        mail: await renderer.render({ kind: KIND, language: s.language, recipientName: null, payload }),
        headers: kind.headers?.(payload, recipient) ?? {},
      });
    }
    return { messages, ms: performance.now() - started };
  }

  private sinkCpuMs(): number | null {
    return this.sink.pid ? procCpuMs(this.sink.pid) : null;
  }

  /** The edition due now, as an admin's scheduling leaves it, with nothing of an earlier run left. */
  private async makeDue(editionId: string): Promise<void> {
    await this.dataSource.query(`TRUNCATE notification`);
    await this.dataSource.query(`UPDATE newsletter_edition SET status = 'draft', scheduled_at = NULL, sent_at = NULL, recipient_count = 0, queued_through = NULL WHERE id = $1`, [editionId]);
    await this.dataSource.query(`UPDATE newsletter_edition SET status = 'scheduled', scheduled_at = now() - interval '1 second' WHERE id = $1`, [editionId]);
  }

  private async sendDue(): Promise<void> {
    await this.app!.get(NewsletterEditions).sendDue();
  }

  private async waitAllSent(timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ unsent }]: { unsent: number }[] = await this.dataSource.query(`SELECT count(*)::int AS unsent FROM notification WHERE status NOT IN ('sent', 'cancelled', 'failed')`);
      if (unsent === 0) return;
      if (Date.now() > deadline) throw new Error(`${what}: ${unsent} notification rows still not sent after ${timeoutMs / 1000} s`);
      await Promise.race([sleep(100), this.worker?.died]);
    }
  }

  async runOutbox(run: number): Promise<RunResult> {
    const worker = new WorkerProcess({
      NODE_ENV: 'production',
      SESSION_SECRET,
      APP_ROLE: 'worker',
      WORKER_CONCURRENCY: String(IN_FLIGHT),
      SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
      LOG_LEVEL: 'error',
      SMTP_URL: this.sink.url,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisBase,
      DEMO_DATA: 'false',
    }, WORKER_NODE_ARGS);
    this.worker = worker;
    try {
      // Warm-up: the warm-up edition to its own WARMUP subscribers, the main ones set aside meanwhile.
      await this.sink.reset();
      await this.dataSource.query(`UPDATE newsletter_subscriber SET status = CASE WHEN email LIKE 'bench-warmup-%' THEN 'confirmed' ELSE 'pending' END`);
      await this.makeDue(this.warmupEditionId);
      await this.sendDue();
      await this.sink.waitForDistinct(WARMUP, BOOT_TIMEOUT_MS, `outbox run ${run}: worker boot and warm-up`, worker.died);
      await this.waitAllSent(BOOT_TIMEOUT_MS, `outbox run ${run}: warm-up`);
      await this.dataSource.query(`UPDATE newsletter_subscriber SET status = CASE WHEN email LIKE 'bench-warmup-%' THEN 'pending' ELSE 'confirmed' END`);
      await this.makeDue(this.editionId);
      await Promise.race([sleep(SETTLE_MS), worker.died]);
      await this.sink.reset();

      const pages = new PageLoad(this.webBase);
      pages.start();
      const started = wallClock();
      const cpuAtStart = { worker: worker.cpuMs(), sink: this.sinkCpuMs(), bench: process.cpuUsage() };
      await this.sendDue();
      const queuedMs = wallClock() - started;
      const reached = await this.sink.waitForDistinct(SUBSCRIBERS, RUN_TIMEOUT_MS, `outbox run ${run}`, worker.died);
      const elapsedMs = reached.lastAt! - started;
      const pageFigures = await pages.stop();
      const workerCpuMs = (worker.cpuMs() ?? NaN) - (cpuAtStart.worker ?? NaN);
      const benchCpu = process.cpuUsage(cpuAtStart.bench);
      await this.waitAllSent(RUN_TIMEOUT_MS, `outbox run ${run}`);
      await Promise.race([sleep(GRACE_MS), worker.died]);
      const { counts, stats } = await this.sink.dump();

      const rows: { id: string; status: string; attempts: number }[] = await this.dataSource.query(`SELECT id, status, attempts FROM notification WHERE kind = $1`, [KIND]);
      const [edition]: { status: string; recipient_count: number }[] = await this.dataSource.query(`SELECT status, recipient_count FROM newsletter_edition WHERE id = $1`, [this.editionId]);
      return {
        side: 'outbox',
        run,
        messages: SUBSCRIBERS,
        elapsedMs: round(elapsedMs),
        messagesPerSecond: round(SUBSCRIBERS / (elapsedMs / 1000)),
        firstMessageMs: reached.firstAt === null ? null : round(reached.firstAt - started),
        queuedAfterMs: round(queuedMs),
        delivery: checkDelivery(counts, stats.total, rows.map((row) => `<${row.id}@verso>`)),
        pages: pageFigures,
        rows: { total: rows.length, sent: rows.filter((r) => r.status === 'sent').length, claimedOnce: rows.filter((r) => r.attempts === 1).length },
        edition: { status: edition.status, recipientCount: edition.recipient_count },
        workerCpuPerMessageMs: round(workerCpuMs / SUBSCRIBERS, 3),
        queueingCpuMs: Math.round((benchCpu.user + benchCpu.system) / 1000),
        workerPeakRssMb: round((worker.peakRssKb() ?? 0) / 1024),
      };
    } finally {
      await worker.stop();
      this.worker = undefined;
    }
  }

  private sendAll(transport: Transporter, messages: Message[], messageId: (i: number) => string): Promise<void> {
    return sendInLanes(transport, messages.length, IN_FLIGHT, (i) => ({
      from: this.config.mailFrom,
      to: messages[i].to,
      subject: messages[i].mail.subject,
      text: messages[i].mail.text,
      html: messages[i].mail.html,
      headers: messages[i].headers,
      messageId: messageId(i),
    }));
  }

  async runBaseline(run: number, messages: Message[]): Promise<RunResult> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: this.sink.port, pool: true, maxConnections: CONNECTIONS });
    try {
      await this.sink.reset();
      const warmMessages = messages.slice(0, WARMUP);
      const warm = this.sendAll(transport, warmMessages, (i) => `<warmup-b${run}-${i}-${this.id}@bench>`);
      await this.sink.waitForDistinct(warmMessages.length, BOOT_TIMEOUT_MS, `baseline run ${run}: warm-up`, warm.then(() => new Promise<never>(() => undefined)));
      await warm;
      await sleep(SETTLE_MS);
      await this.sink.reset();

      const ids = messages.map((_, i) => `<b${run}-${i}-${this.id}@bench>`);
      const pages = new PageLoad(this.webBase);
      pages.start();
      const started = wallClock();
      const sending = this.sendAll(transport, messages, (i) => ids[i]);
      const reached = await this.sink.waitForDistinct(SUBSCRIBERS, RUN_TIMEOUT_MS, `baseline run ${run}`, sending.then(() => new Promise<never>(() => undefined)));
      const elapsedMs = reached.lastAt! - started;
      const pageFigures = await pages.stop();
      await sending;
      await sleep(GRACE_MS);
      const { counts, stats } = await this.sink.dump();
      return {
        side: 'baseline',
        run,
        messages: SUBSCRIBERS,
        elapsedMs: round(elapsedMs),
        messagesPerSecond: round(SUBSCRIBERS / (elapsedMs / 1000)),
        delivery: checkDelivery(counts, stats.total, ids),
        pages: pageFigures,
      };
    } finally {
      transport.close();
    }
  }

  /** The same pages with nothing sending. */
  async idlePages(): Promise<Pages> {
    const pages = new PageLoad(this.webBase);
    pages.start();
    await sleep(IDLE_PAGE_MS);
    return pages.stop();
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }

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

/** A realistic edition: the network's own page text (seed 000) in Finnish, with short Swedish and English versions. */
function editionBody(): { fi: string; sv: string; en: string } {
  let network = '';
  try {
    network = readFileSync(join(PROJECT_ROOT, '..', 'shared', 'seeds', '000_64c4bd12231f97c1.txt'), 'utf8').slice(0, 3000);
  } catch {
    network = '';
  }
  const fi =
    '## Syksyn kehittäjäpäivä\n\nIlmoittautuminen syksyn kehittäjäpäivään on auki. Päivän teemana on **kompleksisuus ja systeeminen muutos**.\n\n' +
    '- Dialogi-valmennuksen kevään toteutus alkaa helmikuussa\n- Ennakointi-valmennukseen mahtuu vielä\n- Työkalupakkiin on lisätty uusia itsearviointityökaluja\n\n' +
    (network || 'Kehittäjäverkosto kokoaa valtionhallinnon työelämän kehittäjät yhteen.');
  return {
    fi,
    sv: '## Höstens utvecklardag\n\nAnmälan till höstens utvecklardag är öppen. Temat är **komplexitet och systemisk förändring**.',
    en: "## The autumn developer day\n\nRegistration for the autumn developer day is open. The theme is **complexity and systemic change**.",
  };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:newsletter', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);
  try {
    log(`bench:newsletter: ${SUBSCRIBERS} subscribers, ${CONNECTIONS} SMTP connections, ${IN_FLIGHT} in flight, ${RUNS_PER_SIDE} runs a side (b,a alternating), node ${process.version}`);
    await bench.setUp();
    await bench.seed();
    const environment = await bench.environment();
    const { messages, ms: renderMs } = await bench.renderAll();
    log(`rendered ${messages.length} baseline messages in ${Math.round(renderMs)} ms`);
    const idle = await bench.idlePages();
    log(`pages with nothing sending: p95 ${idle.p95Ms} ms`);

    const runs: RunResult[] = [];
    for (let run = 1; run <= RUNS_PER_SIDE; run++) {
      for (const side of ['baseline', 'outbox'] as const) {
        const result = side === 'baseline' ? await bench.runBaseline(run, messages) : await bench.runOutbox(run);
        runs.push(result);
        log(
          `  ${side.padEnd(8)} run ${run}: ${String(result.messagesPerSecond).padStart(7)} msg/s (${result.elapsedMs} ms), exactly once: ${result.delivery.exactlyOnce}, ` +
            `pages p95 ${result.pages.p95Ms} ms${side === 'outbox' ? `, queued in ${result.queuedAfterMs} ms, worker CPU ${result.workerCpuPerMessageMs} ms/msg` : ''}`,
        );
      }
    }

    const outbox = runs.filter((r) => r.side === 'outbox');
    const baseline = runs.filter((r) => r.side === 'baseline');
    const outboxMessagesPerSecond = round(median(outbox.map((r) => r.messagesPerSecond)));
    const baselineMessagesPerSecond = round(median(baseline.map((r) => r.messagesPerSecond)));
    const ratio = round(outboxMessagesPerSecond / baselineMessagesPerSecond, 3);
    const exactlyOnce = runs.every((r) => r.delivery.exactlyOnce);
    const pageP95MsWhileSending = round(median(outbox.map((r) => r.pages.p95Ms)));
    const pageP95MsWhileBaselineSends = round(median(baseline.map((r) => r.pages.p95Ms)));

    const invariants: Invariant[] = [
      invariant('sink-exactly-once', 'Every subscriber got exactly one message: each expected Message-ID once, nothing else (both sides, every run).', runs, (r) =>
        r.delivery.exactlyOnce && r.delivery.received === SUBSCRIBERS ? null : `${r.side} run ${r.run}: ${JSON.stringify(r.delivery)}`,
      ),
      invariant('one-row-per-subscriber', "The edition queued exactly one outbox row per confirmed subscriber, each 'sent' and claimed once, and the edition is 'sent' with that count.", outbox, (r) => {
        const rows = r.rows as { total: number; sent: number; claimedOnce: number };
        const edition = r.edition as { status: string; recipientCount: number };
        return rows.total === SUBSCRIBERS && rows.sent === SUBSCRIBERS && rows.claimedOnce === SUBSCRIBERS && edition.status === 'sent' && edition.recipientCount === SUBSCRIBERS
          ? null
          : `outbox run ${r.run}: ${JSON.stringify({ rows, edition })}`;
      }),
      invariant('pages-answer', 'Every page asked while sending answered 200.', runs, (r) => (r.pages.failed === 0 ? null : `${r.side} run ${r.run}: ${r.pages.failed} failed`)),
    ];

    const result = {
      benchmark: 'newsletter',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      subscribers: SUBSCRIBERS,
      connections: CONNECTIONS,
      inFlight: IN_FLIGHT,
      runsPerSide: RUNS_PER_SIDE,
      ratio,
      targetRatio: TARGET_RATIO,
      exactlyOnce,
      pageP95MsWhileSending,
      pageP95MsWhileBaselineSends,
      pageP95MsIdle: idle.p95Ms,
      outboxMessagesPerSecond,
      baselineMessagesPerSecond,
      invariants,
      idlePages: idle,
      runs,
      method: {
        order: 'baseline, outbox alternating, baseline first',
        outbox:
          'the edition made due (status scheduled, scheduled_at just past), then NewsletterEditions.sendDue() in this process queues one outbox row per confirmed subscriber in batches; ' +
          'a fresh worker process (APP_ROLE=worker, NODE_ENV=production, WORKER_CONCURRENCY=inFlight, SMTP_MAX_CONNECTIONS=connections) per run refreshes, renders and sends; timed from the start of sendDue() to the sink holding every Message-ID',
        baseline:
          "every subscriber's message rendered once beforehand by the app's own kind (refresh: language, unsubscribe link; headers: List-Unsubscribe) and MailRenderer; one pooled nodemailer transport (maxConnections = connections), at most inFlight sendMail in flight",
        warmup: `${WARMUP} messages before each run on both sides (the outbox side: a warm-up edition to ${WARMUP} warm-up subscribers), then ${SETTLE_MS} ms quiet`,
        pages: `a web process of its own (APP_ROLE=web, production) asked ${PAGES.join(' and ')} alternately, one request every ${PAGE_INTERVAL_MS} ms without waiting for the last, while each side sends; idle: ${IDLE_PAGE_MS} ms with nothing sending`,
        renderMs: round(renderMs),
      },
      environment: { ...environment, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    };

    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `newsletter-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    log(`edition → outbox → worker → sink: ${outboxMessagesPerSecond} msg/s (median of ${outbox.length})`);
    log(`nodemailer pool → sink:           ${baselineMessagesPerSecond} msg/s (median of ${baseline.length})`);
    log(`ratio ${ratio} (target ≥ ${TARGET_RATIO}${ratio >= TARGET_RATIO ? ', met' : ', NOT met'}); exactly once: ${exactlyOnce}`);
    log(`pages p95 while the edition sends ${pageP95MsWhileSending} ms, while the baseline sends ${pageP95MsWhileBaselineSends} ms, idle ${idle.p95Ms} ms`);
    return reportInvariants(invariants, file);
  } finally {
    await bench.cleanUp();
  }
}

runBench('bench:newsletter', main);
