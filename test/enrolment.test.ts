// Enrolment through the service on the real PostgreSQL: where a person lands (seat, queue, waiting
// for a manager), what a cancellation frees, the agency cap, and what facilitators do to a roster.
// Concurrency under load is test/enrolment-concurrency.test.ts; the pages and API have their own.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AgencyService } from '../src/identity/agency.service';
import { User } from '../src/identity/user.entity';
import { createUser } from './support/accounts';
import { adminId, helsinki, newCohort, refusal } from './support/catalogue';
import { secretLinkTo } from './support/secret-links';
import { startTestApp, TestApp } from './support/test-app';

const actorOf = (user: User): Actor => ({ id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null });

/** Enrolment open now: from a month ago to three months on. */
const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };

describe('enrolment', () => {
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let admin: Actor;
  let agencies: Map<string, string>;

  const person = async (agency: string | null = null, name = 'Aino Äijälä') => actorOf(await createUser(t, { displayName: name, agencyId: agency ? agencies.get(agency)! : null }));
  const roster = async (cohortId: string) =>
    (await db.query(`SELECT user_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1 ORDER BY created_at`, [cohortId])) as { user_id: string; status: string; waitlist_position: number | null }[];
  const counts = async (cohortId: string) => (await db.query(`SELECT seats_taken, waitlist_length FROM cohort WHERE id = $1`, [cohortId]))[0];

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    const adminUser = await db.query(`SELECT * FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = { id: adminUser[0].id, email: adminUser[0].email, displayName: adminUser[0].display_name, agencyId: null, language: 'fi', siteRole: 'admin', emailVerified: true };
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli', 'Traficom']);
    agencies = new Map((await t.app.get(AgencyService).list('fi')).map((a) => [a.name, a.id]));
  });
  afterAll(() => t?.close());

  it('confirms while seats last, then queues people in order', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 2 });
    const people = [await person(), await person(), await person(), await person()];
    const outcomes = [];
    for (const p of people) outcomes.push((await enrolment.enrol(p, cohort.id)).enrolment);
    expect(outcomes.map((o) => [o.status, o.waitlistPosition])).toEqual([
      ['confirmed', null],
      ['confirmed', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 2 });
  });

  it('returns the existing enrolment when a person enrols again, never a second one', async () => {
    const cohort = await newCohort(t, OPEN_NOW);
    const p = await person();
    const first = await enrolment.enrol(p, cohort.id);
    const again = await enrolment.enrol(p, cohort.id);
    expect(first.created).toBe(true);
    expect(again).toEqual({ enrolment: first.enrolment, created: false });
    expect(await roster(cohort.id)).toHaveLength(1);
  });

  it('refuses a cohort that is not open for enrolment, changing nothing', async () => {
    const p = await person();
    const draft = await newCohort(t, { ...OPEN_NOW, status: 'draft' });
    const notYet = await newCohort(t, { enrolmentOpensAt: helsinki(2027, 1, 11), enrolmentClosesAt: helsinki(2027, 2, 28) });
    const closed = await newCohort(t, { enrolmentOpensAt: helsinki(2026, 10, 1), enrolmentClosesAt: helsinki(2026, 11, 1) });
    const cancelled = await newCohort(t, OPEN_NOW);
    await t.app.get(SchedulingService).setCohortStatus(admin.id, cancelled.id, 'cancelled');
    expect(await refusal(enrolment.enrol(p, draft.id))).toBe('enrolment.refused.draft');
    expect(await refusal(enrolment.enrol(p, notYet.id))).toBe('enrolment.refused.notOpenYet');
    expect(await refusal(enrolment.enrol(p, closed.id))).toBe('enrolment.refused.closed');
    expect(await refusal(enrolment.enrol(p, cancelled.id))).toBe('enrolment.refused.cancelled');
    for (const c of [draft, notYet, closed, cancelled]) expect(await roster(c.id)).toEqual([]);
  });

  it('gives a freed seat at once to the first waitlisted person and closes up the queue', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1 });
    const [a, b, c] = [await person(), await person(), await person()];
    for (const p of [a, b, c]) await enrolment.enrol(p, cohort.id);
    await enrolment.cancel(a, cohort.id, a.id, 'Sairastuin');
    expect((await roster(cohort.id)).map((r) => [r.user_id, r.status, r.waitlist_position])).toEqual([
      [a.id, 'cancelled', null],
      [b.id, 'confirmed', null],
      [c.id, 'waitlisted', 1],
    ]);
    expect(await counts(cohort.id)).toEqual({ seats_taken: 1, waitlist_length: 1 });
    // Everyone whose place changed has a history row saying so: b promoted, c moved up from 2 to 1.
    const history = await db.query(
      `SELECT e.user_id, c.from_status, c.to_status, c.from_position, c.to_position FROM enrolment_change c JOIN enrolment e ON e.id = c.enrolment_id
       WHERE c.cohort_id = $1 AND c.from_status IS NOT NULL ORDER BY c.created_at`,
      [cohort.id],
    );
    expect(history).toEqual([
      { user_id: a.id, from_status: 'confirmed', to_status: 'cancelled', from_position: null, to_position: null },
      { user_id: b.id, from_status: 'waitlisted', to_status: 'confirmed', from_position: 1, to_position: null },
      { user_id: c.id, from_status: 'waitlisted', to_status: 'waitlisted', from_position: 2, to_position: 1 },
    ]);
    const kinds = await db.query(`SELECT kind, recipient_user_id FROM notification WHERE payload->>'cohortId' = $1 AND kind IN ('enrolment.promoted', 'enrolment.cancelled') ORDER BY kind`, [cohort.id]);
    expect(kinds).toEqual([
      { kind: 'enrolment.cancelled', recipient_user_id: a.id },
      { kind: 'enrolment.promoted', recipient_user_id: b.id },
    ]);
  });

  it('keeps an agency at its cap: the freed seat goes to the first person of another agency', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 3, agencySeatCap: 2 });
    const [v1, v2, v3, t1] = [await person('Verohallinto'), await person('Verohallinto'), await person('Verohallinto'), await person('Tulli')];
    for (const p of [v1, v2, v3, t1]) await enrolment.enrol(p, cohort.id);
    // v3 waits behind the cap although a seat is free; Tulli's person takes it.
    expect((await roster(cohort.id)).map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'confirmed']);
    const v4 = await person('Verohallinto');
    await enrolment.enrol(v4, cohort.id);
    await enrolment.cancel(t1, cohort.id, t1.id, null);
    // Still two from Verohallinto confirmed: the free seat stays free, the queue as it was.
    expect((await roster(cohort.id)).map((r) => [r.status, r.waitlist_position])).toEqual([
      ['confirmed', null],
      ['confirmed', null],
      ['waitlisted', 1],
      ['cancelled', null],
      ['waitlisted', 2],
    ]);
    await enrolment.cancel(v1, cohort.id, v1.id, null);
    expect((await roster(cohort.id)).map((r) => [r.status, r.waitlist_position])).toEqual([
      ['cancelled', null],
      ['confirmed', null],
      ['confirmed', null],
      ['cancelled', null],
      ['waitlisted', 1],
    ]);
  });

  it('lets people cancel only until the deadline; facilitators and admins after it', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, cancellationDeadline: helsinki(2026, 11, 20) });
    const p = await person();
    await enrolment.enrol(p, cohort.id);
    expect(await refusal(enrolment.cancel(p, cohort.id, p.id, null))).toBe('enrolment.cancel.pastDeadline');
    await expect(enrolment.cancel(await person(), cohort.id, p.id, null)).rejects.toMatchObject({ status: 403 });
    expect((await enrolment.cancel(admin, cohort.id, p.id, 'Ei pääse')).status).toBe('cancelled');
  });

  it('waits for a manager when the cohort needs approval, and places the person by the rules when approved', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1, requiresApproval: true });
    const [a, b] = [await person(), await person()];
    expect(await refusal(enrolment.enrol(a, cohort.id))).toEqual({ managerEmail: 'enrolment.managerEmail.required' });
    expect(await refusal(enrolment.enrol(a, cohort.id, { managerEmail: 'esihenkilö@' }))).toEqual({ managerEmail: 'enrolment.managerEmail.invalid' });
    expect((await enrolment.enrol(a, cohort.id, { managerEmail: 'esihenkilo@verohallinto.fi' })).enrolment.status).toBe('pending_approval');
    await enrolment.enrol(b, cohort.id, { managerEmail: 'esihenkilo@tulli.fi' });
    const managers: { recipient_email: string }[] = await db.query(`SELECT recipient_email FROM notification WHERE kind = 'enrolment.approval-requested' AND payload->>'cohortId' = $1 ORDER BY created_at`, [cohort.id]);
    expect(managers.map((m) => m.recipient_email)).toEqual(['esihenkilo@verohallinto.fi', 'esihenkilo@tulli.fi']);
    const links = await Promise.all(managers.map(async (m) => ({ url: await secretLinkTo(t, 'enrolment.approval-requested', m.recipient_email, 'approvalUrl') })));
    const token = (url: string) => url.split('/').pop()!;
    // b's manager answers first and takes the only seat; a's manager then puts a in the queue.
    expect((await enrolment.answerApproval(token(links[1].url), 'approve')).status).toBe('confirmed');
    expect(await enrolment.answerApproval(token(links[0].url), 'approve')).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(await refusal(enrolment.answerApproval(token(links[0].url), 'decline'))).toBe('enrolment.approval.linkInvalid');
    expect(await refusal(enrolment.answerApproval(token(links[0].url).slice(0, -2) + 'xx', 'approve'))).toBe('enrolment.approval.linkInvalid');
  });

  it('lets a facilitator reorder the queue with a reason, move someone to another round and mark completion', async () => {
    const facilitator = await createUser(t, { displayName: 'Sanna Järvinen' });
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1, facilitatorEmails: [facilitator.email] });
    const other = await newCohort(t, { ...OPEN_NOW, programmeId: cohort.programmeId });
    const people = [await person(), await person(), await person(), await person()];
    for (const p of people) await enrolment.enrol(p, cohort.id);
    const lead = actorOf(facilitator);
    await enrolment.reorderWaitlist(lead, cohort.id, people[3].id, 1, 'Jäi viimeksi ilman paikkaa');
    expect((await roster(cohort.id)).map((r) => r.waitlist_position)).toEqual([null, 2, 3, 1]);
    expect(await refusal(enrolment.reorderWaitlist(lead, cohort.id, people[1].id, 9, 'x'))).toEqual({ position: 'enrolment.reorder.positionRange?max=3' });

    // Moving needs the facilitator in the other round too: only admins move across freely.
    await expect(enrolment.move(lead, cohort.id, people[1].id, other.id, null)).rejects.toMatchObject({ status: 403 });
    const moved = await enrolment.move(admin, cohort.id, people[1].id, other.id, null);
    expect(moved.status).toBe('confirmed');
    expect((await roster(cohort.id)).map((r) => r.waitlist_position)).toEqual([null, null, 2, 1]);

    expect(await refusal(enrolment.complete(lead, cohort.id, people[0].id))).toBe('enrolment.complete.notStarted');
    expect(await db.query(`SELECT 1 FROM completion WHERE user_id = $1`, [people[0].id])).toEqual([]);
    // The first day is behind us: the sessions move a year back.
    await db.query(`UPDATE cohort_session SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year' WHERE cohort_id = $1`, [cohort.id]);
    await enrolment.complete(lead, cohort.id, people[0].id);
    const [done] = await db.query(`SELECT programme_id, agency_id FROM completion WHERE user_id = $1`, [people[0].id]);
    expect(done.programme_id).toBe(cohort.programmeId);
    const history = await db.query(`SELECT from_status, to_status, reason FROM enrolment_change WHERE cohort_id = $1 AND reason IS NOT NULL ORDER BY created_at`, [cohort.id]);
    expect(history).toContainEqual({ from_status: 'waitlisted', to_status: 'waitlisted', reason: 'Jäi viimeksi ilman paikkaa' });
  });

  it('gives new seats to the queue when an admin raises the capacity', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1 });
    const people = [await person(), await person(), await person()];
    for (const p of people) await enrolment.enrol(p, cohort.id);
    await t.app.get(SchedulingService).updateCohort(admin.id, cohort.id, { capacity: 2 });
    expect((await roster(cohort.id)).map((r) => [r.status, r.waitlist_position])).toEqual([
      ['confirmed', null],
      ['confirmed', null],
      ['waitlisted', 1],
    ]);
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 1 });
  });
});
