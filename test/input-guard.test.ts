// Where input enters (src/web/input-guard.ts, src/web/request-safety.ts, src/web/api/cursor.ts):
// text PostgreSQL cannot hold or a person would not mean is refused with 400 and a message naming
// the field, before any route sees it, and nothing is stored; refusals made before routing are the
// app's own page in the reader's language; personal answers are kept out of caches.
import Fastify from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { encodeCursor } from '../src/web/api/cursor';
import { translate } from '../src/i18n/i18n';
import { isMultiLineField, jsonDepth, parseFormText } from '../src/web/input-guard';
import { registerRequestSafety } from '../src/web/request-safety';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('the input guard', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const users = async () => (await db.query(`SELECT count(*)::int AS n FROM app_user`))[0].n as number;
  const register = (body: Record<string, unknown>) => t.http.post('/api/v1/auth/register').send(body);
  const person = (extra: Record<string, unknown> = {}) => ({ displayName: 'Aino Äijälä', email: `aino-${Math.random().toString(36).slice(2)}@verohallinto.fi`, password: 'Kevät-ryhmä-2027-x', language: 'fi', ...extra });

  it('refuses U+0000 in a JSON body, a form, a query string, a path and a cookie, naming the field, and stores nothing', async () => {
    const before = await users();
    const json = await register(person({ displayName: 'Aino\u0000' })).expect(400);
    expect(json.body.fields).toEqual({ displayName: 'The field “displayName” contains a null character (U+0000), which cannot be saved.' });

    const browser = new WebClient(t);
    const form = await browser.post('/register', { displayName: 'Aino\u0000', email: 'aino.nul@verohallinto.fi', password: TEST_PASSWORD, language: 'fi' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('Kenttä ”displayName” sisältää nollamerkin');

    const me = await createUser(t);
    const signedIn = await signIn(t, me.email);
    expect((await signedIn.get('/search?q=verkosto%00')).status).toBe(400);
    expect((await t.http.get('/programmes/kompleksisuus%00')).status).toBe(400);
    const cookie = await t.http.get('/').set('cookie', 'lang=%00fi');
    expect(cookie.status).toBe(400);
    expect((cookie.headers['set-cookie'] as unknown as string[]).some((line) => /^lang=;/.test(line))).toBe(true);
    expect(await users()).toBe(before + 1);
  });

  it('refuses lone surrogates and bytes that are not UTF-8, raw or percent-encoded, where a lenient decoder would store U+FFFD', async () => {
    const before = await users();
    const surrogate = await register(person({ email: 'aino\ud800@verohallinto.fi' })).expect(400);
    expect(surrogate.body.fields.email).toMatch(/broken characters/);
    const rawBytes = Buffer.concat([Buffer.from('{"displayName":"Aino '), Buffer.from([0xc3, 0x28]), Buffer.from('","email":"x@y.fi","password":"Kevät-ryhmä-2027-x","language":"fi"}')]);
    expect((await t.http.post('/api/v1/auth/register').set('content-type', 'application/json').send(rawBytes)).status).toBe(400);

    const browser = new WebClient(t);
    const csrf = await browser.csrfToken('/register');
    const encoded = await t.http
      .post('/register')
      .set('cookie', browser.cookieHeader())
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&displayName=Aino%C3%28&email=a%40b.fi&password=x&language=fi`);
    expect(encoded.status).toBe(400);
    expect(encoded.text).toContain('Kenttä ”displayName” sisältää rikkinäisiä merkkejä');
    expect((await t.http.get('/?q=%FF')).status).toBe(400);
    expect(await users()).toBe(before);
  });

  it('refuses JSON nested deeper than 32 before validation, on anonymous routes too', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const res = await t.http.post('/api/v1/auth/register').set('content-type', 'application/json').send(`{"displayName":${deep}}`).expect(400);
    expect(res.body.fields).toEqual({ body: 'The request\'s JSON is nested too deeply (at most 32 levels).' });
    expect(jsonDepth('{"a":"[[[[[[","b":[[1]]}', 32)).toBe(3);
  });

  it('refuses a form field or query parameter sent twice', async () => {
    const browser = new WebClient(t);
    const csrf = await browser.csrfToken('/register');
    const twice = await t.http
      .post('/register')
      .set('cookie', browser.cookieHeader())
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&displayName=A&displayName=B&email=a%40b.fi&password=x&language=fi`);
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('Kenttä ”displayName” lähetettiin useammin kuin kerran.');
    expect((await t.http.get('/api/v1/programmes?limit=1&limit=2')).body.fields).toEqual({ limit: 'The field “limit” was sent more than once.' });
    expect(() => parseFormText('a=1&b=2&a=3', 'body')).toThrow();
  });

  it('treats text of only whitespace and invisible characters as blank, and refuses line breaks and direction overrides in one-line fields', async () => {
    const before = await users();
    const invisible = await register(person({ displayName: '\u200b\u200e\u200f\ufeff\u00ad \u2800' })).expect(400);
    // Blank, so refused as an empty name is.
    expect(invisible.body.fields).toEqual({ displayName: translate('en', 'form.displayName.length') });
    const override = await register(person({ displayName: 'Aino \u202egnp.exe' })).expect(400);
    expect(override.body.fields.displayName).toMatch(/reverse the text direction/);
    const lines = await register(person({ displayName: 'Aino\r\nVirtanen' })).expect(400);
    expect(lines.body.fields.displayName).toMatch(/must be on one line/);
    expect(await users()).toBe(before);

    expect(['body', 'sessions.2.agenda', 'description.fi', 'summarySv', 'facilitatorEmails'].every(isMultiLineField)).toBe(true);
    expect(['title', 'name', 'displayName', 'reason', 'bodyguard'].some(isMultiLineField)).toBe(false);
  });

  it('knows every text area of the forms as a multi-line field', () => {
    const names = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else for (const [, name] of readFileSync(path, 'utf8').matchAll(/admin\/textarea [^}]*name=(?:"([^"]+)"|\w+)/g)) if (name) names.add(name);
      }
    };
    walk(join(__dirname, '..', 'views'));
    expect(names.size).toBeGreaterThan(0);
    expect([...names].filter((name) => !isMultiLineField(name))).toEqual([]);
  });

  it('refuses forged cursors with "cursor invalid" before SQL: fractions, integers beyond int4, impossible and out-of-range instants', async () => {
    for (const key of [[1.5, 'a'], [2147483648, 'a'], ['1', 'a']]) {
      const res = await t.http.get(`/api/v1/programmes?cursor=${encodeCursor(key as (string | number)[])}`).expect(400);
      expect(res.body.fields).toEqual({ cursor: 'The cursor is not valid: pass nextCursor from the previous answer.' });
    }
    const uuid = '00000000-0000-4000-8000-000000000000';
    for (const instant of ['2027-02-30T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2101-01-01T00:00:00.000Z', '2027-01-01T24:00:00Z']) {
      expect((await t.http.get(`/api/v1/cohorts?cursor=${encodeCursor([instant, uuid])}`)).status).toBe(400);
    }
    expect((await t.http.get(`/api/v1/cohorts?cursor=${encodeCursor(['2027-03-01T08:00:00.123456Z', uuid])}`)).status).toBe(200);

    const admin = await createUser(t, { siteRole: 'admin' });
    const browser = await signIn(t, admin.email);
    expect((await browser.get(`/admin/outbox?before=${encodeURIComponent(`0000-01-01T00:00:00Z|${uuid}`)}`)).status).toBe(400);
    expect((await browser.get(`/admin/outbox?before=${encodeURIComponent(`2027-02-30T00:00:00.000Z|${uuid}`)}`)).status).toBe(400);
    expect((await browser.get(`/admin/outbox?before=${encodeURIComponent(`2027-02-03T00:00:00.000Z|${uuid}`)}`)).status).toBe(200);
  });

  it('answers 413, 414, 415 and 431 on pages with its own page in the reader’s language, and in JSON on the API', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const tooLarge = await t.http.post('/login').set('accept-language', 'sv').type('form').send(`email=${big}`);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['content-type']).toMatch(/text\/html/);
    expect(tooLarge.text).toContain('Begäran är för stor');

    const apiTooLarge = await t.http.post('/api/v1/auth/tokens').set('content-type', 'application/json').send(`{"email":"${big}"}`);
    expect(apiTooLarge.status).toBe(413);
    expect(apiTooLarge.headers['content-type']).toMatch(/json/);

    const uriTooLong = await t.http.get(`/programmes/${'a'.repeat(500)}`).set('accept-language', 'en');
    expect(uriTooLong.status).toBe(414);
    expect(uriTooLong.text).toContain('The address is too long');

    const unsupported = await t.http.post('/login').set('content-type', 'application/xml').set('cookie', 'lang=fi').send('email=x');
    expect(unsupported.status).toBe(415);
    expect(unsupported.text).toContain('Lomakkeen muotoa ei tunnisteta');

    const headers = await t.http.get('/').set('accept-language', 'sv').set('x-filler', 'y'.repeat(40_000));
    expect(headers.status).toBe(431);
    expect(headers.text).toContain('Begärans rubriker är för stora');
  });

  it('keeps signed-in pages and personal API answers out of caches, and leaves public pages cacheable', async () => {
    const user = await createUser(t);
    const browser = await signIn(t, user.email);
    expect((await browser.get('/profile')).headers['cache-control']).toBe('private, no-store');
    expect((await browser.get('/')).headers['cache-control']).toBe('private, no-store');
    const token = (await t.http.post('/api/v1/auth/tokens').send({ email: user.email, password: TEST_PASSWORD }).expect(201)).body.token;
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).headers['cache-control']).toBe('private, no-store');
    expect((await t.http.get('/')).headers['cache-control']).toBeUndefined();
  });
});

describe('a response header Node would refuse', () => {
  it('is answered as an error after an asynchronous onSend hook, and the process goes on', async () => {
    const fastify = Fastify();
    // Like the session store: the hook chain goes on from an I/O callback, where a throw is uncaught.
    fastify.addHook('onSend', (_request, _reply, payload, done) => setImmediate(() => done(null, payload)));
    registerRequestSafety(fastify);
    fastify.get('/next', (_request, reply) => reply.redirect('/\n/x', 303));
    try {
      const res = await fastify.inject({ method: 'GET', url: '/next' });
      expect(res.statusCode).toBe(500);
      expect(res.headers.location).toBeUndefined();
      expect((await fastify.inject({ method: 'GET', url: '/next' })).statusCode).toBe(500);
    } finally {
      await fastify.close();
    }
  });
});
