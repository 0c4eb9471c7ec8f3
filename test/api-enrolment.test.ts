// The enrolment API through HTTP on a real PostgreSQL: enrolling, enrolling again, cancelling and the
// list of one's own enrolments, and every refusal (a cohort that takes no enrolments, a bad manager
// address, cancelling twice or too late) as a clear 4xx that leaves the data as it was.
import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { createUser } from './support/accounts';
import { adminId, newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);
/** Enrolment open now, cancellable for two months yet. */
const OPEN_NOW = { enrolmentOpensAt: daysFromNow(-30), enrolmentClosesAt: daysFromNow(60), cancellationDeadline: daysFromNow(60) };

describe('enrolment API', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  /** A person with a token of their own. */
  async function person(): Promise<{ id: string; email: string; token: string }> {
    const user = await createUser(t, { displayName: 'Aino Äijälä' });
    return { id: user.id, email: user.email, token: (await t.app.get(ApiTokensService).issue(user.id, { name: 'api-enrolment test' })).token };
  }

  const as = (request: Test, token: string | null) => (token ? request.set('authorization', `Bearer ${token}`) : request);
  const enrol = (cohortId: string, token: string | null, body: object = {}) => as(t.http.post(`/api/v1/cohorts/${cohortId}/enrolments`), token).send(body);
  const cancel = (cohortId: string, token: string | null) => as(t.http.delete(`/api/v1/cohorts/${cohortId}/enrolments/me`), token);
  const mine = (token: string | null) => as(t.http.get('/api/v1/me/enrolments'), token);

  /** Everything an enrolment or a refusal could have changed about a cohort. */
  async function stored(cohortId: string) {
    const [row] = await db.query(
      `SELECT c.seats_taken, c.waitlist_length,
              (SELECT count(*)::int FROM enrolment e WHERE e.cohort_id = c.id) AS enrolments,
              (SELECT count(*)::int FROM enrolment e WHERE e.cohort_id = c.id AND e.status IN ('pending_approval', 'confirmed', 'waitlisted')) AS active,
              (SELECT count(*)::int FROM enrolment_change h WHERE h.cohort_id = c.id) AS changes,
              (SELECT count(*)::int FROM notification n WHERE n.payload->>'cohortId' = c.id::text AND n.kind LIKE 'enrolment.%') AS notifications
       FROM cohort c WHERE c.id = $1`,
      [cohortId],
    );
    return row as { seats_taken: number; waitlist_length: number; enrolments: number; active: number; changes: number; notifications: number };
  }
  const NOTHING = { seats_taken: 0, waitlist_length: 0, enrolments: 0, active: 0, changes: 0, notifications: 0 };

  describe('enrolling', () => {
    it('confirms a seat with 201 and says so, then lists the enrolment among the person’s own', async () => {
      const cohort = await newCohort(t, { capacity: 2, ...OPEN_NOW });
      const aino = await person();

      const res = await enrol(cohort.id, aino.token).expect(201);

      expect(res.body).toEqual({
        enrolment: { id: expect.any(String), cohortId: cohort.id, status: 'confirmed', waitlistPosition: null },
        created: true,
        message: 'You have a seat in the cohort.',
      });
      expect(await stored(cohort.id)).toEqual({ seats_taken: 1, waitlist_length: 0, enrolments: 1, active: 1, changes: 1, notifications: 1 });
      const list = await mine(aino.token).set('accept-language', 'en').expect(200);
      expect(list.body.items).toEqual([
        {
          id: res.body.enrolment.id,
          cohortId: cohort.id,
          status: 'confirmed',
          waitlistPosition: null,
          cohortName: 'Kevät 2027',
          cohortStatus: 'published',
          programmeTitle: 'Complexity and systems thinking',
          startsAt: cohort.startsAt.toISOString(),
          endsAt: cohort.endsAt.toISOString(),
          nextSession: expect.objectContaining({ startsAt: expect.any(String), endsAt: expect.any(String) }),
        },
      ]);
    });

    it('takes a POST with no body at all, as scripts send it', async () => {
      const cohort = await newCohort(t, OPEN_NOW);
      const aino = await person();
      const res = await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set('authorization', `Bearer ${aino.token}`).expect(201);
      expect(res.body.enrolment).toMatchObject({ cohortId: cohort.id, status: 'confirmed' });
    });

    it('puts people on the waitlist in order once the seats are taken, and tells them their place', async () => {
      const cohort = await newCohort(t, { capacity: 1, ...OPEN_NOW });
      const [first, second, third] = [await person(), await person(), await person()];
      await enrol(cohort.id, first.token).expect(201);

      const queued = await enrol(cohort.id, second.token).expect(201);
      const after = await enrol(cohort.id, third.token).expect(201);

      expect(queued.body.enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect(queued.body.message).toContain('waitlist at position 1');
      expect(after.body.enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
      expect(await stored(cohort.id)).toMatchObject({ seats_taken: 1, waitlist_length: 2, active: 3 });
    });

    it('answers a second enrolment with 200 and the existing one, storing and sending nothing more', async () => {
      const cohort = await newCohort(t, OPEN_NOW);
      const aino = await person();
      const first = await enrol(cohort.id, aino.token).expect(201);
      const before = await stored(cohort.id);

      const again = await enrol(cohort.id, aino.token).expect(200);

      expect(again.body.enrolment).toEqual(first.body.enrolment);
      expect(again.body.created).toBe(false);
      expect(again.body.message).toMatch(/already enrolled/);
      expect(await stored(cohort.id)).toEqual(before);
    });

    it('asks the manager of a cohort that needs approval, and refuses without their address', async () => {
      const cohort = await newCohort(t, { requiresApproval: true, ...OPEN_NOW });
      const aino = await person();

      const missing = await enrol(cohort.id, aino.token).expect(400);
      expect(Object.keys(missing.body.fields)).toEqual(['managerEmail']);
      expect(await stored(cohort.id)).toEqual(NOTHING);

      const res = await enrol(cohort.id, aino.token, { managerEmail: 'esihenkilo@verohallinto.fi' }).expect(201);
      expect(res.body.enrolment).toMatchObject({ status: 'pending_approval', waitlistPosition: null });
      expect(res.body.message).toMatch(/manager/);
      const [mail] = await db.query(`SELECT recipient_email FROM notification WHERE kind = 'enrolment.approval-requested' AND payload->>'cohortId' = $1`, [cohort.id]);
      expect(mail.recipient_email).toBe('esihenkilo@verohallinto.fi');
    });
  });

  describe('refusing to enrol', () => {
    const closedCohorts: [string, () => Promise<string>, string][] = [
      ['a draft', async () => (await newCohort(t, { ...OPEN_NOW, status: 'draft' })).id, 'enrolment.refused.draft'],
      ['a cancelled cohort', async () => (await newCohort(t, { ...OPEN_NOW, status: 'cancelled' })).id, 'enrolment.refused.cancelled'],
      [
        'a completed cohort',
        async () => {
          const cohort = await newCohort(t, OPEN_NOW);
          await t.app.get(SchedulingService).setCohortStatus(await adminId(t), cohort.id, 'completed');
          return cohort.id;
        },
        'enrolment.refused.completed',
      ],
      ['a cohort whose enrolment has not opened', async () => (await newCohort(t, { enrolmentOpensAt: daysFromNow(7), enrolmentClosesAt: daysFromNow(60) })).id, 'enrolment.refused.notOpenYet'],
      ['a cohort whose enrolment has closed', async () => (await newCohort(t, { enrolmentOpensAt: daysFromNow(-60), enrolmentClosesAt: daysFromNow(-1) })).id, 'enrolment.refused.closed'],
    ];

    for (const [what, make, code] of closedCohorts) {
      it(`refuses ${what} with 409 and ${code}, storing nothing`, async () => {
        const cohortId = await make();
        const aino = await person();

        const res = await enrol(cohortId, aino.token).expect(409);

        expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', code, message: expect.any(String) });
        expect(res.body.message).not.toBe(code);
        expect(await stored(cohortId)).toEqual(NOTHING);
      });
    }

    it('refuses the person’s own mailbox as their manager, however spelt, with 400 on managerEmail, storing nothing', async () => {
      const cohort = await newCohort(t, { requiresApproval: true, ...OPEN_NOW });
      const aino = await person();
      const [local, domain] = aino.email.split('@');
      for (const managerEmail of [aino.email, `${local}+esihenkilo@${domain}`, aino.email.toUpperCase(), `${local.toUpperCase()}+Boss@${domain.toUpperCase()}`]) {
        const res = await enrol(cohort.id, aino.token, { managerEmail }).expect(400);
        expect(res.body.fields).toEqual({ managerEmail: "Give your manager's email address, not your own: the approval link goes to them." });
      }
      // The person's own address has the tag, the "manager's" has not: one mailbox still.
      const tagged = await createUser(t, { email: `tagged-${randomUUID().slice(0, 8)}+verso@verohallinto.fi` });
      const taggedToken = (await t.app.get(ApiTokensService).issue(tagged.id, { name: 'api-enrolment test' })).token;
      const untagged = tagged.email.replace('+verso', '');
      const res = await enrol(cohort.id, taggedToken, { managerEmail: untagged }).expect(400);
      expect(Object.keys(res.body.fields)).toEqual(['managerEmail']);
      expect(await stored(cohort.id)).toEqual(NOTHING);
    });

    it('refuses a manager address that is not one with 400 on managerEmail, storing nothing', async () => {
      const cohort = await newCohort(t, { requiresApproval: true, ...OPEN_NOW });
      const aino = await person();

      for (const managerEmail of ['esihenkilo', 'esihenkilo@', 'esi henkilo@verohallinto.fi', 42, ['a@b.fi'], `${'a'.repeat(250)}@verohallinto.fi`]) {
        const res = await enrol(cohort.id, aino.token, { managerEmail }).expect(400);
        expect(Object.keys(res.body.fields)).toEqual(['managerEmail']);
        expect(res.body.fields.managerEmail).not.toBe('enrolment.managerEmail.invalid');
      }
      // Checked even where no approval is needed: a typo is not silently dropped.
      const open = await newCohort(t, OPEN_NOW);
      await enrol(open.id, aino.token, { managerEmail: 'esihenkilo@' }).expect(400);
      expect(await stored(cohort.id)).toEqual(NOTHING);
      expect(await stored(open.id)).toEqual(NOTHING);
    });

    it('refuses fields it does not know with 400', async () => {
      const cohort = await newCohort(t, OPEN_NOW);
      const res = await enrol(cohort.id, (await person()).token, { waitlistPosition: 1 }).expect(400);
      expect(Object.keys(res.body.fields)).toEqual(['waitlistPosition']);
      expect(await stored(cohort.id)).toEqual(NOTHING);
    });

    it('answers 404 for a cohort that does not exist or an id that is not one', async () => {
      const aino = await person();
      await enrol(randomUUID(), aino.token).expect(404);
      await enrol('not-a-cohort', aino.token).expect(404);
    });
  });

  describe('cancelling', () => {
    it('cancels with 200, gives the seat to the first on the waitlist, and answers a second cancellation with 404', async () => {
      const cohort = await newCohort(t, { capacity: 1, ...OPEN_NOW });
      const [aino, eero] = [await person(), await person()];
      const seat = await enrol(cohort.id, aino.token).expect(201);
      await enrol(cohort.id, eero.token).expect(201);

      const res = await cancel(cohort.id, aino.token).expect(200);

      expect(res.body).toEqual({ id: seat.body.enrolment.id, cohortId: cohort.id, status: 'cancelled', waitlistPosition: null });
      expect((await mine(eero.token).expect(200)).body.items[0]).toMatchObject({ status: 'confirmed', waitlistPosition: null });
      expect((await mine(aino.token).expect(200)).body.items[0]).toMatchObject({ id: seat.body.enrolment.id, status: 'cancelled' });
      const before = await stored(cohort.id);
      expect(before).toMatchObject({ seats_taken: 1, waitlist_length: 0, active: 1 });

      await cancel(cohort.id, aino.token).expect(404);
      expect(await stored(cohort.id)).toEqual(before);
    });

    it('lets a person enrol again after cancelling, as a new enrolment at the end of the line', async () => {
      const cohort = await newCohort(t, { capacity: 1, ...OPEN_NOW });
      const [aino, eero] = [await person(), await person()];
      const first = await enrol(cohort.id, aino.token).expect(201);
      await cancel(cohort.id, aino.token).expect(200);
      await enrol(cohort.id, eero.token).expect(201);

      const again = await enrol(cohort.id, aino.token).expect(201);

      expect(again.body.enrolment.id).not.toBe(first.body.enrolment.id);
      expect(again.body.enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    });

    it('refuses after the cancellation deadline with 409, keeping the seat', async () => {
      const cohort = await newCohort(t, OPEN_NOW);
      const aino = await person();
      await enrol(cohort.id, aino.token).expect(201);
      // The deadline passes.
      await db.query(`UPDATE cohort SET cancellation_deadline = now() - interval '1 minute' WHERE id = $1`, [cohort.id]);
      const before = await stored(cohort.id);

      const res = await cancel(cohort.id, aino.token).expect(409);

      expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', code: 'enrolment.cancel.pastDeadline', message: expect.any(String) });
      expect(await stored(cohort.id)).toEqual(before);
      expect((await mine(aino.token).expect(200)).body.items[0]).toMatchObject({ status: 'confirmed' });
    });

    it('answers 404 to someone with no enrolment in the cohort, and for an unknown cohort', async () => {
      const cohort = await newCohort(t, OPEN_NOW);
      await cancel(cohort.id, (await person()).token).expect(404);
      await cancel(randomUUID(), (await person()).token).expect(404);
    });
  });

  it('lists only the caller’s own enrolments, one per cohort, active ones first', async () => {
    const [a, b] = [await newCohort(t, OPEN_NOW), await newCohort(t, OPEN_NOW)];
    const [aino, eero] = [await person(), await person()];
    await enrol(a.id, aino.token).expect(201);
    await cancel(a.id, aino.token).expect(200);
    await enrol(b.id, aino.token).expect(201);
    await enrol(b.id, eero.token).expect(201);

    const res = await mine(aino.token).expect(200);

    expect(res.body.items.map((item: { cohortId: string; status: string }) => [item.cohortId, item.status])).toEqual([
      [b.id, 'confirmed'],
      [a.id, 'cancelled'],
    ]);
    expect((await mine((await person()).token).expect(200)).body).toEqual({ items: [] });
  });

  it('answers 401 without a token, changing nothing', async () => {
    const cohort = await newCohort(t, OPEN_NOW);
    await enrol(cohort.id, null).expect(401);
    await cancel(cohort.id, null).expect(401);
    await mine(null).expect(401);
    await enrol(cohort.id, 'verso_not-a-real-token-at-all-0123456789').expect(401);
    expect(await stored(cohort.id)).toEqual(NOTHING);
  });

  it('documents the three operations and their answers in OpenAPI', async () => {
    const { body } = await t.http.get('/api/docs/openapi.json').expect(200);
    const responses = (path: string, method: string) => Object.keys(body.paths[path][method].responses).sort();
    expect(responses('/api/v1/cohorts/{id}/enrolments', 'post')).toEqual(['200', '201', '400', '401', '404', '409']);
    expect(responses('/api/v1/cohorts/{id}/enrolments/me', 'delete')).toEqual(['200', '401', '404', '409']);
    expect(responses('/api/v1/me/enrolments', 'get')).toEqual(['200', '401']);
    expect(body.components.schemas.EnrolDto.properties.managerEmail).toMatchObject({ type: 'string', nullable: true });
    expect(body.paths['/api/v1/cohorts/{id}/enrolments'].post.security).toEqual([{ bearer: [] }]);
  });
});
