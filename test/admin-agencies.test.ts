import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('admin page for agencies', () => {
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
  const newAgency = async (name: string): Promise<string> => (await db.query(`INSERT INTO agency (name) VALUES ($1) RETURNING id`, [name]))[0].id;
  const agencyNamed = async (name: string) => (await db.query(`SELECT id, name FROM agency WHERE lower(name) = lower($1)`, [name])) as { id: string; name: string }[];
  const agencyCount = async () => (await db.query(`SELECT count(*)::int AS n FROM agency`))[0].n as number;
  const audit = async (action: string) => db.query(`SELECT actor_user_id, target_id, details FROM audit_log WHERE action = $1`, [action]);
  /** Handlebars escapes "=" in attribute values; a browser reads it back. */
  const html = (text: string) => text.replace(/&#x3D;/g, '=');

  it('lists agencies as Finnish sorts them, with how many people each has', async () => {
    const tag = unique();
    const ids: Record<string, string> = {};
    for (const name of ['Örebro', 'Äänekoski', 'Zeta', 'Åland']) ids[name] = await newAgency(`${name} ${tag}`);
    await createUser(t, { agencyId: ids['Äänekoski'] });
    await createUser(t, { agencyId: ids['Äänekoski'] });
    const page = await adminClient.get('/admin/agencies');
    expect(page.status).toBe(200);
    const order = ['Zeta', 'Åland', 'Äänekoski', 'Örebro'].map((name) => page.text.indexOf(`<td>${name} ${tag}</td>`));
    expect(order.every((at) => at > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.text).toMatch(new RegExp(`<td>Äänekoski ${tag}</td>\\s*<td>2</td>`));
    expect(page.text).toMatch(new RegExp(`<td>Zeta ${tag}</td>\\s*<td>0</td>`));
  });

  it('adds an agency with its name trimmed, and logs who added it', async () => {
    const name = `Maanmittauslaitos ${unique()}`;
    const res = await adminClient.post('/admin/agencies', { name: `   ${name}  ` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/agencies?done=added');
    expect((await adminClient.get(res.headers.location)).text).toContain('Virasto lisätty.');
    const [agency] = await agencyNamed(name);
    expect(agency.name).toBe(name);
    expect(await audit('agency.added')).toContainEqual({ actor_user_id: admin.id, target_id: agency.id, details: { name } });
  });

  it('refuses a name another agency has in any case, next to the field, keeping the input and storing nothing', async () => {
    const name = `Tulli ${unique()}`;
    await newAgency(name);
    const before = await agencyCount();
    const res = await adminClient.post('/admin/agencies', { name: name.toUpperCase() });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="agency-add-name-error">Samanniminen virasto on jo olemassa.');
    expect(res.text).toContain(`value="${name.toUpperCase()}"`);
    expect(await agencyCount()).toBe(before);
  });

  it('refuses a blank, missing or too long name, or an unknown field, with 400, storing nothing', async () => {
    const before = await agencyCount();
    const blank = await adminClient.post('/admin/agencies', { name: '    ' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('id="agency-add-name-error">Viraston nimen pituus on 1–200 merkkiä.');
    expect((await adminClient.post('/admin/agencies', { name: 'x'.repeat(201) })).status).toBe(400);
    const unknown = await adminClient.post('/admin/agencies', { name: 'Ruokavirasto', id: '1' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('id: Tätä kenttää ei tunneta.');
    const missing = await adminClient.post('/admin/agencies', {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Kirjoita viraston nimi.');
    expect(await agencyCount()).toBe(before);
  });

  it('renames an agency, refusing a name another one has, next to that agency\'s field', async () => {
    const tag = unique();
    const id = await newAgency(`Tilastokeskus ${tag}`);
    await newAgency(`Ruokavirasto ${tag}`);
    const res = await adminClient.post(`/admin/agencies/${id}/rename`, { name: `Tilastokeskus Statistikcentralen ${tag}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/agencies?done=renamed');
    expect((await agencyNamed(`Tilastokeskus Statistikcentralen ${tag}`))[0]?.id).toBe(id);
    expect(await audit('agency.renamed')).toContainEqual({
      actor_user_id: admin.id,
      target_id: id,
      details: { from: `Tilastokeskus ${tag}`, to: `Tilastokeskus Statistikcentralen ${tag}` },
    });

    const taken = await adminClient.post(`/admin/agencies/${id}/rename`, { name: `ruokavirasto ${tag}` });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain(`id="agency-rename-${id}-error">Samanniminen virasto on jo olemassa.`);
    expect(taken.text).toContain(`value="ruokavirasto ${tag}"`);
    expect((await db.query(`SELECT name FROM agency WHERE id = $1`, [id]))[0].name).toBe(`Tilastokeskus Statistikcentralen ${tag}`);

    // Changing only the case of its own name is no clash with itself.
    expect((await adminClient.post(`/admin/agencies/${id}/rename`, { name: `TILASTOKESKUS STATISTIKCENTRALEN ${tag}` })).status).toBe(303);
    expect((await adminClient.post('/admin/agencies/00000000-0000-4000-8000-000000000000/rename', { name: 'Uusi' })).status).toBe(404);
    expect((await adminClient.post('/admin/agencies/not-a-uuid/rename', { name: 'Uusi' })).status).toBe(404);
  });

  it('merges an agency into another: its people move over and it is gone', async () => {
    const tag = unique();
    const duplicate = await newAgency(`Verohallinto (vanha) ${tag}`);
    const into = await newAgency(`Verohallinto ${tag}`);
    const movers = [await createUser(t, { agencyId: duplicate }), await createUser(t, { agencyId: duplicate })];
    const stayer = await createUser(t, { agencyId: into });

    const form = await adminClient.get(`/admin/agencies?merge=${duplicate}`);
    expect(html(form.text)).toContain(`action="/admin/agencies/${duplicate}/merge"`);

    const res = await adminClient.post(`/admin/agencies/${duplicate}/merge`, { into });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/agencies?done=merged');
    const agencies = await db.query(`SELECT id, agency_id FROM app_user WHERE id = ANY($1)`, [[...movers, stayer].map((u) => u.id)]);
    expect(agencies.map((row: { agency_id: string }) => row.agency_id)).toEqual([into, into, into]);
    expect(await db.query(`SELECT id FROM agency WHERE id = $1`, [duplicate])).toEqual([]);
    expect(await audit('agency.merged')).toContainEqual({
      actor_user_id: admin.id,
      target_id: into,
      details: { merged: { id: duplicate, name: `Verohallinto (vanha) ${tag}` }, into: { id: into, name: `Verohallinto ${tag}` }, usersMoved: 2 },
    });
  });

  it('refuses to merge an agency into itself or into one that does not exist, changing nothing', async () => {
    const tag = unique();
    const id = await newAgency(`Traficom ${tag}`);
    const person = await createUser(t, { agencyId: id });
    const itself = await adminClient.post(`/admin/agencies/${id}/merge`, { into: id });
    expect(itself.status).toBe(400);
    expect(itself.text).toContain('id="agency-merge-into-error">Virastoa ei voi yhdistää itseensä.');
    const nowhere = await adminClient.post(`/admin/agencies/${id}/merge`, { into: '00000000-0000-4000-8000-000000000000' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.text).toContain('id="agency-merge-into-error">Valitse listasta virasto');
    expect((await adminClient.post(`/admin/agencies/${id}/merge`, { into: 'not-a-uuid' })).status).toBe(400);
    expect((await adminClient.post('/admin/agencies/not-a-uuid/merge', { into: id })).status).toBe(404);
    expect((await agencyNamed(`Traficom ${tag}`))[0]?.id).toBe(id);
    expect((await db.query(`SELECT agency_id FROM app_user WHERE id = $1`, [person.id]))[0].agency_id).toBe(id);
  });

  it('answers 403 to a signed-in person who is not an admin and sends anonymous people to sign in, changing nothing', async () => {
    const tag = unique();
    const id = await newAgency(`Kela ${tag}`);
    const other = await newAgency(`Kela kopio ${tag}`);
    const person = await createUser(t);
    const client = await signIn(t, person.email);
    const anonymous = new WebClient(t);
    const forms: [string, Record<string, string>][] = [
      ['/admin/agencies', { name: `Uusi ${tag}` }],
      [`/admin/agencies/${id}/rename`, { name: `Uusi nimi ${tag}` }],
      [`/admin/agencies/${other}/merge`, { into: id }],
    ];
    expect((await client.get('/admin/agencies')).status).toBe(403);
    const toSignIn = await anonymous.get('/admin/agencies');
    expect([toSignIn.status, toSignIn.headers.location]).toEqual([303, '/login?next=%2Fadmin%2Fagencies']);
    for (const [path, form] of forms) {
      expect([path, (await client.post(path, form)).status]).toEqual([path, 403]);
      expect([path, (await anonymous.post(path, form)).status]).toEqual([path, 403]);
    }
    expect((await db.query(`SELECT name FROM agency WHERE id = ANY($1) ORDER BY name`, [[id, other]])).map((a: { name: string }) => a.name)).toEqual([`Kela ${tag}`, `Kela kopio ${tag}`]);
    expect(await agencyNamed(`Uusi ${tag}`)).toEqual([]);
  });
});
