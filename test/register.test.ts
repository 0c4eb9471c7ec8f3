// The register of trained developers (/developers) as its readers meet it: signed-in people see the
// numbers per agency and the names of those who opted in; admins see every name; an agency contact
// sees every name of their own agency and downloads only its CSV; the filters refuse what names
// nothing, with the message at the field.
import { DataSource } from 'typeorm';
import { AgencyService } from '../src/identity/agency.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { adminId, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('the register of trained developers', () => {
  let t: TestApp;
  let db: DataSource;
  let vero: string;
  let tulli: string;
  let programmeId: string;
  let otherProgrammeId: string;
  let admin: WebClient;
  let visitor: WebClient;
  let contact: WebClient;
  let contactId: string;
  let aino: { id: string; email: string };
  let bertta: { id: string; email: string };

  const complete = async (userId: string, agencyId: string, cohortId: string, programme: string) => {
    await db.query(`INSERT INTO completion (programme_id, cohort_id, user_id, agency_id) VALUES ($1, $2, $3, $4)`, [programme, cohortId, userId, agencyId]);
  };
  const person = async (displayName: string, agencyId: string, listed: boolean) => {
    const user = await createUser(t, { displayName, agencyId });
    if (listed) await db.query(`UPDATE app_user SET listed_in_register = true WHERE id = $1`, [user.id]);
    return user;
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const agencies = t.app.get(AgencyService);
    await agencies.ensure(['Verohallinto', 'Tulli']);
    const ids = new Map((await agencies.list('fi')).map((a) => [a.name, a.id]));
    vero = ids.get('Verohallinto')!;
    tulli = ids.get('Tulli')!;
    const programme = await newProgramme(t);
    programmeId = programme.id;
    const other = await newProgramme(t, { title: { fi: 'Palvelumuotoilu', sv: 'Tjänstedesign', en: 'Service design' } });
    otherProgrammeId = other.id;
    const cohort = await newCohort(t, { programmeId });
    const otherCohort = await newCohort(t, { programmeId: otherProgrammeId });

    const ainoUser = await person('Aino Ahkera', vero, true);
    const berttaUser = await person('Bertta Berg', vero, false);
    const cecilia = await person('Cecilia Castrén', tulli, true);
    const daniel = await person('Daniel Dahl', tulli, false);
    const eero = await person('Eero Eskola', vero, true);
    aino = ainoUser;
    bertta = berttaUser;
    await complete(ainoUser.id, vero, cohort.id, programmeId);
    await complete(berttaUser.id, vero, cohort.id, programmeId);
    await complete(cecilia.id, tulli, cohort.id, programmeId);
    await complete(daniel.id, tulli, cohort.id, programmeId);
    await complete(eero.id, vero, otherCohort.id, otherProgrammeId);
    await db.query(
      `INSERT INTO historical_completion (person_name, email, agency_id, programme_id, year, import_id) VALUES ('Kalle Kaiku', 'kalle.kaiku@vero.fi', $1, $2, 2011, gen_random_uuid())`,
      [vero, programmeId],
    );

    const visitorUser = await createUser(t, { displayName: 'Ville Vierailija', agencyId: vero });
    const contactUser = await createUser(t, { displayName: 'Kaisa Yhteyshenkilö', agencyId: tulli });
    contactId = contactUser.id;
    await db.query(`INSERT INTO agency_contact (user_id, agency_id, granted_by_id) VALUES ($1, $2, $3)`, [contactUser.id, tulli, await adminId(t)]);
    const adminUser = await createUser(t, { siteRole: 'admin', displayName: 'Anna Admin' });
    admin = await signIn(t, adminUser.email);
    visitor = await signIn(t, visitorUser.email);
    contact = await signIn(t, contactUser.email);
  }, 60000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows a visitor from Verohallinto the opted-in names of their agency and the numbers, not the others', async () => {
    const res = await visitor.get(`/developers?agency=${vero}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Aino Ahkera');
    expect(res.text).toContain('Eero Eskola');
    expect(res.text).not.toContain('Bertta Berg');
    expect(res.text).not.toContain('Kalle Kaiku');
    // Four completions in Verohallinto (Aino, Bertta, Eero and the imported one), two by name.
    expect(res.text).toContain('Suorituksia 4, joista nimellä näet 2.');
    expect(res.text).not.toContain('Cecilia Castrén');
  });

  it('offers "check your own agency", which filters by the viewer’s agency', async () => {
    const res = await visitor.get('/developers');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/developers?agency&#x3D;${vero}"`);
    expect(res.text).toContain('Tarkista oman virastosi kehittäjät (Verohallinto)');
    // Unfiltered: every agency's listed people, and nobody else.
    expect(res.text).toContain('Cecilia Castrén');
    expect(res.text).not.toContain('Daniel Dahl');
  });

  it('filters by programme', async () => {
    const res = await visitor.get(`/developers?agency=${vero}&programme=${otherProgrammeId}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Eero Eskola');
    expect(res.text).not.toContain('Aino Ahkera');
    expect(res.text).toContain('Suorituksia 1, joista nimellä näet 1.');
  });

  it('refuses a filter that names no agency or programme, with the message at the field and no list', async () => {
    for (const query of ['agency=verohallinto', `agency=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, `programme=x'; DROP TABLE completion; --`, 'page=0', 'page=abc']) {
      const res = await visitor.get(`/developers?${query}`);
      expect(res.status).toBe(400);
      expect(res.text).toContain('field__error');
      expect(res.text).not.toContain('Aino Ahkera');
    }
    const res = await visitor.get('/developers?agency=nope');
    expect(res.text).toContain('Virastoa ei löydy. Valitse virasto luettelosta.');
  });

  it('sends a guest to the sign-in page', async () => {
    const res = await t.http.get('/developers');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('shows admins every name, the imported ones too, and lets them download any agency as CSV', async () => {
    const res = await admin.get(`/developers?agency=${vero}`);
    expect(res.text).toContain('Bertta Berg');
    expect(res.text).toContain('Kalle Kaiku');
    expect(res.text).toContain(`/developers.csv?agency&#x3D;${vero}`);
    const csv = await admin.get(`/developers.csv?agency=${vero}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Nimi;Sähköposti;Ohjelma;Ryhmä;Vuosi;Lähde;Näkyy muille');
    expect(lines).toContain(`Bertta Berg;${bertta.email};Kompleksisuus ja systeemiajattelu;Kevät 2027;2027;Verso;ei`);
    expect(lines).toContain(`Aino Ahkera;${aino.email};Kompleksisuus ja systeemiajattelu;Kevät 2027;2027;Verso;kyllä`);
    expect(lines).toContain('Kalle Kaiku;kalle.kaiku@vero.fi;Kompleksisuus ja systeemiajattelu;;2011;Tuotu vanhasta luettelosta;ei');
    expect(lines.some((line) => line.includes('Cecilia'))).toBe(false);
  });

  it('shows an agency contact every name of their own agency and only the listed of others', async () => {
    const own = await contact.get(`/developers?agency=${tulli}`);
    expect(own.text).toContain('Daniel Dahl');
    expect(own.text).toContain('Cecilia Castrén');
    const other = await contact.get(`/developers?agency=${vero}`);
    expect(other.text).toContain('Aino Ahkera');
    expect(other.text).not.toContain('Bertta Berg');
    expect(other.text).not.toContain('/developers.csv');
  });

  it('lets an agency contact download their own agency’s CSV and nobody else’s; others get 403', async () => {
    const own = await contact.get(`/developers.csv?agency=${tulli}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain('Daniel Dahl');
    expect((await contact.get(`/developers.csv?agency=${vero}`)).status).toBe(403);
    expect((await visitor.get(`/developers.csv?agency=${vero}`)).status).toBe(403);
    expect((await visitor.get('/developers.csv')).status).toBe(400);
    expect((await admin.get('/developers.csv?agency=nope')).status).toBe(400);
  });

  it('follows the person’s own setting on the profile page', async () => {
    const berttaClient = await signIn(t, bertta.email);
    // Not listed, she still sees herself, marked as not shown to others.
    expect((await berttaClient.get(`/developers?agency=${vero}`)).text).toMatch(/Bertta Berg <span class="meta">\(ei julkinen\)/);
    const profile = await berttaClient.get('/profile');
    expect(profile.text).toContain('id="register"');
    expect(profile.text).not.toMatch(/name="listed" value="1" checked/);
    const saved = await berttaClient.post('/profile/register', { listed: '1' }, { page: '/profile' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/profile?saved=register#register');
    expect((await visitor.get(`/developers?agency=${vero}`)).text).toContain('Bertta Berg');
    const bad = await berttaClient.post('/profile/register', { listed: 'maybe' }, { page: '/profile' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('profile-register-listed-error');
    // Unticked: the box is not sent at all.
    expect((await berttaClient.post('/profile/register', {}, { page: '/profile' })).status).toBe(303);
    expect((await visitor.get(`/developers?agency=${vero}`)).text).not.toContain('Bertta Berg');
  });

  it('lets an admin make someone an agency contact on their page, and take it away', async () => {
    const page = await admin.get(`/admin/users/${bertta.id}`);
    expect(page.text).toContain('Viraston yhteyshenkilö');
    const granted = await admin.post(`/admin/users/${bertta.id}/agency-contact`, { agencyId: vero }, { page: `/admin/users/${bertta.id}` });
    expect(granted.status).toBe(303);
    const berttaClient = await signIn(t, bertta.email);
    expect((await berttaClient.get(`/developers.csv?agency=${vero}`)).status).toBe(200);
    expect((await berttaClient.get(`/developers?agency=${vero}`)).text).toContain('Kalle Kaiku');
    const bad = await admin.post(`/admin/users/${bertta.id}/agency-contact`, { agencyId: 'nope' }, { page: `/admin/users/${bertta.id}` });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('user-contact-agency-error');
    const revoked = await admin.post(`/admin/users/${bertta.id}/agency-contact/revoke`, { agencyId: vero }, { page: `/admin/users/${bertta.id}` });
    expect(revoked.status).toBe(303);
    expect((await berttaClient.get(`/developers.csv?agency=${vero}`)).status).toBe(403);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM audit_log WHERE target_id = $1 AND action LIKE 'register.contact-%'`, [bertta.id]);
    expect(count).toBe(2);
    expect(contactId).toBeDefined();
  });

  it('shows the privacy page to anyone, with the retention period', async () => {
    const res = await t.http.get('/privacy');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Suoritukset säilytetään nimellä 10 vuotta ryhmän päättymisestä.');
    expect(res.text).toContain('href="/privacy"');
  });
});
