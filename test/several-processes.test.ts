// Verso as several processes, as a site grows past one: Debian's nginx in front of two web
// processes (APP_ROLE=web, TRUST_PROXY=loopback) and two workers (APP_ROLE=worker), all built
// (dist/src/main.js) and on one PostgreSQL database and one Redis prefix, nginx serving
// deploy/nginx.conf.template. Each promise is checked where a second process could break it: a
// session made on one web process, seats taken through both at once, mail sent by two workers, a
// web process killed mid-storm.
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { insertPeople, roundState, StormPerson } from '../bench/support/enrolment-storm';
import { signInThroughForm } from '../bench/support/form-sign-in';
import { NGINX, nginxInstalled, NginxProxy } from '../bench/support/nginx';
import { NOTIFICATION_QUEUE } from '../src/queue/jobs';
import { createUser } from './support/accounts';
import { AppProcess, freePort, startAppProcess, waitForLive } from './support/app-process';
import { newCohort } from './support/catalogue';
import { SmtpSink } from './support/smtp-sink';
import { createTestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { redisPrefix, runId, TEST_REDIS_URL } from './support/test-run';

const DAY = 86_400_000;
const OPEN_NOW = { enrolmentOpensAt: new Date(Date.now() - 30 * DAY), enrolmentClosesAt: new Date(Date.now() + 60 * DAY), cancellationDeadline: new Date(Date.now() + 60 * DAY) };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Enrolled {
  person: StormPerson;
  status: number;
  enrolment?: { id: string; status: string; waitlistPosition: number | null };
  /** When it was sent and answered (Date.now()). */
  sentAt: number;
  answeredAt: number;
}

if (!nginxInstalled() && !process.env.CI) {
  // Jest names no test of a file whose every test is skipped: say why here.
  process.stderr.write(`test/several-processes.test.ts skipped: nginx is not installed at ${NGINX} (apt-get install nginx); with CI set it fails instead\n`);
  describe('Verso as several processes behind nginx', () => {
    it.skip(`needs nginx at ${NGINX} (apt-get install nginx); skipped because CI is unset, with CI set this fails`, () => undefined);
  });
} else {
  describe('Verso as several processes behind nginx', () => {
    const sessionSecret = randomBytes(32).toString('hex');
    const prefix = `${redisPrefix(runId())}-several-${randomBytes(3).toString('hex')}`;
    const sink = new SmtpSink();
    let t: TestApp;
    let db: DataSource;
    let nginx: NginxProxy;
    let webs: { process: AppProcess; address: string; base: string }[] = [];
    let workers: AppProcess[] = [];
    const everyone = () => [...webs.map((w) => w.process), ...workers];

    beforeAll(async () => {
      if (!nginxInstalled()) throw new Error(`nginx is not installed at ${NGINX}: .ci/run installs Debian's nginx package; install it (apt-get install nginx) or run without CI to skip`);
      const databaseUrl = await createTestDatabase();
      const smtpUrl = await sink.start();
      const [nginxPort, ...webPorts] = await Promise.all([freePort(), freePort(), freePort()]);
      // What every process must agree on (README, "Running several processes").
      const shared = {
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        SESSION_SECRET: sessionSecret,
        SMTP_URL: smtpUrl,
        BASE_URL: `http://127.0.0.1:${nginxPort}`,
        DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
      };
      webs = webPorts.map((port) => ({
        process: startAppProcess({ ...shared, APP_ROLE: 'web', HOST: '127.0.0.1', PORT: String(port), TRUST_PROXY: 'loopback' }),
        address: `127.0.0.1:${port}`,
        base: `http://127.0.0.1:${port}`,
      }));
      workers = [1, 2].map(() => startAppProcess({ ...shared, APP_ROLE: 'worker' }));
      // In this process too, for the test's builders (rounds through the real services).
      t = await startTestApp({ DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, SESSION_SECRET: sessionSecret, APP_ROLE: 'web' });
      db = t.app.get(DataSource);
      try {
        await Promise.all(webs.map((w) => waitForLive(w.base, w.process.child, 80_000)));
        await workersListening(2);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${outputs()}`);
      }
      // Once the web processes answer: nginx counts one it cannot reach as down for 10 s.
      nginx = await NginxProxy.start(
        webs.map((w) => w.address),
        nginxPort,
      );
    }, 100_000);

    afterAll(async () => {
      await Promise.all(everyone().map((p) => p.kill('SIGKILL')));
      await nginx?.stop();
      await sink.stop();
      await t?.close();
    });

    function outputs(): string {
      return [...webs.map((w, i) => [`web ${i + 1}`, w.process] as const), ...workers.map((w, i) => [`worker ${i + 1}`, w] as const)]
        .map(([name, p]) => `--- ${name} ---\n${p.output().slice(-3000)}`)
        .join('\n');
    }

    /** Waits until `count` workers take jobs from the notification queue (BullMQ names their Redis connections). */
    async function workersListening(count: number): Promise<void> {
      const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(NOTIFICATION_QUEUE, { connection, prefix });
      try {
        const deadline = Date.now() + 80_000;
        while ((await queue.getWorkersCount()) < count) {
          if (Date.now() > deadline || workers.some((w) => w.child.exitCode !== null)) throw new Error(`${count} workers did not start`);
          await sleep(200);
        }
      } finally {
        await queue.close();
        connection.disconnect();
      }
    }

    async function enrol(base: string, cohortId: string, person: StormPerson): Promise<Enrolled> {
      const sentAt = Date.now();
      try {
        const res = await fetch(`${base}/api/v1/cohorts/${cohortId}/enrolments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${person.token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: '{}',
        });
        const text = await res.text();
        const enrolment = res.ok ? (JSON.parse(text) as { enrolment: Enrolled['enrolment'] }).enrolment : undefined;
        return { person, status: res.status, enrolment, sentAt, answeredAt: Date.now() };
      } catch {
        // No answer at all (the connection was cut): status 0.
        return { person, status: 0, sentAt, answeredAt: Date.now() };
      }
    }

    const query = <T>(sql: string, params?: unknown[]): Promise<T[]> => db.query(sql, params);
    const statusCounts = (answers: Enrolled[]) => answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

    it('keeps a person signed in through nginx (and so web process 1 or 2) signed in on each web process', async () => {
      const person = await createUser(t, { displayName: 'Aino Kahdenprosessin' });
      const { res: signedIn, jar } = await signInThroughForm(nginx.base, person.email, person.password);
      expect(signedIn.status).toBe(303);
      expect(jar.has('verso_session')).toBe(true);

      for (const web of webs) {
        const profile = await fetch(`${web.base}/profile`, { headers: { cookie: jar.header(), 'accept-language': 'fi' }, redirect: 'manual' });
        expect(profile.status).toBe(200);
        expect(await profile.text()).toContain('Aino Kahdenprosessin');
        // Without the cookie the same page is not shown: the session is what signs the person in.
        const stranger = await fetch(`${web.base}/profile`, { headers: { 'accept-language': 'fi' }, redirect: 'manual' });
        expect(stranger.status).not.toBe(200);
      }
    });

    it('seats exactly 20 of 60 people enrolling at once through both web processes and queues the other 40 at 1..40', async () => {
      const cohort = await newCohort(t, { capacity: 20, ...OPEN_NOW });
      const crowd = await insertPeople(query, 60, 'kahdesta');

      // Every other request to each web process, all sent in the same tick.
      const answers = await Promise.all(crowd.map((person, i) => enrol(webs[i % 2].base, cohort.id, person)));

      expect(statusCounts(answers)).toEqual({ 201: 60 });
      const positions = answers.filter((a) => a.enrolment!.status === 'waitlisted').map((a) => a.enrolment!.waitlistPosition!);
      expect(positions.sort((x, y) => x - y)).toEqual(range(1, 40));
      const state = await roundState(query, cohort.id);
      expect(state.violations).toEqual([]);
      expect(state).toMatchObject({ confirmed: 20, seatsTaken: 20, waitlisted: 40, waitlistLength: 40, positions: range(1, 40) });
    }, 60_000);

    it('sends each message exactly once with two workers taking jobs from the one queue', async () => {
      await workersListening(2);
      // The storm above wrote 60 messages (20 confirmed, 40 waitlisted); more follow while the workers send.
      const cohort = await newCohort(t, { capacity: 10, ...OPEN_NOW });
      const crowd = await insertPeople(query, 40, 'viestit');
      const answers = await Promise.all(crowd.map((person, i) => enrol(webs[i % 2].base, cohort.id, person)));
      expect(statusCounts(answers)).toEqual({ 201: 40 });

      const deadline = Date.now() + 30_000;
      let waiting = Infinity;
      while (waiting > 0 && Date.now() < deadline) {
        [{ waiting }] = await db.query(`SELECT count(*)::int AS waiting FROM notification WHERE delivery = 'email' AND status IN ('pending', 'queued', 'sending') AND due_at <= now()`);
        if (waiting > 0) await sleep(100);
      }
      const rows: { id: string; status: string }[] = await db.query(`SELECT id, status FROM notification WHERE delivery = 'email' AND due_at <= now()`);
      expect(rows.length).toBeGreaterThanOrEqual(100);
      expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
      // A moment for a duplicate to arrive, had one been sent.
      await sleep(500);
      const counts = sink.countByMessageId();
      const sentIds = rows.map((row) => `<${row.id}@verso>`).sort();
      expect([...counts.keys()].sort()).toEqual(sentIds);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      expect(sink.received).toHaveLength(rows.length);
    }, 60_000);

    it('loses no answered enrolment when a web process is killed mid-storm, and nginx goes on serving from the other', async () => {
      const cohort = await newCohort(t, { capacity: 20, ...OPEN_NOW });
      const crowd = await insertPeople(query, 150, 'kaatuminen');
      const [killed, survivor] = webs;
      let killedAt = Infinity;
      const answers: Enrolled[] = [];
      let next = 0;
      // 10 people at a time through nginx; web process 1 is killed once 40 have been answered.
      const lane = async () => {
        for (let i = next++; i < crowd.length; i = next++) {
          answers.push(await enrol(nginx.base, cohort.id, crowd[i]));
          if (answers.length === 40 && killedAt === Infinity) {
            killedAt = -1;
            await killed.process.kill('SIGKILL');
            killedAt = Date.now();
          }
        }
      };
      await Promise.all(range(1, 10).map(lane));

      expect(killedAt).toBeGreaterThan(0);
      // Only the requests web process 1 was working on when it died may fail (nginx answers them 502):
      // a POST that reached it is never sent on to the other, so nothing is done twice.
      expect(answers.filter((a) => a.status !== 201 && a.status !== 502)).toEqual([]);
      // Sent once nginx has had a moment to see the dead process's connections close (one it still
      // held open could take a POST and fail it like one in flight).
      const afterKill = answers.filter((a) => a.sentAt > killedAt + 100);
      expect(afterKill.length).toBeGreaterThan(50);
      expect(afterKill.filter((a) => a.status !== 201)).toEqual([]);

      // Every enrolment answered 2xx is in the database, as answered.
      const rows: { id: string; user_id: string; status: string }[] = await db.query(`SELECT id, user_id, status FROM enrolment WHERE cohort_id = $1`, [cohort.id]);
      const byPerson = new Map(rows.map((row) => [row.user_id, row]));
      const lost = answers.filter((a) => a.status === 201 && byPerson.get(a.person.id)?.id !== a.enrolment!.id);
      expect(lost).toEqual([]);
      let state = await roundState(query, cohort.id);
      expect(state.violations).toEqual([]);

      // Those who got a 502 try again: whatever the dead process did or did not commit, each ends with one place.
      const retried = await Promise.all(answers.filter((a) => a.status !== 201).map((a) => enrol(nginx.base, cohort.id, a.person)));
      expect(retried.filter((a) => a.status !== 201 && a.status !== 200)).toEqual([]);
      state = await roundState(query, cohort.id);
      expect(state.violations).toEqual([]);
      expect(state).toMatchObject({ confirmed: 20, waitlisted: 130, positions: range(1, 130) });

      // nginx's log: the killed process had answered its share until it died, the survivor the rest.
      const answeredBy = (address: string) =>
        readFileSync(join(nginx.dir, 'access.log'), 'utf8')
          .split('\n')
          .map((line) => /"POST (\S+) [^"]*" (\d+) upstream="([^"]*)"/.exec(line))
          .filter((match) => match !== null && match[1] === `/api/v1/cohorts/${cohort.id}/enrolments` && match[2] === '201' && match[3].split(', ').at(-1) === address).length;
      expect(answeredBy(killed.address)).toBeGreaterThan(0);
      expect(answeredBy(survivor.address)).toBeGreaterThan(50);
      expect((await fetch(`${nginx.base}/health/live`)).status).toBe(200);
    }, 60_000);
  });
}
