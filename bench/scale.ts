// npm run bench:scale — Verso as several processes: what a second web process behind nginx buys on
// this machine, for a read page and for an enrolment storm.
//
// Processes: two web processes (the built dist/src/main.js, APP_ROLE=web, NODE_ENV=production,
// TRUST_PROXY=loopback) and one worker (APP_ROLE=worker, no SMTP server: its messages are marked
// not sent), all on one throwaway database and Redis prefix with one SESSION_SECRET, and Debian's
// nginx serving deploy/nginx.conf.template twice: side "one" with only web process 1 in its
// upstream, side "two" with both. Everything runs throughout, so the sides differ only in the
// upstream; they alternate run by run (BENCH_RUNS, 3 a side), the side going first swapping.
//
// Data: bench/support/forum-seed.ts at a small size (BENCH_POSTS 20,000 in BENCH_THREADS 200, the
// long thread BENCH_LONG_THREAD_POSTS 1,000 posts), BENCH_CONNECTIONS (50) readers signed in through
// the form of web process 1.
//
// Thread page: GET /threads/<long thread> (its first 50 posts) through the side's nginx on
// BENCH_CONNECTIONS keep-alive connections, each sending its next request when the previous one is
// answered (each connection one reader); BENCH_WARMUP (500) requests, then BENCH_REQUESTS (4,000)
// timed. ratio = side two's requests/s ÷ side one's (medians of the runs); target 1.3 on 2 cores.
//
// Enrolment storm: a fresh 20-seat round per run, BENCH_STORM_PEOPLE (500) people enrolling through
// the API with their own tokens, BENCH_STORM_IN_FLIGHT (100) requests under way at a time, through
// the side's nginx. enrolmentRatio = two ÷ one in enrolments/s.
//
// Invariants (written to the result): every page answer 200 with the thread's first 50 posts (the
// first and last in every answer, all of them in order in every 25th); on side two both web
// processes answered at least a third of the pages (nginx's log names the upstream of each); every
// storm: every person answered 201 with the enrolment the database holds for them, exactly 20
// confirmed, the rest waitlisted at positions 1..N, the round's counters equal to its rows.
//
// Writes bench/results/scale-<time>.json and prints a summary.
import 'reflect-metadata';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { PROJECT_ROOT } from '../src/paths';
import {
  benchEnvironment,
  cleanUpOnAbort,
  cleanUpStep,
  deleteRedisKeys,
  dropDatabase,
  freePort,
  intFromEnv,
  Invariant,
  invariant,
  log,
  median,
  percentile,
  round,
  sleep,
} from './support/bench-kit';
import { insertPeople, roundState, RoundState, StormPerson } from './support/enrolment-storm';
import { signInThroughForm } from './support/form-sign-in';
import { Seeded, seedForum } from './support/forum-seed';
import { NGINX, nginxInstalled, NginxProxy } from './support/nginx';
import { procCpuMs, WorkerProcess } from './support/worker-process';

const POSTS = intFromEnv('BENCH_POSTS', 20_000, 10_000, 1_000_000);
const THREADS = intFromEnv('BENCH_THREADS', 200, 10, 10_000);
const LONG_THREAD_POSTS = intFromEnv('BENCH_LONG_THREAD_POSTS', 1000, 100, 100_000);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 50, 1, 500);
const REQUESTS = intFromEnv('BENCH_REQUESTS', 4000, 100, 1_000_000);
const WARMUP = intFromEnv('BENCH_WARMUP', 500, 0, 100_000);
const RUNS_PER_SIDE = intFromEnv('BENCH_RUNS', 3, 1, 9);
const STORM_PEOPLE = intFromEnv('BENCH_STORM_PEOPLE', 500, 40, 10_000);
const STORM_IN_FLIGHT = intFromEnv('BENCH_STORM_IN_FLIGHT', 100, 1, 1000);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const CAPACITY = 20;
const POSTS_PER_PAGE = 50;
const FULL_CHECK_EVERY = 25;
const TARGET_RATIO = 1.3;
const BOOT_TIMEOUT_MS = 90_000;
const OVERALL_TIMEOUT_MS = 60 * 60_000;
const PASSWORD = 'Kesäkuun-keskustelu-77';
const DAY = 86_400_000;

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Side = 'one' | 'two';

