// npm run bench:search — search that understands Finnish (issue 20) at size: how long a search
// takes, what analysing a post costs its writer, and how fast search:reindex rebuilds the posts'
// vectors.
//
// Data (bench/support/forum-seed.ts, as bench:forum): BENCH_POSTS posts (default 1,000,000, the
// issue's size; set it lower for a quick run) in BENCH_THREADS (2,000) threads, word-salad Finnish
// (85 %), Swedish and English with inflected forms and compounds, loaded set-based into a throwaway
// database that the web process created and migrated. Every word the generator can write is
// learned first (SearchVocabulary.learn, Voikko), so each post's vector holds Voikko's base forms
// and compound parts as forum_post_vector makes it; each post also gets, in a column of the bench
// database only (search_snowball, with a GIN index like forum_post_search), the vector the trigger
// made before issue 20: PostgreSQL's snowball stems.
//
// Analysis, on the fresh database before seeding: SearchVocabulary.learn([body]) for each of
// BENCH_ANALYSIS_POSTS (2,000) post texts as the seed draws them, one post at a time as the app
// learns before writing, first with an empty vocabulary (cold), then again with every word known
// (warm): µs per post; Voikko's own analysis (termsOf) per distinct word. After seeding: INSERT of
// BENCH_TRIGGER_POSTS (5,000) posts in one statement into a new thread, in a transaction rolled
// back, with the forum_post_search trigger as it is (forum_post_vector) and with it replaced, in
// that transaction only, by its expression before issue 20 (snowball), BENCH_TRIGGER_RUNS (3) of
// each alternating: the trigger's extra µs per post. analysisUsPerPost = warm learn + that extra:
// what analysis adds to writing a post once its words are known.
//
// Search, one request at a time: GET /api/v1/search?q=… with a reader's bearer token (the web
// process, APP_ROLE=web, NODE_ENV=production) over SEARCH_QUERIES (inflected forms, compound
// parts, a prefix being typed, a rare word, Swedish), BENCH_SEARCH_ROUNDS (10) rounds after one of
// warm-up: p50/p95/p99. Baseline, in the same run, one statement at a time on one connection:
// the forums' search statement before issue 20 reduced to its matching and ranking (the newest
// 20,000 findable posts' matches in the reader's channels, or every match when fewer than 100,
// ranked by ts_rank_cd, the top 21), websearch_to_tsquery('finnish'|'swedish'|'english') over the
// snowball column; and the same bare statement over the new vectors with the new queries
// (search_query_fi, …: `bare`), which tells the vectors' and queries' cost from the app's.
// ratio = baseline p95 ÷ API p95 (higher is better; 1: as fast as the bare snowball statement);
// bareRatio = baseline p95 ÷ bare p95.
//
// Re-index: `node dist/src/search-reindex.js` (npm run search:reindex without the build) on the
// bench database with SEARCH_REINDEX_BATCH (500): every word analysed again, then every kind's
// vectors; reindexPostsPerS = posts ÷ the posts step's time from its log.
//
// Invariants: sampled seeded vectors equal forum_post_vector (and again after the re-index);
// every search 200; every hit in a channel the reader may read; "käsi", "alue" and "jalka" (never
// written as such in the seed) find posts through the API, with the matches marked; "työkalu" and
// "kulttuuri" match posts that hold them only inside a compound (SQL, with the search's own query:
// exact forms rank first, so the API's first page shows those); the Swedish query finds Swedish posts.
//
// Writes bench/results/search-<time>.json. Knobs: BENCH_POSTS, BENCH_THREADS, BENCH_SEARCH_ROUNDS,
// BENCH_ANALYSIS_POSTS, BENCH_TRIGGER_POSTS, BENCH_TRIGGER_RUNS, BENCH_SEED_PARALLEL,
// BENCH_SKIP=analysis|trigger|search|reindex, BENCH_KEEP_DATABASE=1.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { API_TOKEN_PREFIX } from '../src/identity/api-tokens.service';
import { newSecretToken, tokenHash } from '../src/identity/secret-token';
import { PROJECT_ROOT } from '../src/paths';
import { matchesIn, queryParameter, rankIn, typedQueries } from '../src/search/search-sql';
import { benchVocabulary } from './support/bench-vocabulary';
import {
  benchEnvironment,
  cleanUpOnAbort,
  cleanUpStep,
  deleteRedisKeys,
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
} from './support/bench-kit';
import { RARE_WORD, samplePosts, Seeded, seedForum, SNOWBALL_POST_VECTOR } from './support/forum-seed';
import { postsInSearchAnswer } from './support/search-answer';
import { startWebApp, WorkerProcess } from './support/worker-process';

