// The events page and the network's own events: what everyone sees on /events (sessions of published
// rounds and the developer days, in time order, filtered by programme and month), the admin pages
// that write the events, and the events as a calendar feed reads them.
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { NetworkEventsService } from '../src/calendar/network-events.service';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { writeCalendar } from '../src/calendar/ics';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

type Form = Record<string, string>;

/** A network event as the admin form sends it (every input, blank ones too). */
function eventFields(overrides: Form = {}): Form {
  return {
    titleFi: 'Kevään kehittäjäpäivä 2027',
    titleSv: 'Vårens utvecklardag 2027',
    titleEn: '',
    descriptionFi: 'Koko verkoston **yhteinen** päivä.',
    descriptionSv: '',
    descriptionEn: '',
    date: '2027-05-20',
    start: '09:00',
    end: '16:00',
    place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
    meetingLink: '',
    ...overrides,
  };
}

/** Handlebars escapes "=" and "'" in attribute values; a browser reads them back. */
const html = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'");

/** Where each text first appears on a page (-1: not there). */
const positions = (page: string, texts: string[]) => texts.map((text) => page.indexOf(text));

describe('events page and network events', () => {
  let t: TestApp;
  let db: DataSource;
  let events: NetworkEventsService;
  let admin: WebClient;
  let participant: WebClient;
  let adminUserId: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    events = t.app.get(NetworkEventsService);
    const adminUser = await createUser(t, { siteRole: 'admin', displayName: 'Ylläpitäjä Åström' });
    adminUserId = adminUser.id;
    admin = await signIn(t, adminUser.email);
    participant = await signIn(t, (await createUser(t, { displayName: 'Olli Öhman' })).email);
  });
  afterAll(() => t.close());

  const countByTitle = async (title: string) => (await db.query(`SELECT count(*)::int AS n FROM network_event WHERE title->>'fi' = $1`, [title]))[0].n as number;
  const eventRow = async (id: string) =>
    (await db.query(`SELECT title, description, starts_at, ends_at, place, meeting_link, status, revision FROM network_event WHERE id = $1`, [id]))[0] as {
      title: Record<string, string>;
      description: Record<string, string>;
      starts_at: Date;
      ends_at: Date;
      place: string | null;
      meeting_link: string | null;
      status: string;
      revision: number;
    };

  describe('the public page', () => {
    let onSiteId: string;
    let spring: { id: string };
    let cancelledEventId: string;

    beforeAll(async () => {
      const complexity = await newProgramme(t, { slug: 'tapahtumat-kompleksisuus', title: { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande' } });
      const dialogue = await newProgramme(t, { slug: 'tapahtumat-dialogi', title: { fi: 'Dialogisuus yhteiskehittelyssä' } });
      const hidden = await newProgramme(t, { slug: 'tapahtumat-luonnos', title: { fi: 'Luonnosohjelma Östersund' }, status: 'draft' });
      const onSite = await newCohort(t, {
        programmeId: complexity.id,
        name: 'Kevät 2027',
        // One session has already been: only those still to come are listed.
        sessions: [
          { startsAt: helsinki(2026, 9, 15, 9), endsAt: helsinki(2026, 9, 15, 16) },
          { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16), place: 'Verohallinto, Vilhonkatu 4' },
          { startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) },
          { startsAt: helsinki(2027, 5, 11, 9), endsAt: helsinki(2027, 5, 11, 16) },
        ],
      });
      onSiteId = onSite.id;
      await newCohort(t, {
        programmeId: dialogue.id,
        name: 'Kevät 2027 – verkossa',
        deliveryMode: 'online',
        place: null,
        meetingLink: 'https://verkkotapaaminen.example/salainen-ryhmalinkki',
        sessions: [
          { startsAt: helsinki(2027, 3, 10, 13), endsAt: helsinki(2027, 3, 10, 15) },
          { startsAt: helsinki(2027, 5, 5, 13), endsAt: helsinki(2027, 5, 5, 15), meetingLink: 'https://verkkotapaaminen.example/oma-tapaamislinkki' },
        ],
      });
      await newCohort(t, { programmeId: complexity.id, name: 'Luonnosryhmä Åbo', status: 'draft', sessions: [{ startsAt: helsinki(2027, 3, 17, 9), endsAt: helsinki(2027, 3, 17, 16) }] });
      await newCohort(t, { programmeId: hidden.id, name: 'Piilossa', status: 'draft', sessions: [{ startsAt: helsinki(2027, 3, 18, 9), endsAt: helsinki(2027, 3, 18, 16) }] });
      // The April session is cancelled: still listed, struck through.
      const [april] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 AND starts_at = $2`, [onSite.id, helsinki(2027, 4, 13, 9)]);
      await t.app.get(SchedulingService).cancelSession(await adminId(t), april.id, 'Sali ei ole käytettävissä.');

      const actor = await adminId(t);
      spring = await events.create(actor, {
        title: { fi: 'Kevään kehittäjäpäivä 2027', sv: 'Vårens utvecklardag 2027' },
        description: { fi: 'Työpajoja ja **verkostoitumista**.\n\n<script>alert(1)</script>' },
        startsAt: helsinki(2027, 5, 20, 9),
        endsAt: helsinki(2027, 5, 20, 16),
        place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
        meetingLink: null,
      });
      await events.create(actor, {
        title: { fi: 'Syksyn kehittäjäpäivä 2027' },
        description: { fi: '' },
        startsAt: helsinki(2027, 11, 18, 9),
        endsAt: helsinki(2027, 11, 18, 16),
        place: null,
        meetingLink: 'https://verkkotapaaminen.example/kehittajapaiva',
      });
      const cancelled = await events.create(actor, { title: { fi: 'Peruttu verkostoaamupäivä' }, description: { fi: '' }, startsAt: helsinki(2027, 3, 25, 9), endsAt: helsinki(2027, 3, 25, 12), place: 'Tulli', meetingLink: null });
      cancelledEventId = cancelled.id;
      await events.cancel(actor, cancelled.id);
      await events.create(actor, { title: { fi: 'Mennyt kehittäjäpäivä 2026' }, description: { fi: '' }, startsAt: helsinki(2026, 5, 21, 9), endsAt: helsinki(2026, 5, 21, 16), place: null, meetingLink: null });
    });

    it('lists upcoming sessions of published rounds and network events in time order, in Helsinki time', async () => {
      const page = await t.http.get('/events').set('cookie', 'lang=fi').expect(200);
      const order = positions(page.text, [
        'Dialogisuus yhteiskehittelyssä: Kevät 2027 – verkossa',
        'Kompleksisuus ja systeemiajattelu: Kevät 2027',
        'Peruttu verkostoaamupäivä',
        'Kevään kehittäjäpäivä 2027',
        'Syksyn kehittäjäpäivä 2027',
      ]);
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(page.text).toContain('<h2 id="month-1">Maaliskuu 2027</h2>');
      expect(page.text).toContain('keskiviikkona 10. maaliskuuta 2027</time>, klo 13.00–15.00');
      expect(page.text).toContain('torstaina 20. toukokuuta 2027</time>, klo 09.00–16.00');
      // A session's own place, else its round's.
      expect(page.text).toContain('Ryhmän tapaaminen · Verohallinto, Vilhonkatu 4');
      expect(page.text).toContain('Verkoston tapahtuma · Valtiokonttori, Sörnäisten rantatie 13, Helsinki');
      expect(page.text).toContain(`<a href="/cohorts/${onSiteId}">Kompleksisuus ja systeemiajattelu: Kevät 2027</a>`);
      expect(page.text).toContain(`id="event-${spring.id}"`);
      expect(page.text).toContain(`<a href="/events#event-${spring.id}">Kevään kehittäjäpäivä 2027</a>`);
      expect(page.text).toContain('href="/calendar/all.ics">Tilaa kalenteriin</a>');
      expect(page.text).toContain('<a href="/events">Tapahtumat</a>');
    });

    it('hides drafts, past sessions and past events, and never shows the meeting links of rounds', async () => {
      const page = await t.http.get('/events').set('cookie', 'lang=fi').expect(200);
      for (const hidden of ['Luonnosryhmä Åbo', 'Luonnosohjelma Östersund', 'Mennyt kehittäjäpäivä 2026', '15. syyskuuta 2026', 'salainen-ryhmalinkki', 'oma-tapaamislinkki']) {
        expect([hidden, page.text.includes(hidden)]).toEqual([hidden, false]);
      }
      // A network event's own link is public.
      expect(page.text).toContain('<a href="https://verkkotapaaminen.example/kehittajapaiva">');
    });

    it('shows cancelled sessions and events struck through, saying they are cancelled', async () => {
      const page = await t.http.get('/events').set('cookie', 'lang=fi').expect(200);
      const items = page.text.split('<li class="session').slice(1);
      const april = items.find((item) => item.includes('13. huhtikuuta 2027'))!;
      expect(april).toMatch(/^ session--cancelled"/);
      expect(april).toContain('<span class="badge">Peruttu</span>');
      const cancelledEvent = items.find((item) => item.includes(`event-${cancelledEventId}`))!;
      expect(cancelledEvent).toMatch(/^ session--cancelled"/);
      const may = items.find((item) => item.includes('11. toukokuuta 2027'))!;
      expect(may).not.toContain('session--cancelled');
    });

    it('shows network event descriptions as sanitised Markdown, in the reader’s language', async () => {
      const fi = await t.http.get('/events').set('cookie', 'lang=fi').expect(200);
      expect(fi.text).toContain('<p>Työpajoja ja <strong>verkostoitumista</strong>.</p>');
      expect(fi.text).not.toContain('<script>alert(1)</script>');
      const sv = await t.http.get('/events').set('cookie', 'lang=sv').expect(200);
      expect(sv.text).toContain('<html lang="sv">');
      expect(sv.text).toContain('Vårens utvecklardag 2027');
      expect(sv.text).toContain('Komplexitet och systemtänkande: Våren 2027');
      expect(sv.text).toContain('Prenumerera i kalendern');
      // What has no Swedish is shown in Finnish, and marked as Finnish.
      expect(sv.text).toContain('lang="fi">Dialogisuus yhteiskehittelyssä: Kevät 2027 – verkossa</a>');
      expect(sv.text).toContain('<div class="rich-text" lang="fi"><p>Työpajoja ja <strong>verkostoitumista</strong>.</p>');
      expect(fi.text).not.toContain('lang="fi">Kevään kehittäjäpäivä');
    });

    it('filters by programme: only its rounds’ sessions, no network events', async () => {
      const page = await t.http.get('/events?programme=tapahtumat-dialogi&month=').set('cookie', 'lang=fi').expect(200);
      expect(page.text).toContain('Dialogisuus yhteiskehittelyssä: Kevät 2027 – verkossa');
      expect(page.text).not.toContain('Kompleksisuus ja systeemiajattelu: Kevät 2027');
      expect(page.text).not.toContain('kehittäjäpäivä 2027');
      expect(page.text).toContain('<option value="tapahtumat-dialogi" selected>');
      expect(page.text).toContain('<a href="/events">Poista rajaukset</a>');
    });

    it('filters by month in Helsinki time', async () => {
      const page = await t.http.get('/events?programme=&month=2027-05').set('cookie', 'lang=fi').expect(200);
      expect(page.text).toContain('11. toukokuuta 2027');
      expect(page.text).toContain('5. toukokuuta 2027');
      expect(page.text).toContain('Kevään kehittäjäpäivä 2027');
      expect(page.text).not.toContain('maaliskuuta 2027');
      expect(page.text).not.toContain('Syksyn kehittäjäpäivä 2027');
      expect(page.text).toMatch(/id="events-month" name="month" type="month" value="2027-05"/);

      const both = await t.http.get('/events?programme=tapahtumat-kompleksisuus&month=2027-03').set('cookie', 'lang=fi').expect(200);
      expect(both.text).toContain('16. maaliskuuta 2027');
      expect(both.text).not.toContain('10. maaliskuuta 2027');
      expect(both.text).not.toContain('toukokuuta');

      const none = await t.http.get('/events?month=2030-01').set('cookie', 'lang=fi').expect(200);
      expect(none.text).toContain('Valinnoilla ei löytynyt tulevia tapahtumia.');
    });

    it('ignores query parameters the filter does not have', async () => {
      await t.http.get('/events?utm_source=uutiskirje').set('cookie', 'lang=fi').expect(200);
    });

    it.each([
      ['2027-13', 'id="events-month-error">Kuukausi ei kelpaa.'],
      ['abc', 'id="events-month-error">Kuukausi ei kelpaa.'],
      ['1999-12', 'id="events-month-error">Kuukausi ei kelpaa.'],
    ])('refuses the month %p with 400, the message next to the field and the input kept', async (month, message) => {
      const page = await t.http.get(`/events?month=${encodeURIComponent(month)}`).set('cookie', 'lang=fi').expect(400);
      expect(page.text).toContain(message);
      expect(page.text).toContain(`id="events-month" name="month" type="month" value="${month}"`);
      expect(page.text).toContain('aria-describedby="events-month-error"');
      expect(page.text).toContain('Korjaa merkityt kohdat.');
      expect(page.text).not.toContain('Kevään kehittäjäpäivä 2027');
    });

    it('refuses an unknown or draft programme with 400, the message next to the select and the choice kept', async () => {
      for (const slug of ['ei-ole-olemassa', 'tapahtumat-luonnos']) {
        const page = await t.http.get(`/events?programme=${slug}&month=2027-05`).set('cookie', 'lang=fi').expect(400);
        expect(page.text).toContain('id="events-programme-error">Ohjelmaa ei löydy. Valitse ohjelma listasta.');
        expect(page.text).toContain('aria-describedby="events-programme-hint events-programme-error"');
        expect(page.text).toContain(`<option value="${slug}" selected>`);
        expect(page.text).toContain('value="2027-05"');
      }
      const sv = await t.http.get('/events?programme=ei-ole-olemassa').set('cookie', 'lang=sv').expect(400);
      expect(sv.text).toContain('Programmet hittades inte.');
    });
  });

  describe('the admin pages', () => {
    it('lists the events with a link to each and to a new one', async () => {
      const actor = await adminId(t);
      const event = await events.create(actor, { title: { fi: 'Listattava päivä Äänekoski' }, description: { fi: '' }, startsAt: helsinki(2027, 9, 9, 9), endsAt: helsinki(2027, 9, 9, 12), place: null, meetingLink: null });
      const page = await admin.get('/admin/events');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<a href="/admin/events/${event.id}">Listattava päivä Äänekoski</a>`);
      expect(page.text).toContain('9.9.2027 klo 09.00–12.00');
      expect(page.text).toContain('href="/admin/events/new"');
      const form = await admin.get('/admin/events/new');
      expect(form.status).toBe(200);
      expect(form.text).toContain('action="/admin/events"');
      expect(form.text).toContain('name="_csrf"');
      expect(form.text).toContain('id="event-start" name="start" type="time" value="09:00"');
    });

    it('creates an event at the Helsinki times typed, audited, and shows it on the events page', async () => {
      const res = await admin.post('/admin/events', eventFields({ titleFi: 'Uusi kehittäjäpäivä Öljymäki', meetingLink: 'https://verkkotapaaminen.example/uusi' }), { page: '/admin/events/new' });
      expect(res.status).toBe(303);
      const [{ id }] = await db.query(`SELECT id FROM network_event WHERE title->>'fi' = 'Uusi kehittäjäpäivä Öljymäki'`);
      expect(res.headers.location).toBe(`/admin/events/${id}?done=created`);
      const row = await eventRow(id);
      expect(row).toMatchObject({
        title: { fi: 'Uusi kehittäjäpäivä Öljymäki', sv: 'Vårens utvecklardag 2027' },
        description: { fi: 'Koko verkoston **yhteinen** päivä.' },
        place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
        meeting_link: 'https://verkkotapaaminen.example/uusi',
        status: 'published',
        revision: 0,
      });
      // 9:00 in Helsinki in May is 06:00Z (summer time).
      expect([row.starts_at.toISOString(), row.ends_at.toISOString()]).toEqual(['2027-05-20T06:00:00.000Z', '2027-05-20T13:00:00.000Z']);
      expect(await db.query(`SELECT actor_user_id, action FROM audit_log WHERE target_id = $1`, [id])).toEqual([{ actor_user_id: adminUserId, action: 'network-event.created' }]);

      const page = await admin.get(res.headers.location);
      expect(page.text).toContain('Tapahtuma julkaistu.');
      expect(page.text).toContain('id="event-title-fi" name="titleFi" type="text" value="Uusi kehittäjäpäivä Öljymäki"');
      expect((await t.http.get('/events').set('cookie', 'lang=fi')).text).toContain('Uusi kehittäjäpäivä Öljymäki');
    });

    // Each case: the form, the message's element and text, and a value typed that the page keeps.
    const refusals: [string, Form, string, string][] = [
      ['no Finnish title', eventFields({ titleFi: '' }), 'id="event-title-fi-error">Kirjoita tapahtuman nimi suomeksi.', 'value="Vårens utvecklardag 2027"'],
      ['a blank Finnish title', eventFields({ titleFi: '   ', titleSv: 'Tom titel' }), 'id="event-title-fi-error">Kirjoita tapahtuman nimi suomeksi.', 'value="Tom titel"'],
      ['a title of 201 characters', eventFields({ titleFi: 'Ä'.repeat(201) }), 'id="event-title-fi-error">Nimi on enintään 200 merkkiä.', `value="${'Ä'.repeat(201)}"`],
      ['an end before the start', eventFields({ titleFi: 'Väärinpäin', start: '16:00', end: '09:00' }), 'id="event-end-error">Tapahtuman on päätyttävä alkamisensa jälkeen.', 'value="16:00"'],
      ['a date in 1999', eventFields({ titleFi: 'Liian aikaisin', date: '1999-05-20' }), 'id="event-date-error">Päivämäärän on oltava vuosien 2000–2100 välillä.', 'value="1999-05-20"'],
      ['a date in 2101', eventFields({ titleFi: 'Liian myöhään', date: '2101-05-20' }), 'id="event-date-error">Päivämäärän on oltava vuosien 2000–2100 välillä.', 'value="2101-05-20"'],
      ['an impossible date', eventFields({ titleFi: 'Mahdoton', date: '2027-02-30' }), 'id="event-date-error">Päivämäärää ei ole olemassa.', 'value="2027-02-30"'],
      ['an impossible time', eventFields({ titleFi: 'Mahdoton aika', start: '25:00' }), 'id="event-start-error">Kellonaika ei kelpaa.', 'value="25:00"'],
      ['a meeting link that is not https', eventFields({ titleFi: 'Salaamaton', meetingLink: 'http://meet.example.fi/paiva' }), 'id="event-meeting-link-error">Anna linkki, joka alkaa https://.', 'value="http://meet.example.fi/paiva"'],
      ['a javascript: link', eventFields({ titleFi: 'Skripti', meetingLink: 'javascript:alert(1)' }), 'id="event-meeting-link-error">Anna linkki, joka alkaa https://.', 'value="javascript:alert(1)"'],
    ];
    it.each(refusals)('refuses %s with 400, the message next to the field, the input kept, and nothing stored', async (_, form, message, kept) => {
      const before = (await db.query(`SELECT count(*)::int AS n FROM network_event`))[0].n;
      const res = await admin.post('/admin/events', form, { page: '/admin/events/new' });
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
      expect(html(res.text)).toContain(kept);
      expect(res.text).toContain('Korjaa merkityt kohdat.');
      expect(res.text).toMatch(/aria-invalid="true" aria-describedby="event-[a-z-]+-error"/);
      expect((await db.query(`SELECT count(*)::int AS n FROM network_event`))[0].n).toBe(before);
    });

    it('names every field at fault at once', async () => {
      const res = await admin.post('/admin/events', eventFields({ titleFi: '', start: '16:00', end: '09:00', meetingLink: 'ftp://example.fi' }), { page: '/admin/events/new' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="event-title-fi-error"');
      expect(res.text).toContain('id="event-meeting-link-error"');
      // The service's rules too, without the form's first.
      await expect(
        events.create(adminUserId, { title: { fi: '' }, description: { fi: '' }, startsAt: helsinki(2027, 5, 20, 16), endsAt: helsinki(2027, 5, 20, 9), place: null, meetingLink: 'http://x.fi' }),
      ).rejects.toMatchObject({ fields: { titleFi: 'networkEvent.titleFi.required', endsAt: 'networkEvent.endsAt.notAfterStart', meetingLink: 'schedule.meetingLink.https' } });
    });

    it('refuses unknown fields', async () => {
      const res = await admin.post('/admin/events', { ...eventFields({ titleFi: 'Tuntematon kenttä' }), accessMatrixProbe: '1' }, { page: '/admin/events/new' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
      expect(await countByTitle('Tuntematon kenttä')).toBe(0);
    });

    it('edits an event: a new time bumps the revision, a new text does not', async () => {
      const event = await events.create(adminUserId, { title: { fi: 'Siirrettävä päivä' }, description: { fi: '' }, startsAt: helsinki(2027, 5, 20, 9), endsAt: helsinki(2027, 5, 20, 16), place: 'Tulli', meetingLink: null });
      const form = await admin.get(`/admin/events/${event.id}`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('id="event-date" name="date" type="date" value="2027-05-20"');
      expect(form.text).toContain('id="event-end" name="end" type="time" value="16:00"');

      const texts = await admin.post(`/admin/events/${event.id}`, eventFields({ titleFi: 'Siirrettävä päivä', descriptionFi: 'Uusi kuvaus', place: 'Tulli' }), { page: `/admin/events/${event.id}` });
      expect(texts.status).toBe(303);
      expect(texts.headers.location).toBe(`/admin/events/${event.id}?done=saved`);
      expect(await eventRow(event.id)).toMatchObject({ revision: 0, description: { fi: 'Uusi kuvaus' } });

      const moved = await admin.post(`/admin/events/${event.id}`, eventFields({ titleFi: 'Siirrettävä päivä', date: '2027-05-27', start: '10:00', end: '15:00' }), { page: `/admin/events/${event.id}` });
      expect(moved.status).toBe(303);
      const row = await eventRow(event.id);
      expect(row.revision).toBe(1);
      expect([row.starts_at.toISOString(), row.ends_at.toISOString()]).toEqual(['2027-05-27T07:00:00.000Z', '2027-05-27T12:00:00.000Z']);
      const audit = await db.query(`SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY created_at`, [event.id]);
      expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['network-event.created', 'network-event.updated', 'network-event.updated']);
      expect(audit[2].details).toMatchObject({ moved: true });
    });

    it('refuses a bad edit with 400, the message next to the field and the input kept, changing nothing', async () => {
      const event = await events.create(adminUserId, { title: { fi: 'Muuttumaton päivä' }, description: { fi: '' }, startsAt: helsinki(2027, 5, 20, 9), endsAt: helsinki(2027, 5, 20, 16), place: null, meetingLink: null });
      const res = await admin.post(`/admin/events/${event.id}`, eventFields({ titleFi: 'Muutettu nimi', date: '2027-06-01', start: '15:00', end: '14:00' }), { page: `/admin/events/${event.id}` });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="event-end-error">Tapahtuman on päätyttävä alkamisensa jälkeen.');
      expect(res.text).toContain('value="Muutettu nimi"');
      expect(res.text).toContain('id="event-date" name="date" type="date" value="2027-06-01"');
      const row = await eventRow(event.id);
      expect(row).toMatchObject({ title: { fi: 'Muuttumaton päivä' }, revision: 0 });
      expect(row.starts_at.toISOString()).toBe('2027-05-20T06:00:00.000Z');
    });

    it('cancels an event: the revision bumps, it stays listed struck through, and it can no longer be edited', async () => {
      const event = await events.create(adminUserId, { title: { fi: 'Peruttava päivä' }, description: { fi: '' }, startsAt: helsinki(2027, 10, 7, 9), endsAt: helsinki(2027, 10, 7, 16), place: null, meetingLink: null });
      const probe = await admin.post(`/admin/events/${event.id}/cancel`, { accessMatrixProbe: '1' }, { page: `/admin/events/${event.id}` });
      expect(probe.status).toBe(400);
      expect(probe.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
      expect((await eventRow(event.id)).status).toBe('published');

      const res = await admin.post(`/admin/events/${event.id}/cancel`, {}, { page: `/admin/events/${event.id}` });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/events/${event.id}?done=cancelled`);
      expect(await eventRow(event.id)).toMatchObject({ status: 'cancelled', revision: 1 });
      const page = await admin.get(res.headers.location);
      expect(page.text).toContain('Tapahtuma peruttu.');
      expect(page.text).toContain('Tapahtuma on peruttu, eikä sitä voi enää muuttaa.');
      expect(page.text).not.toContain(`action="/admin/events/${event.id}"`);
      // Cancelling twice changes nothing more.
      expect((await admin.post(`/admin/events/${event.id}/cancel`, {}, { page: '/admin/events' })).status).toBe(303);
      expect((await eventRow(event.id)).revision).toBe(1);

      const edit = await admin.post(`/admin/events/${event.id}`, eventFields({ titleFi: 'Herätetty henkiin' }), { page: '/admin/events' });
      expect(edit.status).toBe(409);
      expect(edit.text).toContain('Peruttua tapahtumaa ei voi muuttaa.');
      expect((await eventRow(event.id)).title.fi).toBe('Peruttava päivä');
      expect(await db.query(`SELECT action FROM audit_log WHERE target_id = $1 AND action = 'network-event.cancelled'`, [event.id])).toHaveLength(1);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await admin.get(`/admin/events/${unknown}`)).status).toBe(404);
      expect((await admin.get('/admin/events/not-a-uuid')).status).toBe(404);
      expect((await admin.post(`/admin/events/${unknown}`, eventFields({ titleFi: 'Ei ketään' }), { page: '/admin/events' })).status).toBe(404);
      expect((await admin.post('/admin/events/not-a-uuid', eventFields({ titleFi: 'Ei ketään' }), { page: '/admin/events' })).status).toBe(404);
      expect((await admin.post(`/admin/events/${unknown}/cancel`, {}, { page: '/admin/events' })).status).toBe(404);
      expect((await admin.post('/admin/events/not-a-uuid/cancel', {}, { page: '/admin/events' })).status).toBe(404);
      expect(await countByTitle('Ei ketään')).toBe(0);
    });

    it('lets only admins in: participants and facilitators get 403, anonymous readers the sign-in page', async () => {
      const event = await events.create(adminUserId, { title: { fi: 'Suojattu päivä' }, description: { fi: '' }, startsAt: helsinki(2027, 10, 14, 9), endsAt: helsinki(2027, 10, 14, 16), place: null, meetingLink: null });
      const coach = await createUser(t, { displayName: 'Sanna Järvinen' });
      await newCohort(t, { facilitatorEmails: [coach.email] });
      const facilitator = await signIn(t, coach.email);
      for (const path of ['/admin/events', '/admin/events/new', `/admin/events/${event.id}`]) {
        expect([path, (await participant.get(path)).status]).toEqual([path, 403]);
        expect([path, (await facilitator.get(path)).status]).toEqual([path, 403]);
        const anonymous = await t.http.get(path);
        expect([path, anonymous.status, anonymous.headers.location]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
      }
      for (const path of ['/admin/events', `/admin/events/${event.id}`, `/admin/events/${event.id}/cancel`]) {
        expect([path, (await participant.post(path, eventFields({ titleFi: 'Luvaton' }))).status]).toEqual([path, 403]);
        expect([path, (await facilitator.post(path, eventFields({ titleFi: 'Luvaton' }))).status]).toEqual([path, 403]);
        expect([path, (await new WebClient(t).post(path, eventFields({ titleFi: 'Luvaton' }))).status]).toEqual([path, 403]);
      }
      expect(await countByTitle('Luvaton')).toBe(0);
      expect(await eventRow(event.id)).toMatchObject({ status: 'published', title: { fi: 'Suojattu päivä' } });
    });
  });

  describe('as a calendar', () => {
    it('gives the events from a moment on with their UID, SEQUENCE and Helsinki times, cancelled ones marked', async () => {
      const moved = await events.create(adminUserId, {
        title: { fi: 'Kalenterin kehittäjäpäivä', sv: 'Kalenderns utvecklardag' },
        description: { fi: 'Työpajoja & **keskustelua** <yhdessä>.\n\n- aamu\n- iltapäivä\n\n[Ilmoittaudu](https://example.fi/ilmo)' },
        startsAt: helsinki(2028, 1, 13, 9),
        endsAt: helsinki(2028, 1, 13, 16),
        place: null,
        meetingLink: 'https://verkkotapaaminen.example/kalenteri',
      });
      await events.update(adminUserId, moved.id, { title: { fi: 'Kalenterin kehittäjäpäivä', sv: 'Kalenderns utvecklardag' }, description: { fi: 'Työpajoja & **keskustelua** <yhdessä>.\n\n- aamu\n- iltapäivä\n\n[Ilmoittaudu](https://example.fi/ilmo)' }, startsAt: helsinki(2028, 6, 15, 9), endsAt: helsinki(2028, 6, 15, 16), place: null, meetingLink: 'https://verkkotapaaminen.example/kalenteri' });
      const cancelled = await events.create(adminUserId, { title: { fi: 'Kalenterista peruttu' }, description: { fi: '' }, startsAt: helsinki(2028, 2, 10, 9), endsAt: helsinki(2028, 2, 10, 12), place: 'Maanmittauslaitos', meetingLink: null });
      await events.cancel(adminUserId, cancelled.id);

      const list = await events.forCalendar(helsinki(2028, 1, 1, 0), 'sv');
      expect(list.map((event) => event.uid)).toEqual([`network-event-${cancelled.id}@verso`, `network-event-${moved.id}@verso`]);

      const calendar = new ICAL.Component(ICAL.parse(writeCalendar(list, { name: 'Verso' }).toString()));
      const vevents = calendar.getAllSubcomponents('vevent');
      const byUid = new Map(vevents.map((vevent) => [vevent.getFirstPropertyValue('uid'), vevent]));
      const summer = byUid.get(`network-event-${moved.id}@verso`)!;
      expect(summer.getFirstPropertyValue('sequence')).toBe(1);
      expect(summer.getFirstPropertyValue('summary')).toBe('Kalenderns utvecklardag');
      const start = summer.getFirstProperty('dtstart')!;
      expect(start.getParameter('tzid')).toBe('Europe/Helsinki');
      expect(String(start.getFirstValue())).toBe('2028-06-15T09:00:00');
      expect(String(summer.getFirstPropertyValue('dtend'))).toBe('2028-06-15T16:00:00');
      expect(summer.getFirstPropertyValue('location')).toBe('https://verkkotapaaminen.example/kalenteri');
      expect(summer.getFirstPropertyValue('url')).toBe(`${t.config.baseUrl}/events#event-${moved.id}`);
      // Swedish falls back to the Finnish description, as plain text.
      expect(summer.getFirstPropertyValue('description')).toBe('Työpajoja & keskustelua <yhdessä>.\n\n- aamu\n- iltapäivä\n\nIlmoittaudu (https://example.fi/ilmo)');
      expect(summer.getFirstPropertyValue('status')).toBe('CONFIRMED');

      const winter = byUid.get(`network-event-${cancelled.id}@verso`)!;
      expect(winter.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(winter.getFirstPropertyValue('sequence')).toBe(1);
      expect(String(winter.getFirstPropertyValue('dtstart'))).toBe('2028-02-10T09:00:00');
      expect(winter.getFirstPropertyValue('location')).toBe('Maanmittauslaitos');
    });
  });
});

describe('the demo developer days', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    // The demo seed (rounds, enrolments, discussions) takes its time on a busy 2-core machine.
  }, 120_000);
  afterAll(() => t.close());

  it('are seeded once, on the events page in time order, the autumn one with its online link', async () => {
    expect(await t.app.get(DemoSeedService).seedNetworkEventsIfNone()).toBe(0);
    const page = await t.http.get('/events').set('cookie', 'lang=fi').expect(200);
    const [spring, autumn] = positions(page.text, ['Kevään kehittäjäpäivä 2027', 'Syksyn kehittäjäpäivä 2027']);
    expect(spring).toBeGreaterThan(0);
    expect(autumn).toBeGreaterThan(spring);
    expect(page.text).toContain('torstaina 20. toukokuuta 2027</time>, klo 09.00–16.00');
    expect(page.text).toContain('torstaina 18. marraskuuta 2027</time>, klo 09.00–16.00');
    expect(page.text).toMatch(/<a href="https:\/\/verkkotapaaminen\.example\/verso\/kehittajapaiva-syksy-2027">/);
    const db = t.app.get(DataSource);
    expect((await db.query(`SELECT count(*)::int AS n FROM network_event`))[0].n).toBe(2);
  });
});
