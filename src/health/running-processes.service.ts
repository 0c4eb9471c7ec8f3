// Owns the register of the site's running processes (table running_process). Every process of one
// site must sign cookies and secret links with the same SESSION_SECRET (or a session made by one
// web process is refused by the next, and a mailed link by the process that opens it) and put jobs
// under the same REDIS_PREFIX (or workers never see the web processes' jobs). Neither mistake shows
// until users hit it, so a process that starts with a different one than the processes already
// running refuses to start and names the setting. A process says it is alive every few seconds;
// a killed process's row goes stale and no longer counts, so changing the secret needs only that
// all processes are restarted with the new one.
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';

/** How often a process says it is alive, and after how long without a word it no longer counts. */
export const HEARTBEAT_MS = 10_000;
const STALE_AFTER_SECONDS = 30;
/** Serialises start-up checks, so two processes starting at once cannot both miss each other ("proc" in ASCII). */
const REGISTER_LOCK_KEY = 0x70726f63;

/** Equal secrets give equal fingerprints; the fingerprint tells nothing about the secret. */
export function secretFingerprint(secret: string): string {
  return createHmac('sha256', secret).update('verso running-process fingerprint').digest('hex').slice(0, 32);
}

/** A process whose settings disagree with the running ones': main.ts prints the message and exits 1. */
export class DisagreeingSettings extends Error {}

interface OtherProcess {
  role: string;
  host: string;
  pid: number;
  secret_fingerprint: string;
  redis_prefix: string;
  seconds_ago: number;
}

@Injectable()
export class RunningProcesses implements OnModuleInit, OnApplicationShutdown {
  private readonly id = randomUUID();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Before any module's bootstrap, so a worker takes no job and no port is opened under wrong settings. */
  async onModuleInit(): Promise<void> {
    const fingerprint = secretFingerprint(this.config.sessionSecret);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [REGISTER_LOCK_KEY]);
      await manager.query(`DELETE FROM running_process WHERE seen_at < now() - make_interval(secs => $1)`, [STALE_AFTER_SECONDS]);
      const others: OtherProcess[] = await manager.query(
        `SELECT role, host, pid, secret_fingerprint, redis_prefix, floor(extract(epoch FROM now() - seen_at))::int AS seconds_ago
         FROM running_process ORDER BY seen_at DESC`,
      );
      const describe = (other: OtherProcess) => `${other.role} process ${other.pid} on ${other.host}, seen ${other.seconds_ago} s ago`;
      const otherSecret = others.find((other) => other.secret_fingerprint !== fingerprint);
      if (otherSecret) {
        throw new DisagreeingSettings(
          `SESSION_SECRET differs from the one the site's running processes use (${describe(otherSecret)}): give every process of the site the same SESSION_SECRET`,
        );
      }
      const otherPrefix = others.find((other) => other.redis_prefix !== this.config.redisPrefix);
      if (otherPrefix) {
        throw new DisagreeingSettings(
          `REDIS_PREFIX is "${this.config.redisPrefix}" here but "${otherPrefix.redis_prefix}" in the site's running processes (${describe(otherPrefix)}): give every process of the site the same REDIS_PREFIX`,
        );
      }
      await manager.query(
        `INSERT INTO running_process (id, role, host, pid, secret_fingerprint, redis_prefix) VALUES ($1, $2, $3, $4, $5, $6)`,
        [this.id, this.config.role, hostname(), process.pid, fingerprint, this.config.redisPrefix],
      );
    });
    this.heartbeat = setInterval(() => void this.sayAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async sayAlive(): Promise<void> {
    try {
      await this.dataSource.query(`UPDATE running_process SET seen_at = now() WHERE id = $1`, [this.id]);
    } catch (error) {
      // The database is away for a moment: readiness says so; the next beat tries again.
      this.logger.debug({ err: error }, 'could not record that this process is alive');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.dataSource.query(`DELETE FROM running_process WHERE id = $1`, [this.id]).catch(() => undefined);
  }
}
