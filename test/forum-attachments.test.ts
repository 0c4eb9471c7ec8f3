// Attachments in the talk (issue 19): files on a post through the multipart forms (without
// JavaScript) and the API, saved in the post's own transaction (a refused file or a sixth one
// stores neither post nor file), shown on the thread page (images as thumbnails), readable by
// whoever reads the thread while the post is live (404 once it is hidden or deleted), and changed
// on the edit page only within the edit window.
import sharp from 'sharp';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumsService } from '../src/forums/forums.service';
import { ModerationService } from '../src/forums/moderation.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

type User = Awaited<ReturnType<typeof createUser>>;
interface Upload {
  content: Buffer;
  filename: string;
  contentType: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const pdfUpload = (filename: string, text = filename): Upload => ({ content: pdf(text), filename, contentType: 'application/pdf' });

/** Handlebars escapes "=", "'" and "`" in text; a browser reads them back. */
const html = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const fieldError = (page: string, id: string) => html(new RegExp(`<p class="field__error" id="${id}-error">([^<]*)</p>`).exec(page)?.[1] ?? '');
const textarea = (page: string, id: string) => html(new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page)?.[1] ?? '');

/** One post's part of a thread page. */
function postSection(page: string, postId: string): string {
  const start = page.indexOf(`id="post-${postId}"`);
  if (start < 0) throw new Error(`No post ${postId} on the page`);
  return page.slice(start, page.indexOf('</article>', start));
}