const POSTS = intFromEnv('BENCH_POSTS', 1_000_000, 10_000, 5_000_000);
const THREADS = intFromEnv('BENCH_THREADS', 2000, 10, 100_000);
const LONG_THREAD_POSTS = Math.min(6000, Math.floor(POSTS / 10));
const SEARCH_ROUNDS = intFromEnv('BENCH_SEARCH_ROUNDS', 10, 1, 1000);
const ANALYSIS_POSTS = intFromEnv('BENCH_ANALYSIS_POSTS', 2000, 10, 100_000);
const TRIGGER_POSTS = intFromEnv('BENCH_TRIGGER_POSTS', 5000, 10, 100_000);
const TRIGGER_RUNS = intFromEnv('BENCH_TRIGGER_RUNS', 3, 1, 9);
const SEED_PARALLEL = intFromEnv('BENCH_SEED_PARALLEL', 2, 1, 8);
const REINDEX_BATCH = intFromEnv('SEARCH_REINDEX_BATCH', 500, 1, 100_000);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === '1';
const AUTHORS = 300;
const COHORTS = 10;

const TARGET_SEARCH_P95_MS = 100;
const TARGET_AT_POSTS = 1_000_000;
const OVERALL_TIMEOUT_MS = 180 * 60_000;
const BOOT_TIMEOUT_MS = 60_000;

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Never written as such in the seeded texts, only inflected (kädessä, jalkojen) or inside compounds (keskustelualueella). */
const INFLECTED_QUERIES = ['käsi', 'alue', 'jalka'];
/** Written as such, and inside compounds (itsearviointityökalut, johtamiskulttuuria, Kokeilukulttuuri). */
const COMPOUND_PART_QUERIES = ['työkalu', 'kulttuuri'];
const SWEDISH_QUERY = 'utvecklarnas nätverk';
const SEARCH_QUERIES = [...INFLECTED_QUERIES, ...COMPOUND_PART_QUERIES, 'kädessä', 'kehit', 'kehittäjien verkosto', 'asiakkaille palautetta', 'vaikuttavuuden arviointi', RARE_WORD, 'työ', SWEDISH_QUERY];

/** The forums' search before issue 20, as bench:forum measured it: the newest findable posts' matches first. */
const CANDIDATES = 100;
const RECENT_POSTS = 20_000;
const RESULTS = 20;

/**
 * The bare statement: matching and ranking as the forums' search did it, over the snowball vectors
 * with websearch_to_tsquery ($1 what was typed) or over the new ones with the new queries ($1
 * queryParameter's JSON); $2 the readable channels. No snippets, titles or authors.
 */
function bareSearch(side: 'snowball' | 'voikko'): string {
  const v = side === 'snowball' ? 'search_snowball' : 'search';
  const q =
    side === 'snowball' ? `SELECT websearch_to_tsquery('finnish', $1) AS fi, websearch_to_tsquery('swedish', $1) AS sv, websearch_to_tsquery('english', $1) AS en` : typedQueries('$1');
  const match = (vector: string, language: string) =>
    side === 'snowball'
      ? `((${language} = 'fi' AND ${vector} @@ q.fi) OR (${language} = 'sv' AND ${vector} @@ q.sv) OR (${language} = 'en' AND ${vector} @@ q.en))`
      : matchesIn(vector, language);
  const rank = (p: string) => (side === 'snowball' ? `ts_rank_cd(${p}.v, CASE ${p}.language WHEN 'sv' THEN q.sv WHEN 'en' THEN q.en ELSE q.fi END)::float8` : rankIn(`${p}.v`, `${p}.language`));
  return `WITH q AS (${q}), recent AS MATERIALIZED (
      SELECT w.id, w.language, w.v FROM (SELECT po.id, po.thread_id, po.created_at, po.language, po.${v} AS v FROM forum_post po
        WHERE po.deleted_at IS NULL AND po.hidden_at IS NULL ORDER BY po.created_at DESC, po.id DESC LIMIT ${RECENT_POSTS}) w
      JOIN forum_thread t ON t.id = w.thread_id, q
      WHERE ${match('w.v', 'w.language')} AND t.channel_id = ANY($2::uuid[]) ORDER BY w.created_at DESC, w.id DESC LIMIT ${CANDIDATES}
    ), every_match AS MATERIALIZED (
      SELECT po.id, po.language, po.${v} AS v FROM forum_post po JOIN forum_thread t ON t.id = po.thread_id, q
      WHERE (SELECT count(*) FROM recent) < ${CANDIDATES} AND po.deleted_at IS NULL AND po.hidden_at IS NULL AND ${match(`po.${v}`, 'po.language')} AND t.channel_id = ANY($2::uuid[])
    ), candidates AS (
      SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${CANDIDATES} UNION ALL SELECT * FROM every_match
    )
    SELECT c.id, ${rank('c')} AS rank FROM candidates c, q ORDER BY rank DESC, c.id DESC LIMIT ${RESULTS + 1}`;
}

