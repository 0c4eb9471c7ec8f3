// Server-side sessions in PostgreSQL (table user_session, through connect-pg-simple), so any number
// of web processes share them, and CSRF tokens for every form (@fastify/csrf-protection: a secret in
// a signed cookie, a token per form). The session cookie is HttpOnly, SameSite=Lax, and Secure in
// production; it holds only the session id.
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import connectPgSimple from 'connect-pg-simple';
import { Pool } from 'pg';
import { Logger } from 'pino';
import { Config } from '../config/config';

export const SESSION_COOKIE = 'verso_session';
export const CSRF_COOKIE = 'verso_csrf';
const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;

declare module 'fastify' {
  interface Session {
    userId?: string;
    /** The user's sessionVersion when they signed in: a bumped version ends this session. */
    version?: number;
  }
}

export async function registerSessions(app: NestFastifyApplication, config: Config, logger: Logger): Promise<void> {
  const secure = config.nodeEnv === 'production';
  const pool = new Pool({ connectionString: config.databaseUrl, max: 5, connectionTimeoutMillis: 3000, application_name: 'verso-sessions' });
  pool.on('error', (error) => logger.warn({ err: error }, 'session store connection lost'));
  const PgStore = connectPgSimple(fastifySession as unknown as Parameters<typeof connectPgSimple>[0]);
  const store = new PgStore({
    pool,
    tableName: 'user_session',
    createTableIfMissing: false,
    // Expired sessions are deleted now and then by whichever web process gets there.
    pruneSessionInterval: 15 * 60,
    errorLog: (...args: unknown[]) => logger.warn({ detail: args.map(String).join(' ') }, 'session store error'),
  });
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: SESSION_COOKIE,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: TWO_WEEKS_MS },
    saveUninitialized: false,
    rolling: false,
    store: store as never,
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => {
      await store.close();
      await pool.end();
    });
}
