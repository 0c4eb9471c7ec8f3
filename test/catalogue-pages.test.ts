// The public catalogue pages as readers see them: a programme with its upcoming rounds, a round
// with its sessions, in Helsinki time and in each language, with drafts and meeting links shown
// only to those who may see them.
import { DataSource } from 'typeorm';
import { Cohort } from '../src/catalogue/cohort.entity';
import { Programme } from '../src/catalogue/programme.entity';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const MEETING_LINK = 'https://verkkotapaaminen.example/verso/dialogi-kevat-2027';

/** The text of an HTML fragment, tags dropped and spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/** The <li> of the round whose link is /cohorts/<id>, on a programme page. */
function roundItem(html: string, cohortId: string): string {
  const items = html.split('<li class="round').slice(1);
  return items.find((item) => item.includes(`/cohorts/${cohortId}"`)) ?? '';
}

describe('catalogue pages', () => {
  let t: TestApp;
  let db: DataSource;
  let programme: Programme;
  let onSite: Cohort;
  let online: Cohort;
  let draft: Cohort;
  let cancelled: Cohort;
  let ended: Cohort;
  let facilitator: WebClient;
  let participant: WebClient;
  let admin: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const coach = await createUser(t, { displayName: 'Sanna Järvinen' });
    const adminUser = await createUser(t, { siteRole: 'admin', displayName: 'Maija Äijälä' });
    const someone = await createUser(t, { displayName: 'Åsa Öström' });
    programme = await newProgramme(t, {
      slug: 'kompleksisuus',
      description: {
        fi: 'Valmennus **kompleksisuusajatteluun**.\n\n<script>alert("fi")</script>',
        sv: 'Coachning i **komplexitetstänkande**.',
        en: 'Coaching in **complexity thinking**.',
      },
      facilitatorEmails: [coach.email],
    });
    onSite = await newCohort(t, { programmeId: programme.id, name: 'Kevät 2027', capacity: 20 });
    await db.query(`UPDATE cohort SET seats_taken = 12, waitlist_length = 3 WHERE id = $1`, [onSite.id]);
    online = await newCohort(t, {
      programmeId: programme.id,
      name: 'Kevät 2027 – verkossa',
      deliveryMode: 'online',
      place: null,
      meetingLink: MEETING_LINK,
      facilitatorEmails: [coach.email],
      enrolmentOpensAt: helsinki(2026, 11, 1, 9),
      enrolmentClosesAt: helsinki(2027, 2, 28, 23, 59),
      cancellationDeadline: null,
      sessions: [
        { startsAt: helsinki(2027, 2, 10, 13), endsAt: helsinki(2027, 2, 10, 15), agenda: '**Mitä dialogi on?** <img src=x onerror="alert(1)">' },
        { startsAt: helsinki(2027, 3, 10, 13), endsAt: helsinki(2027, 3, 10, 15) },
      ],
    });
    const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at DESC LIMIT 1`, [online.id]);
    await t.app.get(SchedulingService).cancelSession(await adminId(t), sessions[0].id, 'Valmentaja sairastui');
    draft = await newCohort(t, {
      programmeId: programme.id,
      name: 'Syksy 2027',
      status: 'draft',
      sessions: [{ startsAt: helsinki(2027, 9, 14, 9), endsAt: helsinki(2027, 9, 14, 16) }],
    });
    cancelled = await newCohort(t, {
      programmeId: programme.id,
      name: 'Kevät 2027 – Tampere',
      status: 'cancelled',
      enrolmentOpensAt: helsinki(2026, 9, 1, 9),
      enrolmentClosesAt: helsinki(2026, 10, 31, 16),
      sessions: [{ startsAt: helsinki(2027, 4, 20, 9), endsAt: helsinki(2027, 4, 20, 16) }],
    });
    ended = await newCohort(t, {
      programmeId: programme.id,
      name: 'Syksy 2025',
      enrolmentOpensAt: helsinki(2025, 5, 1, 9),
      enrolmentClosesAt: helsinki(2025, 8, 15, 16),
      cancellationDeadline: null,
      sessions: [{ startsAt: helsinki(2025, 9, 16, 9), endsAt: helsinki(2025, 9, 16, 16) }],
    });
    facilitator = await signIn(t, coach.email);
    participant = await signIn(t, someone.email);
    admin = await signIn(t, adminUser.email);
  });
  afterAll(() => t.close());

  describe('programme page', () => {
    it('lists the upcoming published rounds with seats left of capacity and the waitlist length', async () => {
      const res = await t.http.get('/programmes/kompleksisuus').set('cookie', 'lang=fi').expect(200);
      const round = text(roundItem(res.text, onSite.id));
      expect(round).toContain('Kevät 2027');
      expect(round).toContain('Vapaita paikkoja 8/20');
      expect(round).toContain('Jonotuslistalla 3');
      expect(round).toContain('Ajankohta 16.3.2027–11.5.2027');
      expect(round).toContain('Toteutustapa Lähitapaamiset');
      expect(round).toContain('Valtiokonttori, Sörnäisten rantatie 13, Helsinki');
      expect(round).toContain('Kausi Kevät 2027');
    });

    it('says when enrolment opens, until when it is open, or that it has closed', async () => {
      const res = await t.http.get('/programmes/kompleksisuus').set('cookie', 'lang=fi').expect(200);
      expect(text(roundItem(res.text, onSite.id))).toContain('Ilmoittautuminen alkaa 11.1.2027');
      expect(text(roundItem(res.text, online.id))).toContain('Ilmoittautuminen auki 28.2.2027 asti');
      const en = await t.http.get('/programmes/kompleksisuus').set('cookie', 'lang=en').expect(200);
      expect(text(roundItem(en.text, onSite.id))).toContain('Enrolment opens 11/01/2027');
      expect(text(roundItem(en.text, online.id))).toContain('Enrolment open until 28/02/2027');
    });

    it('marks a cancelled round, leaves out drafts and ended rounds for readers who are not admins', async () => {
      const res = await t.http.get('/programmes/kompleksisuus').set('cookie', 'lang=fi').expect(200);
      expect(text(roundItem(res.text, cancelled.id))).toContain('Kevät 2027 – Tampere Peruttu');
      expect(roundItem(res.text, cancelled.id)).not.toContain('Ilmoittautuminen');
      expect(res.text).not.toContain(draft.id);
      expect(res.text).not.toContain('Syksy 2027');
      expect(res.text).not.toContain(ended.id);
      const signedIn = await participant.get('/programmes/kompleksisuus');
      expect(signedIn.text).not.toContain(draft.id);
    });

    it('shows an admin the draft rounds, marked as drafts', async () => {
      const res = await admin.get('/programmes/kompleksisuus');
      expect(text(roundItem(res.text, draft.id))).toContain('Syksy 2027 Luonnos');
      expect(text(roundItem(res.text, onSite.id))).not.toContain('Luonnos');
    });

    it('shows the description as sanitised HTML: Markdown formats, script does not run', async () => {
      const res = await t.http.get('/programmes/kompleksisuus').set('cookie', 'lang=fi').expect(200);
      expect(res.text).toContain('<strong>kompleksisuusajatteluun</strong>');
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).toContain('&lt;script&gt;alert');
      expect(text(res.text)).toContain('Teema Kompleksisuus ja systeemiajattelu');
      expect(text(res.text)).toContain('Valmentajat Sanna Järvinen');
    });

    it('keeps an archived programme reachable, saying it is no longer offered', async () => {
      await newProgramme(t, { slug: 'vanha-ohjelma', status: 'archived' });
      const fi = await t.http.get('/programmes/vanha-ohjelma').set('cookie', 'lang=fi').expect(200);
      expect(fi.text).toContain('Tätä ohjelmaa ei enää järjestetä.');
      const sv = await t.http.get('/programmes/vanha-ohjelma').set('cookie', 'lang=sv').expect(200);
      expect(sv.text).toContain('Det här programmet ordnas inte längre.');
    });

    it('answers a draft programme with 404 to everyone but admins, who see it marked as a draft', async () => {
      await newProgramme(t, { slug: 'luonnosohjelma', status: 'draft' });
      await t.http.get('/programmes/luonnosohjelma').expect(404);
      expect((await participant.get('/programmes/luonnosohjelma')).status).toBe(404);
      const res = await admin.get('/programmes/luonnosohjelma');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Luonnos: ohjelma näkyy vain ylläpidolle.');
    });
  });

  describe('cohort page', () => {
    it('shows the round’s facts and its sessions in Helsinki time, in Finnish', async () => {
      const res = await t.http.get(`/cohorts/${onSite.id}`).set('cookie', 'lang=fi').expect(200);
      expect(res.text).toContain('<h1>Kevät 2027</h1>');
      expect(res.text).toContain('<a href="/programmes/kompleksisuus">Kompleksisuus ja systeemiajattelu</a>');
      const page = text(res.text);
      expect(page).toContain('tiistaina 16. maaliskuuta 2027 klo 09.00–16.00');
      expect(page).toContain('tiistaina 11. toukokuuta 2027 klo 09.00–16.00');
      expect(page).toContain('Vapaita paikkoja 8/20');
      expect(page).toContain('Jonotuslistalla 3');
      expect(page).toContain('Ilmoittautumisaika 11.1.2027 klo 09.00–28.2.2027 klo 23.59');
      expect(page).toContain('Ilmoittautumisen voi perua 1.3.2027 klo 12.00 asti');
      expect(page).toContain('Esihenkilön hyväksyntä ei tarvita');
    });

    it('is in Swedish and English too, with times as each language writes them', async () => {
      const sv = await t.http.get(`/cohorts/${onSite.id}`).set('accept-language', 'sv-FI,sv;q=0.9').expect(200);
      expect(sv.text).toContain('<html lang="sv">');
      expect(sv.text).toContain('<h2 id="sessions-heading">Träffar</h2>');
      expect(text(sv.text)).toContain('tisdag 16 mars 2027 kl. 09.00–16.00');
      expect(text(sv.text)).toContain('Genomförande På plats');
      const en = await t.http.get(`/cohorts/${onSite.id}`).set('cookie', 'lang=en').expect(200);
      expect(en.text).toContain('<h2 id="sessions-heading">Sessions</h2>');
      expect(text(en.text)).toContain('Tuesday, 16 March 2027 09:00–16:00');
      expect(text(en.text)).toContain('Seats left 8 of 20');
      expect(text(en.text)).toContain('Term Spring 2027');
    });

    it('marks a cancelled session instead of hiding it, and sanitises the agenda', async () => {
      const res = await t.http.get(`/cohorts/${online.id}`).set('cookie', 'lang=fi').expect(200);
      const sessions = res.text.split('<li class="session').slice(1);
      expect(sessions).toHaveLength(2);
      expect(sessions[0]).not.toContain('Peruttu');
      expect(sessions[1]).toContain('session--cancelled');
      expect(text(sessions[1])).toContain('keskiviikkona 10. maaliskuuta 2027 Peruttu klo 13.00–15.00');
      expect(sessions[0]).toContain('<strong>Mitä dialogi on?</strong>');
      expect(res.text).not.toContain('<img');
      expect(res.text).toContain('&lt;img src=x onerror="alert(1)"&gt;');
      expect(text(res.text)).toContain('Ilmoittautumisen voi perua ensimmäisen tapaamisen alkuun asti');
      expect(text(res.text)).toContain('Tapaamisia 1');
    });

    it('shows the meeting link to the round’s facilitators and admins only', async () => {
      const hidden = 'Tapaamislinkki näytetään ryhmän vahvistetuille osallistujille.';
      const anonymous = await t.http.get(`/cohorts/${online.id}`).set('cookie', 'lang=fi').expect(200);
      expect(anonymous.text).not.toContain(MEETING_LINK);
      expect(anonymous.text).toContain(hidden);
      const other = await participant.get(`/cohorts/${online.id}`);
      expect(other.status).toBe(200);
      expect(other.text).not.toContain(MEETING_LINK);
      expect(other.text).toContain(hidden);
      for (const reader of [facilitator, admin]) {
        const res = await reader.get(`/cohorts/${online.id}`);
        expect(res.text).toContain(`<a href="${MEETING_LINK}">${MEETING_LINK}</a>`);
        expect(res.text).not.toContain(hidden);
      }
    });

    it('shows a cancelled round clearly, without an enrolment window', async () => {
      const res = await t.http.get(`/cohorts/${cancelled.id}`).set('cookie', 'lang=fi').expect(200);
      expect(res.text).toContain('Tämä ryhmä on peruttu.');
      expect(text(res.text)).not.toContain('Ilmoittautuminen päättynyt');
    });

    it('answers an unknown, malformed or draft round with the 404 page (a draft is an admin’s to see)', async () => {
      const unknown = await t.http.get('/cohorts/00000000-0000-4000-8000-000000000000').set('cookie', 'lang=fi').expect(404);
      expect(unknown.text).toContain('<h1>Sivua ei löytynyt</h1>');
      const malformed = await t.http.get('/cohorts/not-a-uuid').set('cookie', 'lang=en').expect(404);
      expect(malformed.headers['content-type']).toMatch(/text\/html/);
      await t.http.get(`/cohorts/${draft.id}`).expect(404);
      expect((await participant.get(`/cohorts/${draft.id}`)).status).toBe(404);
      const forAdmin = await admin.get(`/cohorts/${draft.id}`);
      expect(forAdmin.status).toBe(200);
      expect(forAdmin.text).toContain('Luonnos: ryhmä näkyy vain ylläpidolle.');
    });
  });

  describe('home page', () => {
    it('shows each programme’s theme and next round with its dates and seats left', async () => {
      const res = await t.http.get('/').set('cookie', 'lang=fi').expect(200);
      const card = res.text.split('<li class="card">').slice(1).find((item) => item.includes('/programmes/kompleksisuus"'))!;
      expect(text(card)).toContain('Kompleksisuus ja systeemiajattelu');
      expect(card).toContain(`<a href="/cohorts/${online.id}">Kevät 2027 – verkossa</a>`);
      expect(card).toContain('<p class="theme-label">Kompleksisuus ja systeemiajattelu</p>');
      expect(text(card)).toContain('Seuraava ryhmä: Kevät 2027 – verkossa , 10.2.2027–');
      expect(text(card)).toContain('Vapaita paikkoja: 20/20');
    });
  });
});