interface Latencies {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const latencies = (values: number[]): Latencies => ({
  requests: values.length,
  p50Ms: round(percentile(values, 50), 2),
  p95Ms: round(percentile(values, 95), 2),
  p99Ms: round(percentile(values, 99), 2),
  maxMs: round(Math.max(...values), 2),
});

class Bench {
  private readonly id = randomBytes(4).toString('hex');
  readonly databaseUrl: string;
  private readonly redisPrefix = `verso-bench-search-${this.id}`;
  private readonly sessionSecret = randomBytes(24).toString('hex');
  private web?: WorkerProcess;
  private webPort = 0;
  private db?: Pool;
  private cleanedUp?: Promise<void>;
  seeded!: Seeded;
  private token = '';
  readonly fixture: Record<string, unknown> = {};
  readonly invariants: Invariant[] = [];

  constructor() {
    const url = new URL(ADMIN_URL);
    url.pathname = `/verso_bench_search_${this.id}`;
    this.databaseUrl = url.toString();
  }

  private query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.db!.query(sql, params).then((result) => result.rows as T[]);
  }

  async startWeb(): Promise<void> {
    this.webPort = await freePort();
    this.web = await startWebApp({
      port: this.webPort,
      databaseUrl: this.databaseUrl,
      redisUrl: REDIS_URL,
      redisPrefix: this.redisPrefix,
      bootTimeoutMs: BOOT_TIMEOUT_MS,
      // search:reindex runs beside it as a process of the same site, which must agree on it.
      env: { SESSION_SECRET: this.sessionSecret },
    });
    this.db = new Pool({ connectionString: this.databaseUrl, max: SEED_PARALLEL + 1, application_name: 'verso-bench' });
  }

  /** learn() per post, cold then warm, on the fresh database (its vocabulary empty); Voikko per distinct word. */
  async analysis(): Promise<Record<string, unknown>> {
    // Cold: nothing known (a fresh database knows nothing yet; seeding learns its words again after).
    await this.query(`DELETE FROM search_word`);
    const { vocabulary, close } = await benchVocabulary(this.databaseUrl);
    try {
      if (!vocabulary.hasVoikko) throw new Error(`Voikko is missing: ${JSON.stringify(vocabulary.analysis)}`);
      const posts = samplePosts(ANALYSIS_POSTS);
      const pass = async () => {
        const started = performance.now();
        for (const post of posts) await vocabulary.learn([post.body]);
        return ((performance.now() - started) * 1000) / posts.length;
      };
      const coldUs = await pass();
      const [{ learned }] = await this.query<{ learned: number }>(`SELECT count(*)::int AS learned FROM search_word`);
      const warmUs = await pass();
      const distinct = await this.query<{ word: string }>(`SELECT word FROM search_word ORDER BY word`);
      const started = performance.now();
      for (let i = 0; i < 5; i++) for (const { word } of distinct) vocabulary.termsOf(word);
      const voikkoUsPerWord = ((performance.now() - started) * 1000) / (5 * distinct.length);
      await this.query(`DELETE FROM search_word`);
      return {
        posts: posts.length,
        learnColdUsPerPost: round(coldUs, 1),
        learnWarmUsPerPost: round(warmUs, 1),
        wordsLearned: learned,
        voikkoUsPerWord: round(voikkoUsPerWord, 2),
        how: 'SearchVocabulary.learn([body]) for each post in turn (one SELECT of the unknown words, one INSERT when there are any), on its own connection; cold: from an empty search_word (the first pass learns the words), warm: the same posts again; voikkoUsPerWord: termsOf over every learned word, 5 times',
      };
    } finally {
      await close();
    }
  }

