// "Tell me when the next round opens": joining a programme's list (once), the one mail in the
// person's language when a round is published (never again on re-publish or for a later round),
// the admins' view by agency, the buttons on the round's and programme's pages, the API, and
// letting go of the rows when a person leaves.
import { DataSource } from 'typeorm';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { ProgrammeInterestService } from '../src/catalogue/programme-interest.service';
import { DomainEvents } from '../src/events/domain-events';
import { PersonalDataService } from '../src/accounts/personal-data.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { Language } from '../src/i18n/i18n';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme, refusal } from './support/catalogue';
import { outboxSettled } from './support/outbox';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('programme interest', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let interest: ProgrammeInterestService;
  let scheduling: SchedulingService;
  let admin: string;

  const mailsTo = (email: string) => sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()));
  const mailTo = async (email: string, timeoutMs = 10000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [mail] = mailsTo(email);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${email}`);
      await sleep(50);
    }
  };
  const outboxRows = (userId: string) => db.query(`SELECT key, status FROM notification WHERE kind = 'programme.round-opened' AND recipient_user_id = $1`, [userId]);
  const waitingRows = (programmeId: string, userId: string) => db.query(`SELECT * FROM programme_interest WHERE programme_id = $1 AND user_id = $2 AND notified_at IS NULL`, [programmeId, userId]);
  const person = (overrides: { displayName?: string; language?: Language; agencyId?: string | null; emailVerified?: boolean } = {}) => createUser(t, overrides);
  const foresight = () =>
    newProgramme(t, {
      theme: 'foresight',
      title: { fi: 'Ennakointi ja tulevaisuusajattelu', sv: 'Framsyn och framtidstänkande', en: 'Foresight and futures thinking' },
    });
  /** A draft round of the programme, to publish in the test. */
  const draftRound = (programmeId: string, name = 'Syksy 2027', facilitatorEmails: string[] = []) =>
    newCohort(t, { programmeId, status: 'draft', name, facilitatorEmails, enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) });

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    interest = t.app.get(ProgrammeInterestService);
    scheduling = t.app.get(SchedulingService);
    admin = await adminId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('keeps one waiting row when Liisa asks twice, and says she was on the list already', async () => {
    const programme = await foresight();
    const liisa = await person({ displayName: 'Liisa Laine' });
    expect(await interest.register(actorOf(liisa), programme.id)).toEqual({ waiting: true, already: false });
    expect(await interest.register(actorOf(liisa), programme.id)).toEqual({ waiting: true, already: true });
    expect(await waitingRows(programme.id, liisa.id)).toHaveLength(1);
    expect(await interest.isWaiting(liisa.id, programme.id)).toBe(true);
  });

  it('refuses an unpublished programme, a bogus id and an unverified address, saving nothing', async () => {
    const draft = await newProgramme(t, { status: 'draft' });
    const archived = await newProgramme(t, { status: 'archived' });
    const liisa = await person();
    expect(await refusal(interest.register(actorOf(liisa), draft.id))).toBe('programmeInterest.refused.notPublished');
    expect(await refusal(interest.register(actorOf(liisa), archived.id))).toBe('programmeInterest.refused.notPublished');
    await expect(interest.register(actorOf(liisa), 'not-a-programme')).rejects.toThrow();
    await expect(interest.register(actorOf(liisa), '00000000-0000-4000-8000-000000000000')).rejects.toThrow();
    const unverified = await person({ emailVerified: false });
    const published = await foresight();
    await expect(interest.register(actorOf(unverified), published.id)).rejects.toThrow();
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM programme_interest WHERE user_id = ANY($1::uuid[])`, [[liisa.id, unverified.id]]);
    expect(count).toBe(0);
  });

  it('mails everyone waiting once, in their language, when a round is published; never again on re-publish or for a later round', async () => {
    const programme = await foresight();
    const liisa = await person({ displayName: 'Liisa Laine', language: 'fi' });
    const asa = await person({ displayName: 'Åsa Öberg', language: 'sv' });
    const ella = await person({ displayName: 'Ella Evans', language: 'en' });
    for (const who of [liisa, asa, ella]) await interest.register(actorOf(who), programme.id);
    await interest.register(actorOf(liisa), programme.id);
    expect(await interest.withdraw(actorOf(ella), programme.id)).toBe(true);

    const round = await draftRound(programme.id);
    await scheduling.setCohortStatus(admin, round.id, 'published');
    const roundUrl = `${t.config.baseUrl}/cohorts/${round.id}`;

    const finnish = await mailTo(liisa.email);
    expect(finnish.subject).toBe('Uusi toteutus avautui: Ennakointi ja tulevaisuusajattelu, syksy 2027');
    expect(finnish.language).toBe('fi');
    expect(finnish.text).toContain('Pyysit kertomaan, kun ohjelmaan Ennakointi ja tulevaisuusajattelu avautuu uusi toteutus.');
    expect(finnish.text).toContain('Ensimmäinen tapaaminen: ');
    expect(finnish.text).toContain('Ilmoittautuminen: ');
    expect(finnish.text).toContain(`Ryhmän sivu: ${roundUrl}`);
    expect(finnish.html).toContain(`href="${roundUrl}"`);

    const swedish = await mailTo(asa.email);
    expect(swedish.subject).toBe('En ny omgång har öppnat: Framsyn och framtidstänkande, hösten 2027');
    expect(swedish.language).toBe('sv');
    expect(swedish.text).toContain(`Gruppens sida: ${roundUrl}`);

    const told = await db.query(`SELECT user_id, notified_cohort_id FROM programme_interest WHERE programme_id = $1 ORDER BY user_id`, [programme.id]);
    expect(told).toEqual(expect.arrayContaining([{ user_id: liisa.id, notified_cohort_id: round.id }, { user_id: asa.id, notified_cohort_id: round.id }]));
    expect(told).toHaveLength(2);
    expect(await outboxRows(liisa.id)).toEqual([{ key: `round-opened-${round.id}-${liisa.id}`, status: 'sent' }]);

    // Unpublished and published again: nobody is waiting, nobody hears twice.
    await scheduling.setCohortStatus(admin, round.id, 'draft');
    await scheduling.setCohortStatus(admin, round.id, 'published');
    // A second round later: still nobody waiting.
    const next = await draftRound(programme.id, 'Kevät 2028');
    await scheduling.setCohortStatus(admin, next.id, 'published');
    await outboxSettled(db);
    expect(mailsTo(liisa.email)).toHaveLength(1);
    expect(mailsTo(asa.email)).toHaveLength(1);
    expect(mailsTo(ella.email)).toHaveLength(0);
    expect(await outboxRows(liisa.id)).toHaveLength(1);
    expect(await outboxRows(ella.id)).toHaveLength(0);
  });

  it('does not tell anyone twice of the same round, even if they asked again after it opened', async () => {
    const programme = await foresight();
    const liisa = await person();
    await interest.register(actorOf(liisa), programme.id);
    const round = await draftRound(programme.id);
    await scheduling.setCohortStatus(admin, round.id, 'published');
    await mailTo(liisa.email);
    await interest.register(actorOf(liisa), programme.id);
    await scheduling.setCohortStatus(admin, round.id, 'draft');
    await scheduling.setCohortStatus(admin, round.id, 'published');
    await outboxSettled(db);
    expect(mailsTo(liisa.email)).toHaveLength(1);
    // She still waits for the round after.
    expect(await waitingRows(programme.id, liisa.id)).toHaveLength(1);
  });

  it('marks but does not mail someone already in the round (its facilitator)', async () => {
    const programme = await foresight();
    const coach = await person({ displayName: 'Kaisa Valmentaja' });
    await interest.register(actorOf(coach), programme.id);
    const round = await draftRound(programme.id, 'Syksy 2027', [coach.email]);
    await scheduling.setCohortStatus(admin, round.id, 'published');
    await outboxSettled(db);
    expect(mailsTo(coach.email)).toHaveLength(0);
    expect(await waitingRows(programme.id, coach.id)).toHaveLength(0);
  });

  it('shows admins the list’s size by agency, most first; others are refused', async () => {
    const agencies = t.app.get(AgencyService);
    const tax = await agencies.add(admin, `Verohallinto ${Date.now()}`);
    const office = await agencies.add(admin, `Valtiokonttori ${Date.now()}`);
    const programme = await foresight();
    for (const agencyId of [tax.id, tax.id, office.id, null]) await interest.register(actorOf(await person({ agencyId })), programme.id);

    const list = await interest.listFor(programme.id, 'fi');
    expect(list.size).toBe(4);
    expect(list.byAgency).toEqual([
      { agencyId: tax.id, agency: tax.name, count: 2 },
      { agencyId: office.id, agency: office.name, count: 1 },
      { agencyId: null, agency: 'ei virastoa', count: 1 },
    ]);

    const adminUser = await db.query(`SELECT email FROM app_user WHERE id = $1`, [admin]);
    const adminWeb = await signIn(t, adminUser[0].email);
    const page = await adminWeb.get(`/admin/programmes/${programme.id}/interest`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Listalla on 4 henkilöä.');
    expect(page.text.indexOf(tax.name)).toBeLessThan(page.text.indexOf(office.name));
    expect(page.text).toContain('ei virastoa');
    expect((await adminWeb.get(`/admin/programmes/${programme.id}`)).text).toContain(`/admin/programmes/${programme.id}/interest`);
    expect((await adminWeb.get(`/admin/programmes/not-an-id/interest`)).status).toBe(404);
    expect((await adminWeb.get('/admin')).text).toMatch(/Seuraavaa toteutusta odottaa yhteensä \d+ henkilöä\./);

    const someone = await person();
    expect((await (await signIn(t, someone.email)).get(`/admin/programmes/${programme.id}/interest`)).status).toBe(403);

    const tokens = t.app.get(ApiTokensService);
    const adminToken = (await tokens.issue(admin, { name: 'interest test' })).token;
    const userToken = (await tokens.issue(someone.id, { name: 'interest test' })).token;
    const json = await t.http.get(`/api/v1/programmes/${programme.id}/interest`).set('authorization', `Bearer ${adminToken}`).expect(200);
    expect(json.body).toEqual({ programmeId: programme.id, size: 4, byAgency: list.byAgency });
    await t.http.get(`/api/v1/programmes/${programme.id}/interest`).set('authorization', `Bearer ${userToken}`).expect(403);
    await t.http.get(`/api/v1/programmes/${programme.id}/interest`).expect(401);
  });

  it('lets people join and leave through the API', async () => {
    const programme = await foresight();
    const liisa = await person();
    const token = (await t.app.get(ApiTokensService).issue(liisa.id, { name: 'interest test' })).token;
    const post = () => t.http.post(`/api/v1/programmes/${programme.id}/interest`).set('authorization', `Bearer ${token}`);
    expect((await post().expect(201)).body).toEqual({ programmeId: programme.id, waiting: true, unchanged: false });
    expect((await post().expect(200)).body).toEqual({ programmeId: programme.id, waiting: true, unchanged: true });
    expect(await waitingRows(programme.id, liisa.id)).toHaveLength(1);
    const gone = await t.http.delete(`/api/v1/programmes/${programme.id}/interest`).set('authorization', `Bearer ${token}`).expect(200);
    expect(gone.body).toEqual({ programmeId: programme.id, waiting: false, unchanged: false });
    expect(await waitingRows(programme.id, liisa.id)).toHaveLength(0);
    const draft = await newProgramme(t, { status: 'draft' });
    const refused = await t.http.post(`/api/v1/programmes/${draft.id}/interest`).set('authorization', `Bearer ${token}`).expect(409);
    expect(refused.body.code).toBe('programmeInterest.refused.notPublished');
    await t.http.post(`/api/v1/programmes/bogus/interest`).set('authorization', `Bearer ${token}`).expect(404);
    await t.http.post(`/api/v1/programmes/${programme.id}/interest`).expect(401);
  });

  describe('on the pages', () => {
    /** A round whose one seat is taken: full, waitlist only. */
    const fullRound = async (programmeId: string) => {
      const round = await newCohort(t, { programmeId, capacity: 1, enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) });
      await t.app.get(EnrolmentService).enrol(actorOf(await person()), round.id);
      return round;
    };

    it('offers the button on a full round’s page, and shows "Olet listalla" once asked', async () => {
      const programme = await foresight();
      const round = await fullRound(programme.id);
      const liisa = await person();
      const web = await signIn(t, liisa.email);
      const page = await web.get(`/cohorts/${round.id}`);
      expect(page.text).toContain('Kerro minulle, kun seuraava toteutus avautuu');

      const asked = await web.post(`/programmes/${programme.id}/interest`, { from: round.id }, { page: `/cohorts/${round.id}` });
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe(`/cohorts/${round.id}#interest`);
      const after = await web.get(`/cohorts/${round.id}`);
      expect(after.text).toContain('Olet listalla');
      expect(after.text).toContain('Poistu listalta');
      expect(after.text).not.toContain('Kerro minulle, kun seuraava toteutus avautuu');
      expect(await waitingRows(programme.id, liisa.id)).toHaveLength(1);

      const left = await web.post(`/programmes/${programme.id}/interest/withdraw`, { from: round.id }, { page: `/cohorts/${round.id}` });
      expect(left.status).toBe(303);
      expect(await waitingRows(programme.id, liisa.id)).toHaveLength(0);
    });

    it('speaks Swedish to a Swedish reader, and shows a guest a sign-in link instead', async () => {
      const programme = await foresight();
      const round = await fullRound(programme.id);
      const asa = await person({ language: 'sv' });
      const sv = await signIn(t, asa.email, undefined, 'sv');
      expect((await sv.get(`/cohorts/${round.id}`)).text).toContain('Meddela mig när nästa omgång öppnar');
      const guest = await new WebClient(t).get(`/cohorts/${round.id}`);
      expect(guest.text).not.toContain('Kerro minulle, kun seuraava toteutus avautuu</button>');
      // Handlebars writes the link's = as &#x3D;.
      expect(guest.text).toContain(`/login?next&#x3D;${encodeURIComponent(`/cohorts/${round.id}`)}`);
      expect(guest.text).toContain('Kirjaudu sisään, niin kerromme, kun seuraava toteutus avautuu');
    });

    it('does not offer it on a round with seats left whose enrolment is open', async () => {
      const programme = await foresight();
      const round = await newCohort(t, { programmeId: programme.id, capacity: 5, enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) });
      const web = await signIn(t, (await person()).email);
      expect((await web.get(`/cohorts/${round.id}`)).text).not.toContain('Kerro minulle, kun seuraava toteutus avautuu');
      // Nor on the programme's page, which has a round open for enrolment.
      expect((await web.get(`/programmes/${programme.slug}`)).text).not.toContain('Kerro minulle, kun seuraava toteutus avautuu');
    });

    it('offers it on the programme’s page when no round is open, and says so after the post', async () => {
      const programme = await foresight();
      const liisa = await person();
      const web = await signIn(t, liisa.email);
      expect((await web.get(`/programmes/${programme.slug}`)).text).toContain('Kerro minulle, kun seuraava toteutus avautuu');
      const asked = await web.post(`/programmes/${programme.id}/interest`, {}, { page: `/programmes/${programme.slug}` });
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe(`/programmes/${programme.slug}?interest=added#interest`);
      const page = await web.get(asked.headers.location);
      expect(page.text).toContain('Olet listalla: kerromme sähköpostilla, kun seuraava toteutus avautuu.');
      const again = await web.post(`/programmes/${programme.id}/interest`, {}, { page: `/programmes/${programme.slug}` });
      expect(again.headers.location).toBe(`/programmes/${programme.slug}?interest=already#interest`);
      expect(await waitingRows(programme.id, liisa.id)).toHaveLength(1);
    });

    it('refuses a guest’s post, an unpublished programme and a bogus id clearly, saving nothing', async () => {
      const programme = await foresight();
      const guest = new WebClient(t);
      const res = await guest.post(`/programmes/${programme.id}/interest`);
      // As every signed-in form refuses a guest's post (the access matrix): 403, with the way to sign in in the page's header.
      expect(res.status).toBe(403);
      expect(res.text).toContain('href="/login"');
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM programme_interest WHERE programme_id = $1`, [programme.id]);
      expect(count).toBe(0);

      const liisa = await person();
      const web = await signIn(t, liisa.email);
      const draft = await newProgramme(t, { status: 'archived' });
      const refused = await web.post(`/programmes/${draft.id}/interest`);
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('Ohjelma ei ole julkaistu');
      expect((await web.post(`/programmes/bogus/interest`)).status).toBe(404);
      const bad = await web.post(`/programmes/${programme.id}/interest`, { from: 'javascript:alert(1)' });
      expect(bad.status).toBe(400);
      const [{ mine }] = await db.query(`SELECT count(*)::int AS mine FROM programme_interest WHERE user_id = $1`, [liisa.id]);
      expect(mine).toBe(0);
    });
  });

  it('gives the person their rows in their data download, with the round that told them', async () => {
    const programme = await foresight();
    const liisa = await person();
    await interest.register(actorOf(liisa), programme.id);
    const round = await draftRound(programme.id);
    await scheduling.setCohortStatus(admin, round.id, 'published');
    await interest.register(actorOf(liisa), programme.id);
    const download = await t.app.get(PersonalDataService).export(liisa.id);
    expect(download.readme.programmeInterest).toContain('Ohjelmat, joiden seuraavasta toteutuksesta pyysit tiedon');
    expect(download.programmeInterest).toEqual([
      expect.objectContaining({ programme: 'Ennakointi ja tulevaisuusajattelu', agency: null, notifiedOfRound: 'Syksy 2027', notifiedAt: expect.any(Date) }),
      expect.objectContaining({ programme: 'Ennakointi ja tulevaisuusajattelu', notifiedOfRound: null, notifiedAt: null }),
    ]);
  });

  it('lets go of a leaving person’s waiting rows, and keeps those that told them', async () => {
    const programme = await foresight();
    const other = await foresight();
    const liisa = await person();
    await interest.register(actorOf(liisa), programme.id);
    const round = await draftRound(programme.id);
    await scheduling.setCohortStatus(admin, round.id, 'published');
    await interest.register(actorOf(liisa), other.id);
    await db.transaction((manager) => t.app.get(DomainEvents).publish(manager, { name: 'user.leaving', userId: liisa.id, actorUserId: admin, reason: 'deactivated' }));
    const rows = await db.query(`SELECT programme_id, notified_at IS NOT NULL AS told FROM programme_interest WHERE user_id = $1`, [liisa.id]);
    expect(rows).toEqual([{ programme_id: programme.id, told: true }]);
  });
});
