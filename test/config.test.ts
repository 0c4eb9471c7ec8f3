import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../src/config/config';
import { MAIN } from './support/app-process';

describe('configuration', () => {
  it('works with no settings at all, pointing at local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      role: 'all',
      runsWeb: true,
      runsWorkers: true,
      databaseUrl: 'postgres://postgres@localhost:5432/verso',
      redisUrl: 'redis://localhost:6379',
      timeZone: 'Europe/Helsinki',
      baseUrl: 'http://localhost:3000',
      demoData: true,
    });
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      APP_ROLE: 'worker',
      BASE_URL: 'https://verso.example.fi/',
      DATABASE_URL: 'postgres://verso:secret@db:5432/verso_prod',
      REDIS_URL: 'redis://cache:6380/2',
      SMTP_URL: 'smtp://mail:1025',
      WORKER_CONCURRENCY: '12',
      SMTP_MAX_CONNECTIONS: '3',
    });
    expect(config).toMatchObject({
      port: 8080,
      runsWeb: false,
      runsWorkers: true,
      baseUrl: 'https://verso.example.fi',
      databaseUrl: 'postgres://verso:secret@db:5432/verso_prod',
      redisUrl: 'redis://cache:6380/2',
      smtpUrl: 'smtp://mail:1025',
      workerConcurrency: 12,
      smtpMaxConnections: 3,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 1 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535'],
    [{ APP_ROLE: 'both' }, 'APP_ROLE must be one of web, worker, all'],
    [{ DATABASE_URL: 'mysql://localhost/verso' }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a Redis URL'],
    [{ ADMIN_EMAIL: 'maija.aijala@valtiokonttori.fi' }, 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together'],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'x'.repeat(12) }, 'ADMIN_EMAIL must be an email address'],
    [{ SMTP_MAX_CONNECTIONS: '0' }, 'SMTP_MAX_CONNECTIONS must be a whole number from 1 to 100'],
    [{ TZ: 'Mars/Olympus' }, 'TZ must be an IANA time zone'],
    [{ FILE_MAX_MB: '0' }, 'FILE_MAX_MB must be a whole number of megabytes from 1 to 1024'],
    [{ FILE_STORE: 'disk' }, 'FILE_STORE must be postgres or s3'],
    [{ FILE_STORE: 's3' }, 'S3_BUCKET must be set when FILE_STORE=s3'],
    [{ FILE_STORE: 's3', S3_BUCKET: 'verso-files', S3_ACCESS_KEY_ID: 'AKIA' }, 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together'],
    [{ S3_BUCKET: 'Verso_Files' }, 'S3_BUCKET must be a bucket name'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET must be at least 32 characters'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET must be set'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be the comma-separated IP addresses or CIDR ranges of your reverse proxies'],
    [{ TRUST_PROXY: '*' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: 'proxy.example.fi' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: 'notanaddress' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: '10.0.0.0/0' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: '10.0.0.1,,10.0.0.2' }, 'TRUST_PROXY must be'],
    [{ TRUST_PROXY: '256.0.0.1' }, 'TRUST_PROXY must be'],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BASE_URL: 'https://verso.example.fi' }, 'TRUST_PROXY must be set to the address of the reverse proxy'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('trusts no proxy unless TRUST_PROXY names them: addresses, CIDR ranges and proxy-addr’s range names', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    const config = loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8,::1,loopback,uniquelocal' });
    expect(config.trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1', 'loopback', 'uniquelocal']);
    const production = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BASE_URL: 'https://verso.example.fi', TRUST_PROXY: '10.0.0.5' });
    expect(production.trustedProxies).toEqual(['10.0.0.5']);
  });

  it('never seeds demo data in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DEMO_DATA: 'true' });
    expect(config.demoData).toBe(false);
  });

  it.each([
    ['PORT', 'abc', 'Invalid configuration: PORT must be a whole number from 1 to 65535 (got "abc")'],
    [
      'TRUST_PROXY',
      'everyone',
      'Invalid configuration: TRUST_PROXY must be the comma-separated IP addresses or CIDR ranges of your reverse proxies (such as 10.0.0.5,10.1.0.0/16), or loopback, linklocal, uniquelocal (got "everyone")',
    ],
  ])('stops the process with exit code 1 and one line naming %s, without a stack trace', (name, value, line) => {
    expect(existsSync(MAIN)).toBe(true); // npm test builds dist/ first
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, [name]: value },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([line]);
    expect(result.stdout).toBe('');
  });
});
