// A manager's approval request does not wait for ever: it lapses 14 days after it was asked, or when
// the round's enrolment closes if sooner, and the manager is reminded once after 3 days. The clock is
// moved by moving the request's own times in PostgreSQL, and the job's handler is called directly.
// Also here: the links these mails carry, like the other secret links, never reach a log line, a
// table or the outbox page.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EMAIL_VERIFICATION_KIND, EmailVerificationService } from '../src/accounts/email-verification.service';
import { ApprovalDeadlinesService } from '../src/enrolment/approval-deadlines.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { outboxSettled as settled } from './support/outbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;
const APPROVAL_LINK = /\/enrolments\/approval\/([A-Za-z0-9_-]+)/;

describe('approval deadlines', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let deadlines: ApprovalDeadlinesService;
  const logLines: string[] = [];

  const mailsTo = (email: string, subject: RegExp = /./) => sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()) && subject.test(mail.subject));
  /** The mails to this address whose subject matches, once there are `count` of them. */
  const mailTo = async (email: string, subject: RegExp = /./, count = 1, timeoutMs = 15000): Promise<ReceivedMail[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = mailsTo(email, subject);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails to ${email} matching ${subject}; got: ${mailsTo(email).map((m) => m.subject).join(' | ')}`);
      await sleep(50);
    }
  };
  const outboxSettled = (timeoutMs = 15000) => settled(db, timeoutMs);
  const counts = async (cohortId: string) => (await db.query(`SELECT seats_taken, waitlist_length FROM cohort WHERE id = $1`, [cohortId]))[0];
  const enrolmentOf = async (id: string) =>
    (await db.query(`SELECT status, waitlist_position, approval_token_hash IS NOT NULL AS has_link, approval_reminded_at FROM enrolment WHERE id = $1`, [id]))[0];
  /** A round needing approval whose enrolment is open now. */
  const approvalCohort = (name: string, capacity = 20) =>
    newCohort(t, { name, capacity, requiresApproval: true, enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
  /** Someone asks their manager; returns the enrolment and the token the manager was mailed. */
  const ask = async (cohortId: string, language: 'fi' | 'sv' | 'en' = 'fi') => {
    const person = await createUser(t, { displayName: 'Aino Äijälä', language });
    const managerEmail = `esihenkilo-${randomBytes(4).toString('hex')}@verohallinto.fi`;
    const { enrolment: asked } = await enrolment.enrol(actorOf(person), cohortId, { managerEmail });
    expect(asked.status).toBe('pending_approval');
    const [request] = await mailTo(managerEmail);
    return { person, managerEmail, enrolmentId: asked.id, token: APPROVAL_LINK.exec(request.text)![1] };
  };
  /** Moves the clock: the request was asked `days` ago. */
  const askedDaysAgo = (enrolmentId: string, days: number) => db.query(`UPDATE enrolment SET created_at = now() - $2::float8 * interval '1 day' WHERE id = $1`, [enrolmentId, days]);

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), LOG_LEVEL: 'trace' }, { logDestination: { write: (line: string) => void logLines.push(line) } });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    deadlines = t.app.get(ApprovalDeadlinesService);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('gives a request the earlier of 14 days and the close of enrolment', async () => {
    const soonClosing = await newCohort(t, {
      requiresApproval: true,
      enrolmentOpensAt: new Date(Date.now() - DAY),
      enrolmentClosesAt: new Date(Date.now() + 5 * DAY),
      cancellationDeadline: null,
    });
    const longOpen = await approvalCohort('Pitkä haku');
    const [short, long] = [await ask(soonClosing.id), await ask(longOpen.id)];
    const [{ closes_in }] = await db.query(`SELECT e.approval_expires_at = c.enrolment_closes_at AS closes_in FROM enrolment e JOIN cohort c ON c.id = e.cohort_id WHERE e.id = $1`, [short.enrolmentId]);
    const [{ days }] = await db.query(`SELECT round(extract(epoch FROM approval_expires_at - created_at) / 86400) AS days FROM enrolment WHERE id = $1`, [long.enrolmentId]);
    expect({ closesWithEnrolment: closes_in, days: Number(days) }).toEqual({ closesWithEnrolment: true, days: 14 });
  });

  it('lapses a request past its deadline: the person is told, no seat or place moves, and the link says it lapsed', async () => {
    const cohort = await approvalCohort('Johtamisen kevät', 1);
    const admin = actorOf(await createUser(t, { siteRole: 'admin' }));
    const seated = await createUser(t, { displayName: 'Pekka Korhonen' });
    const queued = await createUser(t, { displayName: 'Ella Evans', language: 'en' });
    expect((await enrolment.enrolByEmail(admin, cohort.id, seated.email, null)).enrolment.status).toBe('confirmed');
    expect((await enrolment.enrolByEmail(admin, cohort.id, queued.email, null)).enrolment.status).toBe('waitlisted');
    const { person, managerEmail, enrolmentId, token } = await ask(cohort.id);
    const before = await counts(cohort.id);
    expect((await t.http.get(`/enrolments/approval/${token}`)).status).toBe(200);

    await db.query(`UPDATE enrolment SET approval_expires_at = now() - interval '1 minute' WHERE id = $1`, [enrolmentId]);
    // Past the deadline the link no longer answers, even before the job has run: nothing changes.
    const manager = new WebClient(t);
    const early = await manager.post(`/enrolments/approval/${token}`, { decision: 'approve' });
    expect(early.status).toBe(410);
    expect(early.text).toContain('Hyväksyntäpyyntö on rauennut');
    expect((await enrolmentOf(enrolmentId)).status).toBe('pending_approval');
    expect(await counts(cohort.id)).toEqual(before);

    expect(await deadlines.run()).toMatchObject({ lapsed: 1 });
    expect(await deadlines.run()).toMatchObject({ lapsed: 0 });
    expect(await enrolmentOf(enrolmentId)).toMatchObject({ status: 'cancelled', waitlist_position: null });
    const history = await db.query(`SELECT from_status, to_status, reason FROM enrolment_change WHERE enrolment_id = $1 ORDER BY created_at DESC LIMIT 1`, [enrolmentId]);
    expect(history).toEqual([{ from_status: 'pending_approval', to_status: 'cancelled', reason: 'enrolment.reason.approvalLapsed' }]);
    // It held no seat: the seated person keeps theirs, the queue stays as it was.
    expect(await counts(cohort.id)).toEqual(before);
    const places = await db.query(`SELECT user_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1 AND user_id = ANY($2) ORDER BY status`, [cohort.id, [seated.id, queued.id]]);
    expect(places).toEqual([
      { user_id: seated.id, status: 'confirmed', waitlist_position: null },
      { user_id: queued.id, status: 'waitlisted', waitlist_position: 1 },
    ]);

    const [told] = await mailTo(person.email, /raukesi/);
    expect(told.subject).toMatch(/^Hyväksyntäpyyntösi raukesi: .*Johtamisen kevät$/);
    expect(told.text).toContain(`Esihenkilösi (${managerEmail}) ei vastannut hyväksyntäpyyntöön määräajassa, joten ilmoittautumisesi ryhmään Johtamisen kevät raukesi.`);
    expect(told.text).toContain(`${t.config.baseUrl}/cohorts/${cohort.id}`);
    await outboxSettled();
    expect(mailsTo(person.email, /raukesi/)).toHaveLength(1);

    for (const lang of ['fi', 'sv', 'en'] as const) {
      const page = await new WebClient(t, lang).get(`/enrolments/approval/${token}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain({ fi: 'Hyväksyntäpyyntö on rauennut', sv: 'Begäran om godkännande har förfallit', en: 'The approval request has lapsed' }[lang]);
    }
    // The person may ask again: the lapsed request no longer counts as active.
    expect((await enrolment.enrol(actorOf(person), cohort.id, { managerEmail })).enrolment.status).toBe('pending_approval');
  });

  it('tells a Swedish speaker in Swedish that the request lapsed', async () => {
    const cohort = await approvalCohort('Vår 2027');
    const { person, enrolmentId } = await ask(cohort.id, 'sv');
    await db.query(`UPDATE enrolment SET approval_expires_at = now() - interval '1 minute' WHERE id = $1`, [enrolmentId]);
    await deadlines.run();
    const [told] = await mailTo(person.email, /förföll/);
    expect(told.subject).toMatch(/^Din begäran om godkännande förföll: .*Vår 2027$/);
    expect(told.text).toContain('så din anmälan till gruppen Vår 2027 har förfallit');
  });

  it('reminds the manager once, three days after the request, with a new link that works in place of the first', async () => {
    const cohort = await approvalCohort('Johtamisen syksy');
    const { person, managerEmail, enrolmentId, token } = await ask(cohort.id);

    // Two days and 23 hours: too early.
    await askedDaysAgo(enrolmentId, 2.95);
    await deadlines.run();
    expect((await enrolmentOf(enrolmentId)).approval_reminded_at).toBeNull();

    // Three days: two workers at the same moment send one reminder between them.
    await askedDaysAgo(enrolmentId, 3);
    const runs = await Promise.all([deadlines.run(), deadlines.run()]);
    expect(runs[0].reminded + runs[1].reminded).toBe(1);
    expect(await deadlines.run()).toMatchObject({ reminded: 0 });
    const [reminder] = await mailTo(managerEmail, /Muistutus/);
    expect(reminder.subject).toMatch(/^Muistutus: Aino Äijälä odottaa hyväksyntääsi valmennukseen .*Johtamisen syksy$/);
    expect(reminder.text).toContain('Tämä linkki korvaa aiemman viestin linkin');
    const fresh = APPROVAL_LINK.exec(reminder.text)![1];
    expect(fresh).not.toBe(token);
    await outboxSettled();
    expect(mailsTo(managerEmail, /Muistutus/)).toHaveLength(1);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM notification WHERE kind = 'enrolment.approval-reminder' AND payload->>'enrolmentId' = $1`, [enrolmentId]);
    expect(n).toBe(1);

    // The first link was replaced; the new one opens the page and answers.
    expect((await t.http.get(`/enrolments/approval/${token}`)).status).toBe(409);
    expect((await t.http.get(`/enrolments/approval/${fresh}`)).status).toBe(200);
    const answered = await new WebClient(t).post(`/enrolments/approval/${fresh}`, { decision: 'approve' }, { page: `/enrolments/approval/${fresh}` });
    expect(answered.status).toBe(200);
    expect((await enrolmentOf(enrolmentId)).status).toBe('confirmed');
    await mailTo(person.email, /hyväksyi/);
  });

  it('sends no reminder for a request that lapses first, and none for one already answered', async () => {
    const cohort = await approvalCohort('Talvi 2028');
    const lapsing = await ask(cohort.id);
    const answered = await ask(cohort.id);
    await askedDaysAgo(lapsing.enrolmentId, 4);
    await askedDaysAgo(answered.enrolmentId, 4);
    await db.query(`UPDATE enrolment SET approval_expires_at = now() - interval '1 minute' WHERE id = $1`, [lapsing.enrolmentId]);
    await enrolment.answerApproval(answered.token, 'decline');
    await deadlines.run();
    await outboxSettled();
    expect([mailsTo(lapsing.managerEmail, /Muistutus/).length, mailsTo(answered.managerEmail, /Muistutus/).length]).toEqual([0, 0]);
    expect((await enrolmentOf(answered.enrolmentId)).status).toBe('declined');
  });

  it('keeps reset, approval, reminder and verification links out of the logs, the tables and the outbox page', async () => {
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const tokens: Record<string, { token: string; notificationId: string }> = {};
    const rowTo = async (email: string, kind: string) => (await db.query(`SELECT id FROM notification WHERE recipient_email = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [email, kind]))[0].id as string;

    const ella = await createUser(t, { email: `ella.${randomBytes(3).toString('hex')}@tulli.fi`, displayName: 'Ella Evans' });
    expect((await new WebClient(t).post('/password/forgot', { email: ella.email })).status).toBe(200);
    const [resetMail] = await mailTo(ella.email, /./);
    tokens.reset = { token: /\/password\/reset\?token=([A-Za-z0-9_-]+)/.exec(resetMail.text)![1], notificationId: await rowTo(ella.email, 'password-reset') };

    const cohort = await approvalCohort('Kevät 2028');
    const asked = await ask(cohort.id);
    tokens.approval = { token: asked.token, notificationId: await rowTo(asked.managerEmail, 'enrolment.approval-requested') };
    await askedDaysAgo(asked.enrolmentId, 3);
    await deadlines.run();
    const [reminder] = await mailTo(asked.managerEmail, /Muistutus/);
    tokens.reminder = { token: APPROVAL_LINK.exec(reminder.text)![1], notificationId: await rowTo(asked.managerEmail, 'enrolment.approval-reminder') };

    const newcomerEmail = `uusi.${randomBytes(3).toString('hex')}@example.fi`;
    await t.app.get(EmailVerificationService).signUp({ email: newcomerEmail, displayName: 'Uusi Ihminen', password: 'Lokakuun-valmennus-88', language: 'fi', agencyId: null });
    const [verificationMail] = await mailTo(newcomerEmail, /./);
    tokens.verification = { token: /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(verificationMail.text)![1], notificationId: await rowTo(newcomerEmail, EMAIL_VERIFICATION_KIND) };

    // The links are used, so that the requests carrying them are logged too.
    expect((await t.http.get(`/password/reset?token=${tokens.reset.token}`)).status).toBe(200);
    expect((await t.http.get(`/enrolments/approval/${tokens.approval.token}`)).status).toBe(409);
    expect((await t.http.get(`/enrolments/approval/${tokens.reminder.token}`)).status).toBe(200);
    expect((await t.http.get(`/verify-email?token=${tokens.verification.token}`)).status).toBe(200);
    await outboxSettled();

    const tables: { table_name: string }[] = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
    const found: Record<string, unknown> = {};
    for (const [name, { token, notificationId }] of Object.entries(tokens)) {
      const holding: string[] = [];
      for (const { table_name } of tables) {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table_name}" AS r WHERE strpos(r::text, $1) > 0`, [token]);
        if (n > 0) holding.push(table_name);
      }
      const [page, html] = [await admin.get(`/admin/outbox/${notificationId}`), await admin.get(`/admin/outbox/${notificationId}/html`)];
      found[name] = {
        logLines: logLines.filter((line) => line.includes(token)),
        tables: holding,
        outbox: { status: page.status, showsLink: page.text.includes(token) || html.text.includes(token), showsHidden: page.text.includes('[linkki piilotettu]') && html.text.includes('[linkki piilotettu]') },
      };
    }
    const clean = { logLines: [], tables: [], outbox: { status: 200, showsLink: false, showsHidden: true } };
    expect(found).toEqual({ reset: clean, approval: clean, reminder: clean, verification: clean });
    // The logs were read: they hold the requests, their tokens hidden.
    expect(logLines.some((line) => line.includes('/enrolments/approval/[hidden]'))).toBe(true);
    expect(logLines.some((line) => line.includes('/verify-email?token=[hidden]'))).toBe(true);
  }, 60_000);
});
