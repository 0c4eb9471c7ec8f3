import { DataSource } from 'typeorm';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';
import { TcpProxy } from './support/tcp-proxy';

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - started > timeoutMs) return { value, ms: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('health', () => {
  describe('with PostgreSQL and Redis up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('answers live with 200', async () => {
      const res = await t.http.get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers ready with 200 when both dependencies answer', async () => {
      const res = await t.http.get('/health/ready').expect(200);
      expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' }, down: [], search: { analyser: 'voikko' } });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('tags every response with a request id, keeping a sane one given by a proxy', async () => {
      const given = await t.http.get('/health/live').set('x-request-id', 'lb-1234').expect(200);
      expect(given.headers['x-request-id']).toBe('lb-1234');
      const made = await t.http.get('/health/live').set('x-request-id', 'bad id with spaces').expect(200);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('with Redis unreachable (wrong port): ready answers 200 "degraded" promptly, naming redis and how to start it; pages serve and enrolment works, its mail kept in the outbox', async () => {
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'web' });
    try {
      const started = Date.now();
      const res = await t.http.get('/health/ready').expect(200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.body).toEqual({
        status: 'degraded',
        checks: { database: 'up', redis: 'down' },
        down: ['redis'],
        help: { redis: expect.stringContaining('Redis does not answer at 127.0.0.1:1') },
        search: { analyser: 'voikko' },
      });
      expect(res.body.help.redis).toMatch(/docker compose up -d redis.*apt-get install redis-server/);
      // Pages do not wait on Redis.
      await t.http.get('/').expect(200);
      // Enrolment records its mail in PostgreSQL; the relay hands it to the queue once Redis is back.
      const cohort = await newCohort(t, { enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 86_400_000) });
      const person = await createUser(t);
      const enrolled = await t.app.get(EnrolmentService).enrol(actorOf(person), cohort.id);
      expect(enrolled.enrolment.status).toBe('confirmed');
      const mail = await t.app.get(DataSource).query(`SELECT status FROM notification WHERE recipient_user_id = $1`, [person.id]);
      expect(mail.length).toBeGreaterThan(0);
      expect(mail.every((row: { status: string }) => row.status === 'pending')).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('turns ready to 503 naming the database within 5 s when PostgreSQL stops, and recovers by itself', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    const port = await proxy.start();
    const direct = new URL(await createTestDatabase());
    direct.host = `127.0.0.1:${port}`;
    const t = await startTestApp({ DATABASE_URL: direct.toString() });
    try {
      await t.http.get('/health/ready').expect(200);

      await proxy.stop();
      const down = await until(() => t.http.get('/health/ready'), (res) => res.status === 503, 5000);
      expect(down.value.status).toBe(503);
      expect(down.value.body.down).toEqual(['database']);
      expect(down.value.body.status).toBe('unavailable');
      expect(down.value.body.help.database).toContain(`PostgreSQL does not answer at 127.0.0.1:${port}`);
      expect(down.ms).toBeLessThan(5000);

      await proxy.start(port);
      const up = await until(() => t.http.get('/health/ready'), (res) => res.status === 200, 10000);
      expect(up.value.status).toBe(200);
      expect(up.value.body.checks).toEqual({ database: 'up', redis: 'up' });
    } finally {
      await proxy.start(port);
      await t.close();
      await proxy.stop();
    }
  });

  it('turns ready to "degraded" naming redis when Redis stops, and back to ok by itself', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    const port = await proxy.start();
    const t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, APP_ROLE: 'web' });
    try {
      await until(() => t.http.get('/health/ready'), (res) => res.status === 200, 5000);
      await proxy.stop();
      const down = await until(() => t.http.get('/health/ready'), (res) => res.body.status === 'degraded', 5000);
      expect(down.value.status).toBe(200);
      expect(down.value.body.down).toEqual(['redis']);
      await proxy.start(port);
      const up = await until(() => t.http.get('/health/ready'), (res) => res.body.status === 'ok', 10000);
      expect(up.value.body.down).toEqual([]);
    } finally {
      await proxy.start(port);
      await t.close();
      await proxy.stop();
    }
  });
});
