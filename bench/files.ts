// npm run bench:files — file downloads and uploads through the app (issue 19), the app running as
// its own process (the built dist/src/main.js, the PostgreSQL file store) with its memory sampled.
//
// Download: one 5 MB PDF, uploaded once, fetched DOWNLOADS times on CONNECTIONS keep-alive
// connections by its uploader (signed in through the form), against the baseline: @fastify/static
// serving the same bytes from a file on disk, in a process of its own, with the same load. Runs
// alternate app, baseline, RUNS times each; `downloadRatio` = the app's MB/s ÷ the baseline's
// (medians; target ≥ 0.5). Every answer must be 200 with exactly the uploaded bytes.
// Upload: UPLOADS distinct 5 MB PDFs (random content, so none is deduplicated) posted through the
// upload form on UPLOAD_CONNECTIONS connections: `uploadMBps`, and `peakRssMb`, the web process's
// resident set at its highest (sampled every 100 ms, and the kernel's own high-water mark), which
// must stay under 300 MB: the files stream to the store, never held whole.
//
// Knobs: BENCH_DOWNLOADS, BENCH_CONNECTIONS, BENCH_UPLOADS, BENCH_UPLOAD_CONNECTIONS, BENCH_RUNS;
// BENCH_NODE_ARGS (node options for the web process, space-separated, for investigating how it is
// run — such as V8's heap sizes; recorded in the result, and not how the figures above are measured).
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../src/paths';
import { signInThroughForm } from './support/form-sign-in';
import { WorkerProcess } from './support/worker-process';
import { benchEnvironment, deleteRedisKeys, dropDatabase, freePort, intFromEnv, log, median, round, sleep } from './support/bench-kit';

const MB = 1024 * 1024;
const FILE_BYTES = 5 * MB;
const DOWNLOADS = intFromEnv('BENCH_DOWNLOADS', 200, 10, 100_000);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 20, 1, 500);
const UPLOADS = intFromEnv('BENCH_UPLOADS', 100, 1, 10_000);
const UPLOAD_CONNECTIONS = intFromEnv('BENCH_UPLOAD_CONNECTIONS', 10, 1, 100);
const RUNS = intFromEnv('BENCH_RUNS', 3, 1, 20);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TARGET_RATIO = 0.5;
const TARGET_PEAK_RSS_MB = 300;
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const EMAIL = 'penkki.tiedostot@example.fi';
const PASSWORD = 'Penkki-tiedostot-2027';

/** A PDF of `bytes` bytes: the signature file-type reads, then random bytes. */
function pdfOf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
}

/** `total` GETs of `url` on `connections` lanes; fails on any answer that is not the expected bytes. */
async function download(url: string, headers: Record<string, string>, total: number, connections: number, sha256: string): Promise<{ seconds: number; mbps: number }> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      const res = await fetch(url, { headers });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || createHash('sha256').update(body).digest('hex') !== sha256) throw new Error(`${url}: ${res.status}, ${body.length} bytes`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds, 3), mbps: round((total * FILE_BYTES) / MB / seconds, 1) };
}

