// A round's feedback survey opens by itself when the round's last session has ended, invites the
// round's participants (in each person's language, through the outbox, the real worker and an SMTP
// sink), reminds those who have not answered once before it closes, and closes. The clock is moved
// by moving the round's session and the survey's times in PostgreSQL; the job's handler is called
// as the worker would call it, twice, to show that nothing is sent twice.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AnswersService } from '../src/feedback/answers.service';
import { FeedbackLifecycleService } from '../src/feedback/feedback-lifecycle.service';
import { SurveyService } from '../src/feedback/survey.service';
import { actorOf, createUser } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { outboxSettled } from './support/outbox';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };
const ONE_SESSION = [{ startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('feedback survey lifecycle', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let surveys: SurveyService;
  let answers: AnswersService;
  let lifecycle: FeedbackLifecycleService;
  let admin: Actor;

  const mailsTo = (email: string, subject: RegExp = /./) => sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()) && subject.test(mail.subject));
  const mailTo = async (email: string, subject: RegExp, timeoutMs = 15000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [mail] = mailsTo(email, subject);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`No mail to ${email} matching ${subject}; got: ${mailsTo(email).map((m) => m.subject).join(' | ')}`);
      await sleep(50);
    }
  };
  const survey = async (cohortId: string) => (await db.query(`SELECT * FROM survey WHERE cohort_id = $1`, [cohortId]))[0];
  /** Moves the round's sessions back so that its last one ended `hours` ago. */
  const lastSessionEnded = (cohortId: string, hours: number) =>
    db.query(
      `UPDATE cohort_session SET starts_at = starts_at - d.shift, ends_at = ends_at - d.shift
       FROM (SELECT max(ends_at) - (now() - $2::float8 * interval '1 hour') AS shift FROM cohort_session WHERE cohort_id = $1) d
       WHERE cohort_id = $1`,
      [cohortId, hours],
    );
  /** Moves the survey's open period back by `days`: the clock moves forward. */
  const daysPass = (cohortId: string, days: number) =>
    db.query(`UPDATE survey SET opens_at = opens_at - $2::float8 * interval '1 day', closes_at = closes_at - $2::float8 * interval '1 day' WHERE cohort_id = $1`, [cohortId, days]);

  /** A round of a programme whose template has a question, with participants in three languages and a facilitator. */
  const round = async (openDays = 14) => {
    const programme = await newProgramme(t);
    const templateId = await surveys.createTemplate(admin, programme.id);
    await surveys.updateSettings(admin, templateId, { title: { fi: 'Palautekysely' }, intro: { fi: '' }, anonymous: true, openDays });
    await surveys.addQuestion(admin, templateId, { kind: 'scale', required: true, prompt: { fi: 'Kuinka hyödyllinen?' }, options: [] });
    const facilitator = await createUser(t, { displayName: 'Sanna Fasilitaattori' });
    const cohort = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Syksy 2026', sessions: ONE_SESSION, facilitatorEmails: [facilitator.email] });
    const people = {
      aino: await createUser(t, { displayName: 'Aino Äijälä', language: 'fi' }),
      sven: await createUser(t, { displayName: 'Sven Svensson', language: 'sv' }),
      emma: await createUser(t, { displayName: 'Emma Evans', language: 'en' }),
    };
    const enrolment = t.app.get(EnrolmentService);
    for (const person of Object.values(people)) await enrolment.enrolByEmail(admin, cohort.id, person.email, null);
    return { cohort, facilitator, ...people };
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    surveys = t.app.get(SurveyService);
    answers = t.app.get(AnswersService);
    lifecycle = t.app.get(FeedbackLifecycleService);
    const [row] = await db.query(`SELECT * FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = actorOf({ ...row, displayName: row.display_name, agencyId: row.agency_id, siteRole: row.site_role, emailVerifiedAt: row.email_verified_at });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('opens when the last session ends, invites each participant once in their language, reminds those who have not answered once, and closes', async () => {
    const { cohort, facilitator, aino, sven, emma } = await round();
    // The round has not ended: nothing opens.
    await lifecycle.run();
    expect((await survey(cohort.id)).opens_at).toBeNull();

    await lastSessionEnded(cohort.id, 1);
    await lifecycle.run();
    await lifecycle.run();
    const opened = await survey(cohort.id);
    const [{ last_end }] = await db.query(`SELECT max(ends_at) AS last_end FROM cohort_session WHERE cohort_id = $1`, [cohort.id]);
    expect(opened.opens_at).toEqual(last_end);
    expect(opened.closes_at.getTime() - opened.opens_at.getTime()).toBe(14 * 86_400_000);
    expect(opened.invited_at).not.toBeNull();
    expect(opened.reminded_at).toBeNull();

    const fi = await mailTo(aino.email, /^Anna palautetta: /);
    const sv = await mailTo(sven.email, /^Ge respons: /);
    const en = await mailTo(emma.email, /^Give feedback: /);
    expect(fi.text).toContain(`/cohorts/${cohort.id}/feedback`);
    expect(fi.text).toContain('palautekyselyyn voi vastata');
    expect(sv.text).toContain('responsenkäten kan besvaras');
    expect(en.text).toContain('the feedback survey is open until');
    await outboxSettled(db);
    expect(mailsTo(aino.email, /palautetta/).length).toBe(1);
    expect(mailsTo(facilitator.email)).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM notification WHERE kind = 'feedback.invitation' AND payload->>'surveyId' = $1`, [opened.id])).toEqual([{ n: 3 }]);

    // Aino answers; 12 days pass, two are left: one reminder, to Sven and Emma only.
    await answers.answer(actorOf(aino), cohort.id, { [`q-${(await surveys.questions(db.manager, opened.id))[0].id}`]: '4' }, 'fi');
    await daysPass(cohort.id, 10);
    await lifecycle.run();
    expect((await survey(cohort.id)).reminded_at).toBeNull();
    await daysPass(cohort.id, 2);
    await lifecycle.run();
    await lifecycle.run();
    expect((await survey(cohort.id)).reminded_at).not.toBeNull();
    const reminder = await mailTo(sven.email, /^Påminnelse: ge respons/);
    expect(reminder.text).toContain('stängs');
    await mailTo(emma.email, /^Reminder: give feedback/);
    await outboxSettled(db);
    expect(mailsTo(aino.email, /Muistutus/)).toEqual([]);
    expect(mailsTo(sven.email, /Påminnelse/).length).toBe(1);

    // Closed: no answer goes in, and the job does nothing more.
    await daysPass(cohort.id, 3);
    await expect(answers.answer(actorOf(sven), cohort.id, {}, 'sv')).rejects.toMatchObject({ reason: 'feedback.answer.closed' });
    const before = sink.received.length;
    await lifecycle.run();
    await outboxSettled(db);
    expect(sink.received.length).toBe(before);
  });

  it('reminds at half the open period when that is shorter than 3 days', async () => {
    const { cohort, aino } = await round(2);
    await lastSessionEnded(cohort.id, 1);
    await lifecycle.run();
    await mailTo(aino.email, /^Anna palautetta: /);
    // 47 hours left of 48: not yet.
    await lifecycle.run();
    expect((await survey(cohort.id)).reminded_at).toBeNull();
    await daysPass(cohort.id, 1);
    await lifecycle.run();
    expect((await survey(cohort.id)).reminded_at).not.toBeNull();
    await mailTo(aino.email, /^Muistutus: anna palautetta/);
  });

  it('never opens a survey without questions', async () => {
    const programme = await newProgramme(t);
    const cohort = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, sessions: ONE_SESSION });
    await surveys.createCohortSurvey(admin, cohort.id, null);
    await lastSessionEnded(cohort.id, 1);
    await lifecycle.run();
    expect((await survey(cohort.id)).opens_at).toBeNull();
  });
});
