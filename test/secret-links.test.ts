// Secret links (a password reset, a manager's approval, a forum unsubscribe address) reach the
// recipient's mailbox and nothing else: not a column of any table, not a Redis key, not a log line,
// not the admin outbox page; yet the link in the mail works, also in a mail sent again from the
// outbox. And without SESSION_SECRET an installation makes its own secret and keeps it.
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PASSWORD_RESET_KIND } from '../src/accounts/password-reset.service';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumsService } from '../src/forums/forums.service';
import { Language } from '../src/i18n/i18n';
import { NotificationsService } from '../src/notifications/notifications.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;
const NEW_PASSWORD = 'Talven-valmennus-2028';
const HIDDEN: Record<Language, string> = { fi: '[linkki piilotettu]', sv: '[länken dold]', en: '[link hidden]' };

describe('secret links', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  const logLines: string[] = [];

  const mailTo = async (email: string, count = 1, timeoutMs = 15000): Promise<ReceivedMail[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()));
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails to ${email}`);
      await sleep(50);
    }
  };
  /** The latest row to the address, of the kind if given (everybody also hears of new network threads). */
  const rowTo = async (email: string, kind?: string): Promise<{ id: string; status: string; attempts: number; last_error: string | null }> => {
    const [row] = await db.query(`SELECT id, status, attempts, last_error FROM notification WHERE recipient_email = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at DESC LIMIT 1`, [
      email,
      kind ?? null,
    ]);
    return row;
  };
  const statusOf = async (id: string, status: string, timeoutMs = 15000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await db.query(`SELECT status, attempts, last_error FROM notification WHERE id = $1`, [id]);
      if (row?.status === status) return row as { status: string; attempts: number; last_error: string | null };
      if (Date.now() > deadline) throw new Error(`notification ${id} is ${row?.status}, not ${status}`);
      await sleep(50);
    }
  };

  /** The tables whose rows hold this text anywhere. */
  const tablesHolding = async (text: string): Promise<string[]> => {
    const tables: { table_name: string }[] = await db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const holding: string[] = [];
    for (const { table_name } of tables) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table_name}" AS r WHERE strpos(r::text, $1) > 0`, [text]);
      if (n > 0) holding.push(table_name);
    }
    return holding;
  };

  /** The Redis keys under the app's prefix whose name or value holds this text. */
  const redisKeysHolding = async (text: string): Promise<string[]> => {
    const redis = new IORedis(t.config.redisUrl);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${t.config.redisPrefix}*`, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(0); // the scan sees the app's keys
      const holding: string[] = [];
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? await redis.hgetall(key)
          : type === 'list' ? await redis.lrange(key, 0, -1)
          : type === 'set' ? await redis.smembers(key)
          : type === 'zset' ? await redis.zrange(key, 0, -1)
          : type === 'stream' ? await redis.xrange(key, '-', '+')
          : null;
        if (`${key} ${JSON.stringify(value)}`.includes(text)) holding.push(key);
      }
      return holding;
    } finally {
      redis.disconnect();
    }
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp(
      { SMTP_URL: await sink.start(), LOG_LEVEL: 'trace', FORUM_EDIT_WINDOW_MINUTES: '0' },
      { logDestination: { write: (line: string) => void logLines.push(line) } },
    );
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('keeps reset, approval and unsubscribe links out of the database, Redis, the logs and the outbox page, while the links in the mail work', async () => {
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);

    // A password reset, in English.
    const ella = await createUser(t, { email: `ella.${randomBytes(3).toString('hex')}@tulli.fi`, displayName: 'Ella Evans', language: 'en' });
    expect((await new WebClient(t).post('/password/forgot', { email: ella.email })).status).toBe(200);
    const [resetMail] = await mailTo(ella.email);
    const resetToken = /\/password\/reset\?token=([A-Za-z0-9_-]+)/.exec(resetMail.text)![1];

    // A manager's approval, in Finnish.
    const cohort = await newCohort(t, { requiresApproval: true, enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
    const aino = await createUser(t, { displayName: 'Aino Äijälä', language: 'fi' });
    const managerEmail = `esihenkilo.${randomBytes(3).toString('hex')}@verohallinto.fi`;
    await t.app.get(EnrolmentService).enrol(actorOf(aino), cohort.id, { managerEmail });
    const [approvalMail] = await mailTo(managerEmail);
    const approvalToken = /\/enrolments\/approval\/([A-Za-z0-9_-]+)/.exec(approvalMail.text)![1];

    // A forum post to a Swedish-speaking follower of the thread, with List-Unsubscribe.
    const [general] = await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    const asa = actorOf(await createUser(t, { displayName: 'Åsa Öström', language: 'sv' }));
    const pekka = actorOf(await createUser(t, { displayName: 'Pekka Korhonen' }));
    const forums = t.app.get(ForumsService);
    const { threadId } = await forums.startThread(asa, general.id, { title: 'Palautteen antaminen', body: 'Miten annatte palautetta?', language: 'fi' }, 'fi');
    await forums.reply(pekka, threadId, { body: 'Kasvokkain ja heti.', language: 'fi' }, 'fi');
    const [forumMail] = await mailTo(asa.email);
    const unsubscribeHeader = forumMail.parsed.headerLines.find((line) => line.key === 'list-unsubscribe')!.line.replace(/\r?\n\s+/g, ' ');
    const unsubscribeToken = /\/unsubscribe\/forum\/([A-Za-z0-9_-]+)>/.exec(unsubscribeHeader)![1];
    expect(forumMail.text).toContain(unsubscribeToken);

    const tokens = { reset: resetToken, approval: approvalToken, unsubscribe: unsubscribeToken };
    const rows = { reset: await rowTo(ella.email, 'password-reset'), approval: await rowTo(managerEmail), unsubscribe: await rowTo(asa.email) };
    const languages: Record<keyof typeof tokens, Language> = { reset: 'en', approval: 'fi', unsubscribe: 'sv' };

    // An admin sends the reset mail again from the outbox: the link is opened again, the same link.
    await db.query(`UPDATE notification SET status = 'failed' WHERE id = $1`, [rows.reset.id]);
    expect((await admin.post(`/admin/outbox/${rows.reset.id}/resend`, {}, { page: `/admin/outbox/${rows.reset.id}` })).status).toBe(303);
    // Ella follows network channels' new threads by default, so Åsa's thread may have reached her too.
    const resetMails = () => sink.received.filter((mail) => mail.to.toLowerCase().includes(ella.email.toLowerCase()) && mail.text.includes('/password/reset'));
    for (const deadline = Date.now() + 15000; resetMails().length < 2 && Date.now() < deadline; ) await sleep(50);
    const [, resent] = resetMails();
    expect(resent?.text).toContain(`${t.config.baseUrl}/password/reset?token=${resetToken}`);
    await statusOf(rows.reset.id, 'sent');
    await statusOf(rows.approval.id, 'sent');
    await statusOf(rows.unsubscribe.id, 'sent');

    // The links work: the reset goes through, the approval and unsubscribe pages open.
    const browser = new WebClient(t, 'en');
    expect((await browser.get(`/password/reset?token=${resetToken}`)).status).toBe(200);
    expect((await browser.post('/password/reset', { token: resetToken, password: NEW_PASSWORD }, { page: `/password/reset?token=${resetToken}` })).status).toBe(303);
    expect((await new WebClient(t).post('/login', { email: ella.email, password: NEW_PASSWORD })).status).toBe(303);
    expect((await t.http.get(`/enrolments/approval/${approvalToken}`)).status).toBe(200);
    expect((await t.http.get(`/unsubscribe/forum/${unsubscribeToken}`)).status).toBe(200);

    // Where each link turns up, all at once, so a failure shows every place that leaks.
    const found: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(tokens) as [keyof typeof tokens, string][]) {
      const [page, html] = [await admin.get(`/admin/outbox/${rows[name].id}`), await admin.get(`/admin/outbox/${rows[name].id}/html`)];
      found[name] = {
        tables: await tablesHolding(token),
        redisKeys: await redisKeysHolding(token),
        logLines: logLines.filter((line) => line.includes(token)),
        outboxPage: { status: page.status, showsLink: page.text.includes(token), showsHidden: page.text.includes(HIDDEN[languages[name]]) },
        outboxHtml: { status: html.status, showsLink: html.text.includes(token), showsHidden: html.text.includes(HIDDEN[languages[name]]) },
      };
    }
    const clean = { tables: [], redisKeys: [], logLines: [], outboxPage: { status: 200, showsLink: false, showsHidden: true }, outboxHtml: { status: 200, showsLink: false, showsHidden: true } };
    expect(found).toEqual({ reset: clean, approval: clean, unsubscribe: clean });
    // The logs were read: the requests that used the links are there, their tokens hidden.
    expect(logLines.some((line) => line.includes('/password/reset?token=[hidden]'))).toBe(true);
    expect(logLines.some((line) => line.includes('/enrolments/approval/[hidden]'))).toBe(true);
  });

  it('fails a message at once, quoting no link, when its sealed link no longer opens', async () => {
    const email = `ville.${randomBytes(3).toString('hex')}@example.fi`;
    const link = `${t.config.baseUrl}/password/reset?token=${randomBytes(32).toString('base64url')}`;
    const id = await t.app.get(NotificationsService).notify(PASSWORD_RESET_KIND, { email, language: 'fi' }, { link, minutes: 60 }, { dueAt: new Date(Date.now() + 3 * DAY) });
    const [{ payload }] = await db.query(`SELECT payload FROM notification WHERE id = $1`, [id]);
    expect(JSON.stringify(payload)).not.toContain(link);
    // Altered, as a changed SESSION_SECRET would leave it: the tag no longer matches.
    const sealed: string = payload.link.sealed;
    const altered = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    await db.query(`UPDATE notification SET payload = jsonb_set(payload, '{link,sealed}', to_jsonb($2::text)), due_at = now() WHERE id = $1`, [id, altered]);

    const failed = await statusOf(id!, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/cannot be opened/);
    expect(sink.received.filter((mail) => mail.to.includes(email))).toEqual([]);
  });
});

describe('the installation’s own session secret', () => {
  it('is made at random on first start, the same for every process of an installation and across restarts, and another installation’s own', async () => {
    const [shared, other, configured] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    const started: TestApp[] = [];
    const start = async (env: Record<string, string>) => {
      const app = await startTestApp({ APP_ROLE: 'web', ...env });
      started.push(app);
      return app;
    };
    try {
      // Two processes starting at once on one new database.
      const [a, b] = await Promise.all([start({ DATABASE_URL: shared }), start({ DATABASE_URL: shared })]);
      const secret = a.config.sessionSecret;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
      expect(secret).not.toBe('verso-development-session-secret-not-for-production');
      expect(b.config.sessionSecret).toBe(secret);
      // One signs, the other accepts: a calendar feed address made by one opens in the other.
      const person = await createUser(a);
      const token = /\/calendar\/feed\/([^/]+)\.ics$/.exec(await a.app.get(CalendarFeedService).addressFor(person.id))![1];
      expect(await b.app.get(CalendarFeedService).ownerOf(token)).toMatchObject({ userId: person.id });

      await a.app.close();
      started.splice(started.indexOf(a), 1);
      const restarted = await start({ DATABASE_URL: shared });
      expect(restarted.config.sessionSecret).toBe(secret);

      const elsewhere = await start({ DATABASE_URL: other });
      expect(elsewhere.config.sessionSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(elsewhere.config.sessionSecret).not.toBe(secret);

      // SESSION_SECRET, when set, is the secret, and none is made.
      const given = 'a-session-secret-of-forty-characters-xyz';
      const set = await start({ DATABASE_URL: configured, SESSION_SECRET: given });
      expect(set.config.sessionSecret).toBe(given);
      const client = new Client({ connectionString: configured });
      await client.connect();
      try {
        expect((await client.query(`SELECT count(*)::int AS n FROM installation_secret`)).rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      for (const app of started) await app.app.close();
      await Promise.all([shared, other, configured].map(dropTestDatabase));
    }
  }, 90_000);
});
