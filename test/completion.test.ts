// Completion from attendance, on the real PostgreSQL: a round's rule (at least K of its sessions, or
// marked by the facilitator) as the admin form and the services take it, kept on "schedule the next
// round"; proposals that appear only once the last session's attendance is saved; "confirm
// completions" in one transaction, idempotent on a double submit; taking a completion back; and
// the roster CSV's attendance and completion columns.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { SessionInput } from '../src/catalogue/scheduling.rules';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { CertificateService } from '../src/enrolment/certificate.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { RosterService } from '../src/enrolment/roster.service';
import { FieldErrors, Refused } from '../src/errors/domain-errors';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

/** Three autumn 2026 sessions, all over by the test's today (December 2026). */
const AUTUMN: SessionInput[] = [
  { startsAt: helsinki(2026, 10, 6, 9), endsAt: helsinki(2026, 10, 6, 16) },
  { startsAt: helsinki(2026, 11, 3, 9), endsAt: helsinki(2026, 11, 3, 16) },
  { startsAt: helsinki(2026, 12, 1, 9), endsAt: helsinki(2026, 12, 1, 16) },
];
const AUTUMN_WINDOW = { enrolmentOpensAt: helsinki(2026, 8, 1), enrolmentClosesAt: helsinki(2026, 9, 30), cancellationDeadline: null };