async function upload(base: string, cookie: string, token: string, content: Buffer, name: string): Promise<void> {
  const form = new FormData();
  form.append('_csrf', token);
  form.append('file', new Blob([new Uint8Array(content.buffer as ArrayBuffer, content.byteOffset, content.length)], { type: 'application/pdf' }), name);
  const res = await fetch(`${base}/files`, { method: 'POST', body: form, headers: { cookie, 'accept-language': 'fi' }, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`upload of ${name}: ${res.status}`);
}

/** @fastify/static serving `dir` on `port`, in a process of its own like the app. */
function baselineServer(dir: string, port: number) {
  const source = `
    const fastify = require('fastify')({ logger: false });
    fastify.register(require('@fastify/static'), { root: ${JSON.stringify(dir)} });
    fastify.listen({ port: ${port}, host: '127.0.0.1' }).then(() => process.send('ready'));`;
  const script = join(dir, 'baseline.cjs');
  writeFileSync(script, source);
  const child = fork(script, [], { cwd: PROJECT_ROOT, env: { ...process.env, NODE_PATH: join(PROJECT_ROOT, 'node_modules') }, stdio: 'inherit' });
  return { child, ready: new Promise<void>((resolve) => child.once('message', () => resolve())) };
}

async function main() {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/verso_bench_files_${id}` }).toString();
  const redisPrefix = `verso-bench-files-${id}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE verso_bench_files_${id}`);
  await admin.end();
  const dir = mkdtempSync(join(tmpdir(), 'verso-bench-files-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const web = new WorkerProcess({
    NODE_ENV: 'development',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    ADMIN_EMAIL: EMAIL,
    ADMIN_PASSWORD: PASSWORD,
  }, NODE_ARGS);
  const baselinePort = await freePort();
  const baseline = baselineServer(dir, baselinePort);
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error(`the app did not start:\n${web.tail()}`);
      const alive = await fetch(`${base}/health/ready`).then((res) => res.ok, () => false);
      if (alive) break;
      await Promise.race([sleep(100), web.died]);
    }
    await baseline.ready;
    const { res, jar } = await signInThroughForm(base, EMAIL, PASSWORD);
    if (res.status !== 303) throw new Error(`sign-in: ${res.status}`);
    const cookie = jar.header();
    const page = await fetch(`${base}/files`, { headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!token) throw new Error('no CSRF token on /files');

    // Download: the same bytes through the app and from disk.
    const content = pdfOf(FILE_BYTES);
    const sha256 = createHash('sha256').update(content).digest('hex');
    writeFileSync(join(dir, 'workbook.pdf'), content);
    await upload(base, cookie, token, content, 'työkirja.pdf');
    const fileId = /href="\/files\/([0-9a-f-]{36})"/.exec(await (await fetch(`${base}/files`, { headers: { cookie } })).text())?.[1];
    if (!fileId) throw new Error('the uploaded file is not listed');
    await download(`${base}/files/${fileId}`, { cookie }, 20, 4, sha256);
    await download(`http://127.0.0.1:${baselinePort}/workbook.pdf`, {}, 20, 4, sha256);
    const appRuns: number[] = [];
    const baselineRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const app = await download(`${base}/files/${fileId}`, { cookie }, DOWNLOADS, CONNECTIONS, sha256);
      const bare = await download(`http://127.0.0.1:${baselinePort}/workbook.pdf`, {}, DOWNLOADS, CONNECTIONS, sha256);
      appRuns.push(app.mbps);
      baselineRuns.push(bare.mbps);
      log(`download run ${run + 1}: app ${app.mbps} MB/s (${app.seconds} s), @fastify/static ${bare.mbps} MB/s (${bare.seconds} s)`);
    }
    const downloadRatio = round(median(appRuns) / median(baselineRuns), 3);
    const rssDuringDownloadsMb = round(web.maxSampledRssKb / 1024, 1);
    web.maxSampledRssKb = 0;

    // Upload: distinct files, so each one is hashed and stored in full.
    const contents = Array.from({ length: UPLOAD_CONNECTIONS }, () => pdfOf(FILE_BYTES));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: UPLOAD_CONNECTIONS }, async (_, lane) => {
        while (next < UPLOADS) {
          const i = next++;
          // A fresh content each time from the lane's buffer: its first bytes after the signature changed.
          contents[lane].writeUInt32BE(i, 9);
          await upload(base, cookie, token, contents[lane], `tiedosto-${i}.pdf`);
        }
      }),
    );
    const uploadSeconds = (performance.now() - started) / 1000;
    const uploadMBps = round((UPLOADS * FILE_BYTES) / MB / uploadSeconds, 1);
    const rssDuringUploadsMb = round(web.maxSampledRssKb / 1024, 1);
    const peakRssMb = round((web.peakRssKb() ?? 0) / 1024, 1);
    const check = new Client({ connectionString: databaseUrl });
    await check.connect();
    const stored = Number((await check.query(`SELECT count(*) AS n FROM stored_file`)).rows[0].n);
    const blobs = Number((await check.query(`SELECT count(*) AS n FROM file_blob`)).rows[0].n);
    await check.end();

    const result = {
      bench: 'files',
      at: new Date().toISOString(),
      environment: await benchEnvironment(databaseUrl, REDIS_URL),
      loadAverage: loadavg().map((value) => round(value, 2)),
      settings: { fileMb: FILE_BYTES / MB, downloads: DOWNLOADS, connections: CONNECTIONS, uploads: UPLOADS, uploadConnections: UPLOAD_CONNECTIONS, runs: RUNS, store: 'postgres', nodeArgs: NODE_ARGS },
      download: { appMBps: appRuns, baselineMBps: baselineRuns, appMedianMBps: median(appRuns), baselineMedianMBps: median(baselineRuns) },
      downloadRatio,
      downloadRatioTarget: TARGET_RATIO,
      uploadSeconds: round(uploadSeconds, 2),
      uploadMBps,
      rssDuringDownloadsMb,
      rssDuringUploadsMb,
      peakRssMb,
      peakRssTargetMb: TARGET_PEAK_RSS_MB,
      invariants: { everyDownloadTheUploadedBytes: true, storedFiles: stored, expectedStoredFiles: UPLOADS + 1, blobs, expectedBlobs: UPLOADS + 1 },
      met: { downloadRatio: downloadRatio >= TARGET_RATIO, peakRss: peakRssMb < TARGET_PEAK_RSS_MB, stored: stored === UPLOADS + 1 && blobs === UPLOADS + 1 },
    };
    mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
    const file = join(PROJECT_ROOT, 'bench', 'results', `files-${result.at.replace(/:/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`downloadRatio ${downloadRatio} (app ${median(appRuns)} vs @fastify/static ${median(baselineRuns)} MB/s), uploadMBps ${uploadMBps}, peakRssMb ${peakRssMb} (sampled: downloads ${rssDuringDownloadsMb}, uploads ${rssDuringUploadsMb}), stored ${stored}/${UPLOADS + 1}, blobs ${blobs} → ${file}`);
  } catch (error) {
    log(`the web process's last output:\n${web.tail()}`);
    throw error;
  } finally {
    baseline.child.kill();
    await web.stop();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl).catch((error) => log(`could not drop ${databaseUrl}: ${error}`));
    await deleteRedisKeys(REDIS_URL, redisPrefix).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
