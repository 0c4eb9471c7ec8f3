// npm run bench:feedback — a round's feedback results over a programme's history, and the register of
// trained developers filtered by agency.
//
// Results: one programme with ROUNDS rounds a month apart, each with its feedback survey (the same 8
// questions, as copied surveys keep them: 4 scale, 1 single choice, 1 multiple choice, 2 text) and
// ANSWERS anonymous responses from 7 agencies; the latest round's facilitator signed in through the
// form. Sequential keep-alive GETs of /cohorts/<latest>/feedback/results (the comparison with the 10
// earlier rounds included), against the baseline: the same statements (SurveyResultsService's
// RESULTS_SQL, the round's lookup and the facilitator check) run bare, one after another, on one pg
// connection — the numbers without the app. Blocks of BLOCK requests alternate app, baseline, so both
// see the same machine. `ratio` is, as in the other benches, the feature's throughput ÷ the
// baseline's, here one request at a time: baseline mean latency ÷ app mean latency (1 = no overhead).
// Invariants: every page 200; the page's distributions, choice counts, response and invited counts
// equal the bare aggregates; each scale question compares with exactly min(10, ROUNDS - 1) rounds.
//
// Register: COMPLETIONS completions (half the people opted in) over 8 programmes and 30 agencies,
// GET /developers?agency=<the largest agency> signed in as an admin, sequential, p95 (target 30 ms).
//
// Written straight to the tables (the bench is not under the table-ownership rule), with triggers off
// for the bulk rows (session_replication_role = replica: the rows are consistent by construction),
// then ANALYZE (this PostgreSQL runs with autovacuum off). Writes bench/results/feedback-<time>.json.
//
// Knobs: BENCH_ROUNDS, BENCH_ANSWERS, BENCH_REQUESTS, BENCH_COMPLETIONS, BENCH_APP_NODE_ARGS, BENCH_SKIP=register,
// BENCH_KEEP_DATABASE=1 (leaves the seeded database for EXPLAIN; its name is logged; drop it by hand).
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { COMPARED_ROUNDS, RESULTS_SQL, TEXTS_SHOWN } from '../src/feedback/survey-results.service';
import { PROJECT_ROOT } from '../src/paths';
import { signInThroughForm } from './support/form-sign-in';
import { procCpuMs, startWebApp, WorkerProcess } from './support/worker-process';
import { benchEnvironment, cleanUpOnAbort, cleanUpStep, deleteRedisKeys, dropDatabase, freePort, intFromEnv, Invariant, invariant, log, median, percentile, round } from './support/bench-kit';

const ROUNDS = intFromEnv('BENCH_ROUNDS', 40, 2, 500);
const ANSWERS = intFromEnv('BENCH_ANSWERS', 20, 1, 10_000);
const REQUESTS = intFromEnv('BENCH_REQUESTS', 300, 10, 100_000);
const COMPLETIONS = intFromEnv('BENCH_COMPLETIONS', 20_000, 2, 1_000_000);
const WARMUP = 50;
const BLOCK = 50;
const AGENCIES = 30;
const PROGRAMMES = 8;
const TARGET_RESULTS_P95_MS = 50;
const TARGET_REGISTER_P95_MS = 30;
const BOOT_TIMEOUT_MS = 60_000;
const OVERALL_TIMEOUT_MS = 15 * 60_000;
const PASSWORD = 'Penkki-palaute-2027';
const SKIP = process.env.BENCH_SKIP ?? '';
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === '1';
const APP_NODE_ARGS = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HEADERS = { 'accept-language': 'fi', 'x-forwarded-proto': 'https' };

const QUESTIONS: { kind: string; prompt: string; options: string[] }[] = [
  { kind: 'scale', prompt: 'Kuinka hyödyllinen valmennus oli työllesi?', options: ['Ei lainkaan', '', '', '', 'Erittäin'] },
  { kind: 'scale', prompt: 'Kuinka hyvin valmentajat ohjasivat työskentelyä?', options: [] },
  { kind: 'scale', prompt: 'Kuinka toimivia tehtävät olivat?', options: [] },
  { kind: 'scale', prompt: 'Kuinka todennäköisesti suosittelet valmennusta?', options: [] },
  { kind: 'single_choice', prompt: 'Mikä työtapa oli sinulle tärkein?', options: ['Pienryhmät', 'Luennot', 'Itsenäinen työ'] },
  { kind: 'multiple_choice', prompt: 'Mitä aiot kokeilla omassa työssäsi?', options: ['Systeemikartta', 'Dialogi', 'Kokeilut', 'Ennakointi'] },
  { kind: 'short_text', prompt: 'Yksi sana valmennuksesta', options: [] },
  { kind: 'long_text', prompt: 'Mitä muuta haluat sanoa?', options: [] },
];