describe('attachments in the talk', () => {
  let t: TestApp;
  let db: DataSource;
  let forums: ForumsService;
  let cohort: Cohort;
  let cohortChannel: string;
  let otherChannel: string;
  let general: string;
  let thread: string;
  let aino: User;
  let pekka: User;
  let fanni: User;
  let olli: User;
  let ada: User;
  let ainoWeb: WebClient;
  let pekkaWeb: WebClient;
  let fanniWeb: WebClient;
  let olliWeb: WebClient;
  let adaWeb: WebClient;
  let png: Buffer;

  const counts = async () =>
    (await db.query(`SELECT (SELECT count(*)::int FROM forum_post) AS posts, (SELECT count(*)::int FROM forum_thread) AS threads, (SELECT count(*)::int FROM stored_file) AS files,
       (SELECT count(*)::int FROM file_blob) AS blobs`))[0] as { posts: number; threads: number; files: number; blobs: number };
  const filesOf = async (postId: string): Promise<{ id: string; original_name: string; mime_type: string; position: number }[]> =>
    db.query(`SELECT id, original_name, mime_type, position FROM stored_file WHERE owner_kind = 'post' AND owner_id = $1 ORDER BY position`, [postId]);
  const newestPost = async (): Promise<string> => (await db.query(`SELECT id FROM forum_post ORDER BY created_at DESC LIMIT 1`))[0].id;

  /** A multipart form as a browser sends it, its files under the forms' `attachments` input. */
  const postMultipart = (client: WebClient, url: string, page: string, fields: Record<string, string>, uploads: Upload[]): Promise<Response> =>
    client.postMultipart(url, page, fields, uploads.map((upload) => ({ field: 'attachments', ...upload })));

  const reply = (client: WebClient, body: string, uploads: Upload[]) => postMultipart(client, `/threads/${thread}/posts`, `/threads/${thread}`, { body, language: 'fi' }, uploads);

  beforeAll(async () => {
    t = await startTestApp({ FORUM_EDIT_WINDOW_MINUTES: '30', FILE_MAX_MB: '1' });
    db = t.app.get(DataSource);
    forums = t.app.get(ForumsService);
    fanni = await createUser(t, { displayName: 'Sanna Fasilitaattori' });
    const open = { enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null };
    cohort = await newCohort(t, { name: 'Kevät 2027 – Liitteet', facilitatorEmails: [fanni.email], ...open });
    const other = await newCohort(t, { name: 'Syksy 2027 – Muut', ...open });
    aino = await createUser(t, { displayName: 'Aino Äijälä' });
    pekka = await createUser(t, { displayName: 'Pekka Korhonen' });
    olli = await createUser(t, { displayName: 'Oskar Öhman' });
    ada = await createUser(t, { displayName: 'Maija Ylläpitäjä', siteRole: 'admin' });
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(actorOf(aino), cohort.id);
    await enrolment.enrol(actorOf(pekka), cohort.id);
    await enrolment.enrol(actorOf(olli), other.id);
    const channels: { id: string; cohort_id: string | null; name: { fi: string } }[] = await db.query(`SELECT id, cohort_id, name FROM forum_channel`);
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
    otherChannel = channels.find((c) => c.cohort_id === other.id)!.id;
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    thread = (await forums.startThread(actorOf(fanni), cohortChannel, { title: 'Seinän laput', body: 'Jakakaa kuvat työpajasta.' }, 'fi')).threadId;
    [ainoWeb, pekkaWeb, fanniWeb, olliWeb, adaWeb] = await Promise.all([aino, pekka, fanni, olli, ada].map((user) => signIn(t, user.email)));
    png = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#e9c46a' } }).png().toBuffer();
  }, 60_000);

  afterAll(() => t?.close());

  it('takes a photo and a PDF with a reply, shows them on the thread page and serves them to the round', async () => {
    const res = await reply(ainoWeb, 'Kuva seinästä ja muistiinpanot.', [
      { content: png, filename: 'seinä.png', contentType: 'image/png' },
      pdfUpload('muistiinpanot.pdf'),
    ]);
    expect(res.status).toBe(303);
    const postId = new RegExp(`#post-(${UUID})$`).exec(res.headers.location)![1];
    const files = await filesOf(postId);
    expect(files.map((file) => [file.original_name, file.mime_type, file.position])).toEqual([
      ['seinä.png', 'image/png', 0],
      ['muistiinpanot.pdf', 'application/pdf', 1],
    ]);
    const [photo, notes] = files;
    const page = await pekkaWeb.get(`/threads/${thread}`);
    const post = postSection(page.text, postId);
    expect(post).toContain(`<a href="/files/${photo.id}"><img src="/files/${photo.id}/thumbnail" alt="seinä.png" loading="lazy"></a>`);
    expect(post).toMatch(new RegExp(`<a href="/files/${notes.id}">muistiinpanot.pdf</a> <span class="meta">\\(1 kB\\)</span>`));
    const thumbnail = await pekkaWeb.get(`/files/${photo.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    expect((await pekkaWeb.get(`/files/${notes.id}`)).status).toBe(200);
    expect((await fanniWeb.get(`/files/${photo.id}`)).status).toBe(200);
  });

  it('refuses a round’s attachment to a participant of another round (403) and asks a guest to sign in', async () => {
    await reply(ainoWeb, 'Vain meidän kierroksellemme.', [pdfUpload('oma.pdf')]);
    const [file] = await filesOf(await newestPost());
    expect((await olliWeb.get(`/files/${file.id}`)).status).toBe(403);
    expect((await olliWeb.get(`/threads/${thread}`)).status).toBe(403);
    const guest = await t.http.get(`/files/${file.id}`);
    expect(guest.status).toBe(303);
    expect(guest.headers.location).toBe(`/login?next=${encodeURIComponent(`/files/${file.id}`)}`);
    // The other round's own forum is theirs: a file there is readable to them, not to Aino.
    const theirs = await postMultipart(olliWeb, `/channels/${otherChannel}/threads`, `/channels/${otherChannel}/threads/new`, { title: 'Meidän kuvat', body: 'Tässä.', language: 'fi' }, [pdfUpload('heidän.pdf')]);
    expect(theirs.status).toBe(303);
    const [their] = await filesOf(await newestPost());
    expect((await olliWeb.get(`/files/${their.id}`)).status).toBe(200);
    expect((await ainoWeb.get(`/files/${their.id}`)).status).toBe(403);
  });

  it('hides a hidden post’s files (404 to participants and its moderator, shown to admins) and shows them again when unhidden', async () => {
    await reply(ainoWeb, 'Tämä piilotetaan.', [{ content: png, filename: 'piiloon.png', contentType: 'image/png' }]);
    const postId = await newestPost();
    const [file] = await filesOf(postId);
    expect((await pekkaWeb.get(`/files/${file.id}`)).status).toBe(200);
    await t.app.get(ModerationService).hidePost(actorOf(fanni), postId, 'Kuvassa näkyy henkilötietoja');
    expect((await pekkaWeb.get(`/files/${file.id}`)).status).toBe(404);
    expect((await pekkaWeb.get(`/files/${file.id}/thumbnail`)).status).toBe(404);
    expect((await fanniWeb.get(`/files/${file.id}`)).status).toBe(404);
    expect((await adaWeb.get(`/files/${file.id}`)).status).toBe(200);
    expect(postSection((await pekkaWeb.get(`/threads/${thread}`)).text, postId)).not.toContain(`/files/${file.id}`);
    await t.app.get(ModerationService).unhidePost(actorOf(fanni), postId);
    expect((await pekkaWeb.get(`/files/${file.id}`)).status).toBe(200);
  });

  it('hides a deleted post’s files: 404, the files kept with the post', async () => {
    await reply(ainoWeb, 'Tämä poistetaan.', [pdfUpload('poistuva.pdf')]);
    const postId = await newestPost();
    const [file] = await filesOf(postId);
    expect((await ainoWeb.post(`/posts/${postId}/delete`, { confirm: 'yes' }, { page: `/threads/${thread}` })).status).toBe(303);
    expect(await db.query(`SELECT deleted_at IS NOT NULL AS deleted FROM forum_post WHERE id = $1`, [postId])).toEqual([{ deleted: true }]);
    expect((await pekkaWeb.get(`/files/${file.id}`)).status).toBe(404);
    expect((await fanniWeb.get(`/files/${file.id}`)).status).toBe(404);
    expect(await filesOf(postId)).toHaveLength(1);
  });

  it('refuses six attachments with a message next to the field, the text kept and nothing stored', async () => {
    const before = await counts();
    const res = await reply(
      ainoWeb,
      'Kuusi tiedostoa on liikaa.',
      Array.from({ length: 6 }, (_, i) => pdfUpload(`liite-${i + 1}.pdf`, `kuusi ${i}`)),
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'reply-attachments')).toBe('Viestissä voi olla enintään 5 liitettä. Poista ylimääräiset ja lähetä uudelleen.');
    expect(textarea(res.text, 'reply-body')).toBe('Kuusi tiedostoa on liikaa.');
    expect(await counts()).toEqual(before);
  });

  it('refuses an HTML page renamed .pdf by its content, storing neither the post nor any file', async () => {
    const before = await counts();
    const res = await reply(ainoWeb, 'Lasku liitteenä.', [pdfUpload('ok.pdf'), { content: Buffer.from('<!doctype html><script>alert(1)</script>'), filename: 'lasku.pdf', contentType: 'application/pdf' }]);
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'reply-attachments')).toContain('Tiedoston sisällöstä ei tunnistettu sallittua tyyppiä');
    expect(await counts()).toEqual(before);
  });

  it('refuses a file under another name than the form’s, and a form whose files come before its CSRF token, storing nothing', async () => {
    const before = await counts();
    const token = await ainoWeb.csrfToken(`/threads/${thread}`);
    const send = () => t.http.post(`/threads/${thread}/posts`).set('cookie', ainoWeb.cookieHeader());
    const otherName = await send().field('_csrf', token).field('body', 'Väärä kenttä.').attach('file', pdf('väärä'), { filename: 'väärä.pdf', contentType: 'application/pdf' });
    expect(otherName.status).toBe(400);
    expect(html(otherName.text)).toContain('Väärä kenttä.');
    const fileFirst = await send().attach('attachments', pdf('ensin'), { filename: 'ensin.pdf', contentType: 'application/pdf' }).field('_csrf', token).field('body', 'Tiedosto ensin.');
    expect(fileFirst.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file past the size limit with 413 and the limit on the form, nothing stored', async () => {
    const before = await counts();
    const res = await reply(ainoWeb, 'Iso tiedosto.', [{ content: Buffer.concat([pdf('iso'), Buffer.alloc(1024 * 1024 + 10)]), filename: 'iso.pdf', contentType: 'application/pdf' }]);
    expect(res.status).toBe(413);
    expect(fieldError(res.text, 'reply-attachments')).toBe('Tiedosto on liian suuri: enimmäiskoko on 1 Mt.');
    expect(textarea(res.text, 'reply-body')).toBe('Iso tiedosto.');
    expect(await counts()).toEqual(before);
  });

  it('starts a thread with an attachment from the multipart form, skips an empty file input, and still takes the urlencoded forms', async () => {
    const started = await postMultipart(ainoWeb, `/channels/${general}/threads`, `/channels/${general}/threads/new`, { title: 'Työkirja', body: 'Työkirjan pohja.', language: 'fi' }, [pdfUpload('työkirja.pdf')]);
    expect(started.status).toBe(303);
    expect((await filesOf(await newestPost())).map((file) => file.original_name)).toEqual(['työkirja.pdf']);
    // A browser sends a file input left empty as a part with an empty file name and no bytes.
    const boundary = '----versoEmptyInput';
    const part = (headers: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; ${headers}\r\n\r\n${value}\r\n`;
    const raw = [
      part('name="_csrf"', await ainoWeb.csrfToken(`/threads/${thread}`)),
      part('name="body"', 'Ei liitettä tällä kertaa.'),
      part('name="language"', 'fi'),
      part('name="attachments"; filename=""\r\nContent-Type: application/octet-stream', ''),
      `--${boundary}--\r\n`,
    ].join('');
    const empty = await t.http
      .post(`/threads/${thread}/posts`)
      .set('cookie', ainoWeb.cookieHeader())
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(Buffer.from(raw));
    expect(empty.status).toBe(303);
    expect(await filesOf(await newestPost())).toEqual([]);
    expect((await ainoWeb.post(`/threads/${thread}/posts`, { body: 'Ilman liitteitä, urlencoded.' }, { page: `/threads/${thread}` })).status).toBe(303);
    expect((await ainoWeb.post(`/channels/${general}/threads`, { title: 'Ilman liitteitä', body: 'Teksti.' }, { page: `/channels/${general}/threads/new` })).status).toBe(303);
  });

  it('adds and removes attachments on the edit page within the edit window, and refuses after it', async () => {
    await reply(ainoWeb, 'Muokattava viesti.', [pdfUpload('eka.pdf'), pdfUpload('toka.pdf')]);
    const postId = await newestPost();
    const [first, second] = await filesOf(postId);
    const [{ blob_sha256: firstBlob }] = await db.query(`SELECT blob_sha256 FROM stored_file WHERE id = $1`, [first.id]);
    const form = await ainoWeb.get(`/posts/${postId}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text).toContain(`name="remove-${first.id}" value="yes"`);
    const edited = await postMultipart(ainoWeb, `/posts/${postId}/edit`, `/posts/${postId}/edit`, { body: 'Muokattu viesti.', language: 'fi', [`remove-${first.id}`]: 'yes' }, [
      { content: png, filename: 'uusi.png', contentType: 'image/png' },
    ]);
    expect(edited.status).toBe(303);
    const now = await filesOf(postId);
    expect(now.map((file) => file.original_name)).toEqual(['toka.pdf', 'uusi.png']);
    expect(now[0].id).toBe(second.id);
    expect(now[1].position).toBeGreaterThan(now[0].position);
    expect((await pekkaWeb.get(`/files/${first.id}`)).status).toBe(404);
    // The thread page shows the post's files as they are now (it asks only of posts that count some).
    const shown = postSection((await pekkaWeb.get(`/threads/${thread}`)).text, postId);
    expect([shown.includes('eka.pdf'), shown.includes('toka.pdf'), shown.includes('uusi.png')]).toEqual([false, true, true]);
    // Its bytes went with it, as no other file had them.
    expect(await db.query(`SELECT 1 FROM file_blob WHERE sha256 = $1`, [firstBlob])).toEqual([]);
    // Five in all at most: two kept and four more is one too many, and nothing changes.
    const tooMany = await postMultipart(ainoWeb, `/posts/${postId}/edit`, `/posts/${postId}/edit`, { body: 'Vielä lisää.', language: 'fi' }, [1, 2, 3, 4].map((i) => pdfUpload(`lisä-${i}.pdf`)));
    expect(tooMany.status).toBe(400);
    expect(fieldError(tooMany.text, 'post-attachments')).toContain('enintään 5 liitettä');
    expect((await filesOf(postId)).map((file) => file.original_name)).toEqual(['toka.pdf', 'uusi.png']);
    // After the window: refused as a text edit is, nothing removed or added.
    await db.query(`UPDATE forum_post SET created_at = now() - interval '2 hours' WHERE id = $1`, [postId]);
    const late = await postMultipart(ainoWeb, `/posts/${postId}/edit`, `/posts/${postId}/edit`, { body: 'Myöhässä.', language: 'fi', [`remove-${second.id}`]: 'yes' }, [pdfUpload('myöhässä.pdf')]);
    expect(late.status).toBe(409);
    expect(html(late.text)).toContain('Viestiä voi muokata 30 minuutin ajan');
    expect((await filesOf(postId)).map((file) => file.original_name)).toEqual(['toka.pdf', 'uusi.png']);
  });

  describe('over the API', () => {
    let ainoToken: string;
    let pekkaToken: string;
    const api = (token: string) => ({
      upload: (upload: Upload) => t.http.post('/api/v1/files').set('authorization', `Bearer ${token}`).attach('file', upload.content, { filename: upload.filename, contentType: upload.contentType }),
      reply: (body: object) => t.http.post(`/api/v1/threads/${thread}/posts`).set('authorization', `Bearer ${token}`).send(body),
      posts: () => t.http.get(`/api/v1/threads/${thread}/posts?limit=100`).set('authorization', `Bearer ${token}`),
    });

    beforeAll(async () => {
      const tokens = t.app.get(ApiTokensService);
      ainoToken = (await tokens.issue(aino.id, { name: 'attachments test' })).token;
      pekkaToken = (await tokens.issue(pekka.id, { name: 'attachments test' })).token;
    });

    it('uploads a file, then attaches it to a reply; the listings include it', async () => {
      const uploaded = await api(ainoToken).upload({ content: png, filename: 'wall.png', contentType: 'image/png' });
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toEqual({ id: expect.stringMatching(new RegExp(`^${UUID}$`)), name: 'wall.png', type: 'image/png', size: png.length });
      // Before it is attached, it is Aino's alone.
      expect((await pekkaWeb.get(`/files/${uploaded.body.id}`)).status).toBe(403);
      const posted = await api(ainoToken).reply({ body: 'Kuva rajapinnan kautta.', attachments: [uploaded.body.id] });
      expect([posted.status, posted.body.fields]).toEqual([201, undefined]);
      const expected = { id: uploaded.body.id, name: 'wall.png', type: 'image/png', size: png.length, url: `/files/${uploaded.body.id}`, thumbnailUrl: `/files/${uploaded.body.id}/thumbnail` };
      expect(posted.body.attachments).toEqual([expected]);
      const listing = await api(pekkaToken).posts();
      expect(listing.status).toBe(200);
      expect(listing.body.items.find((post: { id: string }) => post.id === posted.body.id).attachments).toEqual([expected]);
      expect((await pekkaWeb.get(`/files/${uploaded.body.id}`)).status).toBe(200);
      // A file given to a post after its upload (the API's way) shows on the thread page too.
      expect(postSection((await pekkaWeb.get(`/threads/${thread}`)).text, posted.body.id)).toContain(`<a href="/files/${uploaded.body.id}">`);
    });

    it('refuses someone else’s file id and six ids with 400, nothing stored', async () => {
      const pekkas = await api(pekkaToken).upload(pdfUpload('pekan.pdf'));
      expect(pekkas.status).toBe(201);
      const before = await counts();
      const stolen = await api(ainoToken).reply({ body: 'Pekan tiedosto.', attachments: [pekkas.body.id] });
      expect(stolen.status).toBe(400);
      expect(stolen.body.fields.attachments).toMatch(/only files you uploaded/i);
      const six = await api(ainoToken).reply({ body: 'Kuusi.', attachments: Array.from({ length: 6 }, () => pekkas.body.id) });
      expect(six.status).toBe(400);
      expect(six.body.fields.attachments).toBe('A message can have at most 5 attachments. Remove the extra ones and send again.');
      expect(await counts()).toEqual(before);
      expect((await db.query(`SELECT owner_kind FROM stored_file WHERE id = $1`, [pekkas.body.id]))[0].owner_kind).toBeNull();
    });

    it('refuses an upload without a file, or of a refused type, with 400', async () => {
      const none = await t.http.post('/api/v1/files').set('authorization', `Bearer ${ainoToken}`).send({});
      expect(none.status).toBe(400);
      expect(none.body.fields.file).toBeTruthy();
      const html = await api(ainoToken).upload({ content: Buffer.from('<!doctype html><script>alert(1)</script>'), filename: 'x.pdf', contentType: 'application/pdf' });
      expect(html.status).toBe(400);
      expect((await t.http.post('/api/v1/files').attach('file', pdf('x'), 'x.pdf')).status).toBe(401);
    });

    it('documents the upload and the attachments in the OpenAPI description', async () => {
      const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
      const upload = doc.paths['/api/v1/files'].post;
      expect(upload.tags).toEqual(['files']);
      expect(upload.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
      expect(Object.keys(upload.responses).sort()).toEqual(['201', '400', '401', '413']);
      expect(doc.components.schemas.NewReplyDto.properties.attachments).toMatchObject({ type: 'array', maxItems: 5 });
      expect(doc.components.schemas.PostDto.required).toContain('attachments');
    });
  });

  describe('the file count', () => {
    it('keeps every post’s file count equal to its files, through uploads, attaching, removing and a moved file', async () => {
      const miscounted = async () =>
        db.query(`SELECT p.id, p.file_count, (SELECT count(*)::int FROM stored_file f WHERE f.owner_kind = 'post' AND f.owner_id = p.id) AS files FROM forum_post p
                   WHERE p.file_count <> (SELECT count(*) FROM stored_file f WHERE f.owner_kind = 'post' AND f.owner_id = p.id)`);
      // The tests above uploaded with replies and threads, attached over the API, and removed on the edit page.
      expect((await db.query(`SELECT count(*)::int AS n FROM forum_post WHERE file_count > 0`))[0].n).toBeGreaterThan(2);
      expect(await miscounted()).toEqual([]);
      // A file moved from one post to another (no route does this; the count must follow any write).
      const [from, to] = (await db.query(`SELECT id FROM forum_post WHERE file_count >= 1 ORDER BY created_at LIMIT 2`)) as { id: string }[];
      await db.query(`UPDATE stored_file SET owner_id = $2 WHERE id = (SELECT id FROM stored_file WHERE owner_kind = 'post' AND owner_id = $1 LIMIT 1)`, [from.id, to.id]);
      expect(await miscounted()).toEqual([]);
      // A count can never go below zero.
      await expect(db.query(`UPDATE forum_post SET file_count = -1 WHERE id = $1`, [from.id])).rejects.toThrow(/forum_post_file_count_counted/);
    });
  });
});
