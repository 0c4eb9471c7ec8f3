// The outbox under faults: Redis stopped or flushed, a worker killed mid-batch, two workers at once.
// Each runs against real processes: a Redis of the test's own, the built app as worker processes,
// and a real SMTP server.
import { DataSource } from 'typeorm';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { startAppProcess } from './support/app-process';
import { PrivateRedis } from './support/redis-server';
import { SmtpSink } from './support/smtp-sink';
import { createUser, signIn } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { JOB_RETRY_DELAY_MS: '50', SWEEP_INTERVAL_MS: '1000', SENDING_LEASE_SECONDS: '2' };

async function notifyMany(t: TestApp, count: number, prefix: string): Promise<string[]> {
  const notifications = t.app.get(NotificationsService);
  return t.app.get(DataSource).transaction(async (manager) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = await notifications.notify(
        TEST_MESSAGE_KIND,
        { email: `${prefix}-${i}@example.fi`, language: 'fi' },
        { requestedAt: new Date().toISOString() },
        { manager },
      );
      ids.push(id!);
    }
    return ids;
  });
}

/** Waits until every id was received; returns how often each was. */
async function receivedCounts(sink: SmtpSink, ids: string[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = sink.countByMessageId();
    const perId = ids.map((id) => counts.get(`<${id}@verso>`) ?? 0);
    if (perId.every((n) => n > 0) || Date.now() > deadline) return perId;
    await sleep(100);
  }
}

describe('notifications under faults', () => {
  let sink: SmtpSink;
  let smtpUrl: string;
  beforeAll(async () => {
    sink = new SmtpSink();
    smtpUrl = await sink.start();
  });
  afterAll(() => sink.stop());

  describe('with a Redis of its own', () => {
    let redis: PrivateRedis;
    let t: TestApp;
    beforeAll(async () => {
      redis = new PrivateRedis();
      await redis.start();
      // The live worker keeps its claims through FLUSHALL and finishes them; a lease of 2 s could run
      // out while a claimed message waits for one of the 5 SMTP connections on a busy CI machine,
      // and the sweep would then hand it out again: at-least-once is for dead workers only.
      t = await startTestApp({ ...FAST, SENDING_LEASE_SECONDS: '10', SMTP_URL: smtpUrl, REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await redis.start();
      await t.close();
      await redis.stop();
    });

    it('keeps answering a notifying action within 1 s while Redis is stopped, and sends once Redis is back', async () => {
      const person = await createUser(t, { email: 'ohjelmatiimi@valtiokonttori.fi', siteRole: 'admin' });
      const admin = await signIn(t, person.email);
      const csrfToken = await admin.csrfToken('/admin/outbox');
      await redis.stop();

      const started = Date.now();
      const res = await admin.post('/admin/outbox/test-message', { _csrf: csrfToken, email: 'redis-down@example.fi', language: 'sv' }, { csrf: false });
      expect(res.status).toBe(303);
      expect(Date.now() - started).toBeLessThan(1000);
      const [waiting] = await t.app.get(DataSource).query(`SELECT id, status FROM notification WHERE recipient_email = 'redis-down@example.fi'`);
      expect(['pending', 'queued']).toContain(waiting.status);
      await sleep(1500);
      expect(sink.countByMessageId().get(`<${waiting.id}@verso>`)).toBeUndefined();

      await redis.start();
      expect(await receivedCounts(sink, [waiting.id], 20000)).toEqual([1]);
    }, 40000);

    it('still delivers every due message, each once, after FLUSHALL mid-run', async () => {
      sink.delayMs = 10;
      try {
        const ids = await notifyMany(t, 200, 'flush');
        const deadline = Date.now() + 10000;
        while (ids.filter((id) => sink.countByMessageId().has(`<${id}@verso>`)).length < 30 && Date.now() < deadline) await sleep(20);
        await redis.flushAll();
        const counts = await receivedCounts(sink, ids, 30000);
        expect(counts.filter((n) => n === 0)).toEqual([]);
        expect(counts.filter((n) => n > 1)).toEqual([]);
        // A message is marked sent after the mail server has taken it, with the next batch of marks
        // (notification-delivery.service.ts): the last marks follow the last mail by a round trip.
        const unsentAfter = async (ms: number) => {
          const deadline = Date.now() + ms;
          for (;;) {
            const [{ unsent }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS unsent FROM notification WHERE id = ANY($1::uuid[]) AND status <> 'sent'`, [ids]);
            if (unsent === 0 || Date.now() > deadline) return unsent;
            await sleep(50);
          }
        };
        expect(await unsentAfter(5000)).toBe(0);
      } finally {
        sink.delayMs = 0;
      }
    }, 60000);
  });

  describe('with worker processes', () => {
    let t: TestApp;
    const workerEnv = () => ({
      ...FAST,
      APP_ROLE: 'worker',
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      REDIS_PREFIX: t.config.redisPrefix,
      SMTP_URL: smtpUrl,
      WORKER_CONCURRENCY: '10',
      SMTP_MAX_CONNECTIONS: '3',
      LOG_LEVEL: 'error',
      DEMO_DATA: 'false',
    });
    beforeAll(async () => {
      // The in-process app only writes notifications: no worker of its own.
      t = await startTestApp({ APP_ROLE: 'web' });
    });
    afterAll(() => t.close());

    it('loses nothing when a worker is killed mid-batch and another starts', async () => {
      sink.delayMs = 10;
      const first = startAppProcess(workerEnv());
      let second: ReturnType<typeof startAppProcess> | undefined;
      try {
        const ids = await notifyMany(t, 300, 'killed');
        const deadline = Date.now() + 20000;
        while (ids.filter((id) => sink.countByMessageId().has(`<${id}@verso>`)).length < 60 && Date.now() < deadline) await sleep(20);
        await first.kill('SIGKILL');
        const deliveredAtKill = ids.filter((id) => sink.countByMessageId().has(`<${id}@verso>`)).length;
        expect(deliveredAtKill).toBeLessThan(300); // killed mid-batch

        second = startAppProcess(workerEnv());
        const counts = await receivedCounts(sink, ids, 40000);
        expect(counts.filter((n) => n === 0)).toEqual([]);
        // At-least-once only for what the killed worker had handed to SMTP but not yet marked:
        // at most one message per job it held (WORKER_CONCURRENCY, 10).
        expect(counts.filter((n) => n > 1).length).toBeLessThanOrEqual(10);
      } finally {
        sink.delayMs = 0;
        await first.kill();
        await second?.kill('SIGTERM');
      }
    }, 90000);

    it('sends nothing twice with two workers at once', async () => {
      const workers = [startAppProcess(workerEnv()), startAppProcess(workerEnv())];
      try {
        const ids = await notifyMany(t, 400, 'pair');
        const counts = await receivedCounts(sink, ids, 40000);
        expect(counts.filter((n) => n === 0)).toEqual([]);
        expect(counts.filter((n) => n > 1)).toEqual([]);
      } finally {
        await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
      }
    }, 60000);
  });
});