interface Timing {
  ms: number[];
  cpuMs: number;
}

const figures = (timing: Timing) => ({
  requests: timing.ms.length,
  p50Ms: round(percentile(timing.ms, 50), 2),
  p95Ms: round(percentile(timing.ms, 95), 2),
  p99Ms: round(percentile(timing.ms, 99), 2),
  meanMs: round(timing.ms.reduce((a, b) => a + b, 0) / timing.ms.length, 2),
  maxMs: round(Math.max(...timing.ms), 2),
  cpuPerRequestMs: round(timing.cpuMs / timing.ms.length, 3),
});

/** The body rows (th and td texts) of the table with this caption. */
function tableOf(html: string, caption: string): string[][] | null {
  const escaped = caption.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const table = new RegExp(`<caption[^>]*>${escaped}</caption>([\\s\\S]*?)</table>`).exec(html);
  if (!table) return null;
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1])?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, '').trim()));
}

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  readonly databaseUrl: string;
  private readonly redisPrefix = `verso-bench-feedback-${this.id}`;
  private app?: NestFastifyApplication;
  private web?: WorkerProcess;
  private db?: Client;
  private webPort = 0;
  private createdDatabase = false;
  private cleanedUp?: Promise<void>;
  readonly fixture: Record<string, unknown> = {};
  cohortId = '';
  surveyId = '';
  programmeId = '';
  facilitatorId = '';
  facilitatorEmail = '';
  adminEmail = '';
  registerAgencyId = '';

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_feedback_${this.id}`;
    this.databaseUrl = url.toString();
  }

  /** The in-process app creates and migrates the database; the bench then seeds it on a connection of its own. */
  async setUp(): Promise<void> {
    this.webPort = await freePort();
    const config = loadConfig({
      NODE_ENV: 'test',
      APP_ROLE: 'web',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      BASE_URL: `http://127.0.0.1:${this.webPort}`,
    });
    this.createdDatabase = true;
    this.app = await createApp(config);
    await this.app.init();
    await this.app.close();
    this.app = undefined;
    this.db = new Client({ connectionString: this.databaseUrl });
    await this.db.connect();
  }

  private async q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db!.query(sql, params)).rows as T[];
  }

  async seed(): Promise<void> {
    const started = performance.now();
    const passwordHash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
    await this.q('SET session_replication_role = replica');
    const agencies = (await this.q<{ id: string }>(`INSERT INTO agency (name) SELECT 'Penkkivirasto ' || i || ' ' || $1 FROM generate_series(1, $2::int) AS i ORDER BY i RETURNING id`, [this.id, AGENCIES])).map(
      (row) => row.id,
    );
    this.facilitatorEmail = `vetaja-${this.id}@example.fi`;
    this.adminEmail = `yllapitaja-${this.id}@example.fi`;
    const [facilitator] = await this.q<{ id: string }>(`INSERT INTO app_user (email, display_name, language, password_hash) VALUES ($1, 'Sanna Vetäjä', 'fi', $2) RETURNING id`, [
      this.facilitatorEmail,
      passwordHash,
    ]);
    this.facilitatorId = facilitator.id;
    await this.q(`INSERT INTO app_user (email, display_name, language, password_hash, site_role) VALUES ($1, 'Maija Ylläpitäjä', 'fi', $2, 'admin')`, [this.adminEmail, passwordHash]);

    const programmeIds = (
      await this.q<{ id: string }>(
        `INSERT INTO programme (slug, title, summary, description, theme, status)
         SELECT 'palaute-' || i || '-' || $1, jsonb_build_object('fi', 'Penkkiohjelma ' || i), '{"fi": "Valmennus."}', '{"fi": "Valmennus."}', 'complexity', 'published'
         FROM generate_series(1, $2::int) AS i ORDER BY i RETURNING id`,
        [this.id, PROGRAMMES],
      )
    ).map((row) => row.id);
    this.programmeId = programmeIds[0];
    // Each programme's rounds a month apart up to now; the first programme has ROUNDS of them, the others 10.
    const cohortsOf = async (programmeId: string, count: number) =>
      (
        await this.q<{ id: string }>(
          `INSERT INTO cohort (programme_id, name, term, status, capacity, enrolment_opens_at, enrolment_closes_at, delivery_mode, starts_at, ends_at)
           SELECT $1, 'Ryhmä ' || i, to_char(s, 'YYYY') || CASE WHEN extract(month FROM s) < 7 THEN '-spring' ELSE '-autumn' END, 'completed', 30,
                  s - interval '60 days', s - interval '1 day', 'online', s, s + interval '1 day'
           FROM generate_series(1, $2::int) AS i, LATERAL (SELECT date_trunc('day', now()) - ($2::int - i + 1) * interval '30 days' AS s) AS start
           ORDER BY i RETURNING id`,
          [programmeId, count],
        )
      ).map((row) => row.id);
    const rounds = await cohortsOf(this.programmeId, ROUNDS);
    this.cohortId = rounds[rounds.length - 1];
    const otherRounds: string[] = [];
    for (const programmeId of programmeIds.slice(1)) otherRounds.push(...(await cohortsOf(programmeId, 10)));
    await this.q(`INSERT INTO cohort_facilitator (cohort_id, user_id) VALUES ($1, $2)`, [this.cohortId, this.facilitatorId]);

    // A survey on each round of the programme, the same questions in each.
    await this.q(
      `INSERT INTO survey (purpose, programme_id, cohort_id, title, anonymous, opens_at, closes_at)
       SELECT 'cohort', c.programme_id, c.id, '{"fi": "Palautekysely"}', true, c.ends_at, c.ends_at + interval '14 days' FROM cohort c WHERE c.programme_id = $1`,
      [this.programmeId],
    );
    this.surveyId = (await this.q<{ id: string }>(`SELECT id FROM survey WHERE cohort_id = $1`, [this.cohortId]))[0].id;
    await this.q(
      `INSERT INTO survey_question (survey_id, position, kind, prompt, options)
       SELECT s.id, q.position, q.kind, jsonb_build_object('fi', q.prompt), q.options
       FROM survey s, jsonb_to_recordset($1::jsonb) AS q(position int, kind text, prompt text, options jsonb)
       WHERE s.programme_id = $2`,
      [JSON.stringify(QUESTIONS.map((question, i) => ({ position: i + 1, kind: question.kind, prompt: question.prompt, options: question.options.map((fi) => ({ fi })) }))), this.programmeId],
    );
    // ANSWERS responses a round from 7 agencies (the 5th, 6th and 7th with fewer answers than the rest).
    await this.q(
      `INSERT INTO survey_response (survey_id, agency_id, submitted_at)
       SELECT s.id, ($2::uuid[])[1 + (CASE WHEN i % 10 < 7 THEN i % 4 ELSE 4 + i % 3 END)], s.opens_at + i * interval '1 hour'
       FROM survey s, generate_series(0, $1::int - 1) AS i WHERE s.programme_id = $3`,
      [ANSWERS, agencies, this.programmeId],
    );
    await this.q(
      `INSERT INTO survey_answer (response_id, question_id, scale_value, choices, text)
       SELECT r.id, q.id,
              CASE WHEN q.kind = 'scale' THEN 1 + h % 5 END,
              CASE WHEN q.kind = 'single_choice' THEN ARRAY[h % 3]::smallint[]
                   WHEN q.kind = 'multiple_choice' THEN ARRAY(SELECT DISTINCT unnest(ARRAY[h % 4, (h / 4) % 4]) ORDER BY 1)::smallint[] END,
              CASE WHEN q.kind IN ('short_text', 'long_text') THEN 'Vastaus ' || h % 1000 || ': pienryhmät toimivat hyvin.' END
       FROM survey_response r JOIN survey_question q ON q.survey_id = r.survey_id,
            LATERAL (SELECT abs(hashtext(r.id::text || q.id::text)) AS h) AS hashed`,
    );
    // Those the latest round's survey was for: ANSWERS + 2 confirmed participants.
    const invited = await this.q<{ id: string }>(
      `INSERT INTO app_user (email, display_name, language, agency_id)
       SELECT 'osallistuja-' || i || '-' || $1 || '@example.fi', 'Osallistuja ' || i, 'fi', ($2::uuid[])[1 + i % 4] FROM generate_series(1, $3::int) AS i RETURNING id`,
      [this.id, agencies, ANSWERS + 2],
    );
    await this.q(`INSERT INTO enrolment (cohort_id, user_id, status, confirmed_at) SELECT $1, u, 'confirmed', now() FROM unnest($2::uuid[]) AS u`, [this.cohortId, invited.map((row) => row.id)]);
    this.fixture.resultsSeedMs = round(performance.now() - started);

    // The register: COMPLETIONS completions, two programmes each for COMPLETIONS / 2 people, agencies skewed
    // so that the first holds a tenth of everyone; half the people opted in.
    const registerStarted = performance.now();
    const people = Math.ceil(COMPLETIONS / 2);
    await this.q(
      `INSERT INTO app_user (email, display_name, language, agency_id, listed_in_register)
       SELECT 'kehittaja-' || i || '-' || $1 || '@example.fi', 'Kehittäjä ' || i, 'fi',
              ($2::uuid[])[1 + CASE WHEN i % 10 = 0 THEN 0 ELSE i % $3::int END], i % 2 = 0
       FROM generate_series(1, $4::int) AS i`,
      [this.id, agencies, AGENCIES, people],
    );
    // Each person's first completion in a round of the feedback programme, the second in another programme's.
    await this.q(
      `INSERT INTO completion (programme_id, cohort_id, user_id, agency_id, certificate_code, completed_at)
       SELECT c.programme_id, c.id, u.id, u.agency_id, upper(substr(md5(u.id::text || k), 1, 12)), c.ends_at
       FROM (SELECT id, agency_id, row_number() OVER (ORDER BY id) AS n FROM app_user WHERE email LIKE 'kehittaja-%') AS u,
            generate_series(0, 1) AS k,
            LATERAL (SELECT id, programme_id, ends_at FROM cohort
                     WHERE id = CASE WHEN k = 0 THEN ($1::uuid[])[1 + (u.n * 7) % cardinality($1::uuid[])]
                                     ELSE ($2::uuid[])[1 + (u.n * 3) % cardinality($2::uuid[])] END) AS c
       WHERE u.n * 2 + k <= $3::int + 1`,
      [rounds, otherRounds, COMPLETIONS],
    );
    this.registerAgencyId = agencies[0];
    this.fixture.completions = (await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM completion`))[0].n;
    this.fixture.completionsOfMeasuredAgency = (await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM completion WHERE agency_id = $1`, [this.registerAgencyId]))[0].n;
    this.fixture.registerSeedMs = round(performance.now() - registerStarted);
    await this.q('RESET session_replication_role');
    await this.q('ANALYZE');
    Object.assign(this.fixture, {
      rounds: ROUNDS,
      answersPerRound: ANSWERS,
      questions: QUESTIONS.map((question) => question.kind),
      responses: (await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM survey_response`))[0].n,
      answers: (await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM survey_answer`))[0].n,
      agencies: AGENCIES,
      programmes: PROGRAMMES,
    });
  }

  async startWeb(): Promise<void> {
    this.web = await startWebApp({ port: this.webPort, databaseUrl: this.databaseUrl, redisUrl: REDIS_URL, redisPrefix: `${this.redisPrefix}-web`, nodeArgs: APP_NODE_ARGS, bootTimeoutMs: BOOT_TIMEOUT_MS });
  }

  async cookieOf(email: string): Promise<string> {
    const { res, jar } = await signInThroughForm(`http://127.0.0.1:${this.webPort}`, email, PASSWORD, HEADERS);
    if (res.status !== 303) throw new Error(`sign-in of ${email}: ${res.status}`);
    return jar.header();
  }

  get(agent: http.Agent, path: string, cookie: string): Promise<{ status: number; ms: number; body: string }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request({ host: '127.0.0.1', port: this.webPort, path, method: 'GET', agent, headers: { ...HEADERS, cookie } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, ms: performance.now() - started, body }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  }

  /** The baseline: the results page's statements, bare, one after another on one connection. */
  async bareAggregate(client: Client) {
    const [cohort] = (
      await client.query(
        `SELECT c.id AS cohort_id, c.name, c.programme_id, p.title AS programme_title, c.starts_at, s.id AS survey_id, s.title, s.anonymous, s.opens_at, s.closes_at
         FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id LEFT JOIN survey s ON s.cohort_id = c.id WHERE c.id = $1`,
        [this.cohortId],
      )
    ).rows;
    await client.query(`SELECT 1 FROM facilitator_listing WHERE cohort_id = $1 AND user_id = $2`, [this.cohortId, this.facilitatorId]);
    const invited = (await client.query(RESULTS_SQL.invited, [this.cohortId])).rows[0].n as number;
    const questions = (await client.query(RESULTS_SQL.questions, [cohort.survey_id])).rows as { id: string; position: number; kind: string }[];
    const responses = (await client.query(RESULTS_SQL.responses, [cohort.survey_id])).rows[0].n as number;
    const counts = (await client.query(RESULTS_SQL.counts, [cohort.survey_id])).rows as { question_id: string; value: number | null; n: number; whole: number }[];
    await client.query(RESULTS_SQL.byAgency, [cohort.survey_id]);
    await client.query(RESULTS_SQL.texts, [cohort.survey_id, TEXTS_SHOWN]);
    const comparison = (await client.query(RESULTS_SQL.comparison, [cohort.survey_id, cohort.programme_id, cohort.starts_at, this.cohortId, COMPARED_ROUNDS])).rows as { question_id: string }[];
    return { invited, questions, responses, counts, comparison };
  }

  /** Each statement's planning and execution time, from EXPLAIN ANALYZE, and the plan's top line (where the time goes). */
  async explain(): Promise<Record<string, { planningMs: number; executionMs: number; plan: string }>> {
    const [cohort] = await this.q<{ programme_id: string; starts_at: Date }>(`SELECT programme_id, starts_at FROM cohort WHERE id = $1`, [this.cohortId]);
    const params: Record<keyof typeof RESULTS_SQL, unknown[]> = {
      questions: [this.surveyId],
      responses: [this.surveyId],
      counts: [this.surveyId],
      byAgency: [this.surveyId],
      texts: [this.surveyId, TEXTS_SHOWN],
      comparison: [this.surveyId, cohort.programme_id, cohort.starts_at, this.cohortId, COMPARED_ROUNDS],
      invited: [this.cohortId],
    };
    const plans: Record<string, { planningMs: number; executionMs: number; plan: string }> = {};
    for (const [name, sql] of Object.entries(RESULTS_SQL)) {
      const [row] = await this.q<{ 'QUERY PLAN': { Plan: Record<string, unknown>; 'Planning Time': number; 'Execution Time': number }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params[name as keyof typeof RESULTS_SQL]);
      const [plan] = row['QUERY PLAN'];
      const nodes: string[] = [];
      const walk = (node: Record<string, unknown>) => {
        nodes.push(`${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : node['Relation Name'] ? ` ${node['Relation Name']}` : ''}`);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk(plan.Plan);
      plans[name] = { planningMs: round(plan['Planning Time'], 3), executionMs: round(plan['Execution Time'], 3), plan: nodes.join(' > ') };
    }
    return plans;
  }

  async runResults() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const cookie = await this.cookieOf(this.facilitatorEmail);
      const path = `/cohorts/${this.cohortId}/feedback/results`;
      const first = await this.get(agent, path, cookie);
      if (first.status !== 200) throw new Error(`GET ${path}: ${first.status} ${first.body.slice(0, 300)}`);
      const bare = await this.bareAggregate(client);
      for (let i = 0; i < WARMUP; i++) {
        await this.get(agent, path, cookie);
        await this.bareAggregate(client);
      }
      const app: Timing = { ms: [], cpuMs: 0 };
      const baseline: Timing = { ms: [], cpuMs: 0 };
      const statuses: number[] = [];
      const pid = this.web!.pid;
      while (app.ms.length < REQUESTS) {
        const n = Math.min(BLOCK, REQUESTS - app.ms.length);
        const cpuBefore = procCpuMs(pid) ?? NaN;
        for (let i = 0; i < n; i++) {
          const answer = await Promise.race([this.get(agent, path, cookie), this.web!.died]);
          app.ms.push(answer.ms);
          statuses.push(answer.status);
        }
        app.cpuMs += (procCpuMs(pid) ?? NaN) - cpuBefore;
        const ownBefore = process.cpuUsage();
        for (let i = 0; i < n; i++) {
          const started = performance.now();
          await this.bareAggregate(client);
          baseline.ms.push(performance.now() - started);
        }
        const own = process.cpuUsage(ownBefore);
        baseline.cpuMs += (own.user + own.system) / 1000;
      }
      return { first: first.body, bare, app, baseline, statuses };
    } finally {
      agent.destroy();
      await client.end();
    }
  }

  /** The page's numbers against the bare aggregate's. */
  checkResults(html: string, bare: Awaited<ReturnType<Bench['bareAggregate']>>, statuses: number[]): Invariant[] {
    const problems: string[] = [];
    const countOf = new Map(bare.counts.filter((c) => !c.whole && c.value !== null).map((c) => [`${c.question_id}/${c.value}`, c.n]));
    for (const question of bare.questions) {
      const heading = `${question.position}. ${QUESTIONS[question.position - 1].prompt}`;
      if (question.kind === 'scale') {
        const rows = tableOf(html, `Vastausten jakauma: ${heading}`);
        const expected = [1, 2, 3, 4, 5].map((v) => String(countOf.get(`${question.id}/${v}`) ?? 0));
        if (!rows || JSON.stringify(rows.map((row) => row[1])) !== JSON.stringify(expected)) problems.push(`${heading}: page ${JSON.stringify(rows)} vs bare ${expected}`);
        const compared = tableOf(html, `Vertailu ohjelman aiempiin ryhmiin: ${heading}`);
        const earlier = bare.comparison.filter((row) => row.question_id === question.id).length;
        if (!compared || compared.length !== earlier + 1 || earlier !== Math.min(COMPARED_ROUNDS, ROUNDS - 1)) problems.push(`${heading}: ${compared?.length} comparison rows, bare ${earlier} earlier`);
      } else if (question.kind !== 'short_text' && question.kind !== 'long_text') {
        const rows = tableOf(html, `Valinnat: ${heading}`);
        const expected = QUESTIONS[question.position - 1].options.map((_, i) => String(countOf.get(`${question.id}/${i}`) ?? 0));
        if (!rows || JSON.stringify(rows.map((row) => row[1])) !== JSON.stringify(expected)) problems.push(`${heading}: page ${JSON.stringify(rows)} vs bare ${expected}`);
      }
    }
    if (!html.includes(`<dt>Vastauksia</dt><dd>${bare.responses}</dd>`)) problems.push(`response count ${bare.responses} not on the page`);
    if (!html.includes(`<dt>Kutsuttuja osallistujia</dt><dd>${bare.invited}</dd>`)) problems.push(`invited ${bare.invited} not on the page`);
    return [
      invariant('results-200', 'Every results page answered 200.', statuses, (s) => (s === 200 ? null : `status ${s}`)),
      invariant('results-equal-bare', "The page's distributions, choice counts, responses and invited equal the bare aggregates; each scale question compares with min(10, rounds - 1) earlier rounds.", problems, (p) => p),
      invariant('results-answers', `The round has ${ANSWERS} responses.`, [bare.responses], (n) => (n === ANSWERS ? null : `${n} responses`)),
    ].map((inv) => ({ ...inv, failures: inv.failures.slice(0, 5) }));
  }

  async runRegister() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const cookie = await this.cookieOf(this.adminEmail);
      const path = `/developers?agency=${this.registerAgencyId}`;
      const first = await this.get(agent, path, cookie);
      if (first.status === 404) return { missing: true as const, status: 404 };
      for (let i = 0; i < WARMUP; i++) await this.get(agent, path, cookie);
      const timing: Timing = { ms: [], cpuMs: 0 };
      const statuses: number[] = [];
      const before = procCpuMs(this.web!.pid) ?? NaN;
      for (let i = 0; i < REQUESTS; i++) {
        const answer = await Promise.race([this.get(agent, path, cookie), this.web!.died]);
        timing.ms.push(answer.ms);
        statuses.push(answer.status);
      }
      timing.cpuMs = (procCpuMs(this.web!.pid) ?? NaN) - before;
      return { missing: false as const, timing, invariants: [invariant('register-200', 'Every register page answered 200.', statuses, (s) => (s === 200 ? null : `status ${s}`))] };
    } finally {
      agent.destroy();
    }
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }

  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      await cleanUpStep('stop the web process', async () => this.web?.stop(5000));
      await cleanUpStep('close the app', async () => this.app?.close());
      await cleanUpStep('close the seeding connection', async () => this.db?.end());
      if (this.createdDatabase && KEEP_DATABASE) log(`kept the database ${this.databaseUrl}`);
      else if (this.createdDatabase) await cleanUpStep('drop the database', () => dropDatabase(this.databaseUrl));
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisPrefix));
    })();
    return this.cleanedUp;
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const bench = new Bench();
  cleanUpOnAbort('bench:feedback', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);
  try {
    log(`bench:feedback: ${ROUNDS} rounds × ${ANSWERS} answers, ${REQUESTS} sequential requests a side; register over ${COMPLETIONS} completions`);
    await bench.setUp();
    await bench.seed();
    log(`seeded: ${JSON.stringify(bench.fixture)}`);
    await bench.startWeb();

    const plans = await bench.explain();
    log(`statements: ${Object.entries(plans).map(([name, p]) => `${name} ${p.planningMs}+${p.executionMs} ms`).join(', ')}`);
    const results = await bench.runResults();
    const invariants = bench.checkResults(results.first, results.bare, results.statuses);
    const app = figures(results.app);
    const baseline = figures(results.baseline);
    const ratio = round(baseline.meanMs / app.meanMs, 3);
    log(`results page: p50 ${app.p50Ms} ms, p95 ${app.p95Ms} ms (target ${TARGET_RESULTS_P95_MS}); bare aggregate p50 ${baseline.p50Ms} ms, p95 ${baseline.p95Ms} ms; ratio ${ratio}`);

    let register: Record<string, unknown> = { skipped: true };
    let registerP95Ms: number | null = null;
    if (!SKIP.split(',').includes('register')) {
      const measured = await bench.runRegister();
      if (measured.missing) {
        register = { missing: true, note: 'GET /developers answered 404: the register page is not there' };
        log('register page: /developers answered 404, not measured');
      } else {
        const f = figures(measured.timing);
        registerP95Ms = f.p95Ms;
        register = { ...f, targetP95Ms: TARGET_REGISTER_P95_MS, metTarget: f.p95Ms <= TARGET_REGISTER_P95_MS };
        invariants.push(...measured.invariants);
        log(`register page by agency: p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms (target ${TARGET_REGISTER_P95_MS})`);
      }
    }

    const output = {
      bench: 'feedback',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      resultsP95Ms: app.p95Ms,
      registerP95Ms,
      ratio,
      ratioDefinition: 'throughput one request at a time, feature ÷ baseline: the bare aggregate’s mean latency ÷ the results page’s (1 = no overhead over the SQL)',
      targets: { resultsP95Ms: TARGET_RESULTS_P95_MS, registerP95Ms: TARGET_REGISTER_P95_MS, resultsMet: app.p95Ms <= TARGET_RESULTS_P95_MS, registerMet: registerP95Ms === null ? null : registerP95Ms <= TARGET_REGISTER_P95_MS },
      results: { app, baseline, pageBytes: Buffer.byteLength(results.first), statementPlans: plans },
      register,
      invariants,
      allInvariantsHeld: invariants.every((inv) => inv.passed),
      fixture: bench.fixture,
      method: {
        results: `GET /cohorts/<latest round>/feedback/results as its facilitator (signed in through the form), one keep-alive connection, ${WARMUP} warm-up requests a side, then blocks of ${BLOCK} alternating app and baseline until ${REQUESTS} a side`,
        baseline: "SurveyResultsService's statements (RESULTS_SQL: questions, responses, counts, byAgency, texts, comparison, invited) plus the round's lookup and the facilitator check, one after another on one pg connection",
        register: `GET /developers?agency=<the largest agency> as an admin, ${WARMUP} warm-up, ${REQUESTS} sequential`,
        app: 'the web app as a process of its own (node dist/src/main.js, APP_ROLE=web, NODE_ENV=production, LOG_LEVEL=error)',
      },
      loadAverage: { start: loadStart.map((v) => round(v, 2)), end: loadavg().map((v) => round(v, 2)) },
      environment: await bench.environment(),
      medians: { appP50Ms: round(median(results.app.ms), 2), baselineP50Ms: round(median(results.baseline.ms), 2) },
    };
    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `feedback-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    log(`invariants: ${invariants.map((inv) => `${inv.name} ${inv.passed ? 'held' : `FAILED: ${inv.failures.join('; ')}`}`).join(', ')}`);
    log(`wrote ${file}`);
    return output.allInvariantsHeld ? 0 : 1;
  } finally {
    await bench.cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`bench:feedback failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
