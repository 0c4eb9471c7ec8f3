// What every benchmark needs alike: its knobs from the environment, medians and percentiles, a
// log line, the git state and machine the result was measured at, invariants, the SMTP sink's
// exactly-once check, a free port, and cleaning up a throwaway database and Redis prefix.
import type { SendMailOptions, Transporter } from 'nodemailer';
import IORedis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { databaseName, maintenanceUrl, quoteIdentifier } from '../../src/database/prepare-database';
import { PROJECT_ROOT } from '../../src/paths';

export function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${raw})`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The nearest-rank percentile. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const log = (line: string) => process.stdout.write(`${line}\n`);

/** The commit measured, and whether the working tree differed from it. */
export function gitState(): { gitCommit: string | null; gitWorkingTreeChanged: boolean } {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return { gitCommit: git(['rev-parse', 'HEAD']), gitWorkingTreeChanged: (git(['status', '--porcelain']) ?? '') !== '' };
}

/** A port nobody listens on right now, for an app process of the benchmark's own. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Invariant {
  name: string;
  description: string;
  passed: boolean;
  failures: string[];
}

/** Prints each invariant as held or not and where the result was written; the exit code: 0 when every one held. */
export function reportInvariants(invariants: Invariant[], file: string): number {
  for (const inv of invariants) log(`  ${inv.passed ? 'ok  ' : 'FAIL'} ${inv.name}${inv.passed ? '' : `: ${inv.failures.join('; ')}`}`);
  log(`results: ${file.slice(PROJECT_ROOT.length + 1)}`);
  return invariants.every((inv) => inv.passed) ? 0 : 1;
}

/** Runs a bench's main and exits with its code; an error is printed to stderr with the bench's name, and exits 1. */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** An invariant checked over items (runs, responses): the failure text of each that broke it. */
export function invariant<T>(name: string, description: string, items: T[], failure: (item: T) => string | null): Invariant {
  const failures = items.map((item) => failure(item)).filter((f): f is string => f !== null);
  return { name, description, passed: failures.length === 0, failures };
}

/** What the SMTP sink got, against the Message-IDs it should have got once each. */
export interface Delivery {
  /** Every expected Message-ID once, nothing else, no duplicates. */
  exactlyOnce: boolean;
  missing: number;
  duplicated: number;
  unexpected: number;
  received: number;
}

export function checkDelivery(counts: Map<string, number>, received: number, expected: string[]): Delivery {
  const expectedSet = new Set(expected);
  let missing = 0;
  let duplicated = 0;
  for (const id of expected) {
    const n = counts.get(id) ?? 0;
    if (n === 0) missing++;
    if (n > 1) duplicated++;
  }
  const unexpected = [...counts.keys()].filter((id) => !expectedSet.has(id)).length;
  return { exactlyOnce: missing === 0 && duplicated === 0 && unexpected === 0 && received === expected.length, missing, duplicated, unexpected, received };
}

/** Drops a benchmark's throwaway database, whoever is still connected to it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(databaseName(databaseUrl))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key starting with `prefix` (a benchmark's queues). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    for (let pass = 0; pass < 100_000; pass++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

/** The machine and versions a result was measured on. */
export async function benchEnvironment(databaseUrl: string, redisUrl: string): Promise<Record<string, unknown>> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  let postgres: string;
  try {
    postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisVersion: string | null = null;
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? null;
  } catch {
    redisVersion = null;
  } finally {
    redis.disconnect();
  }
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    postgres,
    redis: redisVersion,
    ...gitState(),
  };
}

/**
 * Sends `count` messages through one nodemailer transport with at most `inFlight` sendMail under
 * way at a time (the bare baseline of the mail benchmarks); rejects on the first refusal.
 */
export async function sendInLanes(transport: Transporter, count: number, inFlight: number, message: (i: number) => SendMailOptions): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) await transport.sendMail(message(i));
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/**
 * Cleans up if the bench overruns `timeoutMs` or is stopped (SIGINT, SIGTERM), then exits 1, so no
 * throwaway database, queue or process outlives a run that went wrong.
 */
export function cleanUpOnAbort(bench: string, cleanUp: () => Promise<void>, timeoutMs: number): void {
  const abort = async (why: string) => {
    log(`\n${bench}: ${why}; cleaning up`);
    await Promise.race([cleanUp(), sleep(30_000)]);
    process.exit(1);
  };
  setTimeout(() => void abort(`gave up after ${timeoutMs / 60_000} minutes`), timeoutMs).unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void abort(`stopped by ${signal}`));
}

/** One clean-up step: a failure is logged, and the next steps still run. */
export async function cleanUpStep(what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log(`cleanup: could not ${what}: ${(error as Error).message}`);
  }
}
