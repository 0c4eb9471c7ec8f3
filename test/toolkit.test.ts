// The toolkit library (issue 19) through the web, on the real PostgreSQL, Redis and an SMTP sink: the
// library's filter and search, who sees what (a guest the published entries and their files, a
// pending case only its submitter and admins), cases from the field (refused without a title or
// with an executable, nothing stored), an admin's approval or decline with exactly one mail to the
// submitter in their language, and admins' curation of links and files.
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { ToolkitService } from '../src/toolkit/toolkit.service';
import { actorOf, createUser, signIn, UploadedFile, WebClient } from './support/accounts';
import { outboxSettled } from './support/outbox';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(400)]);

describe('the toolkit library', () => {
  let t: TestApp;
  let db: DataSource;
  let sink: SmtpSink;
  let maija: WebClient;
  let juha: WebClient;
  let aino: WebClient;
  let maijaActor: Actor;
  let juhaEmail: string;
  let toolkit: ToolkitService;
  let workbookId: string;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    toolkit = t.app.get(ToolkitService);
    const m = await createUser(t, { displayName: 'Maija Mäkinen', siteRole: 'admin' });
    const j = await createUser(t, { displayName: 'Juha Järvinen', language: 'en' });
    const a = await createUser(t, { displayName: 'Aino Äijälä' });
    maijaActor = actorOf(m);
    juhaEmail = j.email;
    maija = await signIn(t, m.email);
    juha = await signIn(t, j.email, undefined, 'en');
    aino = await signIn(t, a.email);

    workbookId = await toolkit.create(maijaActor, {
      kind: 'workbook',
      themes: ['leadership', 'collaborative'],
      title: { fi: 'VALOA-työkirja', sv: 'VALOA-arbetsboken' },
      description: { fi: 'Tiimin **yhteinen** työkirja 100 % valmiina.', sv: 'Teamets gemensamma arbetsbok.' },
      position: 0,
    });
    await toolkit.create(maijaActor, { kind: 'assessment_tool', themes: ['interaction_quality'], title: { fi: 'Vuorovaikutuksen itsearviointi' }, description: { fi: 'Kysely tiimille.' }, position: 0 });
    await toolkit.create(maijaActor, { kind: 'facilitation_method', themes: ['dialogue'], title: { en: 'Open space' }, description: { en: 'A dialogue_method for large groups.' }, position: 0 });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const titlesIn = (res: Response) => [...res.text.matchAll(/<h3><a href="\/toolkit\/[0-9a-f-]+">([^<]+)<\/a><\/h3>/g)].map((match) => match[1]);
  const count = async (sql: string, parameters: unknown[] = []) => Number((await db.query(sql, parameters))[0].n);

  /** A multipart form as the browser sends it, its files under the forms' `files` input. */
  const multipart = (client: WebClient, page: string, path: string, fields: Record<string, string>, files: Omit<UploadedFile, 'field'>[] = []): Promise<Response> =>
    client.postMultipart(path, page, fields, files.map((file) => ({ field: 'files', ...file })));

  const submitCase = (client: WebClient, fields: Record<string, string>, files: Omit<UploadedFile, 'field'>[] = []) =>
    multipart(client, '/toolkit/cases/new', '/toolkit/cases', fields, files);

  async function newestCaseOf(email: string) {
    return (await db.query(`SELECT e.* FROM toolkit_entry e JOIN person p ON p.id = e.submitted_by WHERE p.email = $1 ORDER BY e.created_at DESC LIMIT 1`, [email]))[0];
  }

  it('lists the published tools, filtered by kind and theme, and finds words in any language', async () => {
    const all = await t.http.get('/toolkit');
    expect(all.status).toBe(200);
    expect(titlesIn(all)).toEqual(['VALOA-työkirja', 'Vuorovaikutuksen itsearviointi', 'Open space']);
    expect(titlesIn(await t.http.get('/toolkit?kind=assessment_tool'))).toEqual(['Vuorovaikutuksen itsearviointi']);
    expect(titlesIn(await t.http.get('/toolkit?theme=dialogue'))).toEqual(['Open space']);
    const none = await t.http.get('/toolkit?kind=workbook&theme=dialogue');
    expect(titlesIn(none)).toEqual([]);
    expect(none.text).toContain('Rajausta vastaavia työkaluja ei löytynyt.');
    // Swedish text found from a Finnish page; the title shown is the reader's language's.
    expect(titlesIn(await t.http.get(`/toolkit?q=${encodeURIComponent('gemensamma')}`))).toEqual(['VALOA-työkirja']);
    expect(titlesIn(await t.http.get('/toolkit?q=VALOA').set('accept-language', 'sv'))).toEqual(['VALOA-arbetsboken']);
    // An English-only entry falls back to the language it has.
    expect(titlesIn(await t.http.get('/toolkit?q=open'))).toEqual(['Open space']);
    const unknown = await t.http.get('/toolkit?kind=spreadsheet');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('id="toolkit-kind-error">Valitse tyyppi luettelosta.');
  });

  it('takes % and _ in a search as themselves, and survives quotes, long text and NUL', async () => {
    expect(titlesIn(await t.http.get(`/toolkit?q=${encodeURIComponent('100 %')}`))).toEqual(['VALOA-työkirja']);
    expect(titlesIn(await t.http.get(`/toolkit?q=${encodeURIComponent('%')}`))).toEqual(['VALOA-työkirja']);
    expect(titlesIn(await t.http.get(`/toolkit?q=${encodeURIComponent('dialogue_method')}`))).toEqual(['Open space']);
    expect(titlesIn(await t.http.get(`/toolkit?q=${encodeURIComponent('dialogueXmethod')}`))).toEqual([]);
    for (const q of ["'; DROP TABLE toolkit_entry; --", 'x'.repeat(1000), 'a\u0000b', '\\', '_']) {
      const res = await t.http.get(`/toolkit?q=${encodeURIComponent(q)}`);
      expect(res.status).toBeLessThan(500);
    }
    expect(await count(`SELECT count(*) AS n FROM toolkit_entry`)).toBeGreaterThanOrEqual(3);
  });

  it('shows a published entry with its Markdown, files and links to a guest, who downloads its file', async () => {
    const upload = await multipart(maija, `/admin/toolkit/${workbookId}`, `/admin/toolkit/${workbookId}/files`, {}, [{ content: PDF, filename: 'valoa-tyokirja.pdf', contentType: 'application/pdf' }]);
    expect(upload.status).toBe(303);
    const link = await maija.post(`/admin/toolkit/${workbookId}/links`, { url: 'https://valoa.example.fi/tyokirja', label: 'VALOA verkossa' }, { page: `/admin/toolkit/${workbookId}` });
    expect(link.status).toBe(303);
    const page = await t.http.get(`/toolkit/${workbookId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>yhteinen</strong>');
    expect(page.text).toContain('VALOA verkossa');
    const fileId = /href="\/files\/([0-9a-f-]+)">valoa-tyokirja.pdf/.exec(page.text)?.[1];
    expect(fileId).toBeDefined();
    const download = await t.http.get(`/files/${fileId}`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
  });

  it('refuses a case without a title next to the field, keeping the input and storing nothing', async () => {
    const before = await count(`SELECT count(*) AS n FROM toolkit_entry`);
    const res = await submitCase(aino, { title: '   ', description: 'Kokeilimme **aamupalaveria** seisten.', 'theme-dialogue': 'yes', link1: 'https://esimerkki.fi/palaveri' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="case-title-error">Anna kokeilulle otsikko.');
    expect(res.text).toContain('Kokeilimme **aamupalaveria** seisten.</textarea>');
    expect(res.text).toContain('value="https://esimerkki.fi/palaveri"');
    expect(res.text).toMatch(/name="theme-dialogue" value="yes" checked/);
    expect(await count(`SELECT count(*) AS n FROM toolkit_entry`)).toBe(before);
  });

  it('refuses a link that is not a web address', async () => {
    const res = await submitCase(aino, { title: 'Kokeilu', description: '', link1: 'javascript:alert(1)' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="case-link1-error">Anna verkko-osoite, joka alkaa http:// tai https://.');
  });

  it('refuses a case with an executable renamed .pdf, storing no entry and no file', async () => {
    const [entries, files] = [await count(`SELECT count(*) AS n FROM toolkit_entry`), await count(`SELECT count(*) AS n FROM stored_file`)];
    const res = await submitCase(aino, { title: 'Työpajan tulokset' }, [
      { content: PDF, filename: 'tulokset.pdf', contentType: 'application/pdf' },
      { content: EXE, filename: 'liite.pdf', contentType: 'application/pdf' },
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="case-files-error"');
    expect(res.text).toContain('value="Työpajan tulokset"');
    expect(await count(`SELECT count(*) AS n FROM toolkit_entry`)).toBe(entries);
    expect(await count(`SELECT count(*) AS n FROM stored_file`)).toBe(files);
  });

  it('keeps a pending case to its submitter and admins: a guest is sent to sign in, others get 404, its file too', async () => {
    const res = await submitCase(aino, { title: 'Seisova palaveri', description: 'Lyhyempi palaveri.' }, [{ content: PDF, filename: 'muistio.pdf', contentType: 'application/pdf' }]);
    expect(res.status).toBe(303);
    const entry = await newestCaseOf((await db.query(`SELECT email FROM person WHERE display_name = 'Aino Äijälä'`))[0].email);
    expect(entry.status).toBe('pending');
    const [file] = await db.query(`SELECT id FROM stored_file WHERE owner_kind = 'toolkit' AND owner_id = $1`, [entry.id]);
    const guestPage = await t.http.get(`/toolkit/${entry.id}`);
    expect(guestPage.status).toBe(303);
    expect(guestPage.headers.location).toBe(`/login?next=${encodeURIComponent(`/toolkit/${entry.id}`)}`);
    const guestFile = await t.http.get(`/files/${file.id}`);
    expect(guestFile.status).toBe(303);
    expect((await juha.get(`/toolkit/${entry.id}`)).status).toBe(404);
    expect((await juha.get(`/files/${file.id}`)).status).toBe(404);
    expect((await aino.get(`/toolkit/${entry.id}`)).status).toBe(200);
    expect((await aino.get(`/files/${file.id}`)).status).toBe(200);
    expect((await maija.get(`/toolkit/${entry.id}`)).status).toBe(200);
    expect(titlesIn(await t.http.get('/toolkit'))).not.toContain('Seisova palaveri');
  });

  it('publishes Juha’s case when Maija approves it, and tells Juha once, in English', async () => {
    const res = await submitCase(juha, { title: 'Walking meetings', description: '### What we tried\nMeetings outdoors.', 'theme-human_centred': 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/my/toolkit-cases?submitted=1');
    const entry = await newestCaseOf(juhaEmail);
    expect(entry).toMatchObject({ status: 'pending', kind: 'case_example', themes: ['human_centred'] });
    expect(entry.title).toEqual({ en: 'Walking meetings' });
    expect(titlesIn(await t.http.get('/toolkit'))).not.toContain('Walking meetings');
    const mine = await juha.get('/my/toolkit-cases');
    expect(mine.text).toContain('Walking meetings');
    expect(mine.text).toContain('Waiting for approval');

    expect((await maija.get('/admin')).text).toMatch(/Hyväksyntää odottavia kokeiluja: [1-9]/);
    const queue = await maija.get('/admin/toolkit');
    expect(queue.text).toContain('Walking meetings');
    expect((await aino.post(`/admin/toolkit/${entry.id}/approve`, {}, { page: '/toolkit' })).status).toBe(403);
    const approved = await maija.post(`/admin/toolkit/${entry.id}/approve`, {}, { page: `/admin/toolkit/${entry.id}` });
    expect(approved.status).toBe(303);
    expect(titlesIn(await t.http.get('/toolkit?kind=case_example'))).toEqual(['Walking meetings']);
    // Deciding again is refused: the case is no longer waiting.
    expect((await maija.post(`/admin/toolkit/${entry.id}/approve`, {}, { page: `/admin/toolkit/${entry.id}` })).status).toBe(409);

    const mail = await sink.mailTo(juhaEmail, 'Your case is published');
    expect(mail.subject).toBe('Your case is published: Walking meetings');
    expect(mail.language).toBe('en');
    expect(mail.text).toContain(`/toolkit/${entry.id}`);
    await outboxSettled(db);
    expect(sink.mailsTo(juhaEmail)).toHaveLength(1);
  });

  it('declines a case with a note, which the submitter reads in the mail and on their list', async () => {
    await submitCase(juha, { title: 'Silent brainstorm', description: 'Post-its only.' });
    const entry = await newestCaseOf(juhaEmail);
    const noNote = await maija.post(`/admin/toolkit/${entry.id}/decline`, { body: '  ' }, { page: `/admin/toolkit/${entry.id}` });
    expect(noNote.status).toBe(400);
    expect(noNote.text).toContain('id="toolkit-decline-note-error"');
    const declined = await maija.post(`/admin/toolkit/${entry.id}/decline`, { body: 'Kerro vielä, mitä opitte.\nKiitos!' }, { page: `/admin/toolkit/${entry.id}` });
    expect(declined.status).toBe(303);
    expect((await db.query(`SELECT status, review_note FROM toolkit_entry WHERE id = $1`, [entry.id]))[0]).toEqual({ status: 'rejected', review_note: 'Kerro vielä, mitä opitte.\nKiitos!' });
    const mail = await sink.mailTo(juhaEmail, 'Your case was not published');
    expect(mail.text).toContain('Kerro vielä, mitä opitte.');
    expect((await juha.get('/my/toolkit-cases')).text).toContain('Kerro vielä, mitä opitte.');
    expect((await aino.get(`/toolkit/${entry.id}`)).status).toBe(404);
    expect((await juha.get(`/toolkit/${entry.id}`)).status).toBe(200);
  });

  it('lets only admins curate: a participant gets 403, an admin adds, orders and removes links and files', async () => {
    expect((await aino.get('/admin/toolkit')).status).toBe(403);
    const refused = await maija.post(`/admin/toolkit/${workbookId}/links`, { url: 'ftp://valoa.example.fi', label: '' }, { page: `/admin/toolkit/${workbookId}` });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="ftp://valoa.example.fi"');
    await maija.post(`/admin/toolkit/${workbookId}/links`, { url: 'https://video.example.fi/valoa', label: 'Video' }, { page: `/admin/toolkit/${workbookId}` });
    const links = async () => (await db.query(`SELECT id, label FROM toolkit_link WHERE entry_id = $1 ORDER BY position`, [workbookId])).map((l: { label: string }) => l.label);
    expect(await links()).toEqual(['VALOA verkossa', 'Video']);
    const [video] = await db.query(`SELECT id FROM toolkit_link WHERE entry_id = $1 AND label = 'Video'`, [workbookId]);
    expect((await maija.post(`/admin/toolkit/${workbookId}/links/${video.id}/move`, { direction: 'up' }, { page: `/admin/toolkit/${workbookId}` })).status).toBe(303);
    expect(await links()).toEqual(['Video', 'VALOA verkossa']);
    expect((await maija.post(`/admin/toolkit/${workbookId}/links/${video.id}/delete`, {}, { page: `/admin/toolkit/${workbookId}` })).status).toBe(303);
    expect(await links()).toEqual(['VALOA verkossa']);

    const [file] = await db.query(`SELECT id FROM stored_file WHERE owner_kind = 'toolkit' AND owner_id = $1`, [workbookId]);
    expect((await maija.post(`/admin/toolkit/${workbookId}/files/${file.id}/delete`, {}, { page: `/admin/toolkit/${workbookId}` })).status).toBe(303);
    expect(await count(`SELECT count(*) AS n FROM stored_file WHERE id = $1`, [file.id])).toBe(0);

    const created = await maija.post('/admin/toolkit', { kind: 'co_development_model', position: '', titleFi: '', titleSv: 'Samutveckling', titleEn: '', descriptionFi: '', descriptionSv: '', descriptionEn: '', 'theme-systemic': 'yes' }, { page: '/admin/toolkit/new' });
    expect(created.status).toBe(303);
    const id = /\/admin\/toolkit\/([0-9a-f-]+)\?done=created/.exec(created.headers.location)?.[1];
    expect(titlesIn(await t.http.get('/toolkit?theme=systemic'))).toEqual(['Samutveckling']);
    const untitled = await maija.post(`/admin/toolkit/${id}`, { kind: 'co_development_model', position: '0', titleFi: '', titleSv: '', titleEn: '', descriptionFi: 'Kuvaus', descriptionSv: '', descriptionEn: '' }, { page: `/admin/toolkit/${id}` });
    expect(untitled.status).toBe(400);
    expect(untitled.text).toContain('id="entry-title-fi-error"');
    expect(untitled.text).toContain('>Kuvaus</textarea>');
    expect((await maija.post(`/admin/toolkit/${id}/delete`, {}, { page: `/admin/toolkit/${id}` })).status).toBe(303);
    expect((await t.http.get(`/toolkit/${id}`)).status).toBe(404);
  });

  it('lists the published entries over the JSON API with the same filter, and documents it', async () => {
    const res = await t.http.get('/api/v1/toolkit?theme=leadership&lang=sv').expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ id: workbookId, kind: 'workbook', title: 'VALOA-arbetsboken', description: 'Teamets gemensamma arbetsbok.', links: [{ url: 'https://valoa.example.fi/tyokirja', label: 'VALOA verkossa' }] }),
    ]);
    expect((await t.http.get('/api/v1/toolkit?q=%25').expect(200)).body.items.map((item: { title: string }) => item.title)).toEqual(['VALOA-työkirja']);
    expect((await t.http.get('/api/v1/toolkit?kind=spreadsheet').expect(400)).body.fields.kind).toMatch(/^Unknown kind/);
    expect((await t.http.get(`/api/v1/toolkit?q=${'x'.repeat(201)}`).expect(400)).body.fields.q).toMatch(/at most 200/);
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/v1/toolkit'])).toEqual(['get']);
    expect(doc.paths['/api/v1/toolkit'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['kind', 'lang', 'q', 'theme']);
  });
});
