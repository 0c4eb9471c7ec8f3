// Issue 18's story on the demo platform, as a new user would play it through the pages: the demo
// round that has just ended opens its feedback survey and its participants are invited by mail; Aino
// answers; Sanna sees the charts and confirms the completions proposed from attendance (Mikko, who
// missed a day, is not proposed); Aino gets her certificate, opts in to the register, and a visitor
// from Verohallinto finds her under "check your own agency"; an admin imports last decade's list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_FACILITATOR, DEMO_PASSWORD, DEMO_RECENT_ROUND, DEMO_USERS } from '../src/demo/demo-data';
import { DemoAfterRoundService } from '../src/demo/demo-after-round.service';
import { FeedbackLifecycleService } from '../src/feedback/feedback-lifecycle.service';
import { createUser, signIn } from './support/accounts';
import { outboxSettled } from './support/outbox';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const AINO = 'aino.virtanen@verohallinto.fi';
const MIKKO = 'mikko.nieminen@vayla.fi';
const ADMIN = DEMO_USERS.find((person) => person.admin)!.email;

describe('after the round, on the demo platform', () => {
  let t: TestApp;
  let db: DataSource;
  let sink: SmtpSink;
  let cohortId: string;

  // The demo start registers the demo people (argon2) and writes their discussions.
  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ DEMO_DATA: 'true', SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    const [round] = await db.query(
      `SELECT c.id FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE p.slug = $1 AND c.ends_at <= now()`,
      [DEMO_RECENT_ROUND.programmeSlug],
    );
    cohortId = round.id;
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('seeds a round that has just ended, with the programme’s feedback survey and its attendance, once', async () => {
    const [round] = await db.query(`SELECT status, ends_at, completion_rule, completion_min_sessions FROM cohort WHERE id = $1`, [cohortId]);
    expect(round).toMatchObject({ status: 'published', completion_rule: 'attendance', completion_min_sessions: null });
    expect(round.ends_at.getTime()).toBeLessThan(Date.now());
    expect(Date.now() - round.ends_at.getTime()).toBeLessThan(8 * 24 * 3600_000);
    const [survey] = await db.query(`SELECT s.id, s.anonymous, (SELECT count(*)::int FROM survey_question q WHERE q.survey_id = s.id) AS questions FROM survey s WHERE s.cohort_id = $1`, [cohortId]);
    expect(survey).toMatchObject({ anonymous: true, questions: 6 });
    const absent = await db.query(`SELECT u.email FROM attendance a JOIN app_user u ON u.id = a.user_id JOIN cohort_session s ON s.id = a.session_id WHERE s.cohort_id = $1 AND NOT a.present`, [
      cohortId,
    ]);
    expect(absent).toEqual([{ email: MIKKO }]);
    expect(await t.app.get(DemoAfterRoundService).seedRecentRoundIfNone()).toBe(0);
    expect(await t.app.get(DemoAfterRoundService).seedFeedbackTemplatesIfNone()).toBe(0);
  });

  it('opens the survey, invites the participants by mail, lets Aino answer, and shows Sanna the charts', async () => {
    const lifecycle = t.app.get(FeedbackLifecycleService);
    expect((await lifecycle.run()).opened).toBeGreaterThanOrEqual(1);
    const invitation = await sink.mailTo(AINO, /Anna palautetta/, 20_000);
    expect(invitation.text).toContain(`/cohorts/${cohortId}/feedback`);
    // Åsa reads Swedish.
    expect((await sink.mailTo('asa.ostrom@tulli.fi', /^Ge respons/, 20_000)).text).toContain(`/cohorts/${cohortId}/feedback`);

    const aino = await signIn(t, AINO, DEMO_PASSWORD);
    expect((await aino.get('/')).text).toContain(`/cohorts/${cohortId}/feedback`);
    const questions: { id: string; kind: string }[] = await db.query(
      `SELECT q.id, q.kind FROM survey_question q JOIN survey s ON s.id = q.survey_id WHERE s.cohort_id = $1 ORDER BY q.position`,
      [cohortId],
    );
    const answer: Record<string, string> = { [`q-${questions[0].id}`]: '5', [`q-${questions[1].id}`]: '4', [`q-${questions[4].id}`]: 'Skenaariotyö omaan yksikköön.' };
    expect((await aino.post(`/cohorts/${cohortId}/feedback`, answer, { page: `/cohorts/${cohortId}/feedback` })).status).toBe(303);
    const [stored] = await db.query(`SELECT r.user_id FROM survey_response r JOIN survey s ON s.id = r.survey_id WHERE s.cohort_id = $1`, [cohortId]);
    expect(stored).toEqual({ user_id: null });
    expect((await aino.get('/')).text).not.toContain(`href="/cohorts/${cohortId}/feedback"`);

    const sanna = await signIn(t, DEMO_FACILITATOR, DEMO_PASSWORD);
    const results = await sanna.get(`/cohorts/${cohortId}/feedback/results`);
    expect(results.status).toBe(200);
    expect(results.text).toMatch(/<svg[^>]*role="img"/);
    expect(results.text).toContain('Skenaariotyö omaan yksikköön.');
  }, 60_000);

  it('proposes the completions from attendance, confirms them in one click, mails Aino her certificate, and lists her in the register once she opts in', async () => {
    const sanna = await signIn(t, DEMO_FACILITATOR, DEMO_PASSWORD);
    const roster = await sanna.get(`/cohorts/${cohortId}/roster`);
    expect(roster.text).toContain('Aino Virtanen');
    expect((await sanna.post(`/cohorts/${cohortId}/roster/completions`, {}, { page: `/cohorts/${cohortId}/roster` })).status).toBe(303);
    const completed: { email: string }[] = await db.query(`SELECT u.email FROM completion c JOIN app_user u ON u.id = c.user_id WHERE c.cohort_id = $1 ORDER BY u.email`, [cohortId]);
    expect(completed.map((row) => row.email)).toEqual(DEMO_RECENT_ROUND.participants.filter((email) => email !== MIKKO).sort());

    const certificate = await sink.mailTo(AINO, /Todistuksesi/, 20_000);
    expect(certificate.parsed.attachments).toHaveLength(1);
    const code = certificate.text.match(/\/certificates\/([A-Z0-9-]+)/)![1];
    const check = await t.http.get(`/certificates/${code}`);
    expect(check.status).toBe(200);
    expect(check.text).toContain('Aino Virtanen');

    const [verohallinto] = await db.query(`SELECT id FROM agency WHERE name = 'Verohallinto'`);
    const visitor = await createUser(t, { displayName: 'Pekka Vieras', agencyId: verohallinto.id });
    const visitorClient = await signIn(t, visitor.email, visitor.password);
    const register = `/developers?agency=${verohallinto.id}`;
    expect((await visitorClient.get(register)).text).not.toContain('Aino Virtanen');

    const aino = await signIn(t, AINO, DEMO_PASSWORD);
    expect((await aino.post('/profile/register', { listed: '1' }, { page: '/profile' })).status).toBe(303);
    const page = await visitorClient.get(register);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Aino Virtanen');
    await outboxSettled(db, 20_000);
  }, 60_000);

  it('lets an admin import last decade’s list from the demo file, all rows at once', async () => {
    const admin = await signIn(t, ADMIN, DEMO_PASSWORD);
    const csv = readFileSync(join(__dirname, '..', 'src', 'demo', 'fixtures', 'register-2016-2025.csv'), 'utf8');
    const preview = await admin.post('/admin/register/import', { body: csv }, { page: '/admin/register/import' });
    expect(preview.status).toBe(200);
    const confirmed = await admin.post('/admin/register/import/confirm', { body: csv }, { page: '/admin/register/import' });
    expect(confirmed.status).toBe(303);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM historical_completion`);
    expect(n).toBe(csv.trim().split('\n').length - 1);
  }, 60_000);
});