describe('completion', () => {
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let roster: RosterService;
  let scheduling: SchedulingService;
  let admin: Actor;
  let adminClient: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    roster = t.app.get(RosterService);
    scheduling = t.app.get(SchedulingService);
    const [row] = await db.query(`SELECT id, email FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = { id: row.id, email: row.email, displayName: 'Maija Äijälä', agencyId: null, language: 'fi', siteRole: 'admin', emailVerified: true };
    adminClient = await signIn(t, row.email);
  });
  afterAll(() => t?.close());

  /** An autumn round that is over, with these people confirmed in it. */
  async function finishedRound(names: string[], rule: Partial<Pick<Cohort, 'completionRule' | 'completionMinSessions'>> = {}) {
    const cohort = await newCohort(t, { ...AUTUMN_WINDOW, name: 'Syksy 2026', sessions: AUTUMN, ...rule });
    const people = [];
    for (const name of names) {
      const user = await createUser(t, { displayName: name });
      await enrolment.enrolByEmail(admin, cohort.id, user.email, null);
      people.push(user);
    }
    const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    return { cohort, people, sessions: sessions.map((s) => s.id) };
  }

  /** Marks a session: each person present or not, in the order given. */
  async function mark(sessionId: string, people: { id: string }[], present: boolean[]) {
    for (const [i, person] of people.entries()) await enrolment.markAttendance(admin, sessionId, person.id, present[i]);
  }

  const statuses = async (cohortId: string) =>
    Object.fromEntries((await db.query(`SELECT u.display_name, e.status FROM enrolment e JOIN app_user u ON u.id = e.user_id WHERE e.cohort_id = $1`, [cohortId])).map((r: { display_name: string; status: string }) => [r.display_name, r.status]));

  describe('the rule', () => {
    it('keeps K between 1 and the number of sessions, or up to 100 while they are not known, and the facilitator rule counts none', async () => {
      const programme = await newProgramme(t);
      const refusal = async (promise: Promise<unknown>) => ((await promise.then(() => null, (e: unknown) => e)) as FieldErrors).fields;
      expect(await refusal(newCohort(t, { programmeId: programme.id, completionMinSessions: 4 }))).toEqual({ completionMinSessions: 'completion.minSessions.range?max=3' });
      expect(await refusal(newCohort(t, { programmeId: programme.id, completionMinSessions: 0 }))).toEqual({ completionMinSessions: 'completion.minSessions.range?max=3' });
      expect(await refusal(newCohort(t, { programmeId: programme.id, completionMinSessions: 2.5 }))).toEqual({ completionMinSessions: 'completion.minSessions.range?max=3' });
      const two = await newCohort(t, { programmeId: programme.id, completionMinSessions: 2 });
      expect(two).toMatchObject({ completionRule: 'attendance', completionMinSessions: 2 });
      const byHand = await newCohort(t, { programmeId: programme.id, completionRule: 'facilitator', completionMinSessions: 2 });
      expect(byHand).toMatchObject({ completionRule: 'facilitator', completionMinSessions: null });
      // An edit is checked against the round's scheduled sessions.
      await expect(scheduling.updateCohort(admin.id, two.id, { completionMinSessions: 5 })).rejects.toMatchObject({ fields: { completionMinSessions: 'completion.minSessions.range?max=3' } });
      await scheduling.updateCohort(admin.id, two.id, { completionMinSessions: 3 });
      const [stored] = await db.query(`SELECT completion_rule, completion_min_sessions FROM cohort WHERE id = $1`, [two.id]);
      expect(stored).toEqual({ completion_rule: 'attendance', completion_min_sessions: 3 });
    });

    it('is kept when the next round is scheduled from this one', async () => {
      const cohort = await newCohort(t, { completionMinSessions: 2 });
      const next = await scheduling.copyToNextRound(admin.id, cohort.id, { amount: 6, unit: 'months', skipDaysOff: true });
      expect(next).toMatchObject({ completionRule: 'attendance', completionMinSessions: 2 });
      const byHand = await newCohort(t, { completionRule: 'facilitator' });
      expect(await scheduling.copyToNextRound(admin.id, byHand.id, { amount: 6, unit: 'months', skipDaysOff: true })).toMatchObject({ completionRule: 'facilitator' });
    });

    it('takes the rule through the JSON API in the product’s words, refusing a K beyond the sessions with nothing stored', async () => {
      const programme = await newProgramme(t);
      const token = (await t.app.get(ApiTokensService).issue(admin.id, { name: 'completion test' })).token;
      const body = (overrides: Record<string, unknown>) => ({
        programmeId: programme.id,
        enrolmentOpensAt: '2027-01-11T09:00:00+02:00',
        enrolmentClosesAt: '2027-02-28T23:59:00+02:00',
        sessions: [
          { startsAt: '2027-03-16T09:00:00+02:00', endsAt: '2027-03-16T16:00:00+02:00' },
          { startsAt: '2027-04-13T09:00:00+03:00', endsAt: '2027-04-13T16:00:00+03:00' },
        ],
        ...overrides,
      });
      const post = (payload: object) => t.http.post('/api/v1/cohorts').set('authorization', `Bearer ${token}`).send(payload);
      const tooMany = await post(body({ completionMinSessions: 3 }));
      expect(tooMany.status).toBe(400);
      expect(JSON.stringify(tooMany.body)).toContain('completionMinSessions');
      expect((await post(body({ completionRule: 'sometimes' }))).status).toBe(400);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM cohort WHERE programme_id = $1`, [programme.id]);
      expect(count).toBe(0);
      const created = await post(body({ completionMinSessions: 1 }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ completionRule: 'attendance', completionMinSessions: 1 });
      const changed = await t.http.patch(`/api/v1/cohorts/${created.body.id}`).set('authorization', `Bearer ${token}`).send({ completionRule: 'facilitator' });
      expect(changed.body).toMatchObject({ completionRule: 'facilitator', completionMinSessions: null });
    });

    it('refuses a bad K on the admin form next to its field, keeping what was typed, and saves nothing', async () => {
      const cohort = await newCohort(t);
      const page = `/admin/cohorts/${cohort.id}`;
      const form = (await adminClient.get(page)).text;
      expect(form).toContain('name="completionRule" value="attendance" checked');
      const fields = {
        capacity: '20',
        enrolmentOpensDate: '2027-01-11',
        enrolmentOpensTime: '09:00',
        enrolmentClosesDate: '2027-02-28',
        enrolmentClosesTime: '23:59',
        deliveryMode: 'on_site',
        completionRule: 'attendance',
      };
      for (const [k, message] of [
        ['7', 'Tapaamisten määrän on oltava 1–3.'],
        ['0', 'Tapaamisten määrän on oltava 1–3.'],
        ['kaksi', 'Anna tapaamisten määrä numeroina, tai jätä tyhjäksi.'],
      ]) {
        const res = await adminClient.post(page, { ...fields, completionMinSessions: k }, { page });
        expect(res.status).toBe(400);
        expect(res.text).toMatch(new RegExp(`id="cohort-completion-min-sessions-error">${message}`));
        expect(res.text).toContain(`name="completionMinSessions" type="number" value="${k}"`);
      }
      const bogus = await adminClient.post(page, { ...fields, completionRule: 'bogus' }, { page });
      expect(bogus.status).toBe(400);
      expect(bogus.text).toContain('id="cohort-completion-rule-error">Valitse, miten suoritus ratkaistaan.');
      const [unchanged] = await db.query(`SELECT completion_rule, completion_min_sessions FROM cohort WHERE id = $1`, [cohort.id]);
      expect(unchanged).toEqual({ completion_rule: 'attendance', completion_min_sessions: null });

      const saved = await adminClient.post(page, { ...fields, completionRule: 'attendance', completionMinSessions: '2' }, { page });
      expect(saved.status).toBe(303);
      expect((await adminClient.get(page)).text).toContain('Läsnäolon perusteella: vähintään 2 tapaamista');
      await adminClient.post(page, { ...fields, completionRule: 'facilitator', completionMinSessions: '2' }, { page });
      const [byHand] = await db.query(`SELECT completion_rule, completion_min_sessions FROM cohort WHERE id = $1`, [cohort.id]);
      expect(byHand).toEqual({ completion_rule: 'facilitator', completion_min_sessions: null });
    });
  });

  describe('proposals', () => {
    it('proposes those who attended at least K only once the last session’s attendance is saved', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman', 'Åsa Åström'], { completionMinSessions: 2 });
      await mark(sessions[0], people, [true, true, false]);
      await mark(sessions[1], people, [true, false, false]);
      let proposals = (await roster.roster(admin, cohort.id, 'fi')).completion;
      expect(proposals).toMatchObject({ rule: 'attendance', required: 2, lastSessionMarked: false, proposed: [] });
      await mark(sessions[2], people, [false, true, true]);
      proposals = (await roster.roster(admin, cohort.id, 'fi')).completion;
      expect(proposals.lastSessionMarked).toBe(true);
      expect(proposals.proposed.map((p) => [p.name, p.attended])).toEqual([
        ['Aino Äijälä', 2],
        ['Oskar Öhman', 2],
      ]);
    });

    it('with no K, proposes only those at every session', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman']);
      await mark(sessions[0], people, [true, true]);
      await mark(sessions[1], people, [true, true]);
      await mark(sessions[2], people, [true, false]);
      expect((await roster.roster(admin, cohort.id, 'fi')).completion.proposed.map((p) => p.name)).toEqual(['Aino Äijälä']);
    });

    it('proposes nobody under the facilitator rule, where each person is still marked by hand', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman'], { completionRule: 'facilitator' });
      for (const session of sessions) await mark(session, people, [true, true]);
      const { completion } = await roster.roster(admin, cohort.id, 'fi');
      expect(completion).toMatchObject({ rule: 'facilitator', lastSessionMarked: true, proposed: [] });
      expect(await enrolment.completeProposed(admin, cohort.id)).toBe(0);
      await enrolment.complete(admin, cohort.id, people[1].id);
      expect(await statuses(cohort.id)).toEqual({ 'Aino Äijälä': 'confirmed', 'Oskar Öhman': 'completed' });
    });

    it('shows the proposals on the roster with one button, and confirms them all in one go', async () => {
      const facilitator = await createUser(t, { displayName: 'Sanna Järvinen' });
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman', 'Åsa Åström'], { completionMinSessions: 2 });
      await scheduling.updateCohort(admin.id, cohort.id, { facilitatorEmails: [facilitator.email] });
      const sanna = await signIn(t, facilitator.email);
      const page = `/cohorts/${cohort.id}/roster`;
      expect((await sanna.get(page)).text).toContain('Ehdotukset näkyvät, kun viimeisen tapaamisen läsnäolo on tallennettu.');
      for (const session of sessions) await mark(session, people, [true, true, false]);
      const before = await sanna.get(page);
      expect(before.text).toContain('2 osallistujaa täyttää suorituksen ehdot');
      expect(before.text).toContain('Läsnäolon perusteella: vähintään 2 tapaamista');
      expect(before.text).toContain('action="/cohorts/' + cohort.id + '/roster/completions"');
      const confirmed = await sanna.post(`${page}/completions`, {}, { page });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe(`${page}?done=completionsConfirmed`);
      expect(await statuses(cohort.id)).toEqual({ 'Aino Äijälä': 'completed', 'Oskar Öhman': 'completed', 'Åsa Åström': 'confirmed' });
      const after = await sanna.get(`${page}?done=completionsConfirmed`);
      expect(after.text).toContain('Suoritukset vahvistettu.');
      expect(after.text).toContain('Kaikki ehdot täyttävät on vahvistettu.');
      expect(after.text).not.toContain('/roster/completions"');
      // A second click (the page left open) finds nobody left: nothing changes.
      const again = await sanna.post(`${page}/completions`, {}, { page });
      expect(again.headers.location).toBe(`${page}?done=noCompletionsToConfirm`);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM completion WHERE cohort_id = $1`, [cohort.id]);
      expect(count).toBe(2);
      // Someone else is refused whatever they send.
      const outsider = await signIn(t, (await createUser(t)).email);
      expect((await outsider.post(`${page}/completions`, {}, { page: '/profile' })).status).toBe(403);
    });

    it('marks everyone once when two submits arrive together, each with a certificate code of its own', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman', 'Åsa Åström']);
      for (const session of sessions) await mark(session, people, [true, true, true]);
      const counts = await Promise.all([enrolment.completeProposed(admin, cohort.id), enrolment.completeProposed(admin, cohort.id)]);
      expect(counts.sort()).toEqual([0, 3]);
      const rows: { certificate_code: string }[] = await db.query(`SELECT certificate_code FROM completion WHERE cohort_id = $1`, [cohort.id]);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.certificate_code).toMatch(/^[34679ACDEFGHJKMNPQRTWXY]{12}$/);
      expect(new Set(rows.map((row) => row.certificate_code)).size).toBe(3);
      const [{ changes }] = await db.query(`SELECT count(*)::int AS changes FROM enrolment_change WHERE cohort_id = $1 AND to_status = 'completed'`, [cohort.id]);
      expect(changes).toBe(3);
    });

    it('marks nobody before the round has begun, even with the last session marked', async () => {
      const cohort = await newCohort(t, { completionMinSessions: 1 });
      const aino = await createUser(t);
      await enrolment.enrolByEmail(admin, cohort.id, aino.email, null);
      const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
      for (const session of sessions) await enrolment.markAttendance(admin, session.id, aino.id, true);
      expect((await roster.roster(admin, cohort.id, 'fi')).completion.proposed).toHaveLength(1);
      await expect(enrolment.completeProposed(admin, cohort.id)).rejects.toThrow(Refused);
      expect(await statuses(cohort.id)).toEqual({ 'Aino Äijälä': 'confirmed' });
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM completion WHERE cohort_id = $1`, [cohort.id]);
      expect(count).toBe(0);
    });
  });

  describe('undo', () => {
    it('takes a completion back: the place is confirmed again, the completion and its code are gone, and the person is proposed again', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä']);
      for (const session of sessions) await mark(session, people, [true]);
      await enrolment.completeProposed(admin, cohort.id);
      const [{ certificate_code: code }] = await db.query(`SELECT certificate_code FROM completion WHERE cohort_id = $1`, [cohort.id]);
      expect(await t.app.get(CertificateService).verify(code, 'fi')).not.toBeNull();

      const page = `/cohorts/${cohort.id}/roster`;
      expect((await adminClient.get(page)).text).toContain(`action="${page.replace('/roster', '')}/roster/${people[0].id}/undo-completion"`);
      const undone = await adminClient.post(`${page}/${people[0].id}/undo-completion`, {}, { page });
      expect(undone.headers.location).toBe(`${page}?done=completionUndone`);
      expect(await statuses(cohort.id)).toEqual({ 'Aino Äijälä': 'confirmed' });
      expect(await db.query(`SELECT 1 FROM completion WHERE cohort_id = $1`, [cohort.id])).toEqual([]);
      const [place] = await db.query(`SELECT completed_at FROM enrolment WHERE cohort_id = $1`, [cohort.id]);
      expect(place.completed_at).toBeNull();
      expect(await t.app.get(CertificateService).verify(code, 'fi')).toBeNull();
      expect((await roster.roster(admin, cohort.id, 'fi')).completion.proposed.map((p) => p.name)).toEqual(['Aino Äijälä']);
      // Nothing left to undo: refused as things stand, with the reason on the page.
      const twice = await adminClient.post(`${page}/${people[0].id}/undo-completion`, {}, { page });
      expect(twice.status).toBe(409);
      expect(twice.text).toContain('Tällä henkilöllä ei ole suoritusta tässä ryhmässä.');
      // A form with fields it does not have changes nothing.
      expect((await adminClient.post(`${page}/completions`, { people: 'x' }, { page })).status).toBe(400);
    });
  });

  describe('roster CSV', () => {
    it('adds a column per scheduled session (yes, no, or empty when not marked) and the completion date', async () => {
      const { cohort, people, sessions } = await finishedRound(['Aino Äijälä', 'Oskar Öhman'], { completionMinSessions: 2 });
      await mark(sessions[0], people, [true, false]);
      await mark(sessions[2], people, [true, true]);
      await enrolment.completeProposed(admin, cohort.id);
      const client = await signIn(t, admin.email, undefined, 'en');
      client.cookies.set('lang', 'en');
      const csv = (await client.get(`/cohorts/${cohort.id}/roster.csv`)).text.replace(/^\ufeff/, '').trimEnd().split('\r\n');
      expect(csv[0]).toBe('Name;Email;Agency;Status;Waitlist place;Enrolled at;Session 1 (2026-10-06);Session 2 (2026-11-03);Session 3 (2026-12-01);Completed');
      const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());
      expect(csv[1]).toMatch(new RegExp(`^Aino Äijälä;${people[0].email};;Completed;;[^;]+;yes;;yes;${today}$`));
      expect(csv[2]).toMatch(new RegExp(`^Oskar Öhman;${people[1].email};;Confirmed;;[^;]+;no;;yes;$`));
    });
  });
});
