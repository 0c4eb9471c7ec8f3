import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { CohortInput } from '../src/catalogue/scheduling.rules';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ROSTER_SUMMARY_KIND, RosterSummaryService } from '../src/enrolment/roster-summary.service';
import { toHelsinki } from '../src/i18n/helsinki-time';
import { Language } from '../src/i18n/i18n';
import { AgencyService } from '../src/identity/agency.service';
import { User } from '../src/identity/user.entity';
import { NotificationsService } from '../src/notifications/notifications.service';
import { JobName } from '../src/queue/jobs';
import { QueueService } from '../src/queue/queue.service';
import { createUser } from './support/accounts';
import { helsinki, newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { outboxSettled as settled } from './support/outbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('enrolment mail', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;

  const mailsTo = (email: string) => sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()));
  /** The first mail to this address whose subject matches, waiting for the worker to send it. */
  const mailTo = async (email: string, subject: RegExp = /./, timeoutMs = 10000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = mailsTo(email).find((m) => subject.test(m.subject));
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${subject}; got: ${mailsTo(email).map((m) => m.subject).join(' | ')}`);
      await sleep(50);
    }
  };
  const outboxSettled = (timeoutMs = 10000) => settled(db, timeoutMs);
  const person = (overrides: { displayName?: string; language?: Language; email?: string } = {}) => createUser(t, overrides);
  const actor = (user: User): Actor => ({ id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null });
  /** A published cohort whose enrolment is open now. */
  const openCohort = (overrides: Partial<CohortInput> = {}): Promise<Cohort> =>
    newCohort(t, { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28), ...overrides });
  const cohortUrl = (cohort: Cohort) => `${t.config.baseUrl}/cohorts/${cohort.id}`;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('confirms a place in the person’s own language, with the cohort’s name and a link to its page', async () => {
    const cohort = await openCohort({ name: 'Kevät 2027 Jyväskylä' });
    const aino = await person({ displayName: 'Aino Äijälä', language: 'fi' });
    const asa = await person({ displayName: 'Åsa Öström', language: 'sv' });
    const ella = await person({ displayName: 'Ella Evans', language: 'en' });
    for (const who of [aino, asa, ella]) expect((await enrolment.enrol(actor(who), cohort.id)).enrolment.status).toBe('confirmed');

    const finnish = await mailTo(aino.email);
    expect(finnish.subject).toBe('Paikkasi on vahvistettu: Kompleksisuus ja systeemiajattelu, Kevät 2027 Jyväskylä');
    expect(finnish.language).toBe('fi');
    expect(finnish.text).toContain('Hei Aino Äijälä,');
    expect(finnish.text).toContain('Ilmoittautumisesi on vahvistettu: sinulla on paikka ryhmässä Kevät 2027 Jyväskylä.');
    expect(finnish.text).toContain(`Ryhmän sivu: ${cohortUrl(cohort)}`);
    expect(finnish.text).toContain('peru paikkasi ryhmän sivulla');
    expect(finnish.html).toContain(`href="${cohortUrl(cohort)}"`);
    expect(finnish.html).toContain('>Avaa ryhmän sivu</a>');

    const swedish = await mailTo(asa.email);
    expect(swedish.subject).toBe('Din plats är bekräftad: Komplexitet och systemtänkande, Kevät 2027 Jyväskylä');
    expect(swedish.language).toBe('sv');
    expect(swedish.text).toContain('Hej Åsa Öström,');
    expect(swedish.text).toContain('du har en plats i gruppen Kevät 2027 Jyväskylä.');
    expect(swedish.text).toContain(`Gruppens sida: ${cohortUrl(cohort)}`);

    const english = await mailTo(ella.email);
    expect(english.subject).toBe('Your place is confirmed: Complexity and systems thinking, Kevät 2027 Jyväskylä');
    expect(english.text).toContain(`The round's page: ${cohortUrl(cohort)}`);
  });

  it('tells a waitlisted person their place in the queue', async () => {
    const cohort = await openCohort({ capacity: 1, name: 'Syksy 2027' });
    const [first, second, third] = [await person(), await person({ displayName: 'Öllö Åkerlund' }), await person({ language: 'sv', displayName: 'Åke Ström' })];
    await enrolment.enrol(actor(first), cohort.id);
    expect((await enrolment.enrol(actor(second), cohort.id)).enrolment.waitlistPosition).toBe(1);
    expect((await enrolment.enrol(actor(third), cohort.id)).enrolment.waitlistPosition).toBe(2);

    const one = await mailTo(second.email);
    expect(one.subject).toBe('Olet jonossa sijalla 1: Kompleksisuus ja systeemiajattelu, syksy 2027');
    expect(one.text).toContain('Hei Öllö Åkerlund,');
    expect(one.text).toContain('Ryhmän Syksy 2027 paikat ovat täynnä, joten pääsit jonotuslistalle. Olet jonossa sijalla 1.');
    expect(one.text).toContain(cohortUrl(cohort));
    const two = await mailTo(third.email);
    expect(two.subject).toBe('Du står i kö som nummer 2: Komplexitet och systemtänkande, hösten 2027');
    expect(two.text).toContain('Du står i kö som nummer 2.');
  });

  it('says the agency’s seats are taken, with the cap and the place in the queue, when the round still has seats', async () => {
    await t.app.get(AgencyService).ensure(['Tulli']);
    const tulli = (await t.app.get(AgencyService).list('fi')).find((agency) => agency.name === 'Tulli')!;
    const cohort = await openCohort({ capacity: 20, agencySeatCap: 2, name: 'Kevät 2027 – ryhmä 1' });
    const colleague = (overrides: { displayName?: string; language?: Language }) => createUser(t, { agencyId: tulli.id, ...overrides });
    const held = [await colleague({}), await colleague({})];
    for (const who of held) expect((await enrolment.enrol(actor(who), cohort.id)).enrolment.status).toBe('confirmed');
    const [aino, asa] = [await colleague({ displayName: 'Aino Äijälä' }), await colleague({ displayName: 'Åsa Öström', language: 'sv' })];
    expect((await enrolment.enrol(actor(aino), cohort.id)).enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await enrolment.enrol(actor(asa), cohort.id)).enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });

    const finnish = await mailTo(aino.email);
    expect(finnish.subject).toBe('Olet jonossa sijalla 1: Kompleksisuus ja systeemiajattelu, kevät 2027 – ryhmä 1');
    expect(finnish.text).toContain(
      'Virastosi kaikki 2 paikkaa ryhmään Kevät 2027 – ryhmä 1 on jo varattu, joten pääsit jonotuslistalle. Olet jonossa sijalla 1.',
    );
    expect(finnish.text).not.toContain('paikat ovat täynnä');
    expect(finnish.html).toContain('Virastosi kaikki 2 paikkaa');
    const swedish = await mailTo(asa.email);
    expect(swedish.subject).toBe('Du står i kö som nummer 2: Komplexitet och systemtänkande, våren 2027 – grupp 1');
    expect(swedish.text).toContain('Alla 2 platser för din myndighet i gruppen Våren 2027 – grupp 1 är redan tagna');
    expect(swedish.text).toContain('Du står i kö som nummer 2.');
  });

  it('tells the person who cancelled, and gives the first waitlisted person the freed seat with a mail saying so', async () => {
    const cohort = await openCohort({ capacity: 1, name: 'Talvi 2027' });
    const [leaving, waiting] = [await person({ displayName: 'Lähtevä Läntinen' }), await person({ displayName: 'Jonottava Jääskeläinen' })];
    await enrolment.enrol(actor(leaving), cohort.id);
    await enrolment.enrol(actor(waiting), cohort.id);
    await mailTo(waiting.email, /jonossa/);

    await enrolment.cancel(actor(leaving), cohort.id, leaving.id, null);
    const cancelled = await mailTo(leaving.email, /peruttu/);
    expect(cancelled.subject).toBe('Ilmoittautumisesi on peruttu: Kompleksisuus ja systeemiajattelu, Talvi 2027');
    expect(cancelled.text).toContain('Ilmoittautumisesi ryhmään Talvi 2027 on peruttu.');
    const promoted = await mailTo(waiting.email, /^Sait paikan/);
    expect(promoted.subject).toBe('Sait paikan: Kompleksisuus ja systeemiajattelu, Talvi 2027');
    expect(promoted.text).toContain('Hei Jonottava Jääskeläinen,');
    expect(promoted.text).toContain('Ryhmästä Talvi 2027 vapautui paikka, ja se on nyt sinun: ilmoittautumisesi on vahvistettu.');
    expect(promoted.text).toContain(cohortUrl(cohort));
  });

  it('asks the manager, who needs no account, with a link that opens the approval page and works once', async () => {
    const cohort = await openCohort({ requiresApproval: true, name: 'Johtamisen kevät' });
    const aino = await person({ displayName: 'Aino Äijälä' });
    const managerEmail = `esihenkilo-${aino.id.slice(0, 8)}@verohallinto.fi`;
    expect((await enrolment.enrol(actor(aino), cohort.id, { managerEmail })).enrolment.status).toBe('pending_approval');

    const request = await mailTo(managerEmail);
    expect(request.subject).toBe('Hyväksyntäpyyntö: Aino Äijälä ilmoittautui valmennukseen Kompleksisuus ja systeemiajattelu, Johtamisen kevät');
    expect(request.text).toMatch(/^Hei,/);
    expect(request.text).toContain('Aino Äijälä on ilmoittautunut Verson valmennusryhmään Johtamisen kevät');
    expect(request.text).toContain('Et tarvitse Verso-tunnusta: linkki riittää. Linkki toimii vain kerran');
    const approvalUrl = new RegExp(`${t.config.baseUrl}/enrolments/approval/([A-Za-z0-9_-]+)`).exec(request.text);
    expect(approvalUrl).not.toBeNull();
    expect(request.html.replace(/&#x3D;/g, '=')).toContain(`href="${approvalUrl![0]}"`);
    expect(request.text).toContain(cohortUrl(cohort));

    const waiting = await mailTo(aino.email);
    expect(waiting.subject).toBe('Ilmoittautumisesi odottaa esihenkilön hyväksyntää: Kompleksisuus ja systeemiajattelu, Johtamisen kevät');
    expect(waiting.text).toContain(`Lähetimme hyväksyntäpyynnön osoitteeseen ${managerEmail}.`);

    const page = await t.http.get(new URL(approvalUrl![0]).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Aino Äijälä');

    await enrolment.answerApproval(approvalUrl![1], 'approve');
    const approved = await mailTo(aino.email, /hyväksyi/);
    expect(approved.subject).toBe('Esihenkilösi hyväksyi ilmoittautumisesi: Kompleksisuus ja systeemiajattelu, Johtamisen kevät');
    expect(approved.text).toContain('Esihenkilösi hyväksyi ilmoittautumisesi, ja sinulla on nyt paikka ryhmässä Johtamisen kevät.');
    await expect(enrolment.answerApproval(approvalUrl![1], 'approve')).rejects.toMatchObject({ reason: 'enrolment.approval.linkInvalid' });
  });

  it('tells the person when their manager declines, in their language', async () => {
    const cohort = await openCohort({ requiresApproval: true, name: 'Ledarskapets vår' });
    const asa = await person({ displayName: 'Åsa Öström', language: 'sv' });
    const managerEmail = `chef-${asa.id.slice(0, 8)}@tulli.fi`;
    await enrolment.enrol(actor(asa), cohort.id, { managerEmail });
    const request = await mailTo(managerEmail);
    expect(request.subject).toBe('Begäran om godkännande: Åsa Öström har anmält sig till Komplexitet och systemtänkande, Ledarskapets vår');
    expect(request.text).toContain('Du behöver inget konto i Verso: länken räcker. Länken fungerar bara en gång');
    const token = /\/enrolments\/approval\/([A-Za-z0-9_-]+)/.exec(request.text)![1];

    await enrolment.answerApproval(token, 'decline');
    const declined = await mailTo(asa.email, /inte godkänt/);
    expect(declined.subject).toBe('Din chef har inte godkänt din anmälan: Komplexitet och systemtänkande, Ledarskapets vår');
    expect(declined.text).toContain('Din chef har inte godkänt din anmälan till gruppen Ledarskapets vår');
  });

  it('says where an approved person stands when the cohort filled while the manager decided', async () => {
    const cohort = await openCohort({ requiresApproval: true, capacity: 1, name: 'Täysi ryhmä' });
    const [waiting, quick] = [await person({ displayName: 'Hidas Hyväksyntä' }), await person()];
    await enrolment.enrol(actor(waiting), cohort.id, { managerEmail: `hidas-${waiting.id.slice(0, 8)}@example.fi` });
    await enrolment.enrol(actor(quick), cohort.id, { managerEmail: `nopea-${quick.id.slice(0, 8)}@example.fi` });
    const quickToken = /\/enrolments\/approval\/([A-Za-z0-9_-]+)/.exec((await mailTo(`nopea-${quick.id.slice(0, 8)}@example.fi`)).text)![1];
    const slowToken = /\/enrolments\/approval\/([A-Za-z0-9_-]+)/.exec((await mailTo(`hidas-${waiting.id.slice(0, 8)}@example.fi`)).text)![1];
    await enrolment.answerApproval(quickToken, 'approve');
    await enrolment.answerApproval(slowToken, 'approve');

    const approved = await mailTo(waiting.email, /hyväksyi/);
    expect(approved.text).toContain('Ryhmä on kuitenkin ehtinyt täyttyä, joten olet jonossa sijalla 1.');
    expect(approved.text).not.toContain('peru paikkasi');
  });

  it('says the agency’s one seat is taken when a manager approves after a colleague took it', async () => {
    await t.app.get(AgencyService).ensure(['Traficom']);
    const traficom = (await t.app.get(AgencyService).list('fi')).find((agency) => agency.name === 'Traficom')!;
    const cohort = await openCohort({ requiresApproval: true, capacity: 20, agencySeatCap: 1 });
    const [first, second] = [await createUser(t, { agencyId: traficom.id }), await createUser(t, { agencyId: traficom.id, displayName: 'Aino Äijälä' })];
    for (const who of [first, second]) await enrolment.enrol(actor(who), cohort.id, { managerEmail: `esihenkilo-${who.id.slice(0, 8)}@traficom.fi` });
    const token = async (who: User) => /\/enrolments\/approval\/([A-Za-z0-9_-]+)/.exec((await mailTo(`esihenkilo-${who.id.slice(0, 8)}@traficom.fi`)).text)![1];
    expect((await enrolment.answerApproval(await token(first), 'approve')).status).toBe('confirmed');
    expect(await enrolment.answerApproval(await token(second), 'approve')).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    const approved = await mailTo(second.email, /hyväksyi/);
    expect(approved.text).toContain('Esihenkilösi hyväksyi ilmoittautumisesi ryhmään Kevät 2027. Virastosi ainoa paikka ryhmään on kuitenkin jo varattu, joten olet jonossa sijalla 1.');
    expect(approved.text).not.toContain('ehtinyt täyttyä');
    // Written with the change, not worked out later.
    const [stored] = await db.query(`SELECT payload->'agencySeatCap' AS cap FROM notification WHERE kind = 'enrolment.approved' AND recipient_user_id = $1`, [second.id]);
    expect(stored.cap).toBe(1);
  });

  it('shows the programme and the first session when the payload has them', async () => {
    const id = await t.app.get(NotificationsService).notify(
      'enrolment.confirmed',
      { email: 'ohjelma@example.fi', name: 'Aino Äijälä', language: 'fi' },
      {
        enrolmentId: '00000000-0000-4000-8000-000000000000',
        cohortId: '00000000-0000-4000-8000-000000000001',
        cohortName: 'Kevät 2027',
        status: 'confirmed',
        waitlistPosition: null,
        programmeTitle: 'Kompleksisuus ja systeemiajattelu',
        startsAt: helsinki(2027, 3, 16, 9).toISOString(),
      },
    );
    expect(id).toEqual(expect.any(String));
    const mail = await mailTo('ohjelma@example.fi');
    expect(mail.text).toContain('Ohjelma: Kompleksisuus ja systeemiajattelu');
    expect(mail.text).toContain('Ensimmäinen tapaaminen: tiistaina 16. maaliskuuta 2027 klo 09.00');
  });

  describe('in the same transaction as the change', () => {
    it('writes no notification when enrolment is refused', async () => {
      const cohort = await openCohort();
      await db.query(`UPDATE cohort SET enrolment_closes_at = now() - interval '1 hour' WHERE id = $1`, [cohort.id]);
      const late = await person();
      await expect(enrolment.enrol(actor(late), cohort.id)).rejects.toMatchObject({ reason: 'enrolment.refused.closed' });
      expect(await db.query(`SELECT id FROM notification WHERE recipient_user_id = $1`, [late.id])).toEqual([]);
      expect(await db.query(`SELECT id FROM enrolment WHERE user_id = $1`, [late.id])).toEqual([]);
    });

    it('leaves no notification behind when the change fails at commit, after the notification was written', async () => {
      const cohort = await openCohort({ capacity: 1 });
      const [seated, queued, unlucky] = [await person(), await person(), await person()];
      await enrolment.enrol(actor(seated), cohort.id);
      await enrolment.enrol(actor(queued), cohort.id);
      // A wrong queue length puts the next person at place 1 again, which the deferred constraint refuses only at commit.
      await db.query(`UPDATE cohort SET waitlist_length = 0 WHERE id = $1`, [cohort.id]);
      await expect(enrolment.enrol(actor(unlucky), cohort.id)).rejects.toThrow(/enrolment_waitlist_position_unique/);
      expect(await db.query(`SELECT id FROM notification WHERE recipient_user_id = $1`, [unlucky.id])).toEqual([]);
      expect(await db.query(`SELECT id FROM enrolment WHERE user_id = $1`, [unlucky.id])).toEqual([]);
      await db.query(`UPDATE cohort SET waitlist_length = 1 WHERE id = $1`, [cohort.id]);
    });
  });

  describe('the facilitators’ daily roster summary', () => {
    const runSummary = () => t.app.get(RosterSummaryService).send();
    /** Everything recorded so far happened `minutes` earlier: the clock moves on by that much. */
    const advanceClock = async (minutes: number) => {
      await db.query(`UPDATE enrolment_change SET created_at = created_at - make_interval(mins => $1)`, [minutes]);
      await db.query(
        `UPDATE notification SET created_at = created_at - make_interval(mins => $1),
           payload = jsonb_set(payload, '{until}', to_jsonb(to_char(((payload->>'until')::timestamptz - make_interval(mins => $1)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
         WHERE kind = $2`,
        [minutes, ROSTER_SUMMARY_KIND],
      );
    };
    const helsinkiDate = (instant: Date) => {
      const { year, month, day } = toHelsinki(instant);
      return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    };

    it('is scheduled daily at the digest hour, Helsinki time', async () => {
      const queue = t.app.get(QueueService).bullQueue;
      const deadline = Date.now() + 5000;
      let scheduler = await queue.getJobScheduler(JobName.RosterSummary);
      while (!scheduler && Date.now() < deadline) {
        await sleep(50);
        scheduler = await queue.getJobScheduler(JobName.RosterSummary);
      }
      expect(scheduler).toMatchObject({ pattern: `0 ${t.config.digestHour} * * *`, tz: 'Europe/Helsinki' });
    });

    it('mails each facilitator once a day, in their language, the changes to their cohorts since the previous summary', async () => {
      const fiFacilitator = await person({ displayName: 'Valmentaja Väinö', language: 'fi' });
      const svFacilitator = await person({ displayName: 'Coach Åsa', language: 'sv' });
      const north = await openCohort({ capacity: 1, name: 'Pohjoinen ryhmä', facilitatorEmails: [fiFacilitator.email] });
      const south = await openCohort({ capacity: 5, name: 'Eteläinen ryhmä', facilitatorEmails: [fiFacilitator.email, svFacilitator.email] });
      const [aino, oskar, asa] = [await person({ displayName: 'Aino Äijälä' }), await person({ displayName: 'Oskar Öhman' }), await person({ displayName: 'Åsa Öström' })];
      await enrolment.enrol(actor(aino), north.id);
      await enrolment.enrol(actor(oskar), north.id);
      await enrolment.cancel(actor(aino), north.id, aino.id, null);
      await enrolment.enrol(actor(asa), south.id);
      await outboxSettled();
      await advanceClock(2);

      expect(await runSummary()).toEqual({ summaries: 2 });
      const finnish = await mailTo(fiFacilitator.email, /osallistujamuutokset/);
      expect(finnish.subject).toMatch(/^Ryhmiesi osallistujamuutokset \d+\.\d+\.\d{4} \(5\)$/);
      expect(finnish.text).toContain('Hei Valmentaja Väinö,');
      expect(finnish.text).toContain('Ryhmiesi osallistujalistoihin on tullut nämä muutokset');
      /** One cohort's part of the text: its name, its changes and its link. */
      const section = (text: string, cohort: Cohort) => text.slice(text.indexOf(`${cohort.name}\n`), text.indexOf(cohortUrl(cohort)) + cohortUrl(cohort).length);
      const north_ = section(finnish.text, north);
      expect(north_).toMatch(/- \d+\.\d+\.\d{4} klo \d+\.\d+ Aino Äijälä: uusi ilmoittautuminen → vahvistettu\n/);
      expect(north_).toMatch(/Oskar Öhman: uusi ilmoittautuminen → jonossa sijalla 1\n/);
      expect(north_).toMatch(/Aino Äijälä: vahvistettu → peruttu\n/);
      expect(north_).toMatch(/Oskar Öhman: jonossa sijalla 1 → vahvistettu( \(.+\))?\n/);
      expect(finnish.text).not.toContain('enrolment.reason.'); // a reason the system gave shows in words, or not at all
      expect(north_).toContain(`Ryhmän sivu: ${cohortUrl(north)}`);
      expect(north_).not.toContain('Åsa Öström');
      expect(section(finnish.text, south)).toMatch(/^Eteläinen ryhmä\n- .* Åsa Öström: uusi ilmoittautuminen → vahvistettu\n/);
      expect(finnish.html).toContain('Aino Äijälä: vahvistettu → peruttu');
      expect(finnish.html).toContain(`href="${cohortUrl(south)}"`);

      const swedish = await mailTo(svFacilitator.email, /deltagarlistor/);
      expect(swedish.subject).toMatch(/^Ändringar i dina gruppers deltagarlistor .* \(1\)$/);
      expect(swedish.text).toContain('Hej Coach Åsa,');
      expect(swedish.text).toMatch(/- \d+\.\d+\.\d{4} \d+\.\d+ Åsa Öström: ny anmälan → bekräftad\n/);
      expect(swedish.text).not.toContain('Pohjoinen ryhmä');

      // Run again the same day, through the queue as the scheduler would: nothing is sent twice.
      const job = await t.app.get(QueueService).enqueue(JobName.RosterSummary, {}, { jobId: `roster-summary-rerun-${fiFacilitator.id}` });
      const deadline = Date.now() + 10000;
      while ((await job.getState()) !== 'completed' && Date.now() < deadline) await sleep(50);
      expect((await t.app.get(QueueService).job(job.id!))?.returnvalue).toEqual({ summaries: 0 });
      // A later change on the same day waits for the next day's summary.
      const late = await person({ displayName: 'Myöhäinen Mäkelä' });
      await enrolment.enrol(actor(late), south.id);
      await advanceClock(2);
      expect(await runSummary()).toEqual({ summaries: 0 });
      await outboxSettled();
      expect(mailsTo(fiFacilitator.email)).toHaveLength(1);
      expect(mailsTo(svFacilitator.email)).toHaveLength(1);

      // The next day: only what changed since the previous summary.
      await advanceClock(24 * 60);
      const yesterday = helsinkiDate(new Date(Date.now() - 24 * 60 * 60 * 1000));
      await db.query(`UPDATE notification SET key = regexp_replace(key, '\\d{4}-\\d{2}-\\d{2}$', $1) WHERE kind = $2`, [yesterday, ROSTER_SUMMARY_KIND]);
      expect(await runSummary()).toEqual({ summaries: 2 });
      await outboxSettled();
      const fiNext = mailsTo(fiFacilitator.email);
      expect(fiNext).toHaveLength(2);
      expect(fiNext[1].subject).toMatch(/\(1\)$/);
      expect(fiNext[1].text).toContain('Myöhäinen Mäkelä: uusi ilmoittautuminen → vahvistettu');
      expect(fiNext[1].text).not.toContain('Aino Äijälä');
      expect(fiNext[1].text).not.toContain('Pohjoinen ryhmä');
      const svNext = mailsTo(svFacilitator.email);
      expect(svNext).toHaveLength(2);
      expect(svNext[1].text).toContain('Myöhäinen Mäkelä: ny anmälan → bekräftad');
      expect(svNext[1].text).not.toContain('Åsa Öström:');
    });
  });
});
