// Uploading and serving files (issue 19) through the web, on the real PostgreSQL store: the same
// content stored once, the headers a file is served with and to whom, refusals by content (not by
// name or declared type), the size limit in the reader's language, a cut upload leaving nothing,
// names made safe, thumbnails for images.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { FilesService } from '../src/files/files.service';
import { Actor } from '../src/access/capabilities';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('files', () => {
  let t: TestApp;
  let db: DataSource;
  let aino: WebClient;
  let oskar: WebClient;
  let ainoActor: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const a = await createUser(t, { displayName: 'Aino Äijälä' });
    ainoActor = actorOf(a);
    const o = await createUser(t, { displayName: 'Oskar Öhman' });
    aino = await signIn(t, a.email);
    oskar = await signIn(t, o.email);
  }, 60_000);
  afterAll(() => t?.close());

  const upload = (client: WebClient, content: Buffer, filename: string, contentType = 'application/octet-stream'): Promise<Response> =>
    client.postMultipart('/files', '/files', {}, [{ field: 'file', content, filename, contentType }]);

  const count = async (sql: string, parameters: unknown[] = []) => Number((await db.query(sql, parameters))[0].n);
  const newest = async () => (await db.query(`SELECT * FROM stored_file ORDER BY created_at DESC LIMIT 1`))[0];

  it('stores the same content once: one blob, two files', async () => {
    const content = Buffer.concat([PDF, randomBytes(16)]);
    expect((await upload(aino, content, 'työkirja.pdf', 'application/pdf')).status).toBe(303);
    expect((await upload(oskar, content, 'kopio.pdf')).status).toBe(303);
    const files = await db.query(`SELECT blob_sha256 FROM stored_file WHERE original_name IN ('työkirja.pdf', 'kopio.pdf')`);
    expect(files).toHaveLength(2);
    expect(files[0].blob_sha256).toBe(files[1].blob_sha256);
    expect(await count(`SELECT count(*) AS n FROM file_blob WHERE sha256 = $1`, [files[0].blob_sha256])).toBe(1);
    expect(await count(`SELECT count(DISTINCT n) AS n FROM file_chunk WHERE blob_key = $1`, [files[0].blob_sha256])).toBe(1);
  });

  it('serves a file to its uploader with safe headers, 403 to another person, sign-in to a guest, 404 for an unknown id', async () => {
    const content = Buffer.concat([PDF, randomBytes(16)]);
    await upload(aino, content, 'Sannan työkirja.pdf', 'application/pdf');
    const file = await newest();
    const res = await aino.get(`/files/${file.id}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body as Buffer).equals(content)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="Sannan tyokirja.pdf"; filename*=UTF-8''Sannan%20ty%C3%B6kirja.pdf`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Not sandboxed: browsers will not start their PDF viewer in a sandboxed document (files.view.ts).
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; object-src 'self';/);
    expect(res.headers['cache-control']).toMatch(/^private/);
    expect((await oskar.get(`/files/${file.id}`)).status).toBe(403);
    const guest = await t.http.get(`/files/${file.id}`);
    expect(guest.status).toBe(303);
    expect(guest.headers.location).toBe(`/login?next=${encodeURIComponent(`/files/${file.id}`)}`);
    expect((await aino.get('/files/7b4c1a52-1d0e-4c47-9d4c-0f3a1b2c3d4e')).status).toBe(404);
    expect((await aino.get('/files/not-an-id')).status).toBe(404);
  });

  it('serves what is not an image or PDF as a download', async () => {
    await upload(aino, Buffer.from('nimi;virasto\nAino;Verohallinto\n'), 'osallistujat.csv', 'text/csv');
    const file = await newest();
    const res = await aino.get(`/files/${file.id}`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; /);
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
  });

  it('lists the person’s uploads on their page', async () => {
    const page = await aino.get('/files');
    expect(page.status).toBe(200);
    expect(page.text).toContain('työkirja.pdf');
    expect(page.text).not.toContain('kopio.pdf');
  });

  describe('refuses by content, storing nothing', () => {
    let before: { files: number; blobs: number };
    beforeEach(async () => (before = { files: await count(`SELECT count(*) AS n FROM stored_file`), blobs: await count(`SELECT count(*) AS n FROM file_blob`) }));
    afterEach(async () => {
      expect(await count(`SELECT count(*) AS n FROM stored_file`)).toBe(before.files);
      expect(await count(`SELECT count(*) AS n FROM file_blob`)).toBe(before.blobs);
      expect(await count(`SELECT count(*) AS n FROM file_chunk WHERE blob_key LIKE 'upload-%'`)).toBe(0);
    });

    it('an executable renamed .pdf', async () => {
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(400)]);
      const res = await upload(aino, exe, 'ohjelma.pdf', 'application/pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Tämäntyyppisiä tiedostoja');
    });

    it('an HTML page renamed .pdf', async () => {
      const res = await upload(aino, Buffer.from('<!doctype html><script>alert(1)</script>'), 'lasku.pdf', 'application/pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Tiedoston sisällöstä ei tunnistettu sallittua tyyppiä');
    });

    it('an SVG with a script, as .svg or as .txt', async () => {
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      expect((await upload(aino, svg, 'kaavio.svg', 'image/svg+xml')).status).toBe(400);
      const asText = await upload(aino, svg, 'kaavio.txt', 'text/plain');
      expect(asText.status).toBe(400);
      expect(asText.text).toContain('Tiedosto ei ole tavallista tekstiä');
    });

    it('a declared type that disagrees with the content', async () => {
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();
      const res = await upload(aino, png, 'kuva.png', 'application/pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Tiedoston ilmoitettu tyyppi (application/pdf) ei vastaa sen sisältöä (image/png).');
      expect((await upload(aino, png, 'kuva.pdf')).text).toContain('Tiedoston pääte .pdf ei vastaa sen sisältöä (image/png).');
    });

    it('an empty file', async () => {
      const res = await upload(aino, Buffer.alloc(0), 'tyhjä.pdf', 'application/pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Tiedosto on tyhjä');
    });

    it('a file past the limit, with the limit named in the reader’s language', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(51 * 1024 * 1024)]);
      const fi = await upload(aino, big, 'iso.pdf', 'application/pdf');
      expect(fi.status).toBe(413);
      expect(fi.text).toContain('Tiedosto on liian suuri: enimmäiskoko on 50 Mt.');
      const english = new WebClient(t, 'en');
      english.cookies.set('lang', 'en');
      for (const [name, value] of aino.cookies) if (name !== 'lang') english.cookies.set(name, value);
      const en = await upload(english, big, 'big.pdf', 'application/pdf');
      expect(en.status).toBe(413);
      expect(en.text).toContain('The file is too large: the limit is 50 MB.');
    }, 60_000);

    it('an upload cut off halfway', async () => {
      const token = await aino.csrfToken('/files');
      const boundary = '----verso' + randomBytes(8).toString('hex');
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="kesken.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      );
      const total = head.length + 4 * 1024 * 1024;
      const address = t.app.getHttpServer().address() ?? (await new Promise((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', () => resolve(t.app.getHttpServer().address()))));
      const port = (address as { port: number }).port;
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`POST /files HTTP/1.1\r\nHost: localhost\r\nCookie: ${aino.cookieHeader()}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${total}\r\n\r\n`);
          socket.write(head);
          socket.write(Buffer.concat([PDF, randomBytes(2 * 1024 * 1024)]), () => setTimeout(() => (socket.destroy(), resolve()), 300));
        });
        socket.on('error', reject);
      });
      // The server notices the cut, fails the upload and rolls it back.
      for (let i = 0; i < 50 && (await count(`SELECT count(*) AS n FROM file_chunk WHERE blob_key LIKE 'upload-%'`)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));
    });
  });

  it('makes names safe: no path, no control characters, at most 200 characters with the extension kept', async () => {
    const content = () => Buffer.concat([PDF, randomBytes(8)]);
    expect((await upload(aino, content(), '../../etc/passwd.pdf', 'application/pdf')).status).toBe(303);
    expect((await newest()).original_name).toBe('passwd.pdf');
    const files = t.app.get(FilesService);
    const withNul = await files.upload(ainoActor, Readable.from([content()]), 'a\u0000b\u202e.pdf', 'application/pdf');
    expect(withNul.originalName).toBe('ab.pdf');
    const long = await files.upload(ainoActor, Readable.from([content()]), `${'ä'.repeat(300)}.pdf`, 'application/pdf');
    expect([...long.originalName]).toHaveLength(200);
    expect(long.originalName.endsWith('ää.pdf')).toBe(true);
    await expect(files.upload(ainoActor, Readable.from([content()]), '../\u0000', 'application/pdf')).rejects.toMatchObject({ fields: { file: 'files.name.empty' } });
  });

  it('makes a WebP thumbnail of at most 320 px for an image', async () => {
    for (const [format, name] of [['png', 'seinä.png'], ['jpeg', 'lappuja.jpg']] as const) {
      const image = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#e9c46a' } })[format]().toBuffer();
      expect((await upload(aino, image, name)).status).toBe(303);
      const file = await newest();
      expect(file.mime_type).toBe(format === 'png' ? 'image/png' : 'image/jpeg');
      const thumbnail = await aino.get(`/files/${file.id}/thumbnail`);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers['content-type']).toBe('image/webp');
      expect(thumbnail.headers['content-security-policy']).toBe("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
      expect(thumbnail.headers['content-disposition']).toMatch(/^inline; /);
      const meta = await sharp(Buffer.from(thumbnail.body as Buffer)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 213]);
      expect((await oskar.get(`/files/${file.id}/thumbnail`)).status).toBe(403);
    }
  });
});
