// Server-side sessions in PostgreSQL (table user_session, through connect-pg-simple), so any number
// of web processes share them, and CSRF tokens for every form (@fastify/csrf-protection: a secret in
// a signed cookie, a token per form). The session cookie is HttpOnly, SameSite=Lax, and Secure in
// production; it holds only the session id.
//
// Reading a session reads its person too, in one prepared statement (the store's get): every
// signed-in page needs both, and a round trip of its own for the person was a fifth of the thread
// page's statements (bench:forum). The header's unread count (the view notifications exports) comes
// in the same statement for the same reason. Both ride on the session (`signedInUser`,
// `unreadNotifications`) for this request only: read fresh each time, never written back (the
// store's set leaves them out).
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Session } from 'fastify';
import connectPgSimple from 'connect-pg-simple';
import { Pool } from 'pg';
import { Logger } from 'pino';
import { Config } from '../config/config';
import { IDLE_CONNECTION_MS } from '../database/data-source.options';
import { ACTOR_COLUMNS, ActorRow } from './authentication.service';

export const SESSION_COOKIE = 'verso_session';
export const CSRF_COOKIE = 'verso_csrf';
const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;

declare module 'fastify' {
  interface Session {
    userId?: string;
    /** The user's sessionVersion when they signed in: a bumped version ends this session. */
    version?: number;
    /** The session's person as read with it (active ones only; null when none is), for Authentication: never stored. */
    signedInUser?: ActorRow | null;
    /** The person's unread notifications as read with the session (up to 100), for the header: never stored. */
    unreadNotifications?: number;
  }
}

/**
 * The session unless expired, with its person if active (identity's view `person`, which PostgreSQL
 * reads as app_user itself): one named statement, planned once per connection.
 */
const SESSION_WITH_USER = `SELECT s.sess, u.id IS NOT NULL AS has_user, ${ACTOR_COLUMNS},
    (SELECT c.unread FROM unread_notification_count c WHERE c.user_id = u.id) AS unread_notifications
  FROM user_session s LEFT JOIN person u ON u.id = (s.sess->>'userId')::uuid AND u.status = 'active'
  WHERE s.sid = $1 AND s.expire >= now()`;

/** What the store's get adds to a session for this request only; its set leaves these out. */
type ReadWithSession = Pick<Session, 'signedInUser' | 'unreadNotifications'>;

/** connect-pg-simple's store, whose get reads the session's person with it (see the top of this file). */
function sessionStoreClass(pool: Pool) {
  const PgStore = connectPgSimple(fastifySession as unknown as Parameters<typeof connectPgSimple>[0]);
  return class SessionStore extends PgStore {
    private pruningStarted = false;

    override get(sid: string, done: Parameters<InstanceType<typeof PgStore>['get']>[1]): void {
      // connect-pg-simple starts its pruning timer in its own get.
      if (!this.pruningStarted) {
        this.pruningStarted = true;
        this.pruneSessions();
      }
      pool.query<{ sess: Record<string, unknown>; has_user: boolean; unread_notifications: number | null } & ActorRow>({ name: 'session-with-user', text: SESSION_WITH_USER, values: [sid] }).then(
        ({ rows: [row] }) => {
          if (!row) return done(null, null);
          const { sess, has_user, unread_notifications, ...user } = row;
          const read: ReadWithSession = has_user ? { signedInUser: user, unreadNotifications: unread_notifications ?? 0 } : { signedInUser: null };
          done(null, { ...sess, ...read } as never);
        },
        (error: Error) => done(error),
      );
    }

    override set(sid: string, session: Parameters<InstanceType<typeof PgStore>['set']>[1], done?: (error?: unknown) => void): void {
      const { signedInUser: _person, unreadNotifications: _unread, ...stored } = session as typeof session & ReadWithSession;
      super.set(sid, stored, done);
    }
  };
}

export async function registerSessions(app: NestFastifyApplication, config: Config, logger: Logger): Promise<void> {
  const secure = config.nodeEnv === 'production';
  const pool = new Pool({ connectionString: config.databaseUrl, max: 5, connectionTimeoutMillis: 3000, idleTimeoutMillis: IDLE_CONNECTION_MS, application_name: 'verso-sessions' });
  pool.on('error', (error) => logger.warn({ err: error }, 'session store connection lost'));
  const SessionStore = sessionStoreClass(pool);
  const store = new SessionStore({
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
