// The JSON API for programmes, cohorts and sessions, through HTTP on a real PostgreSQL: what anyone,
// a signed-in person and an admin see and may change, and that refused writes store nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { createUser } from './support/accounts';
import { helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('catalogue API', () => {
  let t: TestApp;
  let db: DataSource;
  let adminToken: string;
  let userToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const tokens = t.app.get(ApiTokensService);
    const admin = await createUser(t, { siteRole: 'admin', displayName: 'Maija Ylläpitäjä' });
    const user = await createUser(t, { displayName: 'Aino Äijälä' });
    adminToken = (await tokens.issue(admin.id, { name: 'api-catalogue test' })).token;
    userToken = (await tokens.issue(user.id, { name: 'api-catalogue test' })).token;
  });
  afterAll(() => t.close());

  const as = (request: Test, token: string | null) => (token ? request.set('authorization', `Bearer ${token}`) : request);
  const get = (url: string, token: string | null = null) => as(t.http.get(url), token);
  const post = (url: string, body: object, token: string | null = adminToken) => as(t.http.post(url), token).send(body);
  const patch = (url: string, body: object | undefined, token: string | null = adminToken) => {
    const request = as(t.http.patch(url), token);
    return body === undefined ? request : request.send(body);
  };
  const slug = (base: string) => `${base}-${randomBytes(3).toString('hex')}`;
  const count = async (sql: string, params: unknown[]): Promise<number> => (await db.query(sql, params))[0].n;
  const cohortsOf = (programmeId: string) => count(`SELECT count(*)::int AS n FROM cohort WHERE programme_id = $1`, [programmeId]);
  /** A one-session round on a Helsinki day at 9–12. */
  const dayCohort = (programmeId: string, [year, month, day]: [number, number, number], extra: Parameters<typeof newCohort>[1] = {}) =>
    newCohort(t, { programmeId, sessions: [{ startsAt: helsinki(year, month, day, 9), endsAt: helsinki(year, month, day, 12) }], ...extra });

  /** A valid body for POST /api/v1/cohorts: two sessions, 9–16 in Helsinki winter and summer time. */
  const cohortBody = (programmeId: string, overrides: Record<string, unknown> = {}) => ({
    programmeId,
    name: 'Kevät 2027',
    capacity: 20,
    enrolmentOpensAt: '2027-01-11T09:00:00+02:00',
    enrolmentClosesAt: '2027-02-28T23:59:00+02:00',
    place: 'Valtiokonttori, Helsinki',
    sessions: [
      { startsAt: '2027-03-16T09:00:00+02:00', endsAt: '2027-03-16T16:00:00+02:00' },
      { startsAt: '2027-04-13T09:00:00+03:00', endsAt: '2027-04-13T16:00:00+03:00', agenda: 'Dialogi **käytännössä**' },
    ],
    ...overrides,
  });

  describe('reading cohorts', () => {
    it('pages through a programme’s cohorts in start order with no repeats or gaps, and a cursor to each next page', async () => {
      const programme = await newProgramme(t, { slug: slug('sivutus') });
      const days: [number, number, number][] = [
        [2027, 5, 4],
        [2027, 3, 2],
        [2027, 9, 7],
        [2027, 3, 9],
        [2027, 4, 6],
      ];
      const made = [];
      for (const day of days) made.push(await dayCohort(programme.id, day));
      const expected = [...made].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).map((c) => c.id);

      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/api/v1/cohorts?programme=${programme.slug}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await get(query).expect(200);
        sizes.push(res.body.items.length);
        seen.push(...res.body.items.map((item: { id: string }) => item.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(expected);
    });

    it('lists a cohort with its seats, waitlist, enrolment window, times, session count and programme', async () => {
      const programme = await newProgramme(t, { slug: slug('kentat') });
      const enrolmentOpensAt = new Date(Date.now() - 2 * 86_400_000);
      const enrolmentClosesAt = new Date(Date.now() + 30 * 86_400_000);
      const cohort = await newCohort(t, { programmeId: programme.id, capacity: 12, agencySeatCap: 3, enrolmentOpensAt, enrolmentClosesAt });
      await db.query(`UPDATE cohort SET seats_taken = 5, waitlist_length = 2 WHERE id = $1`, [cohort.id]);

      const res = await get(`/api/v1/cohorts?programme=${programme.id}`).set('accept-language', 'en').expect(200);
      expect(res.body).toEqual({
        items: [
          {
            id: cohort.id,
            programme: { id: programme.id, slug: programme.slug, title: 'Complexity and systems thinking' },
            name: 'Kevät 2027',
            term: '2027-spring',
            termLabel: 'Spring 2027',
            status: 'published',
            deliveryMode: 'on_site',
            place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
            capacity: 12,
            seatsLeft: 7,
            waitlistLength: 2,
            agencySeatCap: 3,
            requiresApproval: false,
            enrolmentOpensAt: enrolmentOpensAt.toISOString(),
            enrolmentClosesAt: enrolmentClosesAt.toISOString(),
            enrolmentWindow: 'open',
            cancellationDeadline: '2027-03-01T10:00:00.000Z',
            startsAt: '2027-03-16T07:00:00.000Z',
            endsAt: '2027-05-11T13:00:00.000Z',
            sessionCount: 3,
          },
        ],
        nextCursor: null,
      });
    });

    it('filters cohorts by programme, status, term and date range', async () => {
      const programme = await newProgramme(t, { slug: slug('suodatus') });
      const march = await dayCohort(programme.id, [2027, 3, 2]);
      const may = await dayCohort(programme.id, [2027, 5, 4], { status: 'cancelled' });
      const september = await dayCohort(programme.id, [2027, 9, 7]);
      const draft = await dayCohort(programme.id, [2027, 10, 5], { status: 'draft' });
      const other = await newProgramme(t, { slug: slug('muu') });
      await dayCohort(other.id, [2027, 3, 2]);

      const ids = async (query: string, token: string | null = null) =>
        (await get(`/api/v1/cohorts?programme=${programme.slug}&${query}`, token).expect(200)).body.items.map((item: { id: string }) => item.id);
      expect(await ids('')).toEqual([march.id, may.id, september.id]);
      expect(await ids('status=cancelled')).toEqual([may.id]);
      expect(await ids('term=2027-autumn')).toEqual([september.id]);
      expect(await ids('term=2027-autumn', adminToken)).toEqual([september.id, draft.id]);
      expect(await ids('from=2027-04-01T00:00:00Z')).toEqual([may.id, september.id]);
      expect(await ids('to=2027-04-01T00:00:00Z')).toEqual([march.id]);
      expect(await ids('from=2027-03-01T00:00:00Z&to=2027-06-01T00:00:00Z')).toEqual([march.id, may.id]);
      // An offset other than Z, its + encoded as the query string needs.
      expect(await ids(`from=${encodeURIComponent('2027-05-04T12:00:00+03:00')}`)).toEqual([may.id, september.id]);
      expect(await ids('status=draft')).toEqual([]);
      expect(await ids('status=draft', userToken)).toEqual([]);
      expect(await ids('status=draft', adminToken)).toEqual([draft.id]);
    });

    it('refuses a malformed cursor, limit, term or date in the query with 400 and a message per field', async () => {
      const cursor = await get('/api/v1/cohorts?cursor=not-a-cursor').expect(400);
      expect(cursor.body.fields).toEqual({ cursor: 'The cursor is not valid: pass nextCursor from the previous answer.' });
      const programmeCursor = await get('/api/v1/programmes?cursor=bm90LWpzb24').expect(400);
      expect(Object.keys(programmeCursor.body.fields)).toEqual(['cursor']);

      for (const limit of ['0', '101', 'ten', '2.5']) {
        const res = await get(`/api/v1/cohorts?limit=${limit}`).expect(400);
        expect(res.body.fields).toEqual({ limit: 'limit must be a whole number from 1 to 100.' });
      }
      const query = await get('/api/v1/cohorts?term=2027-summer&from=tomorrow&to=2027-04-01&status=open').expect(400);
      expect(query.body.fields).toEqual({
        term: 'A term is a year and a half-year, like 2027-spring or 2027-autumn.',
        from: 'Give a date and time in ISO 8601 with an offset, like 2027-03-16T09:00:00+02:00.',
        to: 'Give a date and time in ISO 8601 with an offset, like 2027-03-16T09:00:00+02:00.',
        status: 'The status must be one of: draft, published, cancelled, completed.',
      });
      const unknown = await get('/api/v1/cohorts?sort=name').expect(400);
      expect(unknown.body.fields).toEqual({ sort: 'This field is not known.' });
    });

    it('hides draft cohorts, and cohorts of draft programmes, from anonymous readers and other people; admins see them', async () => {
      const programme = await newProgramme(t, { slug: slug('luonnokset') });
      const draft = await newCohort(t, { programmeId: programme.id, status: 'draft' });
      const hiddenProgramme = await newProgramme(t, { slug: slug('piilossa') });
      const ofHidden = await newCohort(t, { programmeId: hiddenProgramme.id });
      await db.query(`UPDATE programme SET status = 'draft' WHERE id = $1`, [hiddenProgramme.id]);

      for (const id of [draft.id, ofHidden.id]) {
        await get(`/api/v1/cohorts/${id}`).expect(404);
        await get(`/api/v1/cohorts/${id}`, userToken).expect(404);
        expect((await get(`/api/v1/cohorts/${id}`, adminToken).expect(200)).body.id).toBe(id);
      }
      for (const token of [null, userToken]) {
        expect((await get(`/api/v1/cohorts?programme=${programme.slug}`, token).expect(200)).body.items).toEqual([]);
        expect((await get(`/api/v1/cohorts?programme=${hiddenProgramme.slug}`, token).expect(200)).body.items).toEqual([]);
      }
      expect((await get(`/api/v1/cohorts?programme=${hiddenProgramme.slug}`, adminToken).expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([ofHidden.id]);
      await get('/api/v1/cohorts/not-a-uuid').expect(404);
      await get(`/api/v1/cohorts/${randomUUID()}`, adminToken).expect(404);
    });

    it('gives a cohort’s sessions with times in UTC, place and agenda, and meeting links only to admins and its facilitators', async () => {
      const facilitator = await createUser(t, { displayName: 'Ville Valmentaja' });
      const facilitatorToken = (await t.app.get(ApiTokensService).issue(facilitator.id)).token;
      const cohort = await newCohort(t, {
        deliveryMode: 'hybrid',
        meetingLink: 'https://meet.example.fi/verso-kevat',
        facilitatorEmails: [facilitator.email],
        sessions: [
          { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16), agenda: 'Aloitus' },
          { startsAt: helsinki(2027, 4, 13, 13), endsAt: helsinki(2027, 4, 13, 15), place: 'Verkossa', meetingLink: 'https://meet.example.fi/toinen' },
        ],
      });

      const shown = async (token: string | null) => (await get(`/api/v1/cohorts/${cohort.id}`, token).expect(200)).body;
      for (const token of [null, userToken]) {
        const body = await shown(token);
        expect(body.meetingLink).toBeNull();
        expect(body.sessions.map((s: { meetingLink: string | null }) => s.meetingLink)).toEqual([null, null]);
      }
      for (const token of [adminToken, facilitatorToken]) {
        const body = await shown(token);
        expect(body.meetingLink).toBe('https://meet.example.fi/verso-kevat');
        expect(body.sessions.map((s: { meetingLink: string | null }) => s.meetingLink)).toEqual(['https://meet.example.fi/verso-kevat', 'https://meet.example.fi/toinen']);
      }
      const body = await shown(null);
      expect(body.facilitators).toEqual([{ id: facilitator.id, displayName: 'Ville Valmentaja' }]);
      expect(body.sessions).toEqual([
        { id: expect.any(String), startsAt: '2027-03-16T07:00:00.000Z', endsAt: '2027-03-16T14:00:00.000Z', status: 'scheduled', place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki', meetingLink: null, agenda: 'Aloitus' },
        { id: expect.any(String), startsAt: '2027-04-13T10:00:00.000Z', endsAt: '2027-04-13T12:00:00.000Z', status: 'scheduled', place: 'Verkossa', meetingLink: null, agenda: null },
      ]);
    });
  });

  describe('reading programmes', () => {
    it('gives a programme by slug or id with its Markdown description, facilitators, theme and status, in the language asked', async () => {
      const facilitator = await createUser(t, { displayName: 'Ville Valmentaja' });
      const programme = await newProgramme(t, { slug: slug('kuvaus'), facilitatorEmails: [facilitator.email], theme: 'dialogue' });
      const expected = {
        id: programme.id,
        slug: programme.slug,
        title: 'Complexity and systems thinking',
        summary: 'Three days of coaching.',
        description: 'Valmennus **kompleksisuusajatteluun**.',
        theme: 'dialogue',
        status: 'published',
        facilitators: [{ id: facilitator.id, displayName: 'Ville Valmentaja' }],
        updatedAt: expect.any(String),
      };
      expect((await get(`/api/v1/programmes/${programme.slug}?lang=en`).expect(200)).body).toEqual(expected);
      expect((await get(`/api/v1/programmes/${programme.id}`).set('accept-language', 'sv-FI').expect(200)).body.title).toBe('Komplexitet och systemtänkande');
      await get('/api/v1/programmes/no-such-programme').expect(404);
      await get(`/api/v1/programmes/${programme.slug}?lang=de`).expect(400);
    });

    it('lists programmes a page at a time by theme: published ones, archived when asked, drafts only to admins', async () => {
      const theme = 'foresight';
      const published = await newProgramme(t, { slug: slug('ennakointi-a'), theme, position: -900_001 });
      const archived = await newProgramme(t, { slug: slug('ennakointi-b'), theme, position: -900_000, status: 'archived' });
      const draft = await newProgramme(t, { slug: slug('ennakointi-c'), theme, position: -899_999, status: 'draft' });

      // An admin's list holds every status: three pages of one.
      const first = await get(`/api/v1/programmes?theme=${theme}&limit=1`, adminToken).expect(200);
      expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([published.id]);
      const second = await get(`/api/v1/programmes?theme=${theme}&limit=1&cursor=${first.body.nextCursor}`, adminToken).expect(200);
      expect(second.body.items.map((p: { id: string }) => p.id)).toEqual([archived.id]);
      const third = await get(`/api/v1/programmes?theme=${theme}&limit=1&cursor=${second.body.nextCursor}`, adminToken).expect(200);
      expect(third.body.items.map((p: { id: string }) => p.id)).toEqual([draft.id]);

      const visible = async (query: string, token: string | null) =>
        (await get(`/api/v1/programmes?theme=${theme}&${query}`, token).expect(200)).body.items.map((p: { id: string }) => p.id).filter((id: string) => [published.id, archived.id, draft.id].includes(id));
      expect(await visible('limit=100', null)).toEqual([published.id]);
      expect(await visible('status=archived', null)).toEqual([archived.id]);
      expect(await visible('limit=100', adminToken)).toEqual([published.id, archived.id, draft.id]);
      expect(await visible('status=draft', adminToken)).toEqual([draft.id]);
      await get(`/api/v1/programmes/${draft.slug}`).expect(404);
      await get(`/api/v1/programmes/${draft.slug}`, userToken).expect(404);
      await get(`/api/v1/programmes/${draft.slug}`, adminToken).expect(200);
      expect(await visible('status=draft', null)).toEqual([]);
      expect(await visible('status=draft', userToken)).toEqual([]);
    });
  });

  describe('programmes as admins write them', () => {
    const programmeBody = (overrides: Record<string, unknown> = {}) => ({
      slug: slug('uusi'),
      title: { fi: 'Dialogi työyhteisössä', en: 'Dialogue at work' },
      summary: { fi: 'Kaksi päivää dialogia.' },
      description: { fi: 'Kuvaus **Markdownina**.' },
      theme: 'dialogue',
      ...overrides,
    });

    it('creates a programme as a draft (201) that only admins then see', async () => {
      const body = programmeBody();
      const res = await post('/api/v1/programmes', body).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        slug: body.slug,
        title: 'Dialogi työyhteisössä',
        summary: 'Kaksi päivää dialogia.',
        description: 'Kuvaus **Markdownina**.',
        theme: 'dialogue',
        status: 'draft',
        facilitators: [],
        updatedAt: expect.any(String),
      });
      const [row] = await db.query(`SELECT title, status, position FROM programme WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ title: { fi: 'Dialogi työyhteisössä', en: 'Dialogue at work' }, status: 'draft', position: 0 });
      await get(`/api/v1/programmes/${body.slug}`).expect(404);
    });

    it('refuses a slug another programme has with 400 fields.slug, storing nothing', async () => {
      const taken = (await newProgramme(t, { slug: slug('varattu') })).slug;
      const res = await post('/api/v1/programmes', programmeBody({ slug: taken, title: { fi: 'Toinen samalla osoitteella' } })).expect(400);
      expect(res.body.fields).toEqual({ slug: 'Another programme already uses this slug.' });
      expect(await count(`SELECT count(*)::int AS n FROM programme WHERE title->>'fi' = 'Toinen samalla osoitteella'`, [])).toBe(0);
    });

    it('refuses a programme body with missing or malformed fields with a message per field, storing nothing', async () => {
      const empty = await post('/api/v1/programmes', {}).expect(400);
      expect(Object.keys(empty.body.fields).sort()).toEqual(['description', 'slug', 'summary', 'theme', 'title']);

      const bad = programmeBody({ slug: 'Iso Kirjain', title: { fi: '   ', de: 'Dialog' }, summary: 'just text', theme: 'sports', position: 1.5, facilitatorEmails: ['not-an-email'], status: 'published' });
      const res = await post('/api/v1/programmes', bad).expect(400);
      expect(res.body.fields).toEqual({
        slug: 'The slug is at most 80 lowercase letters a–z, digits and single hyphens between them, like systems-thinking.',
        'title.fi': 'The Finnish text (fi) is required, at most 200 characters.',
        'title.de': 'This field is not known.',
        summary: 'Give the text as an object of languages: fi (required), sv and en.',
        theme: 'The theme must be one of: complexity, dialogue, foresight, leadership, other.',
        position: 'The position must be a whole number from -999999 to 999999.',
        facilitatorEmails: 'Give a list of email addresses.',
        status: 'This field is not known.',
      });
      expect(await count(`SELECT count(*)::int AS n FROM programme WHERE slug = 'Iso Kirjain'`, [])).toBe(0);

      const unknownFacilitator = await post('/api/v1/programmes', programmeBody({ facilitatorEmails: ['ei.ole@example.fi'] })).expect(400);
      expect(unknownFacilitator.body.fields).toEqual({ facilitatorEmails: 'No account has these email addresses: ei.ole@example.fi' });
    });

    it('changes the fields sent and publishes with PATCH; a PATCH that names nothing is refused', async () => {
      const programme = await newProgramme(t, { slug: slug('muokattava'), status: 'draft' });
      const res = await patch(`/api/v1/programmes/${programme.id}`, { title: { fi: 'Uusi nimi' }, position: 5, status: 'published' }).expect(200);
      expect(res.body).toMatchObject({ id: programme.id, slug: programme.slug, title: 'Uusi nimi', summary: 'Kolmen päivän valmennus.', status: 'published' });
      await get(`/api/v1/programmes/${programme.slug}`).expect(200);

      const nothing = await patch(`/api/v1/programmes/${programme.id}`, undefined).expect(400);
      expect(nothing.body.message).toBe('Nothing to change: send at least one field.');
      await patch(`/api/v1/programmes/${programme.id}`, {}).expect(400);
      const nullSlug = await patch(`/api/v1/programmes/${programme.id}`, { slug: null }).expect(400);
      expect(Object.keys(nullSlug.body.fields)).toEqual(['slug']);
      await patch('/api/v1/programmes/not-a-uuid', { position: 1 }).expect(404);
      await patch(`/api/v1/programmes/${randomUUID()}`, { position: 1 }).expect(404);
    });

    it('refuses with 409 to archive a programme with published rounds to come, leaving it published', async () => {
      const programme = await newProgramme(t, { slug: slug('arkistoitava') });
      await newCohort(t, { programmeId: programme.id, sessions: [{ startsAt: new Date(Date.now() + 30 * 86_400_000), endsAt: new Date(Date.now() + 30 * 86_400_000 + 3_600_000) }] });
      const res = await patch(`/api/v1/programmes/${programme.id}`, { status: 'archived' }).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        code: 'programme.status.hasUpcomingCohorts',
        message: 'The programme has 1 published upcoming cohorts: cancel or complete them first.',
      });
      expect((await get(`/api/v1/programmes/${programme.id}`).expect(200)).body.status).toBe('published');
    });
  });

  describe('cohorts as admins schedule them', () => {
    it('schedules a draft cohort with its sessions (201), storing the times exactly as sent', async () => {
      const programme = await newProgramme(t, { slug: slug('aikataulu') });
      const res = await post('/api/v1/cohorts', cohortBody(programme.id, { requiresApproval: true, meetingLink: 'https://meet.example.fi/x' })).expect(201);
      expect(res.body).toMatchObject({
        programme: { id: programme.id, slug: programme.slug },
        name: 'Kevät 2027',
        term: '2027-spring',
        status: 'draft',
        capacity: 20,
        seatsLeft: 20,
        requiresApproval: true,
        deliveryMode: 'on_site',
        meetingLink: 'https://meet.example.fi/x',
        enrolmentOpensAt: '2027-01-11T07:00:00.000Z',
        cancellationDeadline: null,
        startsAt: '2027-03-16T07:00:00.000Z',
        endsAt: '2027-04-13T13:00:00.000Z',
        sessionCount: 2,
        copiedFromId: null,
      });
      expect(res.body.sessions.map((s: { startsAt: string; endsAt: string; agenda: string | null }) => [s.startsAt, s.endsAt, s.agenda])).toEqual([
        ['2027-03-16T07:00:00.000Z', '2027-03-16T14:00:00.000Z', null],
        ['2027-04-13T06:00:00.000Z', '2027-04-13T13:00:00.000Z', 'Dialogi **käytännössä**'],
      ]);
      const stored: { starts_at: Date; ends_at: Date }[] = await db.query(`SELECT starts_at, ends_at FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [res.body.id]);
      expect(stored.map((s) => [s.starts_at.toISOString(), s.ends_at.toISOString()])).toEqual([
        ['2027-03-16T07:00:00.000Z', '2027-03-16T14:00:00.000Z'],
        ['2027-04-13T06:00:00.000Z', '2027-04-13T13:00:00.000Z'],
      ]);
      await get(`/api/v1/cohorts/${res.body.id}`).expect(404);
    });

    const session = (startsAt: string, endsAt: string) => ({ startsAt, endsAt });
    const RANGE = 'A reminder can go from 1 minute to 60 days before the session.';
    const FORMAT = 'Write the times as “7 d, 1 d, 2 h, 30 min”.';
    const BAD_REMINDER_OFFSETS: [string, unknown, string][] = [
      ['before the session’s start (-1 d)', ['-1 d'], RANGE],
      ['in negative minutes', [-1440], RANGE],
      ['given twice', ['7 d', '7 d'], 'The same time is given twice.'],
      ['given twice in different units', [10080, '7 d'], 'The same time is given twice.'],
      ['more than 10', Array.from({ length: 11 }, (_, day) => `${day + 1} d`), 'There can be at most 10 reminders.'],
      ['over 60 days', ['61 d'], RANGE],
      ['that cannot be read', ['abc'], FORMAT],
      ['two in one string', ['14 d, 2 d'], FORMAT],
      ['in fractions of minutes', [1.5], FORMAT],
      ['that are not a list', '14 d', FORMAT],
      ['null', null, FORMAT],
    ];

    it('stores reminder offsets sent as text or minutes, gives them back in minutes to anyone, and changes them with PATCH', async () => {
      const programme = await newProgramme(t, { slug: slug('muistutukset') });
      const created = await post('/api/v1/cohorts', cohortBody(programme.id, { reminderOffsets: ['2 h', '14 d', 2880] })).expect(201);
      expect(created.body.reminderOffsets).toEqual([20160, 2880, 120]);
      const [{ reminder_offsets }] = await db.query(`SELECT reminder_offsets FROM cohort WHERE id = $1`, [created.body.id]);
      expect(reminder_offsets).toEqual([20160, 2880, 120]);

      const defaults = await post('/api/v1/cohorts', cohortBody(programme.id)).expect(201);
      expect(defaults.body.reminderOffsets).toEqual([10080, 1440]);
      // What GET gives can be sent back as it is; a PATCH without them leaves them be.
      expect((await patch(`/api/v1/cohorts/${created.body.id}`, { reminderOffsets: created.body.reminderOffsets, status: 'published' }).expect(200)).body.reminderOffsets).toEqual([20160, 2880, 120]);
      expect((await patch(`/api/v1/cohorts/${created.body.id}`, { capacity: 25 }).expect(200)).body.reminderOffsets).toEqual([20160, 2880, 120]);
      expect((await get(`/api/v1/cohorts/${created.body.id}`).expect(200)).body.reminderOffsets).toEqual([20160, 2880, 120]);
      expect((await patch(`/api/v1/cohorts/${created.body.id}`, { reminderOffsets: ['90 min'] }).expect(200)).body.reminderOffsets).toEqual([90]);
      expect((await patch(`/api/v1/cohorts/${created.body.id}`, { reminderOffsets: [] }).expect(200)).body.reminderOffsets).toEqual([]);
    });

    it.each(BAD_REMINDER_OFFSETS)('refuses a PATCH with reminder offsets %s with 400 fields.reminderOffsets, changing nothing', async (_, reminderOffsets, message) => {
      const cohort = await newCohort(t, { status: 'draft' });
      const res = await patch(`/api/v1/cohorts/${cohort.id}`, { capacity: 25, reminderOffsets }).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', fields: { reminderOffsets: message } });
      expect(await db.query(`SELECT capacity, reminder_offsets FROM cohort WHERE id = $1`, [cohort.id])).toEqual([{ capacity: 20, reminder_offsets: [10080, 1440] }]);
    });

    it.each<[string, Record<string, unknown>, Record<string, string>]>([
      ['a session that does not end after it starts', { sessions: [session('2027-03-16T09:00:00+02:00', '2027-03-16T09:00:00+02:00')] }, { 'sessions.0.endsAt': 'The session must end after it starts.' }],
      [
        'overlapping sessions',
        { sessions: [session('2027-03-16T09:00:00+02:00', '2027-03-16T16:00:00+02:00'), session('2027-03-16T15:00:00+02:00', '2027-03-16T17:00:00+02:00')] },
        { 'sessions.1.startsAt': 'The session overlaps session 1.' },
      ],
      ['enrolment closing before it opens', { enrolmentClosesAt: '2027-01-10T09:00:00+02:00' }, { enrolmentClosesAt: 'Enrolment must close after it opens.' }],
      ['no seats', { capacity: 0 }, { capacity: 'Seats must be between 1 and 1000.' }],
      ['more than 1000 seats', { capacity: 1001 }, { capacity: 'Seats must be between 1 and 1000.' }],
      ['seats given as text', { capacity: '20' }, { capacity: 'Seats must be between 1 and 1000.' }],
      ['a per-agency limit above the seats', { capacity: 10, agencySeatCap: 11 }, { agencySeatCap: 'The per-agency limit cannot be above the number of seats.' }],
      ['a date in 1999', { enrolmentOpensAt: '1999-06-01T09:00:00+03:00' }, { enrolmentOpensAt: 'The date must be between the years 2000 and 2100.' }],
      ['a session in 2101', { sessions: [session('2101-03-16T09:00:00+02:00', '2101-03-16T16:00:00+02:00')] }, { 'sessions.0.startsAt': 'The date must be between the years 2000 and 2100.' }],
      ['a string that is not a date', { enrolmentOpensAt: 'next Monday' }, { enrolmentOpensAt: 'Give a date and time in ISO 8601 with an offset, like 2027-03-16T09:00:00+02:00.' }],
      ['a date that is on no calendar', { enrolmentClosesAt: '2027-02-30T09:00:00+02:00' }, { enrolmentClosesAt: 'Give a date and time in ISO 8601 with an offset, like 2027-03-16T09:00:00+02:00.' }],
      [
        'a time without an offset',
        { sessions: [session('2027-03-16T09:00:00', '2027-03-16T16:00:00+02:00')] },
        { 'sessions.0.startsAt': 'Give a date and time in ISO 8601 with an offset, like 2027-03-16T09:00:00+02:00.' },
      ],
      ['no sessions', { sessions: [] }, { sessions: 'A cohort needs at least one session.' }],
      ['sessions that are not a list', { sessions: 'soon' }, { sessions: 'Give the sessions as a list of objects with startsAt and endsAt.' }],
      ['a meeting link that is not https', { meetingLink: 'javascript:alert(1)' }, { meetingLink: 'The meeting link must be a web address starting with https://.' }],
      ['an unknown delivery mode', { deliveryMode: 'carrier-pigeon' }, { deliveryMode: 'The delivery mode must be one of: on_site, online, hybrid.' }],
      ['an unknown field', { status: 'published' }, { status: 'This field is not known.' }],
      ['a null for a field that cannot be empty', { requiresApproval: null }, { requiresApproval: 'Give true or false.' }],
      ['an unknown programme', { programmeId: '00000000-0000-4000-8000-000000000000' }, { programmeId: 'No programme has this id.' }],
      ['a programme id that is not a UUID', { programmeId: 'kompleksisuus' }, { programmeId: 'Give the id (a UUID) of a programme.' }],
      ...BAD_REMINDER_OFFSETS.map(([what, reminderOffsets, message]): [string, Record<string, unknown>, Record<string, string>] => [`reminder offsets ${what}`, { reminderOffsets }, { reminderOffsets: message }]),
    ])('refuses %s with 400 and a message per field, storing nothing', async (_, overrides, fields) => {
      const programme = await newProgramme(t, { slug: slug('virheet') });
      const res = await post('/api/v1/cohorts', cohortBody(programme.id, overrides)).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', fields });
      expect(await cohortsOf(programme.id)).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM cohort_session s JOIN cohort c ON c.id = s.cohort_id WHERE c.programme_id = $1`, [programme.id])).toBe(0);
    });

    it('changes a cohort’s fields and publishes it with PATCH; a PATCH that names nothing is refused', async () => {
      const cohort = await newCohort(t, { status: 'draft' });
      const res = await patch(`/api/v1/cohorts/${cohort.id}`, { name: 'Kevät 2027 – verkossa', deliveryMode: 'online', agencySeatCap: 4, place: '', status: 'published' }).expect(200);
      expect(res.body).toMatchObject({ id: cohort.id, name: 'Kevät 2027 – verkossa', deliveryMode: 'online', agencySeatCap: 4, place: null, status: 'published' });
      await get(`/api/v1/cohorts/${cohort.id}`).expect(200);

      expect((await patch(`/api/v1/cohorts/${cohort.id}`, { agencySeatCap: null }).expect(200)).body.agencySeatCap).toBeNull();
      const nothing = await patch(`/api/v1/cohorts/${cohort.id}`, undefined).expect(400);
      expect(nothing.body.message).toBe('Nothing to change: send at least one field.');
      const nulls = await patch(`/api/v1/cohorts/${cohort.id}`, { capacity: null, enrolmentOpensAt: null }).expect(400);
      expect(Object.keys(nulls.body.fields).sort()).toEqual(['capacity', 'enrolmentOpensAt']);
      const sessions = await patch(`/api/v1/cohorts/${cohort.id}`, { sessions: [] }).expect(400);
      expect(sessions.body.fields).toEqual({ sessions: 'This field is not known.' });
      await patch('/api/v1/cohorts/not-a-uuid', { capacity: 10 }).expect(404);
      await patch(`/api/v1/cohorts/${randomUUID()}`, { capacity: 10 }).expect(404);
    });

    it('refuses fewer seats than people already confirmed, naming how many', async () => {
      const cohort = await newCohort(t, { capacity: 20 });
      await db.query(`UPDATE cohort SET seats_taken = 7 WHERE id = $1`, [cohort.id]);
      const res = await patch(`/api/v1/cohorts/${cohort.id}`, { capacity: 6 }).expect(400);
      expect(res.body.fields).toEqual({ capacity: '7 participants are already confirmed: the cohort cannot have fewer seats.' });
      const [{ capacity }] = await db.query(`SELECT capacity FROM cohort WHERE id = $1`, [cohort.id]);
      expect(capacity).toBe(20);
      expect((await patch(`/api/v1/cohorts/${cohort.id}`, { capacity: 7 }).expect(200)).body.seatsLeft).toBe(0);
    });

    it('refuses with 409 to publish a cohort whose programme is a draft', async () => {
      const programme = await newProgramme(t, { slug: slug('luonnos'), status: 'draft' });
      const cohort = await newCohort(t, { programmeId: programme.id, status: 'draft' });
      const res = await patch(`/api/v1/cohorts/${cohort.id}`, { status: 'published' }).expect(409);
      expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', code: 'cohort.publish.programmeNotPublished', message: 'Publish the programme first, then its cohorts.' });
      const [{ status }] = await db.query(`SELECT status FROM cohort WHERE id = $1`, [cohort.id]);
      expect(status).toBe('draft');
    });
  });

  describe('sessions as admins change them', () => {
    it('adds a session to a cohort (201) and refuses one that overlaps another', async () => {
      const cohort = await newCohort(t);
      const res = await post(`/api/v1/cohorts/${cohort.id}/sessions`, { startsAt: '2027-06-08T13:00:00+03:00', endsAt: '2027-06-08T15:00:00+03:00', place: 'Verkossa' }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), startsAt: '2027-06-08T10:00:00.000Z', endsAt: '2027-06-08T12:00:00.000Z', status: 'scheduled', place: 'Verkossa', meetingLink: null, agenda: null });
      const shown = (await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body;
      expect([shown.sessionCount, shown.endsAt]).toEqual([4, '2027-06-08T12:00:00.000Z']);

      const overlap = await post(`/api/v1/cohorts/${cohort.id}/sessions`, { startsAt: '2027-06-08T14:00:00+03:00', endsAt: '2027-06-08T16:00:00+03:00' }).expect(400);
      expect(overlap.body.fields).toEqual({ startsAt: 'The session overlaps another session of the cohort.' });
      // As on the admin page, a session starting in the past is refused while the round has sessions to come.
      const past = await post(`/api/v1/cohorts/${cohort.id}/sessions`, { startsAt: '2026-11-03T09:00:00+02:00', endsAt: '2026-11-03T16:00:00+02:00' }).expect(400);
      expect(past.body.fields).toEqual({ startsAt: 'The session would start in the past. Check the date and time. Past sessions can only be recorded in a round whose sessions have all ended.' });
      const empty = await post(`/api/v1/cohorts/${cohort.id}/sessions`, {}).expect(400);
      expect(Object.keys(empty.body.fields).sort()).toEqual(['endsAt', 'startsAt']);
      await post(`/api/v1/cohorts/${randomUUID()}/sessions`, { startsAt: '2027-06-08T13:00:00+03:00', endsAt: '2027-06-08T15:00:00+03:00' }).expect(404);
      expect((await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body.sessionCount).toBe(4);
    });

    it('moves a session with PATCH, recording the move and its reason', async () => {
      const cohort = await newCohort(t);
      const [first] = (await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body.sessions;
      const res = await patch(`/api/v1/sessions/${first.id}`, { startsAt: '2027-03-17T10:00:00+02:00', endsAt: '2027-03-17T17:00:00+02:00', reason: 'Sali on varattu' }).expect(200);
      expect(res.body).toMatchObject({ id: first.id, startsAt: '2027-03-17T08:00:00.000Z', endsAt: '2027-03-17T15:00:00.000Z', status: 'scheduled' });

      const changes = await db.query(`SELECT kind, reason, previous_starts_at, starts_at FROM session_change WHERE session_id = $1 ORDER BY created_at`, [first.id]);
      expect(changes.map((c: { kind: string; reason: string | null; previous_starts_at: Date | null; starts_at: Date }) => [c.kind, c.reason, c.previous_starts_at?.toISOString() ?? null, c.starts_at.toISOString()])).toEqual([
        ['added', null, null, '2027-03-16T07:00:00.000Z'],
        ['moved', 'Sali on varattu', '2027-03-16T07:00:00.000Z', '2027-03-17T08:00:00.000Z'],
      ]);
      expect((await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body.startsAt).toBe('2027-03-17T08:00:00.000Z');

      const agenda = await patch(`/api/v1/sessions/${first.id}`, { agenda: 'Uusi ohjelma' }).expect(200);
      expect(agenda.body.agenda).toBe('Uusi ohjelma');
      expect(await count(`SELECT count(*)::int AS n FROM session_change WHERE session_id = $1`, [first.id])).toBe(2);

      const backwards = await patch(`/api/v1/sessions/${first.id}`, { endsAt: '2027-03-17T09:00:00+02:00' }).expect(400);
      expect(backwards.body.fields).toEqual({ endsAt: 'The session must end after it starts.' });
      const nothing = await patch(`/api/v1/sessions/${first.id}`, undefined).expect(400);
      expect(nothing.body.message).toBe('Nothing to change: send at least one field.');
      await patch('/api/v1/sessions/not-a-uuid', { agenda: 'x' }).expect(404);
    });

    it('cancels a session with a reason; a cancelled session can no longer be moved', async () => {
      const cohort = await newCohort(t);
      const [, second] = (await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body.sessions;
      const res = await post(`/api/v1/sessions/${second.id}/cancel`, { reason: 'Valmentaja sairastui' }).expect(200);
      expect(res.body).toMatchObject({ id: second.id, status: 'cancelled', startsAt: second.startsAt });
      const [change] = await db.query(`SELECT kind, reason FROM session_change WHERE session_id = $1 AND kind = 'cancelled'`, [second.id]);
      expect(change).toEqual({ kind: 'cancelled', reason: 'Valmentaja sairastui' });
      expect((await get(`/api/v1/cohorts/${cohort.id}`).expect(200)).body.sessionCount).toBe(2);

      const moved = await patch(`/api/v1/sessions/${second.id}`, { agenda: 'Myöhemmin' }).expect(409);
      expect(moved.body.code).toBe('session.edit.cancelled');
      await post(`/api/v1/sessions/${randomUUID()}/cancel`, {}).expect(404);
    });
  });

  describe('the next round', () => {
    it('copies a cohort 26 weeks on as a draft, keeping 9:00 Helsinki time across the daylight-saving change', async () => {
      const cohort = await newCohort(t, { capacity: 16 });
      const res = await post(`/api/v1/cohorts/${cohort.id}/copy`, { amount: 26, unit: 'weeks' }).expect(201);
      expect(res.body).toMatchObject({ status: 'draft', copiedFromId: cohort.id, term: '2027-autumn', name: 'Syksy 2027', capacity: 16 });
      expect(res.body.id).not.toBe(cohort.id);
      expect(res.body.sessions[0]).toMatchObject({ startsAt: '2027-09-14T06:00:00.000Z', endsAt: '2027-09-14T13:00:00.000Z' });
      expect(res.body.enrolmentOpensAt).toBe('2027-07-12T06:00:00.000Z');

      const named = await post(`/api/v1/cohorts/${cohort.id}/copy`, { amount: 1, unit: 'months', skipDaysOff: false, name: 'Huhtikuu' }).expect(201);
      expect(named.body).toMatchObject({ name: 'Huhtikuu', startsAt: '2027-04-16T06:00:00.000Z' });
    });

    it('refuses a shift out of range or in unknown units with 400', async () => {
      const cohort = await newCohort(t);
      const empty = await post(`/api/v1/cohorts/${cohort.id}/copy`, {}).expect(400);
      expect(empty.body.fields).toEqual({ amount: 'The shift must be 1–520 weeks or 1–120 months.', unit: 'The unit must be weeks or months.' });
      const tooFar = await post(`/api/v1/cohorts/${cohort.id}/copy`, { amount: 121, unit: 'months' }).expect(400);
      expect(tooFar.body.fields).toEqual({ amount: 'The shift must be 1–520 weeks or 1–120 months.' });
      await post(`/api/v1/cohorts/${randomUUID()}/copy`, { amount: 1, unit: 'weeks' }).expect(404);
      expect(await cohortsOf(cohort.programmeId)).toBe(1);
    });
  });

  describe('who may write', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const writes: [string, string, object | undefined][] = [
      ['POST', '/api/v1/programmes', {}],
      ['PATCH', `/api/v1/programmes/${id}`, undefined],
      ['POST', '/api/v1/cohorts', {}],
      ['PATCH', `/api/v1/cohorts/${id}`, undefined],
      ['POST', `/api/v1/cohorts/${id}/sessions`, {}],
      ['POST', `/api/v1/cohorts/${id}/copy`, {}],
      ['PATCH', `/api/v1/sessions/${id}`, undefined],
      ['POST', `/api/v1/sessions/${id}/cancel`, {}],
    ];

    it.each(writes)('%s %s answers 401 without a token and 403 to a person who is not an admin', async (method, url, body) => {
      const call = (token: string | null) => (method === 'POST' ? post(url, body ?? {}, token) : patch(url, body, token));
      const anonymous = await call(null).expect(401);
      expect(anonymous.body.message).toMatch(/Bearer/);
      await call(userToken).expect(403);
      await call('verso_not-a-real-token-at-all-000000000000').expect(401);
      // An admin gets as far as the body: refused for naming nothing, or (cancel takes an empty body) 404 for the unknown id.
      await call(adminToken).expect(url.endsWith('/cancel') ? 404 : 400);
    });

    it('stores nothing for a refused write', async () => {
      const programme = await newProgramme(t, { slug: slug('oikeudet') });
      await post('/api/v1/cohorts', cohortBody(programme.id), userToken).expect(403);
      await post('/api/v1/cohorts', cohortBody(programme.id), null).expect(401);
      expect(await cohortsOf(programme.id)).toBe(0);
    });
  });

  it('documents every route, its parameters and its refusals in the OpenAPI document', async () => {
    const doc = (await get('/api/docs/openapi.json').expect(200)).body;
    const operations = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(operations('/api/v1/programmes')).toEqual(['get', 'post']);
    expect(operations('/api/v1/programmes/{id}')).toEqual(['get', 'patch']);
    expect(operations('/api/v1/cohorts')).toEqual(['get', 'post']);
    expect(operations('/api/v1/cohorts/{id}')).toEqual(['get', 'patch']);
    expect(operations('/api/v1/cohorts/{id}/sessions')).toEqual(['post']);
    expect(operations('/api/v1/cohorts/{id}/copy')).toEqual(['post']);
    expect(operations('/api/v1/sessions/{id}')).toEqual(['patch']);
    expect(operations('/api/v1/sessions/{id}/cancel')).toEqual(['post']);

    const listParameters = doc.paths['/api/v1/cohorts'].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(listParameters).toEqual(['cursor', 'from', 'lang', 'limit', 'programme', 'status', 'term', 'to']);
    expect(Object.keys(doc.paths['/api/v1/cohorts'].post.responses).sort()).toEqual(['201', '400', '401', '403']);
    expect(Object.keys(doc.paths['/api/v1/cohorts/{id}'].patch.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(doc.paths['/api/v1/cohorts/{id}'].patch.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/cohorts/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/CohortDetailDto');
    expect(doc.components.schemas.SessionDto.properties.meetingLink.nullable).toBe(true);
    expect(Object.keys(doc.components.schemas.CreateCohortDto.properties)).toContain('sessions');
    expect(doc.components.schemas.CreateCohortDto.properties.reminderOffsets).toMatchObject({ type: 'array', example: ['14 d', '2 d', '2 h'] });
    expect(doc.components.schemas.CohortDetailDto.properties.reminderOffsets).toMatchObject({ type: 'array', items: { type: 'integer' } });
  });
});
