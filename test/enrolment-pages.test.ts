// The enrolment pages as people use them, through forms with CSRF tokens: enrolling from a cohort's
// page (a seat, the waitlist, a manager's approval), cancelling, "my cohorts", the manager's
// one-time link, and the roster facilitators and admins run, with its CSV export.
import { DataSource } from 'typeorm';
import { Cohort } from '../src/catalogue/cohort.entity';
import { AgencyService } from '../src/identity/agency.service';
import { User } from '../src/identity/user.entity';
import { createUser, signIn, WebClient } from './support/accounts';
import { helsinki, newCohort, newProgramme } from './support/catalogue';
import { secretLinkTo } from './support/secret-links';
import { startTestApp, TestApp } from './support/test-app';

/** Enrolment open now (23.11.2026 when written): from 1.11.2026 to 28.2.2027. */
const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };
const MEETING_LINK = 'https://verkkotapaaminen.example/verso/kevat-2027';

/** The text of an HTML fragment, tags dropped and spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('enrolment pages', () => {
  let t: TestApp;
  let db: DataSource;
  let agencies: Map<string, string>;

  const person = async (name = 'Aino Äijälä', agency: string | null = null, overrides: Partial<{ siteRole: 'admin' }> = {}) => {
    const user = await createUser(t, { displayName: name, agencyId: agency ? agencies.get(agency)! : null, ...overrides });
    return { user, client: await signIn(t, user.email) };
  };
  const enrolments = async (cohortId: string) =>
    (await db.query(`SELECT user_id, status, waitlist_position FROM enrolment WHERE cohort_id = $1 ORDER BY created_at`, [cohortId])) as {
      user_id: string;
      status: string;
      waitlist_position: number | null;
    }[];
  const enrol = (client: WebClient, cohort: Cohort, form: Record<string, string> = {}) => client.post(`/cohorts/${cohort.id}/enrol`, form, { page: `/cohorts/${cohort.id}` });
  /** The approval link from the message to the manager (the enrolment keeps only its hash, the outbox row seals it). */
  const approvalPath = async (managerEmail: string) => new URL(await secretLinkTo(t, 'enrolment.approval-requested', managerEmail, 'approvalUrl')).pathname;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli', 'Traficom']);
    agencies = new Map((await t.app.get(AgencyService).list('fi')).map((a) => [a.name, a.id]));
  });
  afterAll(() => t?.close());

  describe('enrolling from the cohort page', () => {
    it('confirms a person while seats last and says so; the next one is waitlisted with their place', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1 });
      const first = await person();
      const res = await enrol(first.client, cohort);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}?done=confirmed`);
      const page = text((await first.client.get(res.headers.location)).text);
      expect(page).toContain('Ilmoittautumisesi on vahvistettu.');
      expect(page).toContain('Olet mukana tässä ryhmässä.');
      expect(page).toContain('Peru ilmoittautuminen');

      const second = await person('Oskar Öhman');
      const queued = await enrol(second.client, cohort);
      expect(queued.headers.location).toBe(`/cohorts/${cohort.id}?done=waitlisted`);
      const queuedPage = text((await second.client.get(queued.headers.location)).text);
      expect(queuedPage).toContain('Ryhmä on täynnä. Olet varasijalla 1;');
      expect(queuedPage).toContain('Olet varasijalla 1.');
      expect(queuedPage).not.toContain('Ilmoittaudu');
    });

    it('tells someone waitlisted by their agency’s cap that the agency’s seats are taken, with the cap and their place, not that the round is full', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 20, agencySeatCap: 2 });
      for (const name of ['Tuula Tullinen', 'Teemu Tullinen']) await enrol((await person(name, 'Tulli')).client, cohort);
      const oskar = await person('Oskar Öhman', 'Tulli');
      const queued = await enrol(oskar.client, cohort);
      expect(queued.headers.location).toBe(`/cohorts/${cohort.id}?done=waitlisted`);
      const page = text((await oskar.client.get(queued.headers.location)).text);
      expect(page).toContain('Virastosi kaikki 2 paikkaa tähän ryhmään on jo varattu, joten pääsit varasijalle 1.');
      expect(page).toContain('Virastosi kaikki 2 paikkaa tähän ryhmään on jo varattu. Olet varasijalla 1.');
      expect(page).toContain('Vapaita paikkoja 18/20');
      expect(page).not.toContain('Ryhmä on täynnä');
      // Someone from another agency still gets a seat, and is told nothing about caps.
      const vera = await person('Vera Verotus', 'Verohallinto');
      expect((await enrol(vera.client, cohort)).headers.location).toBe(`/cohorts/${cohort.id}?done=confirmed`);
    });

    it('shows the existing enrolment to someone who enrols again, never making a second one', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW });
      const { client, user } = await person();
      await enrol(client, cohort);
      const again = await enrol(client, cohort);
      expect(again.status).toBe(303);
      expect(again.headers.location).toBe(`/cohorts/${cohort.id}?done=already`);
      expect(text((await client.get(again.headers.location)).text)).toContain('Olit jo ilmoittautunut tähän ryhmään.');
      expect(await enrolments(cohort.id)).toEqual([{ user_id: user.id, status: 'confirmed', waitlist_position: null }]);
    });

    it('offers the anonymous reader a sign-in link that leads back to the cohort', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW });
      const res = await t.http.get(`/cohorts/${cohort.id}`).set('cookie', 'lang=fi').expect(200);
      // Handlebars writes = in an attribute as &#x3D;, which the browser reads back.
      expect(res.text.replace(/&#x3D;/g, '=')).toContain(`<a href="/login?next=%2Fcohorts%2F${cohort.id}">Kirjaudu sisään ilmoittautuaksesi</a>`);
      expect(res.text).not.toContain(`action="/cohorts/${cohort.id}/enrol"`);
      const notYet = await newCohort(t);
      expect(text((await t.http.get(`/cohorts/${notYet.id}`).set('cookie', 'lang=fi')).text)).toContain('Ilmoittautuminen tähän ryhmään ei ole nyt auki.');
    });

    it('refuses a cancelled, not yet open or closed cohort with a message (409) and stores nothing; a draft is not found', async () => {
      const { client } = await person();
      const cases: [Cohort, number, string][] = [
        [await newCohort(t, { ...OPEN_NOW, status: 'cancelled' }), 409, 'Tämä ryhmä on peruttu, joten siihen ei voi ilmoittautua.'],
        [await newCohort(t), 409, 'Ilmoittautuminen tähän ryhmään ei ole vielä alkanut.'],
        [await newCohort(t, { enrolmentOpensAt: helsinki(2026, 9, 1), enrolmentClosesAt: helsinki(2026, 10, 31) }), 409, 'Ilmoittautuminen tähän ryhmään on päättynyt.'],
        [await newCohort(t, { ...OPEN_NOW, status: 'draft' }), 404, 'Sivua ei löytynyt'],
      ];
      for (const [cohort, status, message] of cases) {
        const res = await enrol(client, cohort, {});
        expect([res.status, text(res.text).includes(message)]).toEqual([status, true]);
        expect(await enrolments(cohort.id)).toEqual([]);
      }
      const [row] = await db.query(`SELECT seats_taken, waitlist_length FROM cohort WHERE id = $1`, [cases[0][0].id]);
      expect(row).toEqual({ seats_taken: 0, waitlist_length: 0 });
    });

    it('refuses an unknown field like any form, and a non-member cannot cancel what they do not have', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW });
      const { client } = await person();
      const res = await enrol(client, cohort, { accessMatrixProbe: '1' });
      expect(res.status).toBe(400);
      expect(text(res.text)).toContain('Tätä kenttää ei tunneta.');
      expect(await enrolments(cohort.id)).toEqual([]);
      expect((await client.post(`/cohorts/${cohort.id}/cancel`, {}, { page: `/cohorts/${cohort.id}` })).status).toBe(404);
    });
  });

  describe('a cohort that needs a manager’s approval', () => {
    it('wants a manager’s address: a bad one is shown next to the field, kept, and nothing is stored', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, requiresApproval: true });
      const { client, user } = await person();
      const page = await client.get(`/cohorts/${cohort.id}`);
      expect(page.text).toContain('name="managerEmail"');

      const missing = await enrol(client, cohort, { managerEmail: '' });
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('<p class="field__error" id="manager-email-error">Tähän ryhmään tarvitaan esihenkilön hyväksyntä');

      const bad = await enrol(client, cohort, { managerEmail: 'esihenkilo(at)verohallinto' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('<p class="field__error" id="manager-email-error">Anna esihenkilösi sähköpostiosoite muodossa nimi@virasto.fi.</p>');
      expect(bad.text).toContain('value="esihenkilo(at)verohallinto"');
      expect(bad.text).toContain('aria-invalid="true"');
      const own = await enrol(client, cohort, { managerEmail: user.email });
      expect(own.status).toBe(400);
      expect(own.text).toContain('<p class="field__error" id="manager-email-error">Anna esihenkilösi sähköpostiosoite, ei omaasi');
      expect(await enrolments(cohort.id)).toEqual([]);
    });

    it('refuses the person’s own mailbox under another spelling (+tag, capitals) next to the field, storing and sending nothing', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, requiresApproval: true });
      const { client, user } = await person();
      const [local, domain] = user.email.split('@');
      for (const managerEmail of [`${local}+esihenkilo@${domain}`, user.email.toUpperCase(), `${local[0].toUpperCase()}${local.slice(1)}+Hyvaksyja@${domain.toUpperCase()}`]) {
        const res = await enrol(client, cohort, { managerEmail });
        expect(res.status).toBe(400);
        expect(res.text).toContain('<p class="field__error" id="manager-email-error">Anna esihenkilösi sähköpostiosoite, ei omaasi');
        expect(res.text).toContain(`value="${managerEmail}"`);
      }
      expect(await enrolments(cohort.id)).toEqual([]);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM notification WHERE kind LIKE 'enrolment.%' AND payload->>'cohortId' = $1`, [cohort.id]);
      expect(n).toBe(0);

      // Someone else's mailbox whose name merely starts like the person's is a manager like any other.
      const other = await enrol(client, cohort, { managerEmail: `${local}.esihenkilo@${domain}` });
      expect(other.headers.location).toBe(`/cohorts/${cohort.id}?done=pending`);
    });

    it('lets the manager approve once from the link; a used or tampered link says it no longer works', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, requiresApproval: true, name: 'Kevät 2027 – hyväksyntä' });
      const { client, user } = await person('Eeva Åström', 'Verohallinto');
      const res = await enrol(client, cohort, { managerEmail: 'paivi.esihenkilo@verohallinto.fi' });
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}?done=pending`);
      const pending = text((await client.get(res.headers.location)).text);
      expect(pending).toContain('Lähetimme hyväksyntälinkin osoitteeseen paivi.esihenkilo@verohallinto.fi.');
      expect(pending).toContain('Ilmoittautumisesi odottaa esihenkilösi hyväksyntää (paivi.esihenkilo@verohallinto.fi).');

      const link = await approvalPath('paivi.esihenkilo@verohallinto.fi');
      const manager = new WebClient(t);
      const ask = await manager.get(link);
      expect(ask.status).toBe(200);
      expect(text(ask.text)).toContain('Eeva Åström on ilmoittautunut ryhmään Kevät 2027 – hyväksyntä');
      expect(text(ask.text)).toContain('Verohallinto');

      const answered = await manager.post(link, { decision: 'approve' }, { page: link });
      expect(answered.status).toBe(200);
      expect(text(answered.text)).toContain('Hyväksyit ilmoittautumisen. Eeva Åström on nyt mukana ryhmässä Kevät 2027 – hyväksyntä.');
      expect(text((await client.get(`/cohorts/${cohort.id}`)).text)).toContain('Olet mukana tässä ryhmässä.');
      expect(await enrolments(cohort.id)).toEqual([{ user_id: user.id, status: 'confirmed', waitlist_position: null }]);

      const reused = await manager.get(link);
      expect(reused.status).toBe(409);
      expect(text(reused.text)).toContain('Tämä hyväksyntälinkki ei enää toimi');
      const token = await manager.csrfToken();
      const again = await manager.post(link, { _csrf: token, decision: 'decline' }, { csrf: false });
      expect(again.status).toBe(409);
      expect(text(again.text)).toContain('Linkki ei enää toimi');
      expect(await enrolments(cohort.id)).toEqual([{ user_id: user.id, status: 'confirmed', waitlist_position: null }]);

      const tampered = await manager.get(`${link.slice(0, -2)}xx`);
      expect(tampered.status).toBe(409);
      expect(text(tampered.text)).toContain('Linkki ei enää toimi');
    });

    it('lets the manager decline, which the person then sees', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, requiresApproval: true });
      const { client } = await person('Oskar Öhman');
      await enrol(client, cohort, { managerEmail: 'tiina.esihenkilo@tulli.fi' });
      const link = await approvalPath('tiina.esihenkilo@tulli.fi');
      const manager = new WebClient(t, 'sv');
      const noChoice = await manager.post(link, {}, { page: link });
      expect(noChoice.status).toBe(400);
      expect(text(noChoice.text)).toContain('Välj om du godkänner anmälan.');
      const answered = await manager.post(link, { decision: 'decline' }, { page: link });
      expect(text(answered.text)).toContain('Du godkände inte anmälan. Oskar Öhman deltar inte');
      const page = text((await client.get(`/cohorts/${cohort.id}`)).text);
      expect(page).toContain('Esihenkilösi ei hyväksynyt ilmoittautumistasi tähän ryhmään.');
      expect(page).toContain('Ilmoittaudu');
    });
  });

  describe('cancelling', () => {
    it('cancels before the deadline and gives the seat to the first on the waitlist, whose page then shows it', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1 });
      const first = await person();
      const second = await person('Oskar Öhman');
      await enrol(first.client, cohort);
      await enrol(second.client, cohort);
      // Asked first, with the reason kept for the "yes" button; the place is kept until then.
      const asked = await first.client.post(`/cohorts/${cohort.id}/cancel`, { reason: 'Päällekkäinen koulutus' }, { page: `/cohorts/${cohort.id}` });
      expect(asked.status).toBe(200);
      expect(text(asked.text)).toContain('Perutaanko ilmoittautumisesi?');
      expect(asked.text).toContain('<input type="hidden" name="reason" value="Päällekkäinen koulutus">');
      expect(asked.text).toContain(`<a href="/cohorts/${cohort.id}">Ei, palaa takaisin</a>`);
      expect((await enrolments(cohort.id)).map((e) => e.status)).toEqual(['confirmed', 'waitlisted']);
      const res = await first.client.post(`/cohorts/${cohort.id}/cancel`, { reason: 'Päällekkäinen koulutus', confirm: 'yes' }, { page: `/cohorts/${cohort.id}` });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}?done=cancelled`);
      const own = text((await first.client.get(res.headers.location)).text);
      expect(own).toContain('Ilmoittautumisesi on peruttu.');
      expect(own).toContain('Ilmoittaudu');
      expect(text((await second.client.get(`/cohorts/${cohort.id}`)).text)).toContain('Olet mukana tässä ryhmässä.');
    });

    it('refuses after the deadline with a clear message and keeps the place', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, cancellationDeadline: helsinki(2026, 11, 20, 12) });
      const { client, user } = await person();
      await enrol(client, cohort);
      const page = text((await client.get(`/cohorts/${cohort.id}`)).text);
      expect(page).toContain('Perumisen määräaika päättyi 20.11.2026 klo 12.00.');
      expect(page).not.toContain('Peru ilmoittautuminen');
      const res = await client.post(`/cohorts/${cohort.id}/cancel`, {}, { page: `/cohorts/${cohort.id}` });
      expect(res.status).toBe(409);
      expect(text(res.text)).toContain('Ilmoittautumisen perumisen määräaika on mennyt.');
      expect(await enrolments(cohort.id)).toEqual([{ user_id: user.id, status: 'confirmed', waitlist_position: null }]);
    });
  });

  describe('my cohorts', () => {
    it('lists each enrolment with its status, waitlist place and next session in Helsinki time, active first', async () => {
      const programme = await newProgramme(t);
      const full = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, capacity: 1, name: 'Kevät 2027 – täysi' });
      const open = await newCohort(t, {
        ...OPEN_NOW,
        programmeId: programme.id,
        name: 'Kevät 2027 – verkossa',
        sessions: [{ startsAt: helsinki(2027, 2, 10, 13), endsAt: helsinki(2027, 2, 10, 15) }],
      });
      const left = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Syksy 2027 – peruttu ilmoittautuminen', sessions: [{ startsAt: helsinki(2027, 9, 14, 9), endsAt: helsinki(2027, 9, 14, 16) }] });
      const someone = await person('Ville Virtanen');
      await enrol(someone.client, full);
      const { client } = await person('Åsa Öström');
      await enrol(client, left);
      await client.post(`/cohorts/${left.id}/cancel`, { confirm: 'yes' }, { page: `/cohorts/${left.id}` });
      await enrol(client, full);
      await enrol(client, open);

      const res = await client.get('/my/cohorts');
      expect(res.status).toBe(200);
      const rows = res.text.split('<tr class="my-cohort').slice(1).map(text);
      expect(rows).toHaveLength(3);
      expect(rows[0]).toContain('Kevät 2027 – verkossa');
      expect(rows[0]).toContain('Vahvistettu');
      expect(rows[0]).toContain('keskiviikkona 10. helmikuuta 2027, klo 13.00–15.00');
      expect(rows[1]).toContain('Kevät 2027 – täysi');
      expect(rows[1]).toContain('Varasija 1');
      expect(rows[1]).toContain('tiistaina 16. maaliskuuta 2027, klo 09.00–16.00');
      expect(rows[2]).toContain('Syksy 2027 – peruttu ilmoittautuminen');
      expect(rows[2]).toContain('Peruttu');
      expect(res.text).toContain(`<a href="/cohorts/${open.id}">`);
      expect((await t.http.get('/my/cohorts')).status).toBe(303);
    });

    it('is linked from the header for signed-in people', async () => {
      const { client } = await person();
      expect((await client.get('/')).text).toContain('<a href="/my/cohorts">Omat ryhmät</a>');
      expect((await t.http.get('/').set('cookie', 'lang=fi')).text).not.toContain('/my/cohorts');
    });
  });

  it('shows the meeting link to a confirmed participant but not to a waitlisted one', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1, deliveryMode: 'online', place: null, meetingLink: MEETING_LINK });
    const confirmed = await person();
    const waitlisted = await person('Oskar Öhman');
    await enrol(confirmed.client, cohort);
    await enrol(waitlisted.client, cohort);
    expect((await confirmed.client.get(`/cohorts/${cohort.id}`)).text).toContain(`<a href="${MEETING_LINK}">${MEETING_LINK}</a>`);
    const other = await waitlisted.client.get(`/cohorts/${cohort.id}`);
    expect(other.text).not.toContain(MEETING_LINK);
    expect(other.text).toContain('Tapaamislinkki näytetään ryhmän vahvistetuille osallistujille.');
  });

  describe('the roster', () => {
    let coach: { user: User; client: WebClient };
    let admin: { user: User; client: WebClient };

    beforeAll(async () => {
      coach = await person('Sanna Järvinen');
      admin = await person('Maija Ylläpitäjä', null, { siteRole: 'admin' });
    });

    const post = (client: WebClient, cohort: Cohort, path: string, form: Record<string, string> = {}) => client.post(`/cohorts/${cohort.id}${path}`, form, { page: `/cohorts/${cohort.id}/roster` });
    /** Time passes: the round's sessions (and so its start) move a year back, so its first day is behind us. */
    const startRound = async (cohort: Cohort) => {
      await db.query(`UPDATE cohort_session SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year' WHERE cohort_id = $1`, [cohort.id]);
      await db.query(`UPDATE cohort SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year' WHERE id = $1`, [cohort.id]);
    };

    it('is forbidden to a participant, open to the cohort’s facilitator and admins, who are linked to it', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.user.email] });
      const participant = await person();
      await enrol(participant.client, cohort);
      expect((await participant.client.get(`/cohorts/${cohort.id}/roster`)).status).toBe(403);
      expect((await participant.client.get(`/cohorts/${cohort.id}/roster.csv`)).status).toBe(403);
      expect((await participant.client.get(`/cohorts/${cohort.id}`)).text).not.toContain(`/cohorts/${cohort.id}/roster`);
      expect((await t.http.get(`/cohorts/${cohort.id}/roster`)).status).toBe(303);
      for (const reader of [coach, admin]) {
        const res = await reader.client.get(`/cohorts/${cohort.id}/roster`);
        expect(res.status).toBe(200);
        expect(text(res.text)).toContain('Aino Äijälä');
        expect((await reader.client.get(`/cohorts/${cohort.id}`)).text).toContain(`<a href="/cohorts/${cohort.id}/roster">Osallistujalista</a>`);
      }
      // A facilitator of another cohort is nobody here.
      const elsewhere = await newCohort(t, { ...OPEN_NOW });
      expect((await coach.client.get(`/cohorts/${elsewhere.id}/roster`)).status).toBe(403);
      expect((await coach.client.get(`/cohorts/00000000-0000-4000-8000-000000000000/roster`)).status).toBe(404);
    });

    it('shows the agency mix and the people by status, the waitlist in order', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 3, facilitatorEmails: [coach.user.email] });
      for (const [name, agency] of [
        ['Aino Äijälä', 'Verohallinto'],
        ['Bertta Berg', 'Verohallinto'],
        ['Cecilia Carlsson', 'Tulli'],
        ['Daniel Dahl', 'Traficom'],
        ['Eino Ek', null],
      ] as const)
        await enrol((await person(name, agency)).client, cohort);
      const res = await coach.client.get(`/cohorts/${cohort.id}/roster`);
      const mix = text(res.text.split('<ul class="agency-mix">')[1].split('</ul>')[0]);
      expect(mix).toBe('Verohallinto 2 Tulli 1');
      const confirmed = text(res.text.split('id="group-confirmed"')[1].split('</section>')[0]);
      expect(confirmed).toMatch(/Vahvistetut \(3\).*Aino Äijälä.*Bertta Berg.*Cecilia Carlsson/);
      const waitlisted = text(res.text.split('id="group-waitlisted"')[1].split('</section>')[0]);
      expect(waitlisted).toMatch(/Varasijalla \(2\).*Daniel Dahl.*Traficom.*Varasijalla 1.*Eino Ek.*Varasijalla 2/);
    });

    it('enrols someone by email, refusing an address without an account next to the field', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.user.email] });
      const someone = await createUser(t, { displayName: 'Pirkko Päivärinta', agencyId: agencies.get('Tulli')! });
      const unknown = await post(coach.client, cohort, '/roster/enrol', { email: 'ei.ketaan@example.fi' });
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('<p class="field__error" id="roster-enrol-email-error">Tällä sähköpostiosoitteella ei ole käytössä olevaa tiliä Versossa.</p>');
      expect(unknown.text).toContain('value="ei.ketaan@example.fi"');
      const res = await post(coach.client, cohort, '/roster/enrol', { email: someone.email.toUpperCase(), reason: 'Valmentajan kutsu' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=enrolledConfirmed`);
      const page = text((await coach.client.get(res.headers.location)).text);
      expect(page).toContain('Osallistuja lisättiin ja sai paikan.');
      expect(page).toContain('Pirkko Päivärinta');
      expect(page).toMatch(/Pirkko Päivärinta Uusi ilmoittautuminen → Vahvistettu Sanna Järvinen Valmentajan kutsu/);
      expect(await enrolments(cohort.id)).toEqual([{ user_id: someone.id, status: 'confirmed', waitlist_position: null }]);
    });

    it('removes someone, moves someone to another round of the programme and reorders the waitlist, each in the history with its reason', async () => {
      const programme = await newProgramme(t);
      const cohort = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, capacity: 1 });
      const other = await newCohort(t, {
        ...OPEN_NOW,
        programmeId: programme.id,
        name: 'Syksy 2027',
        sessions: [{ startsAt: helsinki(2027, 9, 14, 9), endsAt: helsinki(2027, 9, 14, 16) }],
      });
      const people = [await person('Aino Äijälä'), await person('Bertta Berg'), await person('Cecilia Carlsson'), await person('Daniel Dahl')];
      for (const p of people) await enrol(p.client, cohort);
      const [aino, bertta, cecilia, daniel] = people.map((p) => p.user);

      // Daniel (3rd in the queue) to the front.
      const noReason = await post(admin.client, cohort, `/roster/${daniel.id}/position`, { position: '1', reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('Kerro, miksi jonotusjärjestystä muutetaan.');
      const outOfRange = await post(admin.client, cohort, `/roster/${daniel.id}/position`, { position: '9', reason: 'Esihenkilön pyyntö' });
      expect(outOfRange.status).toBe(400);
      expect(outOfRange.text).toContain('Anna varasija väliltä 1–3.');
      const reordered = await post(admin.client, cohort, `/roster/${daniel.id}/position`, { position: '1', reason: 'Esihenkilön pyyntö' });
      expect(reordered.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=reordered`);
      expect((await enrolments(cohort.id)).map((e) => [e.user_id, e.status, e.waitlist_position])).toEqual([
        [aino.id, 'confirmed', null],
        [bertta.id, 'waitlisted', 2],
        [cecilia.id, 'waitlisted', 3],
        [daniel.id, 'waitlisted', 1],
      ]);

      // Cecilia to the other round.
      const moved = await post(admin.client, cohort, `/roster/${cecilia.id}/move`, { toCohortId: other.id, reason: '' });
      expect(moved.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=moved`);
      expect(await enrolments(other.id)).toEqual([{ user_id: cecilia.id, status: 'confirmed', waitlist_position: null }]);

      // Aino removed: Daniel, first in line, gets the seat.
      const asked = await post(admin.client, cohort, `/roster/${aino.id}/remove`, { reason: 'Jäi virkavapaalle' });
      expect(asked.status).toBe(200);
      expect(text(asked.text)).toContain('Poistetaanko osallistuja ryhmästä?');
      expect(text(asked.text)).toContain('Aino Äijälä poistetaan ryhmästä');
      expect((await enrolments(cohort.id)).find((e) => e.user_id === aino.id)?.status).toBe('confirmed');
      const removed = await post(admin.client, cohort, `/roster/${aino.id}/remove`, { reason: 'Jäi virkavapaalle', confirm: 'yes' });
      expect(removed.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=removed`);
      expect((await enrolments(cohort.id)).filter((e) => e.status !== 'cancelled').map((e) => [e.user_id, e.status, e.waitlist_position])).toEqual([
        [bertta.id, 'waitlisted', 1],
        [daniel.id, 'confirmed', null],
      ]);

      const history = text((await admin.client.get(`/cohorts/${cohort.id}/roster`)).text.split('id="history-heading"')[1]);
      expect(history).toContain('Daniel Dahl Varasija 3 → Varasija 1 Maija Ylläpitäjä Esihenkilön pyyntö');
      expect(history).toContain('Cecilia Carlsson Varasija 3 → Peruttu Maija Ylläpitäjä Siirretty toiseen ryhmään');
      expect(history).toContain('Aino Äijälä Vahvistettu → Peruttu Maija Ylläpitäjä Jäi virkavapaalle');
      expect(history).toContain('Daniel Dahl Varasija 1 → Vahvistettu Maija Ylläpitäjä Paikka vapautui');
    });

    it('refuses moving to a round of another programme next to the choice', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW });
      const elsewhere = await newCohort(t, { ...OPEN_NOW });
      const { client, user } = await person();
      await enrol(client, cohort);
      const res = await post(admin.client, cohort, `/roster/${user.id}/move`, { toCohortId: elsewhere.id });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<p class="field__error" id="move-[0-9a-f-]+-error">Osallistujan voi siirtää vain saman ohjelman toiseen ryhmään.<\/p>/);
      expect(await enrolments(elsewhere.id)).toEqual([]);
    });

    it('marks completion for a confirmed participant, and refuses it for a waitlisted one (409)', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1, facilitatorEmails: [coach.user.email] });
      const done = await person('Aino Äijälä');
      const queued = await person('Oskar Öhman');
      await enrol(done.client, cohort);
      await enrol(queued.client, cohort);
      await startRound(cohort);
      const res = await post(coach.client, cohort, `/roster/${done.user.id}/complete`);
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=completed`);
      const [completion] = await db.query(`SELECT user_id, marked_by_id FROM completion WHERE cohort_id = $1`, [cohort.id]);
      expect(completion).toEqual({ user_id: done.user.id, marked_by_id: coach.user.id });
      expect(text((await coach.client.get(`/cohorts/${cohort.id}/roster`)).text)).toMatch(/Aino Äijälä .* Suoritettu/);
      const refused = await post(coach.client, cohort, `/roster/${queued.user.id}/complete`);
      expect(refused.status).toBe(409);
      expect(text(refused.text)).toContain('Suoritukseksi voi merkitä vain vahvistetun osallistujan.');
      expect(text((await done.client.get('/my/cohorts')).text)).toContain('Suoritettu');
    });

    it('refuses completion before the round’s first session has started, on the roster page, saving nothing; allows it once it has', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.user.email] });
      const aino = await person('Aino Äijälä');
      await enrol(aino.client, cohort);
      const early = await post(coach.client, cohort, `/roster/${aino.user.id}/complete`);
      expect(early.status).toBe(409);
      expect(text(early.text)).toContain('Suoritusta ei voi merkitä ennen kuin ryhmän ensimmäinen tapaaminen on alkanut.');
      expect(early.text).toContain('Merkitse suoritetuksi');
      expect(await db.query(`SELECT 1 FROM completion WHERE cohort_id = $1`, [cohort.id])).toEqual([]);
      expect(await enrolments(cohort.id)).toEqual([{ user_id: aino.user.id, status: 'confirmed', waitlist_position: null }]);

      await startRound(cohort);
      const marked = await post(coach.client, cohort, `/roster/${aino.user.id}/complete`);
      expect(marked.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=completed`);
      expect(await db.query(`SELECT user_id FROM completion WHERE cohort_id = $1`, [cohort.id])).toEqual([{ user_id: aino.user.id }]);
    });

    it('records attendance per session from the table of sessions and confirmed people', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.user.email] });
      const came = await person('Aino Äijälä');
      const away = await person('Oskar Öhman');
      await enrol(came.client, cohort);
      await enrol(away.client, cohort);
      const [session] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [cohort.id]);
      const page = await coach.client.get(`/cohorts/${cohort.id}/roster`);
      expect(page.text).toContain(`<form method="post" action="/cohorts/${cohort.id}/attendance" id="attendance-${session.id}">`);
      expect(page.text).toContain(`form="attendance-${session.id}" id="present-${session.id}-${came.user.id}" name="present.${came.user.id}"`);

      const people = [came.user.id, away.user.id].join(',');
      const stranger = '00000000-0000-4000-8000-000000000000';
      const bad = await post(coach.client, cohort, '/attendance', { sessionId: session.id, people, [`present.${stranger}`]: 'yes' });
      expect(bad.status).toBe(400);
      const res = await post(coach.client, cohort, '/attendance', { sessionId: session.id, people, [`present.${came.user.id}`]: 'yes' });
      expect(res.headers.location).toBe(`/cohorts/${cohort.id}/roster?done=attendance`);
      const marks = await db.query(`SELECT user_id, present FROM attendance WHERE session_id = $1 ORDER BY present DESC`, [session.id]);
      expect(marks).toEqual([
        { user_id: came.user.id, present: true },
        { user_id: away.user.id, present: false },
      ]);
      expect((await coach.client.get(`/cohorts/${cohort.id}/roster`)).text).toContain(`id="present-${session.id}-${came.user.id}" name="present.${came.user.id}" value="yes" aria-label="Aino Äijälä läsnä tapaamisessa 1" checked>`);
    });

    it('exports the roster as CSV for Finnish Excel: a BOM, semicolons, names with ä, ö and å intact', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 1, name: 'Kevät 2027 – Åbo', facilitatorEmails: [coach.user.email] });
      const first = await person('Aino Äijälä', 'Verohallinto');
      const second = await person('=Öhman; Oskar', 'Tulli');
      await enrol(first.client, cohort);
      await enrol(second.client, cohort);
      // The body as bytes, as Excel reads the file.
      const res = await t.http
        .get(`/cohorts/${cohort.id}/roster.csv`)
        .set('cookie', coach.client.cookieHeader())
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kevat-2027-abo\.csv"; filename\*=UTF-8''Kev%C3%A4t%202027%20%E2%80%93%20%C3%85bo\.csv$/);
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
      // Then attendance per session (none marked yet) and completion.
      expect(lines[0]).toBe('Nimi;Sähköposti;Virasto;Tila;Varasija;Ilmoittautunut;Tapaaminen 1 (2027-03-16);Tapaaminen 2 (2027-04-13);Tapaaminen 3 (2027-05-11);Suoritettu');
      expect(lines[1]).toMatch(new RegExp(`^Aino Äijälä;${first.user.email};Verohallinto;Vahvistettu;;\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2};;;;$`));
      expect(lines[2]).toMatch(new RegExp(`^"'=Öhman; Oskar";${second.user.email};Tulli;Varasijalla;1;`));
      const sv = await signIn(t, coach.user.email);
      sv.cookies.set('lang', 'sv');
      expect((await sv.get(`/cohorts/${cohort.id}/roster.csv`)).text.slice(1).split('\r\n')[0]).toBe('Namn;E-post;Myndighet;Status;Reservplats;Anmäld;Träff 1 (2027-03-16);Träff 2 (2027-04-13);Träff 3 (2027-05-11);Genomfört');
    });
  });

  describe('access', () => {
    // Called as the access matrix calls every route: GET plainly, POST with a valid CSRF token and
    // only a field no form has. A form answers 400 to those it lets in, so nothing changes.
    const PROBE = { accessMatrixProbe: '1' };
    const ROUTES: [string, string, [number | 'sign-in', number | 'sign-in', number | 'sign-in', number | 'sign-in']][] = [
      // [method, path; expected for anonymous, signed-in non-member, the cohort's facilitator, admin]
      ['GET', '/cohorts/:cohort', [200, 200, 200, 200]],
      ['POST', '/cohorts/:cohort/enrol', [403, 400, 400, 400]],
      ['POST', '/cohorts/:cohort/cancel', [403, 400, 400, 400]],
      ['GET', '/my/cohorts', ['sign-in', 200, 200, 200]],
      ['GET', '/enrolments/approval/:token', [409, 409, 409, 409]],
      ['POST', '/enrolments/approval/:token', [400, 400, 400, 400]],
      ['GET', '/cohorts/:cohort/roster', ['sign-in', 403, 200, 200]],
      ['GET', '/cohorts/:cohort/roster.csv', ['sign-in', 403, 200, 200]],
      ['POST', '/cohorts/:cohort/roster/enrol', [403, 403, 400, 400]],
      ['POST', '/cohorts/:cohort/roster/:person/remove', [403, 403, 400, 400]],
      ['POST', '/cohorts/:cohort/roster/:person/move', [403, 403, 400, 400]],
      ['POST', '/cohorts/:cohort/roster/:person/position', [403, 403, 400, 400]],
      ['POST', '/cohorts/:cohort/roster/:person/complete', [403, 403, 400, 400]],
      ['POST', '/cohorts/:cohort/attendance', [403, 403, 400, 400]],
    ];

    let coach: { user: User; client: WebClient };
    let actors: WebClient[];

    beforeAll(async () => {
      coach = await person('Sanna Järvinen');
      actors = [new WebClient(t), (await person('Ville Virtanen')).client, coach.client, (await person('Maija Ylläpitäjä', null, { siteRole: 'admin' })).client];
    });

    it.each(ROUTES)('%s %s answers anonymous, a non-member, the facilitator and an admin as its rule says', async (method, pattern, expected) => {
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.user.email] });
      const member = await person();
      await enrol(member.client, cohort);
      const url = pattern.replace(':cohort', cohort.id).replace(':person', member.user.id).replace(':token', 'not-a-real-token');
      const got = [];
      for (const client of actors) {
        const csrf = await client.csrfToken();
        const res = method === 'GET' ? await client.get(url) : await client.post(url, { _csrf: csrf, ...PROBE }, { csrf: false });
        got.push(res.status === 303 && res.headers.location === `/login?next=${encodeURIComponent(url)}` ? 'sign-in' : res.status);
      }
      expect(got).toEqual(expected);
      expect(await enrolments(cohort.id)).toEqual([{ user_id: member.user.id, status: 'confirmed', waitlist_position: null }]);
    });
  });
});
