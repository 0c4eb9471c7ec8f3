// The pages people start from: a signed-in person's home at / (their next sessions in Helsinki time,
// their places and waitlist positions, the rounds they facilitate, unread discussions, the network's
// events), the catalogue that stays at / for everyone else and at /programmes for all, where signing
// in lands, a facilitator's "my cohorts", and the admins' overview at /admin with the user list's
// facilitator marker.
import { DataSource } from 'typeorm';
import { NetworkEventsService } from '../src/calendar/network-events.service';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumsService } from '../src/forums/forums.service';
import { actorOf, createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

/** Enrolment open now (7.12.2026 when written): from 1.11.2026 to 28.2.2027. */
const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28), cancellationDeadline: null };
const MEETING_LINK = 'https://verkkotapaaminen.example/verso/koti-2027';

/** The text of an HTML fragment, tags dropped and spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/** One section of the home page, by its heading's id. */
function section(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`No section ${id} on the page`);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('home and admin landing', () => {
  let t: TestApp;
  let db: DataSource;

  const person = async (displayName = 'Aino Virtanen', overrides: Partial<{ siteRole: 'admin' }> = {}) => {
    const user = await createUser(t, { displayName, ...overrides });
    return { user, client: await signIn(t, user.email) };
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  describe('the front page', () => {
    it('shows the catalogue to someone not signed in, and their own home to a signed-in person', async () => {
      const anonymous = text((await t.http.get('/').set('cookie', 'lang=fi').expect(200)).text);
      expect(anonymous).toContain('Valmennusohjelmat');
      expect(anonymous).not.toContain('Oma etusivu');

      const { client } = await person();
      const home = text((await client.get('/')).text);
      expect(home).toContain('Oma etusivu');
      expect(home).toContain('Hei Aino Virtanen!');
    });

    it('keeps the catalogue at /programmes for everyone, linked from a signed-in person’s header', async () => {
      const programme = await newProgramme(t);
      const { client } = await person();
      const page = await client.get('/programmes');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`href="/programmes/${programme.slug}"`);
      expect((await client.get('/')).text).toContain('<a href="/programmes">Valmennusohjelmat</a>');
      expect((await t.http.get('/programmes')).status).toBe(200);
    });

    it('tells a new person what to do: browse the programmes, no sessions, nothing unread to miss', async () => {
      const { client } = await person('Uusi Käyttäjä');
      const page = (await client.get('/')).text;
      expect(text(section(page, 'home-rounds-heading'))).toContain('Et ole vielä ilmoittautunut mihinkään ryhmään.');
      expect(section(page, 'home-rounds-heading')).toContain('<a href="/programmes">Tutustu valmennusohjelmiin</a>');
      expect(text(section(page, 'home-sessions-heading'))).toContain('Sinulla ei ole tulevia tapaamisia.');
    });

    it('speaks Swedish and English too', async () => {
      const user = await createUser(t, { displayName: 'Åsa Öström', language: 'sv' });
      expect(text((await (await signIn(t, user.email, TEST_PASSWORD, 'sv')).get('/')).text)).toContain('Min startsida');
      const english = new WebClient(t, 'en');
      await english.post('/login', { email: user.email, password: TEST_PASSWORD });
      english.cookies.set('lang', 'en');
      expect(text((await english.get('/')).text)).toContain('My home');
    });
  });

  describe('signing in', () => {
    it('lands on the home page, or on a page of this site it was asked to go to', async () => {
      const user = await createUser(t);
      expect((await new WebClient(t).post('/login', { email: user.email, password: TEST_PASSWORD })).headers.location).toBe('/');
      expect((await new WebClient(t).post('/login', { email: user.email, password: TEST_PASSWORD, next: '/my/cohorts' })).headers.location).toBe('/my/cohorts');
      expect((await new WebClient(t).post('/login', { email: user.email, password: TEST_PASSWORD, next: '/login' })).headers.location).toBe('/');
    });

    it('lands on / when `next` points to another site', async () => {
      const user = await createUser(t);
      for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example']) {
        expect((await new WebClient(t).post('/login', { email: user.email, password: TEST_PASSWORD, next })).headers.location).toBe('/');
      }
    });
  });

  describe('my sessions and rounds', () => {
    let online: Cohort;
    beforeAll(async () => {
      online = await newCohort(t, { ...OPEN_NOW, name: 'Verkkoryhmä 2027', capacity: 1, deliveryMode: 'online', place: null, meetingLink: MEETING_LINK });
    });

    it('shows a confirmed participant their next sessions in Helsinki time with the meeting link and a calendar link', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Linkkiryhmä 2027', deliveryMode: 'online', place: null, meetingLink: MEETING_LINK });
      const { user, client } = await person();
      await t.app.get(EnrolmentService).enrol(actorOf(user), cohort.id);
      const sessions = section((await client.get('/')).text, 'home-sessions-heading');
      expect(text(sessions)).toContain('tiistaina 16. maaliskuuta 2027, klo 09.00–16.00');
      expect(sessions).toContain(`<a href="${MEETING_LINK}">${MEETING_LINK}</a>`);
      expect(sessions).toContain(`href="/cohorts/${cohort.id}/calendar.ics"`);
      expect(text(sessions)).toContain('Osallistujana');
    });

    it('shows a waitlisted person their waitlist position and the sessions, but not the meeting link', async () => {
      const first = await person('Eka Osallistuja');
      await t.app.get(EnrolmentService).enrol(actorOf(first.user), online.id);
      const { user, client } = await person('Oskar Öhman');
      await t.app.get(EnrolmentService).enrol(actorOf(user), online.id);
      const page = (await client.get('/')).text;
      expect(text(section(page, 'home-rounds-heading'))).toContain('Varasija 1');
      const sessions = section(page, 'home-sessions-heading');
      expect(text(sessions)).toContain('Varasijalla');
      expect(text(sessions)).toContain('Verkkotapaamisen linkki näkyy, kun paikkasi on vahvistettu.');
      expect(page).not.toContain(MEETING_LINK);
      // The one holding the seat does see it.
      expect((await first.client.get('/')).text).toContain(MEETING_LINK);
    });

    it('shows a place waiting for the manager’s approval as such', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Hyväksyntäryhmä 2027', requiresApproval: true, deliveryMode: 'online', place: null, meetingLink: MEETING_LINK });
      const { user, client } = await person();
      await t.app.get(EnrolmentService).enrol(actorOf(user), cohort.id, { managerEmail: 'esihenkilo@example.fi' });
      const page = (await client.get('/')).text;
      expect(text(section(page, 'home-rounds-heading'))).toContain('Odottaa esihenkilön hyväksyntää');
      expect(page).not.toContain(MEETING_LINK);
    });

    it('shows nothing of a round to someone with no place in it', async () => {
      const { client } = await person('Olli Ulkopuolinen');
      const page = (await client.get('/')).text;
      expect(page).not.toContain('Verkkoryhmä 2027');
      expect(page).not.toContain(MEETING_LINK);
    });
  });

  describe('facilitators', () => {
    it('see the rounds they facilitate, labelled, with roster and forum links, on the home page and in my cohorts', async () => {
      const sanna = await createUser(t, { displayName: 'Sanna Valmentaja' });
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Sannan ryhmä 2027', capacity: 12, facilitatorEmails: [sanna.email], deliveryMode: 'online', place: null, meetingLink: MEETING_LINK });
      const client = await signIn(t, sanna.email);

      const home = (await client.get('/')).text;
      const facilitated = section(home, 'home-facilitated-heading');
      expect(text(facilitated)).toContain('Ryhmät, joita valmennat');
      expect(text(facilitated)).toContain('Valmentajana');
      expect(text(facilitated)).toContain('Sannan ryhmä 2027');
      expect(text(facilitated)).toContain('Paikkoja varattu 0/12');
      expect(facilitated).toContain(`href="/cohorts/${cohort.id}/roster"`);
      expect(facilitated).toContain(`href="/cohorts/${cohort.id}/forum"`);
      // A facilitator joins their own sessions.
      expect(section(home, 'home-sessions-heading')).toContain(MEETING_LINK);

      const mine = await client.get('/my/cohorts');
      expect(text(mine.text)).toContain('Ryhmät, joita valmennat');
      expect(mine.text).toContain(`href="/cohorts/${cohort.id}/roster"`);
      expect(mine.text).toContain(`href="/cohorts/${cohort.id}/forum"`);

      expect((await client.get(`/cohorts/${cohort.id}/roster`)).status).toBe(200);
      const forum = await client.get(`/cohorts/${cohort.id}/forum`);
      expect(forum.status).toBe(303);
      const [channel] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
      expect(forum.headers.location).toBe(`/channels/${channel.id}`);
      expect((await client.get(forum.headers.location)).status).toBe(200);
    });

    it('are not shown rounds they do not facilitate', async () => {
      const { client } = await person();
      expect((await client.get('/')).text).not.toContain('home-facilitated-heading');
      expect(text((await client.get('/my/cohorts')).text)).not.toContain('Ryhmät, joita valmennat');
    });

    it('has no forum behind an unknown round', async () => {
      const { client } = await person();
      expect((await client.get('/cohorts/00000000-0000-4000-8000-000000000000/forum')).status).toBe(404);
    });
  });

  describe('unread discussions', () => {
    it('lists a new thread in my round’s forum until I read it, and never to someone outside the round', async () => {
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Keskusteluryhmä 2027' });
      const aino = await person('Aino Virtanen');
      const pekka = await person('Pekka Korhonen');
      const outsider = await person('Olli Ulkopuolinen');
      for (const member of [aino, pekka]) await t.app.get(EnrolmentService).enrol(actorOf(member.user), cohort.id);
      const [channel] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
      const { threadId } = await t.app.get(ForumsService).startThread(actorOf(pekka.user), channel.id, { title: 'Ennakkotehtävän ajatuksia', body: 'Mitä mieltä olitte?' }, 'fi');

      const unread = section((await aino.client.get('/')).text, 'home-unread-heading');
      expect(unread).toContain(`<a href="/threads/${threadId}">Ennakkotehtävän ajatuksia</a>`);
      expect(text(unread)).toContain('Keskusteluryhmä 2027');
      expect((await outsider.client.get('/')).text).not.toContain('Ennakkotehtävän ajatuksia');
      // The writer has read their own thread.
      expect((await pekka.client.get('/')).text).not.toContain('Ennakkotehtävän ajatuksia');

      expect((await aino.client.get(`/threads/${threadId}`)).status).toBe(200);
      expect((await aino.client.get('/')).text).not.toContain('Ennakkotehtävän ajatuksia');
    });
  });

  describe('network events', () => {
    it('lists the network’s next events, not cancelled ones', async () => {
      const events = t.app.get(NetworkEventsService);
      const admin = await adminId(t);
      const soon = new Date(Date.now() + 3 * 86_400_000);
      const event = { description: { fi: '' }, startsAt: soon, endsAt: new Date(soon.getTime() + 2 * 3600_000), place: 'Säätytalo', meetingLink: null };
      const kept = await events.create(admin, { ...event, title: { fi: 'Verkostopäivä joulukuussa' } });
      const dropped = await events.create(admin, { ...event, title: { fi: 'Peruttu aamukahvi' } });
      await events.cancel(admin, dropped.id);
      const { client } = await person();
      const section_ = section((await client.get('/')).text, 'home-events-heading');
      expect(section_).toContain(`/events#event-${kept.id}`);
      expect(text(section_)).toContain('Verkostopäivä joulukuussa');
      expect(text(section_)).toContain('Säätytalo');
      expect(section_).not.toContain('Peruttu aamukahvi');
    });
  });

  describe('the admin overview', () => {
    it('lands admins on an overview of upcoming rounds with seats and waitlist, rounds closing this week, and failed messages', async () => {
      const admin = await person('Maija Ylläpitäjä', { siteRole: 'admin' });
      const closing = await newCohort(t, {
        name: 'Pian sulkeutuva 2027',
        capacity: 1,
        enrolmentOpensAt: new Date(Date.now() - 86_400_000),
        enrolmentClosesAt: new Date(Date.now() + 2 * 86_400_000),
        cancellationDeadline: null,
      });
      for (const name of ['Paikan saaja', 'Jonottaja']) {
        const { user } = await person(name);
        await t.app.get(EnrolmentService).enrol(actorOf(user), closing.id);
      }
      const later = await newCohort(t, { name: 'Myöhemmin sulkeutuva 2027', enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null });
      await db.query(`UPDATE notification SET status = 'failed', last_error = '550 Mailbox unavailable' WHERE id = (SELECT id FROM notification ORDER BY created_at LIMIT 1)`);
      const [{ failed }] = await db.query(`SELECT count(*)::int AS failed FROM notification WHERE status = 'failed'`);

      const res = await admin.client.get('/admin');
      expect(res.status).toBe(200);
      const page = res.text;
      const closingSection = section(page, 'overview-closing-heading');
      expect(text(closingSection)).toContain('Pian sulkeutuva 2027');
      expect(closingSection).not.toContain('Myöhemmin sulkeutuva 2027');
      const upcoming = section(page, 'overview-upcoming-heading');
      const row = upcoming.slice(upcoming.indexOf(`/admin/cohorts/${closing.id}`));
      expect(text(row.slice(0, row.indexOf('</tr>')))).toMatch(/1\/1 Täynnä 1 0/);
      expect(upcoming).toContain(`/admin/cohorts/${later.id}`);
      const failedSection = section(page, 'overview-failed-heading');
      expect(failedSection).toContain(`<a href="/admin/outbox?status=failed">Epäonnistuneita viestejä: ${failed}</a>`);
      expect(text(failedSection)).toContain('550 Mailbox unavailable');
      expect(page).toContain('<li class="breadcrumb__item" aria-current="page">Ylläpito</li>');
    });

    it('names the page an admin is on as the last crumb of the trail from the overview', async () => {
      const admin = await person('Maija Ylläpitäjä', { siteRole: 'admin' });
      const crumbs = async (path: string) => {
        const page = (await admin.client.get(path)).text;
        return text(page.slice(page.indexOf('<nav aria-label="Sijaintisi ylläpidossa"'), page.indexOf('</nav>', page.indexOf('Sijaintisi ylläpidossa'))));
      };
      expect(await crumbs('/admin/users')).toBe('Ylläpito Käyttäjät');
      expect(await crumbs('/admin/programmes')).toBe('Ylläpito Ohjelmat');
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Murupolkuryhmä 2027' });
      expect(await crumbs(`/admin/cohorts/${cohort.id}`)).toBe('Ylläpito Ohjelmat Kompleksisuus ja systeemiajattelu Murupolkuryhmä 2027');
      expect((await admin.client.get('/admin/users')).text).toContain('<li class="breadcrumb__item" aria-current="page">Käyttäjät</li>');
    });

    it('keeps the overview from people who are not admins', async () => {
      const { client } = await person();
      expect((await client.get('/admin')).status).toBe(403);
      expect((await t.http.get('/admin')).status).toBe(303);
    });

    it('marks who facilitates in the user list, with the rounds they run', async () => {
      const admin = await person('Maija Ylläpitäjä', { siteRole: 'admin' });
      const sanna = await createUser(t, { displayName: 'Sanna Listattava' });
      const cohort = await newCohort(t, { ...OPEN_NOW, name: 'Listan ryhmä 2027', facilitatorEmails: [sanna.email] });
      const page = (await admin.client.get(`/admin/users?q=${encodeURIComponent('Sanna Listattava')}`)).text;
      const row = page.slice(page.indexOf(`<a href="/admin/users/${sanna.id}">`));
      const cells = row.slice(0, row.indexOf('</tr>'));
      expect(text(cells)).toContain('Valmentaja');
      expect(cells).toContain(`<a href="/admin/cohorts/${cohort.id}">Listan ryhmä 2027</a>`);
      const plain = (await admin.client.get(`/admin/users?q=${encodeURIComponent('Maija Ylläpitäjä')}`)).text;
      expect(plain).not.toContain('overview-facilitator');
    });
  });
});
