// Owns the process configuration: every setting comes from an environment variable, is validated
// once at boot, and is then read as a typed, frozen object. Defaults work with no configuration on a
// machine with PostgreSQL on localhost:5432 (user postgres, trust auth) and Redis on localhost:6379.
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../paths';

export const APP_ROLES = ['web', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

/** A whole-number setting within [min, max]; every failure gives the one message. */
function WholeNumber(min: number, max: number, message: string): PropertyDecorator {
  return applyDecorators(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

/** Names proxy-addr (Fastify's trustProxy) knows for whole ranges of private addresses. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** One TRUST_PROXY entry: an IP address, a CIDR range (10.0.0.0/8, fd00::/8) or a range name. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  // proxy-addr refuses a /0: "trust every address" is what TRUST_PROXY exists to avoid.
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}

const proxyList = (value: string): string[] => value.split(',').map((entry) => entry.trim());

/** The raw environment, as class-validator checks it. Each message names what the variable expects. */
class Environment {
  @IsIn(['development', 'test', 'production'], { message: 'NODE_ENV must be one of development, test, production' })
  NODE_ENV = 'development';

  @IsIn(APP_ROLES, { message: 'APP_ROLE must be one of web, worker, all' })
  APP_ROLE: AppRole = 'all';

  @WholeNumber(1, 65535, 'PORT must be a whole number from 1 to 65535')
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'HOST must be an address to listen on, such as 0.0.0.0 or 127.0.0.1' })
  HOST = '0.0.0.0';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, {
    message: 'BASE_URL must be the public http(s) address of the site, such as https://verso.example.fi',
  })
  BASE_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_\-]+(\?.*)?$/, {
    message: 'DATABASE_URL must be a PostgreSQL URL naming a database, such as postgres://postgres@localhost:5432/verso',
  })
  DATABASE_URL?: string;

  @WholeNumber(1, 65535, 'LOCAL_DATABASE_PORT must be a whole number from 1 to 65535')
  LOCAL_DATABASE_PORT = 5432;

  @IsString()
  @MinLength(1, { message: 'EMBEDDED_DATABASE_DIR must be a folder for the embedded PostgreSQL’s data' })
  EMBEDDED_DATABASE_DIR = join(PROJECT_ROOT, '.data', 'postgres');

  @Matches(/^rediss?:\/\/[^/]+(\/\d+)?$/, {
    message: 'REDIS_URL must be a Redis URL, such as redis://localhost:6379 or redis://localhost:6379/0',
  })
  REDIS_URL = 'redis://localhost:6379';

  @Matches(/^[A-Za-z0-9_\-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits, - or _' })
  REDIS_PREFIX = 'verso';

  @IsOptional()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an SMTP URL, such as smtp://user:pass@mail.example.fi:587' })
  SMTP_URL?: string;

  @IsString()
  @Matches(/^.+@.+$/, { message: 'MAIL_FROM must be an email address, optionally with a name: Verso <verso@example.fi>' })
  MAIL_FROM = 'Verso <verso@localhost>';

  @IsString()
  TZ = 'Europe/Helsinki';

  @IsOptional()
  @ValidateBy(
    { name: 'isProxyList', validator: { validate: (value: unknown) => typeof value === 'string' && proxyList(value).every(isProxyAddress) } },
    { message: 'TRUST_PROXY must be the comma-separated IP addresses or CIDR ranges of your reverse proxies (such as 10.0.0.5,10.1.0.0/16), or loopback, linklocal, uniquelocal' },
  )
  TRUST_PROXY?: string;

  @WholeNumber(1, 200, 'WORKER_CONCURRENCY must be a whole number from 1 to 200')
  WORKER_CONCURRENCY = 40;

  @WholeNumber(1, 100, 'SMTP_MAX_CONNECTIONS must be a whole number from 1 to 100')
  SMTP_MAX_CONNECTIONS = 5;

  @IsIn(LOG_LEVELS, { message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' })
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @MinLength(10, { message: 'ADMIN_PASSWORD must be at least 10 characters' })
  ADMIN_PASSWORD?: string;

  @WholeNumber(0, 23, 'DIGEST_HOUR must be a whole number from 0 to 23 (Helsinki time)')
  DIGEST_HOUR = 7;

  @WholeNumber(1, 100, 'REGISTER_RETENTION_YEARS must be a whole number of years from 1 to 100')
  REGISTER_RETENTION_YEARS = 10;

  @WholeNumber(0, 1440, 'FORUM_EDIT_WINDOW_MINUTES must be a whole number of minutes from 0 to 1440')
  FORUM_EDIT_WINDOW_MINUTES = 30;

  @WholeNumber(10, 3_600_000, 'JOB_RETRY_DELAY_MS must be a whole number of milliseconds from 10 to 3600000')
  JOB_RETRY_DELAY_MS = 40_000;

  @WholeNumber(1, 3600, 'SENDING_LEASE_SECONDS must be a whole number from 1 to 3600')
  SENDING_LEASE_SECONDS = 30;

  @WholeNumber(500, 3_600_000, 'SWEEP_INTERVAL_MS must be a whole number of milliseconds from 500 to 3600000')
  SWEEP_INTERVAL_MS = 60_000;

  @IsIn(['true', 'false'], { message: 'DEMO_DATA must be true or false' })
  @IsOptional()
  DEMO_DATA?: string;

  @WholeNumber(1, 1024, 'FILE_MAX_MB must be a whole number of megabytes from 1 to 1024')
  FILE_MAX_MB = 50;

  @IsIn(['postgres', 's3'], { message: 'FILE_STORE must be postgres or s3' })
  FILE_STORE: 'postgres' | 's3' = 'postgres';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'S3_ENDPOINT must be the http(s) address of the S3-compatible service, such as https://s3.eu-north-1.amazonaws.com' })
  S3_ENDPOINT?: string;

  @IsString()
  @MinLength(1, { message: 'S3_REGION must be the bucket’s region, such as eu-north-1' })
  S3_REGION = 'us-east-1';

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens' })
  S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @IsIn(['true', 'false'], { message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE = 'false';

  @IsString()
  @MinLength(1, { message: 'VOIKKO_LIBRARY must be the file name or path of libvoikko, such as libvoikko.so.1' })
  VOIKKO_LIBRARY = 'libvoikko.so.1';
}

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  role: AppRole;
  runsWeb: boolean;
  runsWorkers: boolean;
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string;
  /**
   * Without DATABASE_URL: the PostgreSQL on localhost:`port` (user postgres, database verso), or,
   * when nothing answers there and not in production, an embedded one of the app's own with its
   * data in `dir` (database/embedded-database.ts).
   */
  localDatabase?: { port: number; dir: string };
  redisUrl: string;
  redisPrefix: string;
  sessionSecret: string;
  smtpUrl?: string;
  /** SMTP connections a worker keeps open: the messages it has in flight to the mail server at once. */
  smtpMaxConnections: number;
  mailFrom: string;
  timeZone: string;
  workerConcurrency: number;
  logLevel: LogLevel;
  /**
   * The reverse proxies whose X-Forwarded-For (and -Proto, -Host) is believed; empty: none, so the
   * client's address is the connection's and nobody can choose the address limits count against.
   */
  trustedProxies: readonly string[];
  /** The first admin, created at start-up when no user has this email (never overwritten). */
  firstAdmin?: { email: string; password: string };
  /** Hour of the day (Helsinki) when daily digests go out. */
  digestHour: number;
  /** Years after a round ends (an imported completion: after its year) that the register keeps who completed; then the retention job anonymises it. */
  registerRetentionYears: number;
  /** How long authors may edit a post; its mail goes out when this has passed, with the post as it then stands. */
  forumEditWindowMinutes: number;
  /** First retry wait of a failed job; doubles each attempt. */
  jobRetryDelayMs: number;
  /** How long a message may stay "sending" before it counts as abandoned by a dead worker. */
  sendingLeaseSeconds: number;
  /** How often the outbox sweep runs, and recurring jobs are re-registered in Redis. */
  sweepIntervalMs: number;
  /** Seed demo programmes and agencies on an empty database. Never in production. */
  demoData: boolean;
  /** The largest file a person may upload, in bytes (FILE_MAX_MB). */
  fileMaxBytes: number;
  /** Where file contents live: PostgreSQL itself (in the backups, no other service) or an S3-compatible bucket. */
  /** libvoikko (Finnish morphology for search): a name the system's loader finds, or a path. Missing: search falls back to the snowball stemmer. */
  voikkoLibrary: string;
  fileStore: { kind: 'postgres' } | { kind: 's3'; endpoint?: string; region: string; bucket: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
}

export class ConfigError extends Error {}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and validates the environment. Throws ConfigError whose message is one line naming the
 * first bad variable and what it expects, so main.ts can print it and exit 1 without a stack trace.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as docker compose and shells often pass them.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? `${first.property} is invalid`;
    throw new ConfigError(`Invalid configuration: ${message} (got ${JSON.stringify(first.value)})`);
  }
  if (!isValidTimeZone(parsed.TZ)) {
    throw new ConfigError(`Invalid configuration: TZ must be an IANA time zone such as Europe/Helsinki (got ${JSON.stringify(parsed.TZ)})`);
  }
  const production = parsed.NODE_ENV === 'production';
  if (Boolean(parsed.ADMIN_EMAIL) !== Boolean(parsed.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (production && !parsed.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET must be set (at least 32 characters) when NODE_ENV=production');
  }
  // The app speaks plain HTTP, so an https site has a proxy in front; unless it is trusted every
  // request looks like http and the Secure session cookie is never set: nobody could sign in.
  if (production && !parsed.TRUST_PROXY && parsed.BASE_URL?.startsWith('https:')) {
    throw new ConfigError('Invalid configuration: TRUST_PROXY must be set to the address of the reverse proxy in front (the app itself speaks only http) when NODE_ENV=production and BASE_URL is https');
  }
  const demoData = production ? false : parsed.DEMO_DATA !== 'false';
  if (parsed.FILE_STORE === 's3' && !parsed.S3_BUCKET) {
    throw new ConfigError('Invalid configuration: S3_BUCKET must be set when FILE_STORE=s3');
  }
  if (Boolean(parsed.S3_ACCESS_KEY_ID) !== Boolean(parsed.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  return Object.freeze({
    nodeEnv: parsed.NODE_ENV as Config['nodeEnv'],
    role: parsed.APP_ROLE,
    runsWeb: parsed.APP_ROLE !== 'worker',
    runsWorkers: parsed.APP_ROLE !== 'web',
    port: parsed.PORT,
    host: parsed.HOST,
    baseUrl: (parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ''),
    databaseUrl: parsed.DATABASE_URL ?? `postgres://postgres@localhost:${parsed.LOCAL_DATABASE_PORT}/verso`,
    localDatabase: parsed.DATABASE_URL ? undefined : Object.freeze({ port: parsed.LOCAL_DATABASE_PORT, dir: resolve(parsed.EMBEDDED_DATABASE_DIR) }),
    redisUrl: parsed.REDIS_URL,
    redisPrefix: parsed.REDIS_PREFIX,
    // Unset (never in production): empty here, and createApp puts in the installation's own
    // generated secret, kept in its database (database/installation-secret.ts).
    sessionSecret: parsed.SESSION_SECRET ?? '',
    smtpUrl: parsed.SMTP_URL,
    smtpMaxConnections: parsed.SMTP_MAX_CONNECTIONS,
    mailFrom: parsed.MAIL_FROM,
    timeZone: parsed.TZ,
    workerConcurrency: parsed.WORKER_CONCURRENCY,
    logLevel: parsed.LOG_LEVEL,
    trustedProxies: Object.freeze(parsed.TRUST_PROXY ? proxyList(parsed.TRUST_PROXY) : []),
    // Outside production the demo opens the admin pages with a known token (shown in README).
    firstAdmin: parsed.ADMIN_EMAIL && parsed.ADMIN_PASSWORD ? { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD } : undefined,
    digestHour: parsed.DIGEST_HOUR,
    forumEditWindowMinutes: parsed.FORUM_EDIT_WINDOW_MINUTES,
    registerRetentionYears: parsed.REGISTER_RETENTION_YEARS,
    jobRetryDelayMs: parsed.JOB_RETRY_DELAY_MS,
    sendingLeaseSeconds: parsed.SENDING_LEASE_SECONDS,
    voikkoLibrary: parsed.VOIKKO_LIBRARY,
    sweepIntervalMs: parsed.SWEEP_INTERVAL_MS,
    demoData,
    fileMaxBytes: parsed.FILE_MAX_MB * 1024 * 1024,
    fileStore:
      parsed.FILE_STORE === 's3'
        ? Object.freeze({
            kind: 's3' as const,
            endpoint: parsed.S3_ENDPOINT,
            region: parsed.S3_REGION,
            bucket: parsed.S3_BUCKET!,
            accessKeyId: parsed.S3_ACCESS_KEY_ID,
            secretAccessKey: parsed.S3_SECRET_ACCESS_KEY,
            forcePathStyle: parsed.S3_FORCE_PATH_STYLE === 'true',
          })
        : Object.freeze({ kind: 'postgres' as const }),
  });
}

/** Injection token for the validated Config. */
export const CONFIG = Symbol('CONFIG');