  async seed(): Promise<void> {
    const started = performance.now();
    // The baseline's vectors: what the trigger made before issue 20, beside the new ones.
    await this.query(`ALTER TABLE forum_post ADD COLUMN search_snowball tsvector`);
    this.seeded = await seedForum(this.db!, {
      databaseUrl: this.databaseUrl,
      tag: this.id,
      posts: POSTS,
      threads: THREADS,
      longThreadPosts: LONG_THREAD_POSTS,
      authors: AUTHORS,
      cohorts: COHORTS,
      readers: 1,
      passwordHash: 'not-used',
      parallel: SEED_PARALLEL,
      snowballColumn: true,
    });
    const indexStarted = performance.now();
    await this.query(`SET maintenance_work_mem = '512MB'`);
    await this.query(`CREATE INDEX forum_post_search_snowball ON forum_post USING gin (search_snowball) WHERE deleted_at IS NULL AND hidden_at IS NULL`);
    await this.query(`ANALYZE forum_post`);
    this.seeded.timings.snowballIndex = Math.round(performance.now() - indexStarted);
    this.fixture.seedMs = round(performance.now() - started);
    this.fixture.seedStepsMs = this.seeded.timings;
    Object.assign(this.fixture, this.seeded.figures);
    const [sizes] = await this.query<{ voikko_mb: number; snowball_mb: number; words: number }>(
      `SELECT round(pg_relation_size('forum_post_search') / 1048576.0)::int AS voikko_mb, round(pg_relation_size('forum_post_search_snowball') / 1048576.0)::int AS snowball_mb,
              (SELECT count(*)::int FROM search_word) AS words`,
    );
    this.fixture.searchIndexMb = sizes.voikko_mb;
    this.fixture.snowballIndexMb = sizes.snowball_mb;
    this.fixture.wordsKnown = sizes.words;
    this.invariants.push(await this.vectorsAsTrigger('seed-search-as-trigger', 'seeded'));
    // The token of the reader: API tokens as ApiTokensService.issue makes them.
    this.token = newSecretToken(API_TOKEN_PREFIX);
    await this.query(`INSERT INTO api_token (user_id, name, token_hash, expires_at) VALUES ($1, 'bench', $2, now() + interval '1 day')`, [this.seeded.readerIds[0], tokenHash(this.token)]);
  }

  /** Sampled posts (2,000 by md5 of their id, and every thread's opening post) whose stored vector is not forum_post_vector's. */
  private async vectorsAsTrigger(name: string, when: string): Promise<Invariant> {
    const [checked] = await this.query<{ sampled: number; wrong: string[] }>(
      `WITH sample AS ((SELECT id FROM forum_post ORDER BY md5(id::text) LIMIT 2000) UNION (SELECT DISTINCT ON (thread_id) id FROM forum_post ORDER BY thread_id, created_at, id))
       SELECT count(*)::int AS sampled, coalesce(array_agg(p.id::text) FILTER (WHERE p.search IS DISTINCT FROM forum_post_vector(p)), '{}') AS wrong
       FROM sample s JOIN forum_post p ON p.id = s.id`,
    );
    return invariant(name, `The ${when} search vectors of ${checked.sampled} sampled posts (2,000 by md5 of the id and every thread's opening post) equal forum_post_vector(p).`, checked.wrong, (id) => `post ${id}`);
  }