interface PageRun {
  side: Side;
  run: number;
  requests: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** CPU used a request by the web processes (both, on side two), PostgreSQL's backends serving them, nginx, and this load generator. */
  webCpuPerRequestMs: number;
  databaseCpuPerRequestMs: number;
  nginxCpuPerRequestMs: number;
  clientCpuPerRequestMs: number;
  /** All of the above, and the rate two cores could at most serve at that cost. */
  totalCpuPerRequestMs: number;
  twoCoreCeilingPerSecond: number;
  /** CPU (ms a second) the whole machine was busy during the run, and how much of that was not this bench's processes: other people's work on a shared machine. */
  machineBusyMsPerSecond: number;
  othersBusyMsPerSecond: number;
  /** Timed requests each web process answered, as nginx's log says. */
  answeredBy: Record<string, number>;
  badAnswers: number;
  badExamples: string[];
}

interface StormRun {
  side: Side;
  run: number;
  people: number;
  elapsedMs: number;
  enrolmentsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  answers: Record<number, number>;
  /** 201 answers whose enrolment is not the one the database holds for that person. */
  answersNotAsStored: number;
  state: RoundState;
}

interface Answer {
  status: number;
  ms: number;
  body: string;
}

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  private readonly databaseUrl: string;
  private readonly redisPrefix = `verso-bench-scale-${this.id}`;
  private readonly sessionSecret = randomBytes(32).toString('hex');
  private webs: { process: WorkerProcess; port: number; address: string }[] = [];
  private worker?: WorkerProcess;
  private proxies = new Map<Side, NginxProxy>();
  private db?: Pool;
  private seeded!: Seeded;
  private cookies: string[] = [];
  private adminToken = '';
  private programmeId = '';
  private firstPage: { path: string; ids: string[] } = { path: '', ids: [] };
  readonly fixture: Record<string, unknown> = {};
  readonly invariants: Invariant[] = [];
  private cleanedUp?: Promise<void>;

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_scale_${this.id}`;
    this.databaseUrl = url.toString();
  }

  private query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await this.db!.query(sql, params)).rows as T[];

  private processEnv(role: 'web' | 'worker', port?: number): Record<string, string> {
    return {
      NODE_ENV: 'production',
      APP_ROLE: role,
      SESSION_SECRET: this.sessionSecret,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      LOG_LEVEL: 'error',
      DEMO_DATA: 'false',
      ...(port ? { HOST: '127.0.0.1', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, TRUST_PROXY: 'loopback' } : {}),
    };
  }

  private async startWeb(): Promise<void> {
    const port = await freePort();
    const web = new WorkerProcess(this.processEnv('web', port));
    this.webs.push({ process: web, port, address: `127.0.0.1:${port}` });
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`web process ${this.webs.length} did not become ready:\n${web.tail()}`);
      await Promise.race([sleep(200), web.died]);
    }
  }

  /** The first web process creates and migrates the database; then the second and the worker start on it. */
  async setUp(): Promise<void> {
    if (!nginxInstalled()) throw new Error(`nginx is not installed at ${NGINX} (apt-get install nginx)`);
    await this.startWeb();
    this.worker = new WorkerProcess(this.processEnv('worker'));
    await this.startWeb();
    this.db = new Pool({ connectionString: this.databaseUrl, max: 3, application_name: 'verso-bench' });
    this.proxies.set('one', await NginxProxy.start([this.webs[0].address], await freePort()));
    this.proxies.set('two', await NginxProxy.start(this.webs.map((w) => w.address), await freePort()));

    const started = performance.now();
    this.seeded = await seedForum(this.db, {
      databaseUrl: this.databaseUrl,
      tag: this.id,
      posts: POSTS,
      threads: THREADS,
      longThreadPosts: LONG_THREAD_POSTS,
      authors: 100,
      cohorts: 4,
      readers: CONNECTIONS,
      passwordHash: await argon2.hash(PASSWORD, { type: argon2.argon2id }),
      parallel: 2,
    });
    this.fixture.seedMs = round(performance.now() - started);
    const rows = await this.query(`SELECT id FROM forum_post WHERE thread_id = $1 ORDER BY created_at, id LIMIT $2`, [this.seeded.longThreadId, POSTS_PER_PAGE]);
    this.firstPage = { path: `/threads/${this.seeded.longThreadId}`, ids: rows.map((row) => row.id as string) };
    await this.signInReaders();

    const [admin] = await insertPeople(this.query, 1, `scale-admin-${this.id}`);
    await this.query(`UPDATE app_user SET site_role = 'admin' WHERE id = $1`, [admin.id]);
    this.adminToken = admin.token;
    const programme = await this.api('POST', '/api/v1/programmes', {
      slug: `skaalaus-${this.id}`,
      title: { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande', en: 'Complexity and systems thinking' },
      summary: { fi: 'Kolmen päivän valmennus.', sv: 'Tre dagars coachning.', en: 'Three days of coaching.' },
      description: { fi: 'Valmennus **kompleksisuusajatteluun**.' },
      theme: 'complexity',
    });
    this.programmeId = programme.id as string;
    await this.api('PATCH', `/api/v1/programmes/${this.programmeId}`, { status: 'published' });
  }

  /** Each reader signs in through the form of web process 1 (the sessions live in PostgreSQL, so either process knows them). */
  private async signInReaders(): Promise<void> {
    const base = `http://127.0.0.1:${this.webs[0].port}`;
    // Production cookies are Secure: the sign-in says it came over https, as a TLS-ending proxy would.
    const headers = { 'accept-language': 'fi', 'x-forwarded-proto': 'https' };
    for (const email of this.seeded.readerEmails) {
      const { res, jar } = await signInThroughForm(base, email, PASSWORD, headers);
      if (res.status !== 303 || !jar.has('verso_session')) throw new Error(`signing in ${email}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      this.cookies.push(jar.header());
    }
  }

  /** A call to web process 1 that must succeed (the fixture's programme and rounds). */
  private async api(method: string, path: string, body: object): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${this.webs[0].port}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  private request(agent: http.Agent, port: number, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request({ host: '127.0.0.1', port, path, method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  private pageProblem(answer: Answer, full: boolean): string | null {
    if (answer.status !== 200) return `status ${answer.status}: ${answer.body.slice(0, 120)}`;
    const ids = this.firstPage.ids;
    const expected = full ? ids : [ids[0], ids[ids.length - 1]];
    let at = 0;
    for (const id of expected) {
      at = answer.body.indexOf(id, at);
      if (at < 0) return `post ${id} missing or out of order`;
    }
    return null;
  }

  /** `count` GETs of the thread page on CONNECTIONS lanes, each lane one reader. */
  private async pages(agent: http.Agent, port: number, count: number): Promise<{ ms: number[]; problems: string[]; elapsedMs: number }> {
    const ms: number[] = [];
    const problems: string[] = [];
    let next = 0;
    const started = performance.now();
    const lane = async (reader: number) => {
      const headers = { cookie: this.cookies[reader % this.cookies.length], 'accept-language': 'fi' };
      for (let i = next++; i < count; i = next++) {
        const answer = await this.request(agent, port, 'GET', this.firstPage.path, headers);
        const problem = this.pageProblem(answer, i % FULL_CHECK_EVERY === 0);
        if (problem) problems.push(problem);
        ms.push(answer.ms);
      }
    };
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONNECTIONS, count) }, (_, reader) => lane(reader))), ...this.deaths()]);
    return { ms, problems, elapsedMs: performance.now() - started };
  }

  private deaths(): Promise<never>[] {
    return [...this.webs.map((w) => w.process.died), this.worker!.died];
  }

  private webCpuMs(): number {
    return this.webs.reduce((sum, w) => sum + (procCpuMs(w.process.pid) ?? NaN), 0);
  }

  /** CPU ms so far of each PostgreSQL backend serving the web processes (their pools: application_name verso, verso-sessions). */
  private async databaseCpu(): Promise<Map<number, number>> {
    const rows = await this.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ANY($1)`, [['verso', 'verso-sessions']]);
    return new Map(rows.map((row) => [row.pid as number, procCpuMs(row.pid as number) ?? NaN]));
  }

  /** CPU the backends used between two readings (one that came meanwhile counts from 0, one that went not at all). */
  private static databaseCpuUsed(before: Map<number, number>, after: Map<number, number>): number {
    let used = 0;
    for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
    return used;
  }

  /** Page requests each upstream answered in nginx's log from line `from` on. */
  private answeredBy(side: Side, from: number): { counts: Record<string, number>; lines: number } {
    const lines = readFileSync(join(this.proxies.get(side)!.dir, 'access.log'), 'utf8').split('\n').filter(Boolean);
    const counts: Record<string, number> = {};
    for (const line of lines.slice(from)) {
      const match = /"GET \/threads\/\S+ [^"]*" \d+ upstream="([^"]*)"/.exec(line);
      if (!match) continue;
      const upstream = match[1].split(', ').at(-1)!;
      counts[upstream] = (counts[upstream] ?? 0) + 1;
    }
    return { counts, lines: lines.length };
  }

  async pageRun(side: Side, run: number): Promise<PageRun> {
    const proxy = this.proxies.get(side)!;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      if (WARMUP > 0) await this.pages(agent, proxy.port, WARMUP);
      await sleep(500);
      const logFrom = this.answeredBy(side, 0).lines;
      const cpuBefore = { web: this.webCpuMs(), database: await this.databaseCpu(), nginx: proxy.cpuMs(), client: process.cpuUsage(), machine: machineBusyMs() };
      const { ms, problems, elapsedMs } = await this.pages(agent, proxy.port, REQUESTS);
      const client = process.cpuUsage(cpuBefore.client);
      const machineMs = machineBusyMs() - cpuBefore.machine;
      const perRequest = {
        web: (this.webCpuMs() - cpuBefore.web) / REQUESTS,
        database: Bench.databaseCpuUsed(cpuBefore.database, await this.databaseCpu()) / REQUESTS,
        nginx: (proxy.cpuMs() - cpuBefore.nginx) / REQUESTS,
        client: (client.user + client.system) / 1000 / REQUESTS,
      };
      const total = perRequest.web + perRequest.database + perRequest.nginx + perRequest.client;
      await sleep(100);
      return {
        side,
        run,
        requests: REQUESTS,
        elapsedMs: round(elapsedMs),
        requestsPerSecond: round(REQUESTS / (elapsedMs / 1000)),
        p50Ms: round(percentile(ms, 50), 2),
        p95Ms: round(percentile(ms, 95), 2),
        p99Ms: round(percentile(ms, 99), 2),
        webCpuPerRequestMs: round(perRequest.web, 3),
        databaseCpuPerRequestMs: round(perRequest.database, 3),
        nginxCpuPerRequestMs: round(perRequest.nginx, 3),
        clientCpuPerRequestMs: round(perRequest.client, 3),
        totalCpuPerRequestMs: round(total, 3),
        twoCoreCeilingPerSecond: round(2000 / total),
        machineBusyMsPerSecond: round(machineMs / (elapsedMs / 1000)),
        othersBusyMsPerSecond: round((machineMs - total * REQUESTS) / (elapsedMs / 1000)),
        answeredBy: this.answeredBy(side, logFrom).counts,
        badAnswers: problems.length,
        badExamples: problems.slice(0, 5),
      };
    } finally {
      agent.destroy();
    }
  }

  private async newRound(name: string): Promise<string> {
    const cohort = await this.api('POST', '/api/v1/cohorts', {
      programmeId: this.programmeId,
      name,
      capacity: CAPACITY,
      enrolmentOpensAt: new Date(Date.now() - DAY).toISOString(),
      enrolmentClosesAt: new Date(Date.now() + 30 * DAY).toISOString(),
      sessions: [{ startsAt: new Date(Date.now() + 60 * DAY).toISOString(), endsAt: new Date(Date.now() + 60 * DAY + 7 * 3_600_000).toISOString() }],
    });
    await this.api('PATCH', `/api/v1/cohorts/${cohort.id}`, { status: 'published' });
    return cohort.id as string;
  }

  async stormRun(side: Side, run: number): Promise<StormRun> {
    const cohortId = await this.newRound(`Ryntäys ${side} ${run}`);
    const people = await insertPeople(this.query, STORM_PEOPLE, `ryntaja-${side}-${run}-${this.id}`);
    const port = this.proxies.get(side)!.port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: STORM_IN_FLIGHT });
    const answers: { person: StormPerson; answer: Answer }[] = [];
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < people.length; i = next++) {
        const headers = { authorization: `Bearer ${people[i].token}`, 'content-type': 'application/json', accept: 'application/json' };
        answers.push({ person: people[i], answer: await this.request(agent, port, 'POST', `/api/v1/cohorts/${cohortId}/enrolments`, headers, '{}') });
      }
    };
    const started = performance.now();
    try {
      await Promise.race([Promise.all(Array.from({ length: STORM_IN_FLIGHT }, lane)), ...this.deaths()]);
    } finally {
      agent.destroy();
    }
    const elapsedMs = performance.now() - started;
    const rows = await this.query(`SELECT user_id, id FROM enrolment WHERE cohort_id = $1`, [cohortId]);
    const stored = new Map(rows.map((row) => [row.user_id as string, row.id as string]));
    const enrolmentId = (body: string) => {
      try {
        return (JSON.parse(body) as { enrolment?: { id?: string } }).enrolment?.id;
      } catch {
        return undefined;
      }
    };
    const counts: Record<number, number> = {};
    for (const { answer } of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
    const ms = answers.map((a) => a.answer.ms);
    return {
      side,
      run,
      people: STORM_PEOPLE,
      elapsedMs: round(elapsedMs),
      enrolmentsPerSecond: round(STORM_PEOPLE / (elapsedMs / 1000)),
      p50Ms: round(percentile(ms, 50), 1),
      p99Ms: round(percentile(ms, 99), 1),
      answers: counts,
      answersNotAsStored: answers.filter(({ person, answer }) => answer.status === 201 && enrolmentId(answer.body) !== stored.get(person.id)).length,
      state: await roundState(this.query, cohortId),
    };
  }

  webCpuAndPids(): Record<string, unknown> {
    return { webPids: this.webs.map((w) => w.process.pid), workerPid: this.worker?.pid };
  }

  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      for (const proxy of this.proxies.values()) await cleanUpStep('stop nginx', () => proxy.stop());
      for (const app of [...this.webs.map((w) => w.process), ...(this.worker ? [this.worker] : [])]) await cleanUpStep('stop an app process', () => app.stop());
      await cleanUpStep('close the pool', async () => this.db?.end());
      await cleanUpStep('drop the bench database', () => dropDatabase(this.databaseUrl));
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisPrefix));
    })();
    return this.cleanedUp;
  }
}

