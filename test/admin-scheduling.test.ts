import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createUser, signIn, WebClient } from './support/accounts';
import { helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

type Form = Record<string, string>;

/** A round's own fields as the form sends them: spring 2027, enrolment in January–February. */
function cohortFields(overrides: Form = {}): Form {
  return {
    name: 'Kevät 2027',
    capacity: '20',
    agencySeatCap: '',
    enrolmentOpensDate: '2027-01-11',
    enrolmentOpensTime: '09:00',
    enrolmentClosesDate: '2027-02-28',
    enrolmentClosesTime: '23:59',
    cancellationDeadlineDate: '',
    cancellationDeadlineTime: '',
    deliveryMode: 'on_site',
    place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
    meetingLink: '',
    facilitatorEmails: '',
    ...overrides,
  };
}

/** Session rows as the form sends them (every input, blank ones too). */
function rows(...sessions: ([date: string, start: string, end: string] | null)[]): Form {
  const form: Form = {};
  sessions.forEach((session, row) => {
    const [date, start, end] = session ?? ['', '', ''];
    Object.assign(form, { [`sessions.${row}.date`]: date, [`sessions.${row}.start`]: start, [`sessions.${row}.end`]: end, [`sessions.${row}.place`]: '', [`sessions.${row}.meetingLink`]: '', [`sessions.${row}.agenda`]: '' });
  });
  return form;
}

/** Reminder offsets the form must refuse: what is typed and the message next to the field. */
const BAD_REMINDER_OFFSETS: [string, string][] = [
  ['-1 d', 'Muistutus voi lähteä 1 minuutista 60 päivään ennen tapaamista.'],
  ['7 d, 7 d', 'Sama aika on annettu kahdesti.'],
  [Array.from({ length: 11 }, (_, day) => `${day + 1} d`).join(', '), 'Muistutuksia voi olla enintään 10.'],
  ['61 d', 'Muistutus voi lähteä 1 minuutista 60 päivään ennen tapaamista.'],
  ['abc', 'Kirjoita ajat muodossa ”7 d, 1 d, 2 h, 30 min”.'],
];

const SPRING: [string, string, string][] = [
  ['2027-03-16', '09:00', '16:00'],
  ['2027-04-13', '09:00', '16:00'],
  ['2027-05-11', '09:00', '16:00'],
];

describe('admin pages for scheduling rounds', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: Awaited<ReturnType<typeof createUser>>;
  let adminClient: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = await createUser(t, { siteRole: 'admin', displayName: 'Ylläpitäjä Ylli' });
    adminClient = await signIn(t, admin.email);
  });
  afterAll(() => t.close());

  const unique = () => randomBytes(3).toString('hex');
  const cohortCount = async (programmeId: string) => (await db.query(`SELECT count(*)::int AS n FROM cohort WHERE programme_id = $1`, [programmeId]))[0].n as number;
  const sessionsOf = async (cohortId: string) =>
    (await db.query(`SELECT id, starts_at, ends_at, status, place FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohortId])) as { id: string; starts_at: Date; ends_at: Date; status: string; place: string | null }[];
  /** Handlebars escapes "=" in attribute values; a browser reads it back. */
  const html = (text: string) => text.replace(/&#x3D;/g, '=');

  describe('the new round page', () => {
    it('offers three empty session rows and the programme facilitators, capacity 20 by default', async () => {
      const facilitator = await createUser(t, { displayName: 'Olli Öhman' });
      const programme = await newProgramme(t, { facilitatorEmails: [facilitator.email] });
      const page = await adminClient.get(`/admin/programmes/${programme.id}/cohorts/new`);
      expect(page.status).toBe(200);
      for (const row of [0, 1, 2]) expect(page.text).toContain(`name="sessions.${row}.date"`);
      expect(page.text).not.toContain('name="sessions.3.date"');
      expect(page.text).toContain(`>${facilitator.email}</textarea>`);
      expect(page.text).toMatch(/id="cohort-capacity" name="capacity" type="number" value="20"/);
      expect(page.text).toContain('name="addRow" value="1"');
    });

    it('asks about a row on a holiday or in the past next to that row, keeping the input and storing nothing until confirmed', async () => {
      const programme = await newProgramme(t);
      const form = { ...cohortFields(), ...rows(['2027-03-16', '09:00', '16:00'], ['2027-05-06', '09:00', '16:00'], ['2027-05-11', '09:00', '16:00']) };
      const asked = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, form);
      expect(asked.status).toBe(400);
      expect(html(asked.text)).toContain('id="session-1-date-error">to 6.5.2027 on helatorstai.');
      expect(html(asked.text)).toContain('id="session-1-date" name="sessions.1.date" type="date" value="2027-05-06"');
      expect(asked.text).toContain('name="sessions.1.confirmDayOff" value="yes"');
      expect(asked.text).not.toContain('name="sessions.0.confirmDayOff"');
      expect(await db.query(`SELECT id FROM cohort WHERE programme_id = $1`, [programme.id])).toEqual([]);

      const past = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...form, 'sessions.1.confirmDayOff': 'yes', 'sessions.0.date': '2026-11-03' });
      expect(past.status).toBe(400);
      expect(html(past.text)).toContain('id="session-0-date-error">Tapaamisen alku on jo mennyt.');
      expect(await db.query(`SELECT id FROM cohort WHERE programme_id = $1`, [programme.id])).toEqual([]);

      expect((await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...form, 'sessions.1.confirmDayOff': 'yes' })).status).toBe(303);
      expect(await db.query(`SELECT id FROM cohort WHERE programme_id = $1`, [programme.id])).toHaveLength(1);
    });

    it('schedules a round with three sessions at the Helsinki times typed, as a draft', async () => {
      const programme = await newProgramme(t);
      const facilitator = await createUser(t, { displayName: 'Åsa Åström' });
      const res = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, {
        ...cohortFields({ name: '', agencySeatCap: '3', requiresApproval: 'yes', cancellationDeadlineDate: '2027-03-01', cancellationDeadlineTime: '12:00', facilitatorEmails: facilitator.email }),
        ...rows(...SPRING),
        'sessions.1.place': 'Verohallinto, Vilhonkatu 4',
        'sessions.2.agenda': 'Loppuseminaari',
      });
      expect(res.status).toBe(303);
      const [cohort] = await db.query(`SELECT id, name, status, term, capacity, agency_seat_cap, requires_approval, enrolment_opens_at, cancellation_deadline FROM cohort WHERE programme_id = $1`, [programme.id]);
      expect(res.headers.location).toBe(`/admin/cohorts/${cohort.id}?done=scheduled`);
      expect(cohort).toMatchObject({ name: 'Kevät 2027', status: 'draft', term: '2027-spring', capacity: 20, agency_seat_cap: 3, requires_approval: true });
      expect(cohort.enrolment_opens_at.toISOString()).toBe('2027-01-11T07:00:00.000Z');
      expect(cohort.cancellation_deadline.toISOString()).toBe('2027-03-01T10:00:00.000Z');
      const sessions = await sessionsOf(cohort.id);
      // 9:00 in Helsinki is 07:00Z in March (winter time) and 06:00Z in April and May (summer time).
      expect(sessions.map((s) => [s.starts_at.toISOString(), s.ends_at.toISOString()])).toEqual([
        ['2027-03-16T07:00:00.000Z', '2027-03-16T14:00:00.000Z'],
        ['2027-04-13T06:00:00.000Z', '2027-04-13T13:00:00.000Z'],
        ['2027-05-11T06:00:00.000Z', '2027-05-11T13:00:00.000Z'],
      ]);
      expect(sessions[1].place).toBe('Verohallinto, Vilhonkatu 4');
      expect(await db.query(`SELECT user_id FROM cohort_facilitator WHERE cohort_id = $1`, [cohort.id])).toEqual([{ user_id: facilitator.id }]);

      const page = await adminClient.get(res.headers.location);
      expect(page.text).toContain('Toteutus tallennettu luonnoksena.');
      expect(page.text).toContain('<span class="status status--draft">Luonnos</span>');
      expect(page.text).toContain('tiistaina 16. maaliskuuta 2027');
      expect(page.text).toContain('09.00–16.00');
    });

    it('ignores blank rows and shows a message for a later row next to that row', async () => {
      const programme = await newProgramme(t);
      // Row 1 is blank: the service's second session is the form's row 2.
      const res = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields(), ...rows(SPRING[0], null, ['2027-04-13', '16:00', '09:00']) });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="session-2-end-error">Tapaamisen on päätyttävä alkamisensa jälkeen.');
      expect(res.text).not.toContain('id="session-1-end-error"');
      expect(await cohortCount(programme.id)).toBe(0);

      const ok = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields(), ...rows(SPRING[0], null, SPRING[1]) });
      expect(ok.status).toBe(303);
      const [{ id }] = await db.query(`SELECT id FROM cohort WHERE programme_id = $1`, [programme.id]);
      expect(await sessionsOf(id)).toHaveLength(2);
    });

    // Each case: the form, the message's element and text, and a value typed that the page keeps.
    const refusals: [string, Form, string, string][] = [
      ['an end not after the start', { ...cohortFields(), ...rows(SPRING[0], ['2027-04-13', '09:00', '09:00'], SPRING[2]) }, 'id="session-1-end-error">Tapaamisen on päätyttävä alkamisensa jälkeen.', 'value="2027-04-13"'],
      ['overlapping rows', { ...cohortFields(), ...rows(SPRING[0], SPRING[1], ['2027-03-16', '13:00', '15:00']) }, 'id="session-2-start-error">Tapaaminen on päällekkäin tapaamisen 1 kanssa.', 'value="13:00"'],
      [
        'enrolment closing before it opens',
        { ...cohortFields({ enrolmentClosesDate: '2027-01-10' }), ...rows(...SPRING) },
        'id="cohort-enrolment-closes-error">Ilmoittautumisen on päätyttävä vasta sen alkamisen jälkeen.',
        'value="2027-01-10"',
      ],
      ['capacity 0', { ...cohortFields({ capacity: '0' }), ...rows(...SPRING) }, 'id="cohort-capacity-error">Paikkoja voi olla 1–1000.', 'value="0"'],
      ['capacity 1001', { ...cohortFields({ capacity: '1001' }), ...rows(...SPRING) }, 'id="cohort-capacity-error">Paikkoja voi olla 1–1000.', 'value="1001"'],
      ['capacity that is no number', { ...cohortFields({ capacity: 'kaksikymmentä' }), ...rows(...SPRING) }, 'id="cohort-capacity-error">Kirjoita paikkamääräksi kokonaisluku.', 'value="kaksikymmentä"'],
      [
        'a per-agency cap above the capacity',
        { ...cohortFields({ capacity: '10', agencySeatCap: '11' }), ...rows(...SPRING) },
        'id="cohort-agency-seat-cap-error">Virastokohtainen enimmäismäärä ei voi olla suurempi kuin ryhmän paikkamäärä.',
        'value="11"',
      ],
      ['a session in 1999', { ...cohortFields(), ...rows(['1999-03-16', '09:00', '16:00']) }, 'id="session-0-date-error">Päivämäärän on oltava vuosien 2000–2100 välillä.', 'value="1999-03-16"'],
      ['a session in 2101', { ...cohortFields(), ...rows(SPRING[0], ['2101-03-16', '09:00', '16:00']) }, 'id="session-1-date-error">Päivämäärän on oltava vuosien 2000–2100 välillä.', 'value="2101-03-16"'],
      ['enrolment opening in 1999', { ...cohortFields({ enrolmentOpensDate: '1999-12-31' }), ...rows(...SPRING) }, 'id="cohort-enrolment-opens-error">Päivämäärän on oltava vuosien 2000–2100 välillä.', 'value="1999-12-31"'],
      ['an impossible date', { ...cohortFields(), ...rows(['2027-02-30', '09:00', '16:00']) }, 'id="session-0-date-error">Päivämäärää ei ole olemassa.', 'value="2027-02-30"'],
      ['an impossible time', { ...cohortFields(), ...rows(['2027-03-16', '25:00', '16:00']) }, 'id="session-0-start-error">Kellonaika ei kelpaa.', 'value="25:00"'],
      ['an impossible enrolment date', { ...cohortFields({ enrolmentClosesDate: '2027-13-01' }), ...rows(...SPRING) }, 'id="cohort-enrolment-closes-date-error">Päivämäärää ei ole olemassa.', 'value="2027-13-01"'],
      ['a half-filled row', { ...cohortFields(), ...rows(SPRING[0], ['2027-04-13', '', '']) }, 'id="session-1-start-error">Anna alkamisaika.', 'value="2027-04-13"'],
      ['no sessions at all', { ...cohortFields(), ...rows(null, null, null) }, 'id="sessions-error" role="alert">Ryhmällä on oltava vähintään yksi tapaaminen.', 'value="Kevät 2027"'],
      ['a meeting link that is not https', { ...cohortFields({ meetingLink: 'http://meet.example.fi/valmennus' }), ...rows(...SPRING) }, 'id="cohort-meeting-link-error">Anna linkki, joka alkaa https://.', 'value="http://meet.example.fi/valmennus"'],
      ['an unknown facilitator', { ...cohortFields({ facilitatorEmails: 'ei.tilia@example.fi' }), ...rows(...SPRING) }, 'id="cohort-facilitators-error">Näillä sähköpostiosoitteilla ei ole käyttäjätiliä: ei.tilia@example.fi', '>ei.tilia@example.fi</textarea>'],
      ...BAD_REMINDER_OFFSETS.map(([typed, message]): [string, Form, string, string] => [
        `reminder offsets "${typed}"`,
        { ...cohortFields({ reminderOffsets: typed }), ...rows(...SPRING) },
        `id="cohort-reminder-offsets-error">${message}`,
        `id="cohort-reminder-offsets" name="reminderOffsets" type="text" value="${typed}"`,
      ]),
    ];
    it.each(refusals)('refuses %s with 400, the message next to the field, the input kept, and no round stored', async (_, form, message, kept) => {
      const programme = await newProgramme(t);
      const res = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, form);
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
      expect(html(res.text)).toContain(kept);
      expect(res.text).toContain('Korjaa merkityt kohdat.');
      expect(await cohortCount(programme.id)).toBe(0);
    });

    it('offers reminders 7 days and 1 day before each session, and stores the offsets typed in minutes', async () => {
      const programme = await newProgramme(t);
      const page = await adminClient.get(`/admin/programmes/${programme.id}/cohorts/new`);
      expect(page.text).toContain('<label for="cohort-reminder-offsets">Muistutukset ennen tapaamisia</label>');
      expect(page.text).toContain('id="cohort-reminder-offsets" name="reminderOffsets" type="text" value="7 d, 1 d"');

      const res = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields({ reminderOffsets: '14 d, 2 d, 2 h' }), ...rows(...SPRING) });
      expect(res.status).toBe(303);
      const [cohort] = await db.query(`SELECT id, reminder_offsets FROM cohort WHERE programme_id = $1`, [programme.id]);
      expect(cohort.reminder_offsets).toEqual([20160, 2880, 120]);
      const shown = await adminClient.get(res.headers.location);
      expect(shown.text).toContain('<dt>Muistutukset ennen tapaamisia</dt><dd>14 d, 2 d, 2 h</dd>');
      expect(shown.text).toContain('id="cohort-reminder-offsets" name="reminderOffsets" type="text" value="14 d, 2 d, 2 h"');
    });

    it('adds a session row, keeping what was typed and saving nothing', async () => {
      const programme = await newProgramme(t);
      const res = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields({ name: 'Kevät 2027 – Åbo', capacity: '0' }), ...rows(...SPRING), 'sessions.2.agenda': 'Päätöspäivä', addRow: '1' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="sessions.3.date"');
      expect(res.text).not.toContain('name="sessions.4.date"');
      expect(res.text).toContain('value="Kevät 2027 – Åbo"');
      expect(res.text).toContain('id="session-2-date" name="sessions.2.date" type="date" value="2027-05-11"');
      expect(res.text).toContain('>Päätöspäivä</textarea>');
      // Nothing is judged until the round is saved.
      expect(res.text).not.toContain('field__error');
      expect(await cohortCount(programme.id)).toBe(0);

      const more = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields(), ...rows(...SPRING, null, null), addRow: '1' });
      expect(more.text).toContain('name="sessions.5.date"');
      expect(await cohortCount(programme.id)).toBe(0);
    });

    it('refuses unknown fields, also with the add-row button, and answers 404 for an unknown programme', async () => {
      const programme = await newProgramme(t);
      const probe = await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { accessMatrixProbe: '1' });
      expect(probe.status).toBe(400);
      expect(probe.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
      expect((await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields(), ...rows(...SPRING), addRow: '1', accessMatrixProbe: '1' })).status).toBe(400);
      expect((await adminClient.post(`/admin/programmes/${programme.id}/cohorts`, { ...cohortFields(), ...rows(...SPRING), 'sessions.0.colour': 'red' })).status).toBe(400);
      expect(await cohortCount(programme.id)).toBe(0);
      expect((await adminClient.get('/admin/programmes/00000000-0000-4000-8000-000000000000/cohorts/new')).status).toBe(404);
      expect((await adminClient.post('/admin/programmes/not-a-uuid/cohorts', { ...cohortFields(), ...rows(...SPRING) })).status).toBe(404);
    });
  });

  describe('the round page', () => {
    it('shows the round with its sessions in Helsinki time, and edits its own fields', async () => {
      const cohort = await newCohort(t, { status: 'draft', name: 'Kevät 2027' });
      const page = await adminClient.get(`/admin/cohorts/${cohort.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Kevät 2027</h1>');
      expect(page.text).toContain('tiistaina 13. huhtikuuta 2027');
      expect(page.text).toContain('id="cohort-enrolment-opens-date" name="enrolmentOpensDate" type="date" value="2027-01-11"');
      expect(page.text).toContain('id="cohort-enrolment-closes-time" name="enrolmentClosesTime" type="time" value="23:59"');
      expect(page.text).toContain(`href="/admin/cohorts/${cohort.id}/copy"`);
      // A draft may be published or cancelled; nothing else is offered.
      expect(page.text).toContain('name="status" value="published"');
      expect(page.text).toContain('name="status" value="cancelled"');
      expect(page.text).not.toContain('name="status" value="completed"');

      const res = await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ name: 'Kevät 2027 – Tampere', capacity: '24', enrolmentClosesDate: '2027-03-01', enrolmentClosesTime: '12:00', deliveryMode: 'hybrid' }));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/cohorts/${cohort.id}?done=saved`);
      const [row] = await db.query(`SELECT name, capacity, enrolment_closes_at, delivery_mode FROM cohort WHERE id = $1`, [cohort.id]);
      expect(row).toMatchObject({ name: 'Kevät 2027 – Tampere', capacity: 24, delivery_mode: 'hybrid' });
      expect(row.enrolment_closes_at.toISOString()).toBe('2027-03-01T10:00:00.000Z');
    });

    it('changes the reminder offsets, an empty field meaning no reminders', async () => {
      const cohort = await newCohort(t, { status: 'draft' });
      const offsets = async () => (await db.query(`SELECT reminder_offsets FROM cohort WHERE id = $1`, [cohort.id]))[0].reminder_offsets;
      const page = await adminClient.get(`/admin/cohorts/${cohort.id}`);
      expect(page.text).toContain('<dt>Muistutukset ennen tapaamisia</dt><dd>7 d, 1 d</dd>');
      expect(page.text).toContain('id="cohort-reminder-offsets" name="reminderOffsets" type="text" value="7 d, 1 d"');

      expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ reminderOffsets: '90 min; 14 d, 2 h' }))).status).toBe(303);
      expect(await offsets()).toEqual([20160, 120, 90]);
      expect((await adminClient.get(`/admin/cohorts/${cohort.id}`)).text).toContain('value="14 d, 2 h, 90 min"');

      expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ reminderOffsets: '' }))).status).toBe(303);
      expect(await offsets()).toEqual([]);
      expect((await adminClient.get(`/admin/cohorts/${cohort.id}`)).text).toContain('<dt>Muistutukset ennen tapaamisia</dt><dd>–</dd>');
    });

    it.each(BAD_REMINDER_OFFSETS)('refuses reminder offsets "%s" on the round page with 400, the message next to the field, the text kept, nothing stored', async (typed, message) => {
      const cohort = await newCohort(t, { status: 'draft' });
      const res = await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ capacity: '25', reminderOffsets: typed }));
      expect(res.status).toBe(400);
      expect(res.text).toContain(`id="cohort-reminder-offsets-error">${message}`);
      expect(res.text).toContain(`id="cohort-reminder-offsets" name="reminderOffsets" type="text" value="${typed}"`);
      expect(await db.query(`SELECT capacity, reminder_offsets FROM cohort WHERE id = $1`, [cohort.id])).toEqual([{ capacity: 20, reminder_offsets: [10080, 1440] }]);
    });

    it('refuses a capacity below the confirmed seats, naming their count next to the capacity', async () => {
      const cohort = await newCohort(t);
      await db.query(`UPDATE cohort SET seats_taken = 5 WHERE id = $1`, [cohort.id]);
      const res = await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ capacity: '4' }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="cohort-capacity-error">Ryhmässä on jo 5 vahvistettua osallistujaa: paikkoja ei voi olla vähemmän.');
      expect(res.text).toMatch(/id="cohort-capacity" name="capacity" type="number" value="4"/);
      expect((await db.query(`SELECT capacity FROM cohort WHERE id = $1`, [cohort.id]))[0].capacity).toBe(20);
      expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ capacity: '5' }))).status).toBe(303);
    });

    it('adds a session, refusing one that overlaps another next to its start', async () => {
      const cohort = await newCohort(t, { status: 'draft' });
      const overlap = await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, { date: '2027-03-16', start: '15:00', end: '17:00', place: '', meetingLink: '', agenda: '' });
      expect(overlap.status).toBe(400);
      expect(overlap.text).toContain('id="new-session-start-error">Tapaaminen on päällekkäin ryhmän toisen tapaamisen kanssa.');
      expect(overlap.text).toContain('id="new-session-start" name="start" type="time" value="15:00"');
      expect(await sessionsOf(cohort.id)).toHaveLength(3);

      const added = await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, { date: '2027-06-08', start: '13:00', end: '15:00', place: '', meetingLink: 'https://meet.example.fi/verso', agenda: 'Seurantatapaaminen verkossa' });
      expect(added.status).toBe(303);
      expect(added.headers.location).toBe(`/admin/cohorts/${cohort.id}?done=sessionAdded`);
      const sessions = await sessionsOf(cohort.id);
      expect(sessions.map((s) => s.starts_at.toISOString())).toContain('2027-06-08T10:00:00.000Z');
      expect((await db.query(`SELECT ends_at FROM cohort WHERE id = $1`, [cohort.id]))[0].ends_at.toISOString()).toBe('2027-06-08T12:00:00.000Z');
    });

    it('refuses a session starting in the past next to its date, keeping the input, unless every session of the round has ended', async () => {
      const cohort = await newCohort(t, { status: 'draft' });
      const past = await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, { date: '2026-11-03', start: '09:00', end: '16:00', place: 'Tampere', meetingLink: '', agenda: '' });
      expect(past.status).toBe(400);
      expect(past.text).toContain('id="new-session-date-error">Tapaamisen alku on jo mennyt. Tarkista päivä ja kellonaika.');
      expect(past.text).toContain('value="2026-11-03"');
      expect(past.text).toContain('value="Tampere"');
      expect(await sessionsOf(cohort.id)).toHaveLength(3);

      // Moving a session into the past is refused the same way; its place may still be corrected.
      const [first] = await sessionsOf(cohort.id);
      const moved = await adminClient.post(`/admin/sessions/${first.id}`, { date: '2026-11-03', start: '09:00', end: '16:00', place: '', meetingLink: '', agenda: '', reason: '' });
      expect(moved.status).toBe(400);
      expect(moved.text).toContain('Tapaamisen alku on jo mennyt.');
      expect((await sessionsOf(cohort.id))[0].starts_at.toISOString()).toBe('2027-03-16T07:00:00.000Z');

      // A round whose sessions have all ended is being recorded afterwards: a past session is added.
      const finished = await newCohort(t, {
        status: 'draft',
        enrolmentOpensAt: helsinki(2025, 1, 1),
        enrolmentClosesAt: helsinki(2025, 2, 1),
        cancellationDeadline: null,
        sessions: [{ startsAt: helsinki(2025, 3, 11, 9), endsAt: helsinki(2025, 3, 11, 16) }],
      });
      const recorded = await adminClient.post(`/admin/cohorts/${finished.id}/sessions`, { date: '2025-04-08', start: '09:00', end: '16:00', place: '', meetingLink: '', agenda: '' });
      expect(recorded.status).toBe(303);
      expect(await sessionsOf(finished.id)).toHaveLength(2);
    });

    it('asks before adding or moving a session onto a weekend or a Finnish holiday, saving it only when confirmed', async () => {
      const cohort = await newCohort(t, { status: 'draft' });
      const saturday = { date: '2027-06-05', start: '09:00', end: '12:00', place: 'Kuopio', meetingLink: '', agenda: '' };
      const asked = await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, saturday);
      expect(asked.status).toBe(400);
      expect(asked.text).toContain('id="new-session-date-error">la 5.6.2027 on lauantai. Jos tapaaminen todella pidetään silloin, vahvista se alta ja tallenna uudelleen.');
      expect(asked.text).toContain('id="new-session-date" name="date" type="date" value="2027-06-05"');
      expect(asked.text).toContain('value="Kuopio"');
      expect(asked.text).toContain('name="confirmDayOff" value="yes"');
      expect(await sessionsOf(cohort.id)).toHaveLength(3);
      const confirmed = await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, { ...saturday, confirmDayOff: 'yes' });
      expect(confirmed.status).toBe(303);
      expect(await sessionsOf(cohort.id)).toHaveLength(4);
      // An ordinary weekday asks nothing, and the form offers no box.
      expect((await adminClient.get(`/admin/cohorts/${cohort.id}`)).text).not.toContain('name="confirmDayOff"');

      const [first] = await sessionsOf(cohort.id);
      const move = { date: '2027-12-06', start: '09:00', end: '16:00', place: '', meetingLink: '', agenda: '', reason: 'Sali varattu' };
      const holiday = await adminClient.post(`/admin/sessions/${first.id}`, move);
      expect(holiday.status).toBe(400);
      expect(holiday.text).toContain('ma 6.12.2027 on itsenäisyyspäivä.');
      expect(holiday.text).toContain('value="Sali varattu"');
      expect((await sessionsOf(cohort.id))[0].starts_at.toISOString()).toBe('2027-03-16T07:00:00.000Z');
      expect((await adminClient.post(`/admin/sessions/${first.id}`, { ...move, confirmDayOff: 'yes' })).status).toBe(303);
      // Correcting the place of a session already on a day off asks nothing again.
      const saturdaySession = (await sessionsOf(cohort.id)).find((session) => session.starts_at.toISOString() === '2027-06-05T06:00:00.000Z')!;
      expect((await adminClient.post(`/admin/sessions/${saturdaySession.id}`, { ...saturday, place: 'Joensuu', reason: '' })).status).toBe(303);
    });

    it('moves a session, recording the change with its reason in the history', async () => {
      const cohort = await newCohort(t);
      const [first] = await sessionsOf(cohort.id);
      const form = await adminClient.get(`/admin/sessions/${first.id}`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('id="session-date" name="date" type="date" value="2027-03-16"');
      expect(form.text).toContain('id="session-start" name="start" type="time" value="09:00"');

      const res = await adminClient.post(`/admin/sessions/${first.id}`, { date: '2027-03-17', start: '10:00', end: '16:00', place: 'Tilastokeskus, Työpajankatu 13', meetingLink: '', agenda: '', reason: 'Sali on varattu tiistaina.' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/cohorts/${cohort.id}?done=sessionSaved`);
      const [moved] = await sessionsOf(cohort.id);
      expect([moved.id, moved.starts_at.toISOString(), moved.ends_at.toISOString(), moved.place]).toEqual([first.id, '2027-03-17T08:00:00.000Z', '2027-03-17T14:00:00.000Z', 'Tilastokeskus, Työpajankatu 13']);
      const changes = await db.query(`SELECT kind, reason, changed_by_id, previous_starts_at FROM session_change WHERE session_id = $1 AND kind = 'moved'`, [first.id]);
      expect(changes).toEqual([{ kind: 'moved', reason: 'Sali on varattu tiistaina.', changed_by_id: admin.id, previous_starts_at: helsinki(2027, 3, 16, 9) }]);

      const page = await adminClient.get(res.headers.location);
      expect(page.text).toContain('Tapaaminen tallennettu.');
      expect(page.text).toMatch(/<td>Siirretty<\/td>\s*<td>16\.3\.2027 klo 09\.00–16\.00 → 17\.3\.2027 klo 10\.00–16\.00<\/td>\s*<td>Ylläpitäjä Ylli<\/td>\s*<td>Sali on varattu tiistaina\.<\/td>/);
    });

    it('refuses a move onto another session of the round, next to the start, changing nothing', async () => {
      const cohort = await newCohort(t);
      const [first] = await sessionsOf(cohort.id);
      const res = await adminClient.post(`/admin/sessions/${first.id}`, { date: '2027-04-13', start: '12:00', end: '17:00', place: '', meetingLink: '', agenda: '', reason: '' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="session-start-error">Tapaaminen on päällekkäin ryhmän toisen tapaamisen kanssa.');
      expect(res.text).toContain('id="session-date" name="date" type="date" value="2027-04-13"');
      const impossible = await adminClient.post(`/admin/sessions/${first.id}`, { date: '2027-02-29', start: '09:00', end: '16:00', reason: '' });
      expect(impossible.status).toBe(400);
      expect(impossible.text).toContain('id="session-date-error">Päivämäärää ei ole olemassa.');
      expect((await sessionsOf(cohort.id))[0].starts_at.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    });

    it('cancels a session with a reason: it stays listed as cancelled and the history says why', async () => {
      const cohort = await newCohort(t);
      const [, second] = await sessionsOf(cohort.id);
      const res = await adminClient.post(`/admin/sessions/${second.id}/cancel`, { reason: 'Valmentaja sairastui.' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/cohorts/${cohort.id}?done=sessionCancelled`);
      expect((await sessionsOf(cohort.id))[1].status).toBe('cancelled');
      const page = await adminClient.get(res.headers.location);
      expect(page.text).toContain('Tapaaminen peruttu.');
      expect(page.text).toContain('<tr class="is-cancelled">');
      expect(page.text).toMatch(/<td>Peruttu<\/td>\s*<td>13\.4\.2027 klo 09\.00–16\.00<\/td>\s*<td>Ylläpitäjä Ylli<\/td>\s*<td>Valmentaja sairastui\.<\/td>/);
      // A cancelled session is shown, not edited.
      const sessionPage = await adminClient.get(`/admin/sessions/${second.id}`);
      expect(sessionPage.text).toContain('Tapaaminen on peruttu.');
      expect(sessionPage.text).not.toContain(`action="/admin/sessions/${second.id}"`);
      const again = await adminClient.post(`/admin/sessions/${second.id}`, { date: '2027-04-14', start: '09:00', end: '16:00', reason: '' });
      expect(again.status).toBe(409);
      expect(again.text).toContain('Peruttua tapaamista ei voi muuttaa.');
    });

    it('cancels a round only once the admin has said yes on the page that asks', async () => {
      const cohort = await newCohort(t, { status: 'published' });
      const asked = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'cancelled' });
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('Kyllä, peru toteutus');
      expect((await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]))[0].status).toBe('published');
      const cancelled = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'cancelled', confirm: 'yes' });
      expect(cancelled.status).toBe(303);
      expect((await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]))[0].status).toBe('cancelled');
    });

    it('refuses to publish a round while its programme is a draft, saying why, and publishes it once the programme is', async () => {
      const programme = await newProgramme(t, { status: 'draft' });
      const cohort = await newCohort(t, { programmeId: programme.id, status: 'draft' });
      const refused = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'published' });
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('Julkaise ensin ohjelma, sitten sen ryhmät.');
      expect((await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]))[0].status).toBe('draft');

      expect((await adminClient.post(`/admin/programmes/${programme.id}/status`, { status: 'published' })).status).toBe(303);
      const published = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'published' });
      expect(published.status).toBe(303);
      expect((await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]))[0].status).toBe('published');
      const page = await adminClient.get(published.headers.location);
      expect(page.text).toContain('Toteutuksen tila muutettu.');
      expect(page.text).toContain('name="status" value="completed"');

      // Cancelling is asked first; the round stays published until the answer is yes.
      const asked = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'cancelled' });
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('Perutaanko toteutus?');
      expect(asked.text).toContain('<input type="hidden" name="status" value="cancelled">');
      expect(asked.text).toContain(`<a href="/admin/cohorts/${cohort.id}">Ei, palaa takaisin</a>`);
      expect((await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]))[0].status).toBe('published');

      const completed = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'completed' });
      expect(completed.status).toBe(303);
      const history = await adminClient.get(`/admin/cohorts/${cohort.id}`);
      expect(history.text).toContain('Toteutus on päättynyt tai peruttu');
      expect(history.text).not.toContain(`action="/admin/cohorts/${cohort.id}/sessions"`);
      const back = await adminClient.post(`/admin/cohorts/${cohort.id}/status`, { status: 'draft' });
      expect(back.status).toBe(409);
      expect(back.text).toContain('Ryhmän tilaa ei voi muuttaa tästä tilasta siihen.');
      const edit = await adminClient.post(`/admin/cohorts/${cohort.id}`, cohortFields({ capacity: '30' }));
      expect(edit.status).toBe(409);
      expect(edit.text).toContain('Päättynyttä ryhmää ei voi enää muuttaa.');
      expect((await adminClient.post(`/admin/cohorts/${cohort.id}/sessions`, { date: '2027-06-08', start: '09:00', end: '16:00' })).status).toBe(409);
      expect((await db.query(`SELECT status, capacity FROM cohort WHERE id = $1`, [cohort.id]))[0]).toEqual({ status: 'completed', capacity: 20 });
    });

    it('answers 404 for a round or session id that is unknown or not an id', async () => {
      expect((await adminClient.get('/admin/cohorts/not-a-uuid')).status).toBe(404);
      expect((await adminClient.get('/admin/cohorts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await adminClient.get('/admin/sessions/not-a-uuid')).status).toBe(404);
      expect((await adminClient.post('/admin/sessions/00000000-0000-4000-8000-000000000000/cancel', { reason: '' })).status).toBe(404);
      expect((await adminClient.get('/admin/cohorts/not-a-uuid/copy')).status).toBe(404);
    });
  });

  describe('scheduling the next round', () => {
    it('copies a round 26 weeks on as a draft: 16.3.2027 9:00 becomes 14.9.2027 9:00 Helsinki time', async () => {
      const programme = await newProgramme(t);
      const cohort = await newCohort(t, { programmeId: programme.id, name: 'Kevät 2027' });
      const form = await adminClient.get(`/admin/cohorts/${cohort.id}/copy`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('id="copy-amount" name="amount" type="number" value="26"');
      expect(form.text).toMatch(/name="skipDaysOff" value="yes" checked/);
      expect(html(form.text)).toContain('26 viikkoa = keväästä syksyyn, 52 viikkoa = seuraavana vuonna samana viikonpäivänä.');

      const res = await adminClient.post(`/admin/cohorts/${cohort.id}/copy`, { amount: '26', unit: 'weeks', skipDaysOff: 'yes', name: '' });
      expect(res.status).toBe(303);
      const [copy] = await db.query(`SELECT id, name, status, term, copied_from_id FROM cohort WHERE programme_id = $1 AND id <> $2`, [programme.id, cohort.id]);
      expect(res.headers.location).toBe(`/admin/cohorts/${copy.id}?done=copied`);
      expect(copy).toMatchObject({ name: 'Syksy 2027', status: 'draft', term: '2027-autumn', copied_from_id: cohort.id });
      // Summer time in September: 9:00 in Helsinki is 06:00Z (it was 07:00Z in March).
      expect((await sessionsOf(copy.id)).map((s) => s.starts_at.toISOString())).toEqual(['2027-09-14T06:00:00.000Z', '2027-10-12T06:00:00.000Z', '2027-11-09T07:00:00.000Z']);
      const page = await adminClient.get(res.headers.location);
      expect(page.text).toContain('Seuraava toteutus luotu luonnoksena.');
      expect(page.text).toContain('tiistaina 14. syyskuuta 2027');
    });

    it('refuses an amount out of range next to it, creating nothing', async () => {
      const programme = await newProgramme(t);
      const cohort = await newCohort(t, { programmeId: programme.id });
      const zero = await adminClient.post(`/admin/cohorts/${cohort.id}/copy`, { amount: '0', unit: 'weeks', name: 'Syksy 2027' });
      expect(zero.status).toBe(400);
      expect(zero.text).toContain('id="copy-amount-error">Siirron on oltava 1–520 viikkoa tai 1–120 kuukautta.');
      expect(zero.text).toContain('value="Syksy 2027"');
      // Unticked, the checkbox sends nothing, and the page shows it unticked.
      expect(zero.text).not.toMatch(/name="skipDaysOff" value="yes" checked/);
      const unit = await adminClient.post(`/admin/cohorts/${cohort.id}/copy`, { amount: '2', unit: 'years' });
      expect(unit.status).toBe(400);
      expect(unit.text).toContain('id="copy-unit-error">Valitse viikot tai kuukaudet.');
      expect(await cohortCount(programme.id)).toBe(1);
    });
  });

  describe('the term view', () => {
    it('shows every round of the term, drafts marked, and flags two rounds meeting on the same day', async () => {
      const tag = unique();
      const complexity = await newProgramme(t, { title: { fi: `Kompleksisuus ${tag}` } });
      const dialogue = await newProgramme(t, { title: { fi: `Dialogisuus ${tag}` } });
      const onSite = await newCohort(t, { programmeId: complexity.id, name: `Kevät 2027 ${tag}` });
      const online = await newCohort(t, {
        programmeId: dialogue.id,
        name: `Kevät 2027 verkossa ${tag}`,
        status: 'draft',
        sessions: [
          { startsAt: helsinki(2027, 3, 16, 13), endsAt: helsinki(2027, 3, 16, 15) },
          { startsAt: helsinki(2027, 3, 30, 13), endsAt: helsinki(2027, 3, 30, 15) },
        ],
      });
      const res = await adminClient.get('/admin/schedule?term=2027-spring');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<h1>Lukukauden aikataulu: Kevät 2027</h1>');
      // Columns: the round, the 31 weeks from the one of 1.1.2027 (week 53 of 2026) to the one of 31.7., and "outside the term".
      expect(res.text).toContain(`<th scope="rowgroup" colspan="33" class="timeline__programme">Kompleksisuus ${tag}</th>`);
      const weekHeaders = [...res.text.matchAll(/<th scope="col">Vk (\d+)<br><span class="meta">([\d.]+)<\/span><\/th>/g)].map((m) => `${m[1]} ${m[2]}`);
      expect([weekHeaders.length, weekHeaders[0], weekHeaders[1], weekHeaders.at(-1)]).toEqual([31, '53 28.12.2026', '1 4.1.2027', '30 26.7.2027']);
      expect(res.text).toContain(`<a href="/admin/cohorts/${online.id}">Kevät 2027 verkossa ${tag}</a> <span class="status status--draft">(Luonnos)</span>`);
      // The clashing day in the grid, in text as well as colour, and the other days not flagged.
      const onlineRow = res.text.slice(res.text.indexOf(`<a href="/admin/cohorts/${online.id}">`));
      const cells = onlineRow.slice(0, onlineRow.indexOf('</tr>')).split('<td>').slice(1);
      expect(cells[weekHeaders.indexOf('11 15.3.2027')]).toContain('<span class="timeline__session timeline__session--clash">16.3.2027 <strong>Päällekkäin</strong></span>');
      expect(cells[weekHeaders.indexOf('13 29.3.2027')]).toContain('<span class="timeline__session">30.3.2027</span>');
      // Under the grid: the day, with both rounds named.
      const clashes = res.text.slice(res.text.indexOf('id="clashes-heading"'));
      const day = clashes.slice(clashes.indexOf('tiistaina 16. maaliskuuta 2027'));
      const entry = day.slice(0, day.indexOf('</ul>'));
      expect(entry).toContain(`<a href="/admin/cohorts/${onSite.id}">Kompleksisuus ${tag}: Kevät 2027 ${tag}</a>, 09.00–16.00`);
      expect(entry).toContain(`<a href="/admin/cohorts/${online.id}">Dialogisuus ${tag}: Kevät 2027 verkossa ${tag}</a>, 13.00–15.00`);
      expect(entry).toContain('samaan aikaan');
      // The picker: the neighbouring terms and the terms that have rounds.
      expect(html(res.text)).toContain('<a href="/admin/schedule?term=2026-autumn" rel="prev">← Syksy 2026</a>');
      expect(html(res.text)).toContain('<a href="/admin/schedule?term=2027-autumn" rel="next">Syksy 2027 →</a>');
      expect(html(res.text)).toContain('<a href="/admin/schedule?term=2027-spring" aria-current="page"><strong>Kevät 2027</strong></a>');
    });

    it('shows the current term by default and refuses a term it does not know with 400', async () => {
      const current = await adminClient.get('/admin/schedule');
      expect(current.status).toBe(200);
      expect(current.text).toMatch(/<h1>Lukukauden aikataulu: (Kevät|Syksy) \d{4}<\/h1>/);
      for (const term of ['2027-summer', '1999-spring', '2101-autumn', 'kevät']) {
        const res = await adminClient.get(`/admin/schedule?term=${encodeURIComponent(term)}`);
        expect([term, res.status]).toEqual([term, 400]);
        expect(res.text).toContain('Lukukautta ei tunneta.');
      }
      expect((await adminClient.get('/admin/schedule?term=2027-spring&term=2027-autumn')).status).toBe(400);
    });
  });

  it('refuses every form with an unknown field, changing nothing', async () => {
    const cohort = await newCohort(t, { status: 'draft' });
    const [session] = await sessionsOf(cohort.id);
    const probe = { accessMatrixProbe: '1' };
    for (const path of [`/admin/cohorts/${cohort.id}`, `/admin/cohorts/${cohort.id}/status`, `/admin/cohorts/${cohort.id}/sessions`, `/admin/cohorts/${cohort.id}/copy`, `/admin/sessions/${session.id}`, `/admin/sessions/${session.id}/cancel`]) {
      const res = await adminClient.post(path, probe);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM cohort WHERE programme_id = $1`, [cohort.programmeId]))[0].n).toBe(1);
    expect((await sessionsOf(cohort.id)).map((s) => s.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
  });

  it('answers 403 to a signed-in person who is not an admin and sends anonymous people to sign in, changing nothing', async () => {
    const cohort = await newCohort(t, { status: 'draft' });
    const [session] = await sessionsOf(cohort.id);
    const person = await createUser(t);
    const client = await signIn(t, person.email);
    const anonymous = new WebClient(t);
    const pages = [`/admin/programmes/${cohort.programmeId}/cohorts/new`, `/admin/cohorts/${cohort.id}`, `/admin/cohorts/${cohort.id}/copy`, `/admin/sessions/${session.id}`, '/admin/schedule?term=2027-spring'];
    for (const path of pages) {
      expect([path, (await client.get(path)).status]).toEqual([path, 403]);
      const toSignIn = await anonymous.get(path);
      expect([path, toSignIn.status, toSignIn.headers.location]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
    const forms: [string, Form][] = [
      [`/admin/programmes/${cohort.programmeId}/cohorts`, { ...cohortFields(), ...rows(...SPRING) }],
      [`/admin/cohorts/${cohort.id}`, cohortFields({ capacity: '5' })],
      [`/admin/cohorts/${cohort.id}/status`, { status: 'cancelled' }],
      [`/admin/cohorts/${cohort.id}/sessions`, { date: '2027-06-08', start: '09:00', end: '16:00' }],
      [`/admin/cohorts/${cohort.id}/copy`, { amount: '26', unit: 'weeks', skipDaysOff: 'yes' }],
      [`/admin/sessions/${session.id}`, { date: '2027-03-17', start: '09:00', end: '16:00', reason: '' }],
      [`/admin/sessions/${session.id}/cancel`, { reason: '' }],
    ];
    for (const [path, body] of forms) {
      expect([path, (await client.post(path, body)).status]).toEqual([path, 403]);
      expect([path, (await anonymous.post(path, body)).status]).toEqual([path, 403]);
    }
    expect(await db.query(`SELECT status, capacity FROM cohort WHERE programme_id = $1`, [cohort.programmeId])).toEqual([{ status: 'draft', capacity: 20 }]);
    expect((await sessionsOf(cohort.id)).map((s) => [s.status, s.starts_at.toISOString()])).toEqual([
      ['scheduled', '2027-03-16T07:00:00.000Z'],
      ['scheduled', '2027-04-13T06:00:00.000Z'],
      ['scheduled', '2027-05-11T06:00:00.000Z'],
    ]);
  });
});