  /** INSERT of TRIGGER_POSTS posts with the trigger as it is and as it was, rolled back; µs per post. */
  async trigger(): Promise<Record<string, unknown>> {
    const posts = samplePosts(TRIGGER_POSTS, 7);
    const client = await this.db!.connect();
    const runs: { side: 'voikko' | 'snowball'; usPerPost: number }[] = [];
    try {
      for (let run = 0; run < TRIGGER_RUNS; run++) {
        for (const side of ['snowball', 'voikko'] as const) {
          await client.query('BEGIN');
          try {
            if (side === 'snowball') {
              // The trigger before issue 20, in this transaction only (rolled back below).
              await client.query(`CREATE OR REPLACE FUNCTION forum_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE p record;
                BEGIN
                  SELECT NEW.language AS language, NEW.body AS body, (SELECT t.title FROM forum_thread t WHERE t.id = NEW.thread_id
                    AND NOT EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = NEW.thread_id AND o.id <> NEW.id AND (o.created_at, o.id) < (NEW.created_at, NEW.id))) AS title INTO p;
                  NEW.search := ${SNOWBALL_POST_VECTOR};
                  RETURN NEW;
                END $$`);
            }
            const threadId = randomUUID();
            await client.query(`INSERT INTO forum_thread (id, channel_id, author_id, title) VALUES ($1, $2, $3, 'Kirjoituskoe')`, [threadId, this.seeded.readableChannelIds[0], this.seeded.readerIds[0]]);
            const started = performance.now();
            await client.query(
              `INSERT INTO forum_post (thread_id, author_id, body, body_html, language, created_at)
               SELECT $1, $2, p.body, '<p>' || p.body || '</p>', p.language, now() + p.n * interval '1 millisecond'
               FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS p(body, language, n)`,
              [threadId, this.seeded.readerIds[0], posts.map((p) => p.body), posts.map((p) => p.language)],
            );
            runs.push({ side, usPerPost: ((performance.now() - started) * 1000) / posts.length });
          } finally {
            await client.query('ROLLBACK');
          }
        }
      }
    } finally {
      client.release();
    }
    const med = (side: 'voikko' | 'snowball') => round(median(runs.filter((r) => r.side === side).map((r) => r.usPerPost)), 1);
    return {
      posts: TRIGGER_POSTS,
      runs: runs.map((r) => ({ ...r, usPerPost: round(r.usPerPost, 1) })),
      voikkoUsPerPost: med('voikko'),
      snowballUsPerPost: med('snowball'),
      extraUsPerPost: round(med('voikko') - med('snowball'), 1),
      how: `one INSERT … SELECT of ${TRIGGER_POSTS} posts (bodies as the seed draws them, words known) into a new thread, every row trigger firing, in a transaction rolled back; snowball: forum_post_search replaced in that transaction by its expression before issue 20; ${TRIGGER_RUNS} runs a side alternating, medians`,
    };
  }

  private get(agent: http.Agent, path: string): Promise<{ status: number; ms: number; body: string }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: this.webPort, path, method: 'GET', agent, headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', 'accept-language': 'fi' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  /** The API one search at a time, then the bare statements, round by round. */
  async search(): Promise<Record<string, unknown>> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const readable = this.seeded.readableChannelIds;
    const answers: { query: string; status: number; ms: number; postIds: string[]; marked: number; body: string }[] = [];
    const bare: Record<'snowball' | 'voikko', { query: string; ms: number; hits: number }[]> = { snowball: [], voikko: [] };
    // The queries' words as the search analyses them (SearchVocabulary.analyseTyped), for the bare statement and the checks.
    const own = await benchVocabulary(this.databaseUrl);
    const analysed = new Map(SEARCH_QUERIES.map((query) => [query, own.vocabulary.analyseTyped(query)]));
    await own.close();
    const client = await this.db!.connect();
    try {
      for (let round = 0; round <= SEARCH_ROUNDS; round++) {
        for (const query of SEARCH_QUERIES) {
          const answer = await Promise.race([this.get(agent, `/api/v1/search?q=${encodeURIComponent(query)}`), this.web!.died]);
          const posts = postsInSearchAnswer(answer.body);
          if (round > 0) answers.push({ query, status: answer.status, ms: answer.ms, postIds: posts.map((p) => p.id), marked: posts.filter((p) => p.snippetHtml.includes('<mark>')).length, body: answer.status === 200 ? '' : answer.body.slice(0, 300) });
          for (const side of ['snowball', 'voikko'] as const) {
            const started = performance.now();
            const { rows } = await client.query(bareSearch(side), [side === 'snowball' ? query : queryParameter({ typed: query, analysed: analysed.get(query)! }), readable]);
            if (round > 0) bare[side].push({ query, ms: performance.now() - started, hits: rows.length });
          }
        }
      }
    } finally {
      client.release();
      agent.destroy();
    }