/** CPU time (ms) all cores have been busy since boot: /proc/stat's first line, less idle and iowait, in 1/100 s. */
function machineBusyMs(): number {
  // cpu  user nice system idle iowait irq softirq steal …
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) * 10;
}

const medianOf = <T>(runs: T[], side: Side, value: (run: T) => number) => median(runs.filter((run) => (run as { side: Side }).side === side).map(value));

async function main(): Promise<number> {
  const bench = new Bench();
  cleanUpOnAbort('bench:scale', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);
  const loadBefore = loadavg().map((l) => round(l, 2));
  try {
    log(`bench:scale: starting two web processes, a worker and nginx; seeding ${POSTS} posts`);
    await bench.setUp();
    const environment = await benchEnvironment(ADMIN_URL, REDIS_URL);
    const order = (run: number): Side[] => (run % 2 === 1 ? ['one', 'two'] : ['two', 'one']);

    const pageRuns: PageRun[] = [];
    if (!SKIP.has('pages')) {
      for (let run = 1; run <= RUNS_PER_SIDE; run++) {
        for (const side of order(run)) {
          const result = await bench.pageRun(side, run);
          pageRuns.push(result);
          log(`thread page, ${side === 'one' ? 'one web process' : 'two web processes'}, run ${run}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, CPU a request: web ${result.webCpuPerRequestMs} ms, PostgreSQL ${result.databaseCpuPerRequestMs}, nginx ${result.nginxCpuPerRequestMs}, load generator ${result.clientCpuPerRequestMs} (two cores could serve ${result.twoCoreCeilingPerSecond}/s at that cost; others kept the machine busy ${result.othersBusyMsPerSecond} ms a second), answered by ${JSON.stringify(result.answeredBy)}, bad ${result.badAnswers}, load ${loadavg()[0].toFixed(2)}`);
        }
      }
    }
    const stormRuns: StormRun[] = [];
    if (!SKIP.has('storm')) {
      for (let run = 1; run <= RUNS_PER_SIDE; run++) {
        for (const side of order(run)) {
          const result = await bench.stormRun(side, run);
          stormRuns.push(result);
          log(`enrolment storm, ${side === 'one' ? 'one web process' : 'two web processes'}, run ${run}: ${result.enrolmentsPerSecond} enrolments/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, answers ${JSON.stringify(result.answers)}, ${result.state.confirmed} confirmed / ${result.state.waitlisted} waitlisted, violations ${JSON.stringify(result.state.violations)}, load ${loadavg()[0].toFixed(2)}`);
        }
      }
    }

    bench.invariants.push(
      invariant('pages-answered', `Every thread page answered 200 with the thread's first ${POSTS_PER_PAGE} posts (the first and last in every answer, all in order in every ${FULL_CHECK_EVERY}th), through either nginx.`, pageRuns, (r) =>
        r.badAnswers === 0 ? null : `${r.side} run ${r.run}: ${r.badAnswers} bad, e.g. ${r.badExamples[0]}`,
      ),
      invariant('both-web-processes-served', 'On side two each web process answered at least a third of the timed pages (nginx log); on side one web process 1 answered all of them.', pageRuns, (r) => {
        const counts = Object.values(r.answeredBy);
        const total = counts.reduce((sum, n) => sum + n, 0);
        if (total !== r.requests) return `${r.side} run ${r.run}: nginx logged ${total} of ${r.requests}`;
        if (r.side === 'one') return counts.length === 1 ? null : `side one run ${r.run}: answered by ${JSON.stringify(r.answeredBy)}`;
        return counts.length === 2 && counts.every((n) => n >= total / 3) ? null : `side two run ${r.run}: answered by ${JSON.stringify(r.answeredBy)}`;
      }),
      invariant('storm-seat-rules', `Every storm: all ${STORM_PEOPLE} answered 201 with the enrolment the database holds for them; exactly ${CAPACITY} confirmed, ${STORM_PEOPLE - CAPACITY} waitlisted at 1..${STORM_PEOPLE - CAPACITY}, the round's counters equal to its rows, nobody twice.`, stormRuns, (r) =>
        r.answers[201] === STORM_PEOPLE && r.answersNotAsStored === 0 && r.state.violations.length === 0 && r.state.confirmed === CAPACITY && r.state.waitlisted === STORM_PEOPLE - CAPACITY
          ? null
          : `${r.side} run ${r.run}: answers ${JSON.stringify(r.answers)}, ${r.answersNotAsStored} not as stored, ${r.state.confirmed} confirmed, ${r.state.waitlisted} waitlisted, ${r.state.violations.join('; ')}`,
      ),
    );

    const pageOne = medianOf(pageRuns, 'one', (r) => r.requestsPerSecond);
    const pageTwo = medianOf(pageRuns, 'two', (r) => r.requestsPerSecond);
    const stormOne = medianOf(stormRuns, 'one', (r) => r.enrolmentsPerSecond);
    const stormTwo = medianOf(stormRuns, 'two', (r) => r.enrolmentsPerSecond);
    const ratio = pageRuns.length ? round(pageTwo / pageOne, 3) : null;
    const enrolmentRatio = stormRuns.length ? round(stormTwo / stormOne, 3) : null;
    const invariantsHold = bench.invariants.every((i) => i.passed);
    // What the CPU costs allow at best: one web process cannot pass one core of its own work nor
    // the machine's two cores of everything; two are held only by the two cores.
    const webOne = medianOf(pageRuns, 'one', (r) => r.webCpuPerRequestMs);
    const cpuBoundRatio = pageRuns.length
      ? round(medianOf(pageRuns, 'two', (r) => r.twoCoreCeilingPerSecond) / Math.min(1000 / webOne, medianOf(pageRuns, 'one', (r) => r.twoCoreCeilingPerSecond)), 3)
      : null;
    const at = new Date().toISOString();
    const result = {
      bench: 'scale',
      at,
      ratio,
      ratioDescription: 'thread page requests/s through nginx with two web processes in its upstream ÷ with one (medians of the runs)',
      targetRatio: TARGET_RATIO,
      targetMet: ratio !== null && ratio >= TARGET_RATIO,
      cpuBoundRatio,
      cpuBoundRatioDescription: "the best ratio the measured CPU costs a page allow on this machine's cores: side two at 2000 ms ÷ all CPU a request, side one at the lower of that and 1000 ms ÷ its web process's CPU a request",
      enrolmentRatio,
      enrolmentRatioDescription: 'enrolment storm enrolments/s through nginx with two web processes ÷ with one (medians of the runs)',
      invariantsHold,
      medians: {
        pages: {
          one: { requestsPerSecond: pageOne, p50Ms: medianOf(pageRuns, 'one', (r) => r.p50Ms), p95Ms: medianOf(pageRuns, 'one', (r) => r.p95Ms), p99Ms: medianOf(pageRuns, 'one', (r) => r.p99Ms), webCpuPerRequestMs: medianOf(pageRuns, 'one', (r) => r.webCpuPerRequestMs), databaseCpuPerRequestMs: medianOf(pageRuns, 'one', (r) => r.databaseCpuPerRequestMs), nginxCpuPerRequestMs: medianOf(pageRuns, 'one', (r) => r.nginxCpuPerRequestMs), clientCpuPerRequestMs: medianOf(pageRuns, 'one', (r) => r.clientCpuPerRequestMs), totalCpuPerRequestMs: medianOf(pageRuns, 'one', (r) => r.totalCpuPerRequestMs), twoCoreCeilingPerSecond: medianOf(pageRuns, 'one', (r) => r.twoCoreCeilingPerSecond) },
          two: { requestsPerSecond: pageTwo, p50Ms: medianOf(pageRuns, 'two', (r) => r.p50Ms), p95Ms: medianOf(pageRuns, 'two', (r) => r.p95Ms), p99Ms: medianOf(pageRuns, 'two', (r) => r.p99Ms), webCpuPerRequestMs: medianOf(pageRuns, 'two', (r) => r.webCpuPerRequestMs), databaseCpuPerRequestMs: medianOf(pageRuns, 'two', (r) => r.databaseCpuPerRequestMs), nginxCpuPerRequestMs: medianOf(pageRuns, 'two', (r) => r.nginxCpuPerRequestMs), clientCpuPerRequestMs: medianOf(pageRuns, 'two', (r) => r.clientCpuPerRequestMs), totalCpuPerRequestMs: medianOf(pageRuns, 'two', (r) => r.totalCpuPerRequestMs), twoCoreCeilingPerSecond: medianOf(pageRuns, 'two', (r) => r.twoCoreCeilingPerSecond) },
        },
        storm: {
          one: { enrolmentsPerSecond: stormOne, p50Ms: medianOf(stormRuns, 'one', (r) => r.p50Ms), p99Ms: medianOf(stormRuns, 'one', (r) => r.p99Ms) },
          two: { enrolmentsPerSecond: stormTwo, p50Ms: medianOf(stormRuns, 'two', (r) => r.p50Ms), p99Ms: medianOf(stormRuns, 'two', (r) => r.p99Ms) },
        },
      },
      conditions: {
        processes: 'two web processes (dist/src/main.js, APP_ROLE=web, NODE_ENV=production, TRUST_PROXY=loopback, LOG_LEVEL=error) and one worker (APP_ROLE=worker, no SMTP), one database, one Redis prefix, one SESSION_SECRET; Debian nginx serving deploy/nginx.conf.template (1 worker process, access log on), side one with web process 1 alone in the upstream, side two with both; sides alternate, the first swapping each run',
        pages: `GET /threads/<long thread> (first ${POSTS_PER_PAGE} posts) as ${CONNECTIONS} signed-in readers on ${CONNECTIONS} keep-alive connections, closed loop, ${WARMUP} warm-up then ${REQUESTS} timed requests a run`,
        storm: `${STORM_PEOPLE} people enrolling into a fresh ${CAPACITY}-seat round through the API, ${STORM_IN_FLIGHT} under way at a time`,
        runsPerSide: RUNS_PER_SIDE,
        posts: POSTS,
        threads: THREADS,
        longThreadPosts: LONG_THREAD_POSTS,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg().map((l) => round(l, 2)),
      },
      fixture: bench.fixture,
      environment: { ...environment, ...bench.webCpuAndPids() },
      invariants: bench.invariants,
      pageRuns,
      stormRuns,
    };
    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `scale-${at.replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`\nthread page: two web processes ${pageTwo} req/s vs one ${pageOne} req/s (medians of ${RUNS_PER_SIDE}), ratio ${ratio} (target ${TARGET_RATIO} ${result.targetMet ? 'met' : 'not met'}; the CPU costs allow at most ${cpuBoundRatio})`);
    log(`enrolment storm: two ${stormTwo} enrolments/s vs one ${stormOne}, ratio ${enrolmentRatio}`);
    log(`invariants hold: ${invariantsHold}${invariantsHold ? '' : ` — ${bench.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.failures.slice(0, 3).join(' | ')}`).join('; ')}`}`);
    log(`load average before ${loadBefore.join(' ')}, after ${result.conditions.loadAverageAfter.join(' ')}`);
    log(`wrote ${file}`);
    return invariantsHold ? 0 : 1;
  } finally {
    await bench.cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
