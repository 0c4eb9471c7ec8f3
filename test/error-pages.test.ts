// Every refusal and error a person meets in the browser is the app's own page, in their language and
// with the signed-in header (their name, the sign-out button, the admin link for admins), also when
// it is made before the AccessGuard has looked at the request: an unknown address, a body too
// large, a broken CSRF token, an input refusal, the queue board outside Nest. The API keeps JSON.
import type { Response } from 'supertest';
import { TooManyAttempts } from '../src/access/rate-limits';
import { errorPage } from '../src/web/http-exception.filter';
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

const NO_SUCH_ROUND = '/cohorts/00000000-0000-4000-8000-000000000000';

/** The page shows the signed-in header: the sign-out button carrying a CSRF token, no sign-in link. */
function expectSignedInHeader(res: Response) {
  expect(res.headers['content-type']).toMatch(/text\/html/);
  const header = /<header class="site-header">[\s\S]*?<\/header>/.exec(res.text)?.[0] ?? '';
  expect(header).toContain('action="/logout"');
  expect(header).toMatch(/name="_csrf" value="[^"]+"/);
  expect(header).not.toContain('href="/login"');
}

describe('error pages', () => {
  let t: TestApp;
  let aino: WebClient;
  let ainoSv: WebClient;
  let ainoEn: WebClient;
  let admin: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    const person = await createUser(t, { displayName: 'Aino Virtanen', email: 'aino.virtanen@verohallinto.fi' });
    aino = await signIn(t, person.email, undefined, 'fi');
    ainoSv = await signIn(t, person.email, undefined, 'sv');
    ainoEn = await signIn(t, person.email, undefined, 'en');
    // Signing in sets the profile's language as this browser's cookie: a reader's own choice then follows.
    ainoSv.cookies.set('lang', 'sv');
    ainoEn.cookies.set('lang', 'en');
    const maija = await createUser(t, { displayName: 'Maija Äijälä', email: 'maija.aijala@valtiokonttori.fi', siteRole: 'admin' });
    admin = await signIn(t, maija.email);
  });
  afterAll(() => t.close());

  it('answers an unknown address with the 404 page in the reader’s language, with the signed-in header', async () => {
    const sv = await ainoSv.get('/no/such/page');
    expect(sv.status).toBe(404);
    expect(sv.text).toContain('<html lang="sv">');
    expect(sv.text).toContain('<h1>Sidan hittades inte</h1>');
    expectSignedInHeader(sv);

    const fi = await aino.get('/no/such/page');
    expect(fi.text).toContain('<h1>Sivua ei löytynyt</h1>');
    expectSignedInHeader(fi);

    const adminPage = await admin.get('/no/such/page');
    expectSignedInHeader(adminPage);
    expect(adminPage.text).toContain('href="/admin"');
    expect(fi.text).not.toContain('href="/admin"');
  });

  it('answers an unknown id with the 404 page and the signed-in header', async () => {
    const en = await ainoEn.get(NO_SUCH_ROUND);
    expect(en.status).toBe(404);
    expect(en.text).toContain('<h1>Page not found</h1>');
    expectSignedInHeader(en);
  });

  it('shows an anonymous reader the 404 page with the sign-in link, not someone’s header', async () => {
    const res = await t.http.get('/no/such/page').set('accept-language', 'en');
    expect(res.status).toBe(404);
    expect(res.text).toContain('<h1>Page not found</h1>');
    expect(res.text).toContain('href="/login"');
    expect(res.text).not.toContain('action="/logout"');
  });

  it('refuses a page the person may not see (403) with the app’s page and the signed-in header', async () => {
    const fi = await aino.get('/admin/users');
    expect(fi.status).toBe(403);
    expect(fi.text).toContain('Sinulla ei ole oikeutta tähän toimintoon.');
    expectSignedInHeader(fi);
  });

  it('refuses a form without its CSRF token (403, before the person is looked up) with the signed-in header', async () => {
    const res = await ainoSv.post('/profile', { displayName: 'Aino V' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<html lang="sv">');
    expectSignedInHeader(res);
  });

  it('refuses a body too large (413, before it is read) with its own page in the reader’s language and the signed-in header', async () => {
    const res = await t.http
      .post('/profile')
      .set('cookie', ainoSv.cookieHeader())
      .type('form')
      .send(`displayName=${'x'.repeat(2 * 1024 * 1024)}`);
    expect(res.status).toBe(413);
    expect(res.text).toContain('Begäran är för stor');
    expectSignedInHeader(res);
  });

  it('refuses broken input (400, before any route) with the signed-in header', async () => {
    const res = await ainoEn.get('/channels?q=%01');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html lang="en">');
    expectSignedInHeader(res);
  });

  it('holds back guessing the current password (429) on the profile page, with the signed-in header', async () => {
    const csrf = await ainoEn.csrfToken('/profile');
    const attempt = () =>
      t.http.post('/profile/password').set('cookie', ainoEn.cookieHeader()).type('form').send({ _csrf: csrf, currentPassword: 'Arvaus-salasana-99', newPassword: 'Uusi-pitkä-salasana-2027' });
    let res = await attempt();
    for (let i = 0; i < 10 && res.status !== 429; i++) res = await attempt();
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many attempts');
    expectSignedInHeader(res);
  });

  it('says how long to wait in the reader’s language when a limit reaches the error page itself (429)', () => {
    expect(errorPage(new TooManyAttempts(120), 429, 'sv', 'req-1').message).toBe('För många försök. Försök igen om 2 minuter.');
    expect(errorPage(new TooManyAttempts(5), 429, 'fi', 'req-1').message).toBe('Liian monta yritystä. Odota 5 s ja yritä sitten uudelleen.');
  });

  it('answers the queue board to a participant with the app’s 403 page, and to an anonymous reader with the sign-in page', async () => {
    const fi = await aino.get('/admin/queues');
    expect(fi.status).toBe(403);
    expect(fi.text).toContain('<html lang="fi">');
    expect(fi.text).toContain('Sinulla ei ole oikeutta tähän toimintoon.');
    expectSignedInHeader(fi);
    const sv = await ainoSv.get('/admin/queues');
    expect(sv.text).toContain('Du har inte rätt att göra det här.');

    const anonymous = await t.http.get('/admin/queues');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    expect((await admin.get('/admin/queues')).status).toBe(200);
  });

  it('reads a junk language cookie as no choice: the page in Accept-Language’s or the default language, never a 500', async () => {
    // A bidi override is refused by the input guard (400, with the cookie cleared); the rest are simply not a language.
    for (const [junk, refused] of [['de', false], ['xx%3Cscript%3E', false], ['svenska', false], ['', false], ['%E2%80%AE', true]] as const) {
      const page = await t.http.get('/no/such/page').set('cookie', `lang=${junk}`).set('accept-language', 'en');
      expect({ junk, status: page.status, english: page.text.includes('<html lang="en">') }).toEqual({ junk, status: refused ? 400 : 404, english: true });
      const home = await t.http.get('/').set('cookie', `lang=${junk}`);
      expect({ junk, status: home.status, finnish: home.text.includes('<html lang="fi">') }).toEqual({ junk, status: refused ? 400 : 200, finnish: true });
    }
  });

  it('keeps JSON for the API and for readers asking for JSON', async () => {
    const api = await t.http.get('/api/v1/no-such-thing').set('cookie', aino.cookieHeader());
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/json/);
    expect(api.body.statusCode).toBe(404);

    const json = await t.http.get('/no/such/page').set('cookie', aino.cookieHeader()).set('accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.headers['content-type']).toMatch(/json/);

    const board = await t.http.get('/admin/queues').set('cookie', aino.cookieHeader()).set('accept', 'application/json');
    expect(board.status).toBe(403);
    expect(board.headers['content-type']).toMatch(/json/);
  });
});
