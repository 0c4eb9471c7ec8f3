// Issue 19's story on the demo platform, as a new user would play it through the pages: the demo
// holds the toolkit (the VALOA workbook, two assessment tools, three facilitation methods, two cases,
// as PDFs and links) and materials on its rounds; Sanna puts the workbook on the second session of
// her round and a link on the programme; Aino sees "Materiaalit: <weekday>" on her home page and
// downloads it; Oskar attaches a photo of the wall of sticky notes to his post; Juha tells the
// toolkit about an experiment, which Maija approves into the library, and Juha is told by mail.
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { DEMO_FACILITATOR, DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-data';
import { DemoLibraryService } from '../src/demo/demo-library.service';
import { signIn, WebClient } from './support/accounts';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const AINO = 'aino.virtanen@verohallinto.fi';
const OSKAR = 'oskar.ohman@maanmittauslaitos.fi';
const JUHA = 'juha.makela@tilastokeskus.fi';
const ADMIN = DEMO_USERS.find((person) => person.admin)!.email;
/** Sanna's online round, in which Aino and Oskar are. */
const PROGRAMME = 'dialogisuus-yhteiskehittelyssa';
const ROUND = 'Kevät 2027 – verkossa';

/** A photo of a wall of sticky notes: yellow, pink and green squares on a grey wall, as a real PNG. */
async function stickyNotesPhoto(): Promise<Buffer> {
  const note = (colour: string) => sharp({ create: { width: 90, height: 90, channels: 3, background: colour } }).png().toBuffer();
  const notes = await Promise.all(['#ffe66d', '#ff8fab', '#9be564', '#ffe66d', '#9be564', '#ff8fab'].map(note));
  return sharp({ create: { width: 640, height: 360, channels: 3, background: '#d9d9d9' } })
    .composite(notes.map((input, i) => ({ input, left: 40 + (i % 3) * 200, top: 40 + Math.floor(i / 3) * 160 })))
    .png()
    .toBuffer();
}

describe('materials and the toolkit, on the demo platform', () => {
  let t: TestApp;
  let db: DataSource;
  let sink: SmtpSink;
  let roundId: string;
  let sessionIds: string[];

  // The demo start registers the demo people (argon2), writes their discussions and the toolkit.
  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ DEMO_DATA: 'true', SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    const [round] = await db.query(`SELECT c.id FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE p.slug = $1 AND c.name = $2`, [PROGRAMME, ROUND]);
    roundId = round.id;
    sessionIds = (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [roundId])).map((row: { id: string }) => row.id);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('seeds the toolkit with its documents as PDFs, and materials on the rounds, once', async () => {
    const kinds = await db.query(
      `SELECT e.kind, count(*)::int AS entries, count(f.id)::int AS files FROM toolkit_entry e
         LEFT JOIN stored_file f ON f.owner_kind = 'toolkit' AND f.owner_id = e.id
        WHERE e.status = 'published' GROUP BY e.kind ORDER BY e.kind`,
    );
    expect(kinds).toEqual([
      { kind: 'assessment_tool', entries: 2, files: 1 },
      { kind: 'case_example', entries: 2, files: 2 },
      { kind: 'co_development_model', entries: 1, files: 0 },
      { kind: 'facilitation_method', entries: 3, files: 1 },
      { kind: 'workbook', entries: 1, files: 1 },
    ]);
    const library = await t.http.get('/toolkit');
    expect(library.status).toBe(200);
    expect(library.text).toContain('VALOA-työkirja');
    const [workbook] = await db.query(`SELECT f.id FROM stored_file f JOIN toolkit_entry e ON e.id = f.owner_id WHERE f.owner_kind = 'toolkit' AND e.kind = 'workbook'`);
    const download = await t.http.get(`/files/${workbook.id}`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect((download.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // Every upcoming demo round's first session has its pre-assignment.
    const [first] = await db.query(`SELECT m.kind, m.title->>'fi' AS title FROM material m WHERE m.session_id = $1`, [sessionIds[0]]);
    expect(first).toEqual({ kind: 'file', title: 'Ennakkotehtävä' });
    expect(await t.app.get(DemoLibraryService).seedIfNone()).toBe(0);
  });

  it('lets Sanna put the workbook on her round’s second session and a link on the programme, and Aino download it from her home page', async () => {
    const sanna = await signIn(t, DEMO_FACILITATOR, DEMO_PASSWORD);
    const [workbookFile] = await db.query(`SELECT f.id FROM stored_file f JOIN toolkit_entry e ON e.id = f.owner_id WHERE f.owner_kind = 'toolkit' AND e.kind = 'workbook'`);
    const workbook = (await t.http.get(`/files/${workbookFile.id}`)).body as Buffer;
    const added = await sanna.postMultipart(
      `/sessions/${sessionIds[1]}/materials`,
      `/sessions/${sessionIds[1]}/materials/new`,
      { titleFi: 'VALOA-työkirja', titleSv: 'VALOA-arbetsboken', noteFi: 'Tuo tulosteena tai avaa koneelta.', notify: 'yes' },
      [{ field: 'file', content: workbook, filename: 'VALOA-työkirja.pdf', contentType: 'application/pdf' }],
    );
    expect(added.status).toBe(303);
    const link = await sanna.postMultipart(`/programmes/${PROGRAMME}/materials`, `/programmes/${PROGRAMME}/materials/new`, {
      titleFi: 'Dialogin perusteet',
      url: 'https://fi.wikipedia.org/wiki/Dialogi',
    });
    expect(link.status).toBe(303);
    // The link is the programme's: anyone who may see the programme sees it, a guest too.
    expect((await t.http.get(`/programmes/${PROGRAMME}`)).text).toContain('https://fi.wikipedia.org/wiki/Dialogi');
    // The round was told, Aino in Finnish, once.
    expect((await sink.mailTo(AINO, /Uutta materiaalia/, 20_000)).subject).toContain('VALOA-työkirja');

    // The first day is behind the round (as it will be in March), so the second session is Aino's next.
    await db.query(`UPDATE cohort_session SET starts_at = now() - interval '7 days', ends_at = now() - interval '7 days' + interval '7 hours' WHERE id = $1`, [sessionIds[0]]);
    const aino = await signIn(t, AINO, DEMO_PASSWORD);
    const home = await aino.get('/');
    const [stored] = await db.query(`SELECT f.id FROM stored_file f JOIN material m ON m.id = f.owner_id WHERE f.owner_kind = 'material' AND m.session_id = $1`, [sessionIds[1]]);
    expect(home.text).toMatch(/Materiaalit: (maanantai|tiistai|keskiviikko|torstai|perjantai)/);
    expect(home.text).toContain(`/files/${stored.id}`);
    const download = await aino.get(`/files/${stored.id}`);
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, workbook)).toBe(0);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    // Riikka is not in this round: its materials are not hers.
    const riikka = await signIn(t, 'riikka.hakkinen@poliisi.fi', DEMO_PASSWORD);
    expect((await riikka.get(`/files/${stored.id}`)).status).toBe(403);
  });

  it('lets Oskar attach a photo of the wall of sticky notes to his post, shown as a thumbnail to his round', async () => {
    const [thread] = await db.query(
      `SELECT t.id FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id JOIN cohort c ON c.id = ch.cohort_id
        WHERE c.id = $1 ORDER BY t.created_at LIMIT 1`,
      [roundId],
    );
    const oskar = await signIn(t, OSKAR, DEMO_PASSWORD, 'sv');
    const photo = await stickyNotesPhoto();
    const posted = await oskar.postMultipart(`/threads/${thread.id}/posts`, `/threads/${thread.id}`, { body: 'Så här såg väggen ut efter övningen.', language: 'sv' }, [
      { field: 'attachments', content: photo, filename: 'lappvägg.png', contentType: 'image/png' },
    ]);
    expect(posted.status).toBe(303);
    const [file] = await db.query(`SELECT f.id, f.mime_type, f.thumbnail_sha256 IS NOT NULL AS thumbnail FROM stored_file f WHERE f.owner_kind = 'post' ORDER BY f.created_at DESC LIMIT 1`);
    expect(file).toMatchObject({ mime_type: 'image/png', thumbnail: true });
    // Aino is in the same round: she sees the thumbnail on the thread and opens the photo.
    const aino = await signIn(t, AINO, DEMO_PASSWORD);
    const page = await aino.get(`/threads/${thread.id}`);
    expect(page.text).toContain(`/files/${file.id}/thumbnail`);
    const thumbnail = await aino.get(`/files/${file.id}/thumbnail`);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumbnail.body as Buffer).metadata()).width).toBeLessThanOrEqual(320);
  });

  it('lets Juha tell the toolkit about an experiment, which Maija approves into the library, and tells Juha by mail', async () => {
    const juha: WebClient = await signIn(t, JUHA, DEMO_PASSWORD);
    const title = 'Kokeilu: hiljainen aloitus palaverissa';
    const submitted = await juha.postMultipart('/toolkit/cases', '/toolkit/cases/new', {
      title,
      description: 'Aloitimme jokaisen palaverin kolmen minuutin hiljaisella kirjoittamisella. **Kaikki** saivat äänensä kuuluviin.',
      'theme-dialogue': 'yes',
    });
    expect(submitted.status).toBe(303);
    const [entry] = await db.query(`SELECT id, status FROM toolkit_entry WHERE title->>'fi' = $1`, [title]);
    expect(entry.status).toBe('pending');
    expect((await t.http.get('/toolkit')).text).not.toContain(title);

    const maija = await signIn(t, ADMIN, DEMO_PASSWORD);
    expect((await maija.get('/admin/toolkit')).text).toContain(title);
    expect((await maija.post(`/admin/toolkit/${entry.id}/approve`, {}, { page: `/admin/toolkit/${entry.id}` })).status).toBe(303);
    expect((await t.http.get('/toolkit?kind=case_example')).text).toContain(title);
    const mail = await sink.mailTo(JUHA, /Kokeilusi on julkaistu/, 20_000);
    expect(mail.text).toContain(`/toolkit/${entry.id}`);
  });
});