    const hitIds = [...new Set(answers.flatMap((a) => a.postIds))];
    const posts = new Map(
      (
        await this.query<{ id: string; channel_id: string; language: string; written: Record<string, boolean> }>(
          `SELECT p.id, t.channel_id, p.language,
                  (SELECT jsonb_object_agg(q.typed, p.search @@ search_query_fi(q.typed, 3, false, q.analysed)) FROM unnest($2::text[], $3::jsonb[]) q(typed, analysed)) AS written
           FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id WHERE p.id = ANY($1::uuid[])`,
          [hitIds, INFLECTED_QUERIES, INFLECTED_QUERIES.map((q) => JSON.stringify(analysed.get(q)))],
        )
      ).map((row) => [row.id, row]),
    );
    const readableSet = new Set(readable);
    const firstOf = (query: string) => answers.find((a) => a.query === query)!;
    this.invariants.push(
      invariant('search-200', 'Every search answered 200.', answers, (a) => (a.status === 200 ? null : `"${a.query}": ${a.status} ${a.body}`)),
      invariant('search-readable-only', "Every post found is in a channel the reader may read (the network channels, announcements, their own round's forum).", answers, (a) => {
        const outside = a.postIds.filter((id) => !readableSet.has(posts.get(id)?.channel_id ?? ''));
        return outside.length === 0 ? null : `"${a.query}": ${outside.length} posts in channels the reader may not read`;
      }),
      invariant(
        'search-finds-inflected',
        `${INFLECTED_QUERIES.map((q) => `"${q}"`).join(', ')} each find posts that hold the word only inflected or inside a compound (not as written), with the matched words marked.`,
        INFLECTED_QUERIES.map(firstOf),
        (a) => {
          const onlyInflected = a.postIds.filter((id) => posts.get(id)?.written[a.query] === false).length;
          return onlyInflected > 0 && a.marked > 0 ? null : `"${a.query}": ${a.postIds.length} posts, ${onlyInflected} of them without the word as written, ${a.marked} marked`;
        },
      ),
      invariant(
        'compound-parts-match',
        `${COMPOUND_PART_QUERIES.map((q) => `"${q}"`).join(', ')} each match, with the query the search makes of them (search_query_fi, tier 1), findable posts that hold them only inside a compound; exact forms rank first, so the API's first page shows those.`,
        await this.query<{ query: string; inside: number }>(
          `SELECT q.typed AS query,
                  (SELECT count(*)::int FROM forum_post p WHERE p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.search @@ search_query_fi(q.typed, 1, false, q.analysed) AND NOT p.search @@ search_query_fi(q.typed, 3, false, q.analysed)) AS inside
           FROM unnest($1::text[], $2::jsonb[]) q(typed, analysed)`,
          [COMPOUND_PART_QUERIES, COMPOUND_PART_QUERIES.map((q) => JSON.stringify(analysed.get(q)))],
        ),
        (c) => (c.inside > 0 ? null : `"${c.query}": no post holds it only inside a compound`),
      ),
      invariant('search-finds-swedish', `"${SWEDISH_QUERY}" finds Swedish posts.`, [firstOf(SWEDISH_QUERY)], (a) =>
        a.postIds.some((id) => posts.get(id)?.language === 'sv') ? null : `${a.postIds.length} posts, none Swedish`,
      ),
    );
    const perQuery = (query: string) => {
      const mine = answers.filter((a) => a.query === query);
      const side = (s: 'snowball' | 'voikko') => bare[s].filter((b) => b.query === query);
      return {
        apiP50Ms: round(median(mine.map((a) => a.ms)), 2),
        apiMaxMs: round(Math.max(...mine.map((a) => a.ms)), 2),
        posts: mine[0]?.postIds.length ?? 0,
        bareP50Ms: round(median(side('voikko').map((b) => b.ms)), 2),
        bareHits: side('voikko')[0]?.hits ?? 0,
        snowballP50Ms: round(median(side('snowball').map((b) => b.ms)), 2),
        snowballHits: side('snowball')[0]?.hits ?? 0,
      };
    };
    return {
      api: latencies(answers.map((a) => a.ms)),
      bare: latencies(bare.voikko.map((b) => b.ms)),
      baseline: latencies(bare.snowball.map((b) => b.ms)),
      perQuery: Object.fromEntries(SEARCH_QUERIES.map((query) => [query, perQuery(query)])),
    };
  }

  /** `node dist/src/search-reindex.js` on the bench database; its log's steps. */
  async reindex(): Promise<Record<string, unknown>> {
    const started = performance.now();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'search-reindex.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        SESSION_SECRET: this.sessionSecret,
        BASE_URL: `http://127.0.0.1:${this.webPort}`,
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: 'info',
        DATABASE_URL: this.databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: this.redisPrefix,
        SEARCH_REINDEX_BATCH: String(REINDEX_BATCH),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    const ms = performance.now() - started;
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; step?: string; batches?: number; rows?: number | null; ms?: number });
    const done = lines.filter((line) => line.step && /rebuilt|analysed|not analysed/.test(line.msg));
    const posts = done.find((line) => line.step === 'post');
    if (code !== 0 || !posts?.ms) throw new Error(`search:reindex exited ${code}:\n${output.split('\n').slice(-20).join('\n')}`);
    this.invariants.push(await this.vectorsAsTrigger('reindexed-search-as-trigger', 're-indexed'));
    return {
      exitCode: code,
      processMs: round(ms),
      batchSize: REINDEX_BATCH,
      steps: done.map((line) => ({ step: line.step, batches: line.batches, rows: line.rows, ms: line.ms })),
      postsMs: posts.ms,
      reindexPostsPerS: round(POSTS / (posts.ms / 1000)),
      logLines: lines.length,
    };
  }

  environment(): Promise<Record<string, unknown>> {
    return benchEnvironment(this.databaseUrl, REDIS_URL);
  }

  cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      await cleanUpStep('stop the web process', async () => this.web?.stop(5000));
      await cleanUpStep('close the pool', async () => this.db?.end());
      if (KEEP_DATABASE) log(`kept the database: ${this.databaseUrl}`);
      else await cleanUpStep('drop the database', () => dropDatabase(this.databaseUrl));
      await cleanUpStep('delete the Redis keys', () => deleteRedisKeys(REDIS_URL, this.redisPrefix));
    })();
    return this.cleanedUp;
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadStart = loadavg();
  const loads: number[] = [loadStart[0]];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 10_000);
  const bench = new Bench();
  cleanUpOnAbort('bench:search', () => bench.cleanUp(), OVERALL_TIMEOUT_MS);
  try {
    log(`bench:search: ${POSTS} posts in ${THREADS} threads; ${SEARCH_QUERIES.length} queries × ${SEARCH_ROUNDS} rounds; node ${process.version}; load average ${loadStart.map((v) => round(v, 2)).join(' ')}`);
    await bench.startWeb();
    const environment = await bench.environment();
    const analysis = SKIP.has('analysis') ? null : await bench.analysis();
    if (analysis) log(`learn(): cold ${analysis.learnColdUsPerPost} µs/post, warm ${analysis.learnWarmUsPerPost} µs/post; Voikko ${analysis.voikkoUsPerWord} µs/word`);
    await bench.seed();
    log(`seeded in ${bench.fixture.seedMs} ms: ${JSON.stringify(bench.fixture.seedStepsMs)}; search index ${bench.fixture.searchIndexMb} MB (snowball ${bench.fixture.snowballIndexMb} MB)`);
    const trigger = SKIP.has('trigger') ? null : await bench.trigger();
    if (trigger) log(`trigger: ${trigger.voikkoUsPerPost} µs/post vs ${trigger.snowballUsPerPost} before issue 20 (extra ${trigger.extraUsPerPost})`);
    const search = SKIP.has('search') ? null : await bench.search();
    if (search) log(`search: API ${JSON.stringify(search.api)}; bare ${JSON.stringify(search.bare)}; snowball baseline ${JSON.stringify(search.baseline)}`);
    const reindex = SKIP.has('reindex') ? null : await bench.reindex();
    if (reindex) log(`search:reindex: posts ${reindex.reindexPostsPerS}/s (${reindex.postsMs} ms), process ${reindex.processMs} ms`);

    const api = search?.api as Latencies | undefined;
    const bare = search?.bare as Latencies | undefined;
    const baseline = search?.baseline as Latencies | undefined;
    const searchP95Ms = api?.p95Ms ?? null;
    const analysisUsPerPost = analysis && trigger ? round((analysis.learnWarmUsPerPost as number) + (trigger.extraUsPerPost as number), 1) : null;
    const result = {
      bench: 'search',
      startedAt: startedAt.toISOString(),
      posts: POSTS,
      searchP50Ms: api?.p50Ms ?? null,
      searchP95Ms,
      searchP99Ms: api?.p99Ms ?? null,
      baselineP95Ms: baseline?.p95Ms ?? null,
      bareP95Ms: bare?.p95Ms ?? null,
      ratio: api && baseline ? round(baseline.p95Ms / api.p95Ms, 3) : null,
      bareRatio: bare && baseline ? round(baseline.p95Ms / bare.p95Ms, 3) : null,
      analysisUsPerPost,
      reindexPostsPerS: reindex?.reindexPostsPerS ?? null,
      targetSearchP95Ms: TARGET_SEARCH_P95_MS,
      targetAtPosts: TARGET_AT_POSTS,
      targetMet: searchP95Ms === null || POSTS < TARGET_AT_POSTS ? null : searchP95Ms < TARGET_SEARCH_P95_MS,
      search,
      analysis,
      trigger,
      reindex,
      invariants: bench.invariants,
      setup: {
        database: 'a throwaway database, created and migrated by the web process at its start, seeded set-based (bench/support/forum-seed.ts) after every word the generator writes was learned, dropped at the end',
        ...bench.fixture,
      },
      method: {
        api: 'GET /api/v1/search?q=… (the web process: dist/src/main.js, APP_ROLE=web, NODE_ENV=production) with a reader\'s bearer token, keep-alive, one at a time; latency from sending to the last byte; the posts read from the answer\'s `post` group',
        baseline: `bare SQL on one pg connection, one statement at a time, interleaved with the API requests: the forums' search before issue 20 reduced to matching and ranking (the newest ${RECENT_POSTS} findable posts' matches in the reader's channels, or every match when fewer than ${CANDIDATES}; ts_rank_cd; top ${RESULTS + 1}) with websearch_to_tsquery over the snowball vectors in search_snowball (GIN index like forum_post_search)`,
        bare: 'the same bare statement over the new vectors (search) with the new queries (typedQueries with queryParameter, matchesIn, rankIn from src/search/search-sql.ts; the words analysed by SearchVocabulary.analyseTyped)',
        ratio: 'baseline p95 ÷ API p95 (higher is better); bareRatio: baseline p95 ÷ bare p95',
        analysisUsPerPost: 'warm learn() µs per post + the trigger\'s extra µs per post (forum_post_vector vs the snowball expression): what analysis adds to writing a post once its words are known; the cold figure in `analysis`',
        reindex: `node dist/src/search-reindex.js with SEARCH_REINDEX_BATCH=${REINDEX_BATCH}; reindexPostsPerS = posts ÷ the posts step's ms from its log (words analysed again before it, other kinds after)`,
      },
      environment: { ...environment, loadAverageAtStart: loadStart.map((v) => round(v, 2)), loadAverageAtEnd: loadavg().map((v) => round(v, 2)), loadAverage1mMax: round(Math.max(...loads), 2) },
    };
    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `search-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    log(
      `search p95 ${searchP95Ms} ms at ${POSTS} posts (target < ${TARGET_SEARCH_P95_MS} at ${TARGET_AT_POSTS}${result.targetMet === null ? ': not judged at this size' : result.targetMet ? ', met' : ', NOT met'}); ` +
        `bare ${result.bareP95Ms} ms, snowball baseline ${result.baselineP95Ms} ms, ratio ${result.ratio}`,
    );
    log(`analysisUsPerPost ${analysisUsPerPost}; reindexPostsPerS ${result.reindexPostsPerS}`);
    for (const inv of bench.invariants) log(`  ${inv.passed ? 'ok  ' : 'FAIL'} ${inv.name}${inv.passed ? '' : `: ${inv.failures.slice(0, 5).join('; ')}`}`);
    log(`results: ${file.slice(PROJECT_ROOT.length + 1)}`);
    return bench.invariants.every((inv) => inv.passed) ? 0 : 1;
  } finally {
    clearInterval(sampler);
    await bench.cleanUp();
  }
}

runBench('bench:search', main);
