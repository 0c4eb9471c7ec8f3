// A newsletter edition under faults: the built app as worker processes (a worker killed mid-send,
// another started) and a real SMTP server. Every confirmed subscriber must end up with the one
// message of their outbox row: none missing, none written twice.
import { DataSource } from 'typeorm';
import { NewsletterEditions } from '../src/newsletter/newsletter-editions.service';
import { NEWSLETTER_EDITION_KIND } from '../src/newsletter/newsletter.notifications';
import { actorOf, createUser } from './support/accounts';
import { startAppProcess } from './support/app-process';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SUBSCRIBERS = 300;
const WORKER_CONCURRENCY = 10;

describe('a newsletter edition under faults', () => {
  let sink: SmtpSink;
  let smtpUrl: string;
  let t: TestApp;
  const workerEnv = () => ({
    JOB_RETRY_DELAY_MS: '50',
    SWEEP_INTERVAL_MS: '1000',
    SENDING_LEASE_SECONDS: '2',
    APP_ROLE: 'worker',
    DATABASE_URL: t.config.databaseUrl,
    REDIS_URL: t.config.redisUrl,
    REDIS_PREFIX: t.config.redisPrefix,
    SMTP_URL: smtpUrl,
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    SMTP_MAX_CONNECTIONS: '3',
    LOG_LEVEL: 'error',
    DEMO_DATA: 'false',
  });

  beforeAll(async () => {
    sink = new SmtpSink();
    smtpUrl = await sink.start();
    // The in-process app only writes: no worker of its own.
    t = await startTestApp({ APP_ROLE: 'web' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('reaches every subscriber with exactly one message across a worker killed mid-send', async () => {
    const db = t.app.get(DataSource);
    const editions = t.app.get(NewsletterEditions);
    await db.query(
      `INSERT INTO newsletter_subscriber (email, language, status, confirmed_at)
       SELECT 'tilaaja-' || i || '@example.fi', (ARRAY['fi', 'sv', 'en'])[1 + i % 3], 'confirmed', now() FROM generate_series(1, $1) i`,
      [SUBSCRIBERS],
    );
    const admin = actorOf(await createUser(t, { email: 'viestinta@valtiokonttori.fi', siteRole: 'admin' }));
    const edition = await editions.create(admin, { subject: { fi: 'Uutiskirje 4/2027', sv: 'Nyhetsbrev 4/2027' }, body: { fi: 'Verkoston **uutiset**.' } });
    await editions.schedule(admin, edition.id, new Date(Date.now() + 60_000));
    await db.query(`UPDATE newsletter_edition SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [edition.id]);

    sink.delayMs = 10;
    const first = startAppProcess(workerEnv());
    let second: ReturnType<typeof startAppProcess> | undefined;
    try {
      // The worker's own recurring sweep may start the edition too: either way it is queued once.
      await Promise.all([editions.sendDue(), editions.sendDue()]);
      const rows: { id: string; recipient_email: string }[] = await db.query(
        `SELECT id, recipient_email FROM notification WHERE kind = $1 AND payload->>'editionId' = $2`,
        [NEWSLETTER_EDITION_KIND, edition.id],
      );
      expect(rows).toHaveLength(SUBSCRIBERS);
      expect(new Set(rows.map((row) => row.recipient_email)).size).toBe(SUBSCRIBERS);
      expect(await editions.find(edition.id)).toMatchObject({ status: 'sent', recipientCount: SUBSCRIBERS });

      const received = () => rows.filter((row) => sink.countByMessageId().has(`<${row.id}@verso>`)).length;
      const deadline = Date.now() + 30000;
      while (received() < 60 && Date.now() < deadline) await sleep(20);
      await first.kill('SIGKILL');
      expect(received()).toBeLessThan(SUBSCRIBERS); // killed mid-send

      second = startAppProcess(workerEnv());
      const end = Date.now() + 60000;
      while (received() < SUBSCRIBERS && Date.now() < end) await sleep(100);

      // Each subscriber got their one message (one Message-ID, their outbox row's), and nobody a second one.
      const byAddress = new Map<string, Set<string>>();
      for (const mail of sink.received) {
        const ids = byAddress.get(mail.to.toLowerCase()) ?? new Set<string>();
        ids.add(mail.messageId);
        byAddress.set(mail.to.toLowerCase(), ids);
      }
      const missing = rows.filter((row) => !byAddress.has(row.recipient_email));
      expect(missing).toEqual([]);
      expect([...byAddress.values()].filter((ids) => ids.size !== 1)).toEqual([]);
      // The outbox's one at-least-once window: what the killed worker had handed to SMTP but not
      // marked sent goes again with the same Message-ID (a mail program shows it once); at most one
      // per job it held.
      const counts = sink.countByMessageId();
      expect(rows.filter((row) => (counts.get(`<${row.id}@verso>`) ?? 0) > 1).length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
    } finally {
      sink.delayMs = 0;
      await first.kill();
      await second?.kill('SIGTERM');
    }
  }, 120000);
});
