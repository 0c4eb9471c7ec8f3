import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createUser, signIn, WebClient } from './support/accounts';
import { newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('admin pages for programmes', () => {
  let t: TestApp;
  let db: DataSource;
  let adminClient: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const admin = await createUser(t, { siteRole: 'admin', displayName: 'Ylläpitäjä Ylli' });
    adminClient = await signIn(t, admin.email);
  });
  afterAll(() => t.close());

  const unique = () => randomBytes(3).toString('hex');
  const programmeCount = async () => (await db.query(`SELECT count(*)::int AS n FROM programme`))[0].n as number;
  const programmeBySlug = async (slug: string) => (await db.query(`SELECT id, slug, title, summary, description, theme, position, status FROM programme WHERE slug = $1`, [slug]))[0];
  const form = (slug: string, overrides: Record<string, string> = {}): Record<string, string> => ({
    slug,
    titleFi: 'Dialogisuus yhteiskehittelyssä',
    titleSv: '',
    titleEn: 'Dialogue in co-development',
    summaryFi: 'Dialogin taidot yhteiskehittelyyn.',
    summarySv: '',
    summaryEn: '',
    descriptionFi: 'Valmennus **dialogiin**.',
    descriptionSv: '',
    descriptionEn: '',
    theme: 'dialogue',
    position: '2',
    facilitatorEmails: '',
    ...overrides,
  });

  it('creates a programme through the form as a draft and lists it with its status', async () => {
    const slug = `dialogi-${unique()}`;
    const facilitator = await createUser(t, { displayName: 'Åsa Öhman' });
    const res = await adminClient.post('/admin/programmes', form(slug, { facilitatorEmails: `  ${facilitator.email.toUpperCase()} ,` }));
    expect(res.status).toBe(303);
    const stored = await programmeBySlug(slug);
    expect(res.headers.location).toBe(`/admin/programmes/${stored.id}?done=created`);
    expect(stored).toMatchObject({
      status: 'draft',
      title: { fi: 'Dialogisuus yhteiskehittelyssä', en: 'Dialogue in co-development' },
      summary: { fi: 'Dialogin taidot yhteiskehittelyyn.' },
      description: { fi: 'Valmennus **dialogiin**.' },
      theme: 'dialogue',
      position: 2,
    });
    expect(await db.query(`SELECT user_id FROM programme_facilitator WHERE programme_id = $1`, [stored.id])).toEqual([{ user_id: facilitator.id }]);

    const page = await adminClient.get(res.headers.location);
    expect(page.text).toContain('Ohjelma luotu luonnoksena.');
    expect(page.text).toContain(`value="${slug}"`);
    expect(page.text).toContain(facilitator.email);

    const list = await adminClient.get('/admin/programmes');
    expect(list.status).toBe(200);
    expect(list.text).toMatch(new RegExp(`<a href="/admin/programmes/${stored.id}">Dialogisuus yhteiskehittelyssä</a></td>\\s*<td>${slug}</td>\\s*<td>Dialogisuus</td>\\s*<td><span class="status status--draft">Luonnos</span></td>\\s*<td>0</td>`));
  });

  it('refuses a slug another programme has, next to the slug, keeping the input and storing nothing', async () => {
    const { slug } = await newProgramme(t);
    const before = await programmeCount();
    const res = await adminClient.post('/admin/programmes', form(slug, { titleFi: 'Ennakointi osana organisaation toimintaa' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="programme-slug-error">Tämä osoitetunnus on jo toisen ohjelman käytössä.');
    expect(res.text).toContain(`value="${slug}"`);
    expect(res.text).toContain('value="Ennakointi osana organisaation toimintaa"');
    expect(await programmeCount()).toBe(before);
  });

  it('refuses a malformed slug, missing Finnish texts, unknown facilitators and unknown fields, storing nothing', async () => {
    const before = await programmeCount();
    const bad = await adminClient.post('/admin/programmes', form('Ei Kelpaa', { titleFi: '', summaryFi: '', descriptionFi: '' }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="programme-slug-error">Käytä osoitetunnuksessa vain pieniä kirjaimia');
    expect(bad.text).toContain('id="programme-title-fi-error">Kirjoita ohjelman nimi suomeksi.');
    expect(bad.text).toContain('id="programme-summary-fi-error">Kirjoita tiivistelmä suomeksi.');
    expect(bad.text).toContain('id="programme-description-fi-error">Kirjoita kuvaus suomeksi.');
    expect(bad.text).toContain('value="Dialogue in co-development"');

    const nobody = await adminClient.post('/admin/programmes', form(`ohjelma-${unique()}`, { facilitatorEmails: 'ei.ole@example.fi' }));
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain('id="programme-facilitators-error">Näillä sähköpostiosoitteilla ei ole käyttäjätiliä: ei.ole@example.fi');

    const unknown = await adminClient.post('/admin/programmes', { ...form(`ohjelma-${unique()}`), accessMatrixProbe: '1' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
    expect(await programmeCount()).toBe(before);
  });

  it('edits a programme, and lists its rounds of every status with a link to schedule one', async () => {
    const programme = await newProgramme(t);
    const draft = await newCohort(t, { programmeId: programme.id, status: 'draft', name: 'Syksy 2027 – verkossa' });
    const published = await newCohort(t, { programmeId: programme.id, name: 'Kevät 2027' });
    const page = await adminClient.get(`/admin/programmes/${programme.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<a href="/admin/cohorts/${draft.id}">Syksy 2027 – verkossa</a>`);
    expect(page.text).toContain(`<a href="/admin/cohorts/${published.id}">Kevät 2027</a>`);
    expect(page.text).toContain(`href="/admin/programmes/${programme.id}/cohorts/new"`);

    const slug = `komplexitet-${unique()}`;
    const res = await adminClient.post(`/admin/programmes/${programme.id}`, form(slug, { titleSv: 'Dialog i samutveckling', theme: 'other' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/programmes/${programme.id}?done=saved`);
    expect(await programmeBySlug(slug)).toMatchObject({ id: programme.id, title: { fi: 'Dialogisuus yhteiskehittelyssä', sv: 'Dialog i samutveckling', en: 'Dialogue in co-development' }, theme: 'other' });

    const refused = await adminClient.post(`/admin/programmes/${programme.id}`, form(slug, { theme: 'cooking' }));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="programme-theme-error">Valitse teema listasta.');
    expect((await programmeBySlug(slug)).theme).toBe('other');
  });

  it('publishes and archives a programme, refusing to archive one with upcoming published rounds (409, reason shown)', async () => {
    const programme = await newProgramme(t, { status: 'draft' });
    const publish = await adminClient.post(`/admin/programmes/${programme.id}/status`, { status: 'published' });
    expect(publish.status).toBe(303);
    expect(publish.headers.location).toBe(`/admin/programmes/${programme.id}?done=status`);
    await newCohort(t, { programmeId: programme.id });

    const archive = await adminClient.post(`/admin/programmes/${programme.id}/status`, { status: 'archived' });
    expect(archive.status).toBe(409);
    expect(archive.text).toContain('Ohjelmalla on 1 julkaistua tulevaa ryhmää: peru tai päätä ne ensin.');
    expect((await db.query(`SELECT status FROM programme WHERE id = $1`, [programme.id]))[0].status).toBe('published');

    const unknown = await adminClient.post(`/admin/programmes/${programme.id}/status`, { status: 'deleted' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Valitse tila painikkeilla.');
  });

  it('refuses every form with only an unknown field, changing nothing', async () => {
    const programme = await newProgramme(t, { status: 'draft' });
    const before = await programmeCount();
    for (const path of ['/admin/programmes', `/admin/programmes/${programme.id}`, `/admin/programmes/${programme.id}/status`]) {
      const res = await adminClient.post(path, { accessMatrixProbe: '1' });
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.text).toContain('accessMatrixProbe: Tätä kenttää ei tunneta.');
    }
    expect(await programmeCount()).toBe(before);
    expect(await programmeBySlug(programme.slug)).toMatchObject({ status: 'draft', title: programme.title });
  });

  it('answers 404 for a programme id that is unknown or not an id', async () => {
    expect((await adminClient.get('/admin/programmes/not-a-uuid')).status).toBe(404);
    expect((await adminClient.get('/admin/programmes/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await adminClient.post('/admin/programmes/not-a-uuid/status', { status: 'published' })).status).toBe(404);
  });

  it('answers 403 to a signed-in person who is not an admin and sends anonymous people to sign in, changing nothing', async () => {
    const programme = await newProgramme(t, { status: 'draft' });
    const person = await createUser(t);
    const client = await signIn(t, person.email);
    const anonymous = new WebClient(t);
    for (const path of ['/admin/programmes', '/admin/programmes/new', `/admin/programmes/${programme.id}`]) {
      expect([path, (await client.get(path)).status]).toEqual([path, 403]);
      const toSignIn = await anonymous.get(path);
      expect([path, toSignIn.status, toSignIn.headers.location]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
    const forms: [string, Record<string, string>][] = [
      ['/admin/programmes', form(`ohjelma-${unique()}`)],
      [`/admin/programmes/${programme.id}`, form(`ohjelma-${unique()}`)],
      [`/admin/programmes/${programme.id}/status`, { status: 'published' }],
    ];
    const before = await programmeCount();
    for (const [path, body] of forms) {
      expect([path, (await client.post(path, body)).status]).toEqual([path, 403]);
      expect([path, (await anonymous.post(path, body)).status]).toEqual([path, 403]);
    }
    expect(await programmeCount()).toBe(before);
    expect((await db.query(`SELECT status, slug FROM programme WHERE id = $1`, [programme.id]))[0]).toEqual({ status: 'draft', slug: programme.slug });
  });
});
