// Materials of programmes, rounds and sessions (issue 19) through the web, on the real PostgreSQL,
// file store, outbox and an SMTP server: a facilitator adds a file to a session, the round's people
// download it and nobody else does; replacing keeps the old version; removing takes the versions
// and their files; bad links, a missing title and a disguised executable are refused with nothing
// stored; the keepers order the list; the round's participants are told once each; a programme's
// material is public; the home page shows the next session's materials.
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort, newProgramme } from './support/catalogue';
import { outboxSettled } from './support/outbox';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const pdf = () => Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), randomBytes(32)]);

describe('materials', () => {
  let t: TestApp;
  let db: DataSource;
  let sink: SmtpSink;
  let sanna: WebClient;
  let aino: WebClient;
  let emma: WebClient;
  let oskar: WebClient;
  let maija: WebClient;
  let ainoEmail: string;
  let emmaEmail: string;
  let cohortId: string;
  let programmeSlug: string;
  let programmeId: string;
  let sessionIds: string[];

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    const admin = await createUser(t, { displayName: 'Maija Ylläpitäjä', siteRole: 'admin' });
    const facilitator = await createUser(t, { displayName: 'Sanna Fasilitaattori' });
    const a = await createUser(t, { displayName: 'Aino Äijälä', language: 'fi' });
    const e = await createUser(t, { displayName: 'Emma Ekström', language: 'sv' });
    const o = await createUser(t, { displayName: 'Oskar Öhman' });
    ainoEmail = a.email;
    emmaEmail = e.email;
    const programme = await newProgramme(t);
    programmeSlug = programme.slug;
    programmeId = programme.id;
    const cohort = await newCohort(t, { programmeId: programme.id, facilitatorEmails: [facilitator.email] });
    cohortId = cohort.id;
    for (const person of [a, e]) await t.app.get(EnrolmentService).enrolByEmail(actorOf(admin), cohort.id, person.email, null);
    sessionIds = (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id])).map((row: { id: string }) => row.id);
    [sanna, aino, emma, oskar, maija] = await Promise.all([signIn(t, facilitator.email), signIn(t, a.email), signIn(t, e.email, undefined, 'sv'), signIn(t, o.email), signIn(t, admin.email)]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const count = async (sql: string, parameters: unknown[] = []) => Number((await db.query(sql, parameters))[0].n);
  const materialCount = () => count(`SELECT count(*) AS n FROM material`);
  const fileCount = () => count(`SELECT count(*) AS n FROM stored_file`);
  const newestMaterial = async () => (await db.query(`SELECT * FROM material ORDER BY created_at DESC LIMIT 1`))[0];
  const versionsOf = async (materialId: string) => db.query(`SELECT * FROM material_version WHERE material_id = $1 ORDER BY version`, [materialId]);
  const sessionPage = (sessionId: string) => `/cohorts/${cohortId}/sessions/${sessionId}`;

  /** Posts the materials form as a browser does, its file under the form's `file` input. */
  const send = (client: WebClient, formPage: string, action: string, fields: Record<string, string>, file?: { content: Buffer; name: string; type?: string }): Promise<Response> =>
    client.postMultipart(action, formPage, fields, file ? [{ field: 'file', content: file.content, filename: file.name, contentType: file.type }] : []);

  const addToSession = (client: WebClient, sessionId: string, fields: Record<string, string>, file?: { content: Buffer; name: string; type?: string }) =>
    send(client, `/sessions/${sessionId}/materials/new`, `/sessions/${sessionId}/materials`, fields, file);

  it('lets the round’s facilitator add a file to a session, which its people download and outsiders do not', async () => {
    const content = pdf();
    const res = await addToSession(sanna, sessionIds[1], { titleFi: 'Työkirja', titleSv: 'Arbetsbok', noteFi: 'Tulosta ennen tapaamista.' }, { content, name: 'työkirja.pdf', type: 'application/pdf' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${sessionPage(sessionIds[1])}#materials-session`);
    const material = await newestMaterial();
    expect(material).toMatchObject({ session_id: sessionIds[1], kind: 'file', title: { fi: 'Työkirja', sv: 'Arbetsbok' } });
    const [version] = await versionsOf(material.id);
    expect(version).toMatchObject({ version: 1, url: null });

    const page = await aino.get(sessionPage(sessionIds[1]));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tapaamisen materiaalit');
    expect(page.text).toContain(`href="/files/${version.file_id}">Työkirja</a>`);
    expect(page.text).toContain('Tulosta ennen tapaamista.');
    expect(page.text).not.toContain('/materials/new');
    expect((await emma.get(sessionPage(sessionIds[1]))).text).toContain('>Arbetsbok</a>');
    expect((await sanna.get(sessionPage(sessionIds[1]))).text).toContain(`/sessions/${sessionIds[1]}/materials/new`);
    // The round's page leads to each session's page.
    expect((await aino.get(`/cohorts/${cohortId}`)).text).toContain(`href="${sessionPage(sessionIds[1])}"`);

    const download = await aino.get(`/files/${version.file_id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(download.body as Buffer).equals(content)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toMatch(/^inline; filename="tyokirja.pdf"/);

    expect((await oskar.get(`/files/${version.file_id}`)).status).toBe(403);
    expect((await oskar.get(sessionPage(sessionIds[1]))).text).not.toContain('Työkirja');
    const guest = await t.http.get(`/files/${version.file_id}`);
    expect(guest.status).toBe(303);
    expect(guest.headers.location).toBe(`/login?next=${encodeURIComponent(`/files/${version.file_id}`)}`);
    // Only the keepers add: a participant and an outsider are refused.
    expect((await aino.get(`/sessions/${sessionIds[1]}/materials/new`)).status).toBe(403);
    expect((await oskar.get(`/cohorts/${cohortId}/materials/new`)).status).toBe(403);
  });

  it('keeps the old version when a material is replaced, listed and still downloadable by the round', async () => {
    await addToSession(sanna, sessionIds[2], { titleFi: 'Arviointityökalu' }, { content: pdf(), name: 'arviointi-v1.pdf' });
    const material = await newestMaterial();
    const second = pdf();
    const res = await send(sanna, `/materials/${material.id}/replace`, `/materials/${material.id}/replace`, { titleFi: 'Arviointityökalu (päivitetty)' }, { content: second, name: 'arviointi-v2.pdf' });
    expect(res.status).toBe(303);
    const versions = await versionsOf(material.id);
    expect(versions.map((version: { version: number }) => version.version)).toEqual([1, 2]);
    const page = (await aino.get(sessionPage(sessionIds[2]))).text;
    expect(page).toContain(`href="/files/${versions[1].file_id}">Arviointityökalu (päivitetty)</a>`);
    expect(page).toContain('Aiemmat versiot (1)');
    expect(page).toContain(`href="/files/${versions[0].file_id}">arviointi-v1.pdf</a>`);
    expect(page).toContain('Sanna Fasilitaattori');
    const form = (await sanna.get(`/materials/${material.id}/replace`)).text;
    expect(form).toContain('arviointi-v1.pdf');
    expect(form).toContain('arviointi-v2.pdf');
    expect((await aino.get(`/files/${versions[0].file_id}`)).status).toBe(200);
    expect(Buffer.from((await aino.get(`/files/${versions[1].file_id}`)).body as Buffer).equals(second)).toBe(true);
    expect((await oskar.get(`/files/${versions[0].file_id}`)).status).toBe(403);
  });

  it('removes a material with its versions and their files, after asking', async () => {
    await addToSession(sanna, sessionIds[2], { titleFi: 'Poistettava' }, { content: pdf(), name: 'pois-v1.pdf' });
    const material = await newestMaterial();
    await send(sanna, `/materials/${material.id}/replace`, `/materials/${material.id}/replace`, { titleFi: 'Poistettava' }, { content: pdf(), name: 'pois-v2.pdf' });
    const fileIds = (await versionsOf(material.id)).map((version: { file_id: string }) => version.file_id);
    expect(await count(`SELECT count(*) AS n FROM stored_file WHERE id = ANY($1)`, [fileIds])).toBe(2);

    expect((await aino.post(`/materials/${material.id}/remove`, {}, { page: sessionPage(sessionIds[2]) })).status).toBe(403);
    const asked = await sanna.post(`/materials/${material.id}/remove`, {}, { page: sessionPage(sessionIds[2]) });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Poistetaanko materiaali?');
    expect(await count(`SELECT count(*) AS n FROM material WHERE id = $1`, [material.id])).toBe(1);

    const done = await sanna.post(`/materials/${material.id}/remove`, { confirm: 'yes' }, { page: sessionPage(sessionIds[2]) });
    expect(done.status).toBe(303);
    expect(await count(`SELECT count(*) AS n FROM material WHERE id = $1`, [material.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM material_version WHERE material_id = $1`, [material.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM stored_file WHERE id = ANY($1)`, [fileIds])).toBe(0);
    expect((await aino.get(`/files/${fileIds[0]}`)).status).toBe(404);
  });

  it.each([
    ['javascript:alert(1)', 'Anna verkko-osoite, joka alkaa http:// tai https://.'],
    ['ftp://tiedostot.example.fi/tyokirja.pdf', 'Anna verkko-osoite, joka alkaa http:// tai https://.'],
    [`https://example.fi/${'a'.repeat(3000)}`, 'Osoite on liian pitkä: enintään 2000 merkkiä.'],
  ])('refuses the link %#, says why next to it and stores nothing', async (url, message) => {
    const [materials, files] = [await materialCount(), await fileCount()];
    const res = await addToSession(sanna, sessionIds[0], { titleFi: 'Linkki', url });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<p class="field__error" id="material-url-error">${message}</p>`);
    expect(res.text).toContain('value="Linkki"');
    expect([await materialCount(), await fileCount()]).toEqual([materials, files]);
  });

  it('refuses a material without a Finnish title, keeping the input, and stores nothing (not even its file)', async () => {
    const [materials, files] = [await materialCount(), await fileCount()];
    const res = await addToSession(sanna, sessionIds[0], { titleSv: 'Arbetsbok', noteFi: 'Muistiinpano' }, { content: pdf(), name: 'nimeton.pdf' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<p class="field__error" id="material-title-fi-error">Anna materiaalille suomenkielinen otsikko.</p>');
    expect(res.text).toContain('value="Arbetsbok"');
    expect(res.text).toContain('>Muistiinpano</textarea>');
    expect([await materialCount(), await fileCount()]).toEqual([materials, files]);
  });

  it('refuses an executable renamed .pdf by its content: no material, no file', async () => {
    const [materials, files] = [await materialCount(), await fileCount()];
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(400)]);
    const res = await addToSession(sanna, sessionIds[0], { titleFi: 'Ohjelma' }, { content: exe, name: 'ohjelma.pdf', type: 'application/pdf' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="material-file-error"');
    expect(res.text).toContain('value="Ohjelma"');
    expect([await materialCount(), await fileCount()]).toEqual([materials, files]);
  });

  it('orders a round’s materials with the up and down buttons', async () => {
    const form = `/cohorts/${cohortId}/materials/new`;
    for (const title of ['Eka', 'Toka', 'Kolmas']) {
      expect((await send(sanna, form, `/cohorts/${cohortId}/materials`, { titleFi: title, url: `https://example.fi/${title}` })).status).toBe(303);
    }
    const order = async () => {
      const text = (await aino.get(`/cohorts/${cohortId}`)).text;
      return ['Eka', 'Toka', 'Kolmas'].sort((a, b) => text.indexOf(`>${a}</a>`) - text.indexOf(`>${b}</a>`));
    };
    expect(await order()).toEqual(['Eka', 'Toka', 'Kolmas']);
    const idOf = async (title: string) => (await db.query(`SELECT id FROM material WHERE cohort_id = $1 AND title->>'fi' = $2`, [cohortId, title]))[0].id;
    const move = async (title: string, direction: string) => sanna.post(`/materials/${await idOf(title)}/move`, { direction }, { page: `/cohorts/${cohortId}` });
    expect((await move('Kolmas', 'up')).status).toBe(303);
    expect(await order()).toEqual(['Eka', 'Kolmas', 'Toka']);
    expect((await move('Eka', 'up')).status).toBe(303);
    expect(await order()).toEqual(['Eka', 'Kolmas', 'Toka']);
    expect((await move('Eka', 'down')).status).toBe(303);
    expect(await order()).toEqual(['Kolmas', 'Eka', 'Toka']);
    expect((await move('Eka', 'sideways')).status).toBe(400);
    expect((await aino.post(`/materials/${await idOf('Eka')}/move`, { direction: 'up' }, { page: `/cohorts/${cohortId}` })).status).toBe(403);
    expect(await order()).toEqual(['Kolmas', 'Eka', 'Toka']);
  });

  it('tells each participant of the round once, in their language, when asked to', async () => {
    const before = sink.received.length;
    const res = await addToSession(sanna, sessionIds[1], { titleFi: 'Ennakkotehtävä', titleSv: 'Förhandsuppgift', url: 'https://example.fi/ennakko', notify: 'yes' });
    expect(res.status).toBe(303);
    const material = await newestMaterial();
    await outboxSettled(db);
    // A mail of its own per person and material: written again, the key keeps it one.
    const keys = (await db.query(`SELECT key FROM notification WHERE kind = 'material.added' AND payload->>'materialId' = $1 ORDER BY key`, [material.id])).map((row: { key: string }) => row.key);
    expect(keys).toHaveLength(2);
    const mails = sink.received.slice(before).filter((mail) => /Ennakkotehtävä|Förhandsuppgift/.test(mail.subject));
    const address = (mail: { to: string }) => /<([^>]+)>/.exec(mail.to)?.[1] ?? mail.to;
    expect(mails.map(address).sort()).toEqual([ainoEmail, emmaEmail].sort());
    const toAino = mails.find((mail) => mail.to.toLowerCase().includes(ainoEmail.toLowerCase()))!;
    expect(toAino.subject).toBe('Uutta materiaalia tapaamiseen 13.4.2027: Ennakkotehtävä');
    expect(toAino.text).toContain(`/cohorts/${cohortId}/sessions/${sessionIds[1]}`);
    expect(toAino.text).toContain('Sanna Fasilitaattori lisäsi materiaalin ”Ennakkotehtävä”');
    const toEmma = mails.find((mail) => mail.to.toLowerCase().includes(emmaEmail.toLowerCase()))!;
    expect(toEmma.subject).toBe('Nytt material till träffen 13.4.2027: Förhandsuppgift');

    // Without the tick, nobody is told.
    await addToSession(sanna, sessionIds[1], { titleFi: 'Hiljainen', url: 'https://example.fi/hiljainen' });
    await outboxSettled(db);
    expect(await count(`SELECT count(*) AS n FROM notification WHERE kind = 'material.added'`)).toBe(2);
  });

  it('shows a programme’s material to a guest on the programme page, and its file', async () => {
    const content = pdf();
    expect((await sanna.get(`/programmes/${programmeId}/materials/new`)).status).toBe(403);
    const res = await send(maija, `/programmes/${programmeSlug}/materials/new`, `/programmes/${programmeSlug}/materials`, { titleFi: 'VALOA-työkirja' }, { content, name: 'valoa.pdf' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/programmes/${programmeSlug}#materials-programme`);
    const [version] = await versionsOf((await newestMaterial()).id);
    const page = await t.http.get(`/programmes/${programmeSlug}`);
    expect(page.text).toContain('Ohjelman materiaalit');
    expect(page.text).toContain(`href="/files/${version.file_id}">VALOA-työkirja</a>`);
    const download = await t.http.get(`/files/${version.file_id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(download.body as Buffer).equals(content)).toBe(true);
  });

  it('shows the next session’s materials on the home page, with the weekday in the reader’s language', async () => {
    await addToSession(sanna, sessionIds[0], { titleFi: 'Ensimmäisen päivän kalvot', titleSv: 'Första dagens bilder', url: 'https://example.fi/kalvot' });
    const home = (await aino.get('/')).text;
    expect(home).toContain('Materiaalit: tiistai');
    expect(home).toContain('<a href="https://example.fi/kalvot" rel="noopener noreferrer">Ensimmäisen päivän kalvot</a>');
    const hem = (await emma.get('/')).text;
    expect(hem).toContain('Material för tisdag');
    expect(hem).toContain('Första dagens bilder');
    // Someone outside the round has no such session.
    expect((await oskar.get('/')).text).not.toContain('Ensimmäisen päivän kalvot');
  });
});
