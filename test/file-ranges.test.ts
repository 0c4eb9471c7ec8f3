// Ranges and revalidation on /files/:id (issue 19), on the real PostgreSQL store: one byte range of a
// file (206 with Content-Range; 416 outside it; several ranges answered with the whole file), an
// ETag that is the content's SHA-256 with If-None-Match answered 304, and access checked before
// either. The stores' own ranges (PostgreSQL and S3) are in file-store.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { CHUNK_BYTES } from '../src/files/postgres-file-store';
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('file ranges and revalidation', () => {
  let t: TestApp;
  let aino: WebClient;
  let oskar: WebClient;
  let id: string;
  // Past two chunks, so ranges cross chunk boundaries.
  const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(CHUNK_BYTES * 2 + 5000)]);
  const etag = `"${createHash('sha256').update(content).digest('hex')}"`;

  beforeAll(async () => {
    t = await startTestApp();
    aino = await signIn(t, (await createUser(t, { displayName: 'Aino Äijälä' })).email);
    oskar = await signIn(t, (await createUser(t, { displayName: 'Oskar Öhman' })).email);
    const token = await aino.csrfToken('/files');
    const res = await t.http.post('/files').set('cookie', aino.cookieHeader()).field('_csrf', token).attach('file', content, { filename: 'työkirja.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(303);
    id = (await t.app.get(DataSource).query(`SELECT id FROM stored_file ORDER BY created_at DESC LIMIT 1`))[0].id;
  }, 60_000);
  afterAll(() => t?.close());

  const get = (headers: Record<string, string>, client: WebClient = aino): Promise<Response> => {
    const request = t.http.get(`/files/${id}`).set('cookie', client.cookieHeader());
    for (const [name, value] of Object.entries(headers)) request.set(name, value);
    return request.buffer(true).parse((res, done) => {
      const pieces: Buffer[] = [];
      res.on('data', (piece: Buffer) => pieces.push(piece));
      res.on('end', () => done(null, Buffer.concat(pieces)));
    });
  };

  it('serves the whole file with its ETag and Accept-Ranges', async () => {
    const res = await get({});
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(content)).toBe(true);
    expect(res.headers.etag).toBe(etag);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['cache-control']).toMatch(/^private/);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=1048000-1049999', 1_048_000, 1_049_999],
    [`bytes=${CHUNK_BYTES * 2}-`, CHUNK_BYTES * 2, content.length - 1],
    ['bytes=-500', content.length - 500, content.length - 1],
    [`bytes=-${content.length + 10}`, 0, content.length - 1],
    [`bytes=10-${content.length + 1000}`, 10, content.length - 1],
  ])('answers %s with 206 and exactly those bytes', async (range, start, end) => {
    const res = await get({ range });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${content.length}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect((res.body as Buffer).equals(content.subarray(start, end + 1))).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 416 with the size for a range outside the file', async () => {
    for (const range of [`bytes=${content.length}-`, `bytes=${content.length + 5}-${content.length + 10}`, 'bytes=-0']) {
      const res = await get({ range });
      expect({ range, status: res.status }).toEqual({ range, status: 416 });
      expect(res.headers['content-range']).toBe(`bytes */${content.length}`);
    }
  });

  it('answers several ranges, another unit or a range that does not parse with the whole file', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-2', 'bytes=abc']) {
      const res = await get({ range });
      expect({ range, status: res.status }).toEqual({ range, status: 200 });
      expect((res.body as Buffer).equals(content)).toBe(true);
    }
  });

  it('honours a range only under an If-Range naming this content', async () => {
    expect((await get({ range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    const other = await get({ range: 'bytes=0-9', 'if-range': '"another"' });
    expect(other.status).toBe(200);
    expect((other.body as Buffer).length).toBe(content.length);
  });

  it('answers 304 without the bytes when the browser has this content', async () => {
    for (const ifNoneMatch of [etag, `W/${etag}`, `"another", ${etag}`, '*']) {
      const res = await get({ 'if-none-match': ifNoneMatch });
      expect({ ifNoneMatch, status: res.status }).toEqual({ ifNoneMatch, status: 304 });
      expect(res.headers.etag).toBe(etag);
      expect((res.body as Buffer).length).toBe(0);
    }
    expect((await get({ 'if-none-match': '"another"' })).status).toBe(200);
  });

  it('checks access before a range or a 304', async () => {
    expect((await get({ range: 'bytes=0-9' }, oskar)).status).toBe(403);
    expect((await get({ 'if-none-match': etag }, oskar)).status).toBe(403);
    expect((await t.http.get(`/files/${id}`).set('range', 'bytes=0-9')).status).toBe(303);
  });
});
