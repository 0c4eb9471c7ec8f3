// Sign-up, sign-in, sign-out, sessions, CSRF and brute-force limits on the web pages, and the first
// admin from ADMIN_EMAIL / ADMIN_PASSWORD.
import { DataSource } from 'typeorm';
import { SESSION_COOKIE } from '../src/access/sessions';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('accounts on the web', () => {
  let t: TestApp;
  const count = async (sql: string, params: unknown[] = []) => (await t.app.get(DataSource).query(sql, params))[0].n as number;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers a person, signs them in and keeps the email unique whatever its case', async () => {
    const client = new WebClient(t, 'sv');
    const res = await client.post('/register', { displayName: 'Åsa Öström', email: 'Asa.Ostrom@Tulli.fi', password: 'Kevät-ryhmä-2027', language: 'sv' }, { page: '/register' });
    expect(res.status).toBe(303);
    expect((res.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(new RegExp(`${SESSION_COOKIE}=[^;]+;.*HttpOnly; SameSite=Lax`));
    expect((await client.get('/')).text).toContain('Logga ut');
    const [row] = await t.app.get(DataSource).query(`SELECT email, password_hash FROM app_user WHERE display_name = 'Åsa Öström'`);
    expect(row.email).toBe('asa.ostrom@tulli.fi');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const again = await new WebClient(t).post('/register', { displayName: 'Toinen', email: 'ASA.OSTROM@tulli.fi', password: 'Kevät-ryhmä-2027', language: 'fi' }, { page: '/register' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Tällä sähköpostiosoitteella on jo tunnus');
    expect(await count(`SELECT count(*)::int AS n FROM app_user WHERE lower(email) = 'asa.ostrom@tulli.fi'`)).toBe(1);
  });

  it('refuses bad sign-up input with a message per field, keeping the input but never the password, storing nothing', async () => {
    const client = new WebClient(t, 'en');
    const res = await client.post(
      '/register',
      { displayName: 'x'.repeat(201), email: 'not-an-email', password: 'salasana', language: 'de', agencyId: 'not-a-uuid' },
      { page: '/register' },
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="register-name-error">The name must be 1–200 characters.');
    expect(res.text).toContain('id="register-email-error">Enter an email address like name@example.fi.');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).not.toContain('value="salasana"');
    const weak = await client.post('/register', { displayName: 'Eeva', email: 'eeva@example.fi', password: 'password123!', language: 'fi' }, { page: '/register' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('This password is too common.');
    const unknownField = await client.post('/register', { displayName: 'Eeva', email: 'eeva@example.fi', password: TEST_PASSWORD, language: 'fi', siteRole: 'admin' }, { page: '/register' });
    expect(unknownField.status).toBe(400);
    expect(await count(`SELECT count(*)::int AS n FROM app_user WHERE email IN ('not-an-email', 'eeva@example.fi')`)).toBe(0);
  });

  it('gives a new session id at sign-in and ends the session at sign-out', async () => {
    const person = await createUser(t, { email: 'aino.virtanen@verohallinto.fi' });
    const client = new WebClient(t);
    await client.get('/login');
    // A session that existed before signing in (e.g. planted by an attacker) is not the one after.
    await client.post('/login', { email: person.email, password: 'wrong password here' });
    const before = client.cookies.get(SESSION_COOKIE);
    expect((await client.post('/login', { email: person.email, password: TEST_PASSWORD })).status).toBe(303);
    const after = client.cookies.get(SESSION_COOKIE);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const stolen = after!;

    expect((await client.post('/logout')).status).toBe(303);
    expect(await count(`SELECT count(*)::int AS n FROM user_session WHERE sess::jsonb->>'userId' = $1`, [person.id])).toBe(0);
    // The old cookie no longer signs anybody in.
    const replay = await t.http.get('/admin').set('cookie', `${SESSION_COOKIE}=${stolen}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login?next=%2Fadmin');
  });

  it('refuses a form post without a valid CSRF token (403) and changes nothing', async () => {
    const person = await createUser(t);
    const client = await signIn(t, person.email);
    expect((await client.post('/logout', {}, { csrf: false })).status).toBe(403);
    expect((await client.post('/logout', { _csrf: 'made-up' }, { csrf: false })).status).toBe(403);
    // Still signed in.
    expect((await client.get('/')).text).toContain('Kirjaudu ulos');
    const stranger = new WebClient(t);
    const res = await stranger.post('/register', { displayName: 'Ville', email: 'ville@example.fi', password: TEST_PASSWORD, language: 'fi' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(await count(`SELECT count(*)::int AS n FROM app_user WHERE email = 'ville@example.fi'`)).toBe(0);
  });

  it('sends a signed-in person back where they were going, and only to this site', async () => {
    const person = await createUser(t, { siteRole: 'admin' });
    const client = new WebClient(t);
    const res = await client.post('/login', { email: person.email, password: TEST_PASSWORD, next: '/admin/outbox' });
    expect(res.headers.location).toBe('/admin/outbox');
    const evil = await new WebClient(t).post('/login', { email: person.email, password: TEST_PASSWORD, next: '//evil.example/' });
    expect(evil.headers.location).toBe('/profile');
  });

  it('limits failed sign-ins per account, with a clear "try again in N minutes", even for the right password', async () => {
    const person = await createUser(t, { email: 'oskar.ohman@maanmittauslaitos.fi' });
    const client = new WebClient(t, 'en');
    for (let i = 0; i < 10; i++) {
      const res = await client.post('/login', { email: person.email, password: `wrong-password-${i}` });
      expect(res.status).toBe(400);
      expect(res.text).toContain('The email address or password is not right.');
    }
    const blocked = await client.post('/login', { email: person.email, password: `wrong-password-x` });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Too many attempts\. Try again in 1[45] minutes\./);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    const rightButBlocked = await client.post('/login', { email: person.email, password: TEST_PASSWORD });
    expect(rightButBlocked.status).toBe(429);
    // Another account from the same address is not blocked by this one's failures.
    const other = await createUser(t);
    expect((await new WebClient(t).post('/login', { email: other.email, password: TEST_PASSWORD })).status).toBe(303);
  });

  it('keeps a wrong password and an unknown email indistinguishable', async () => {
    await createUser(t, { email: 'emma.laine@traficom.fi' });
    const wrong = await new WebClient(t).post('/login', { email: 'emma.laine@traficom.fi', password: 'not-her-password' });
    const unknown = await new WebClient(t).post('/login', { email: 'nobody@traficom.fi', password: 'not-her-password' });
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text.replace(/value="[^"]*"/g, '')).toBe(unknown.text.replace(/value="[^"]*"/g, ''));
  });
});

describe('the first admin', () => {
  it('is created from ADMIN_EMAIL and ADMIN_PASSWORD, and an existing account is never overwritten', async () => {
    const first = await startTestApp({ ADMIN_EMAIL: 'Ohjelmatiimi@Valtiokonttori.fi', ADMIN_PASSWORD: 'Ensimmäinen-ylläpitäjä-1' });
    try {
      const [row] = await first.app.get(DataSource).query(`SELECT email, site_role FROM app_user`);
      expect(row).toEqual({ email: 'ohjelmatiimi@valtiokonttori.fi', site_role: 'admin' });
      const admin = await signIn(first, 'ohjelmatiimi@valtiokonttori.fi', 'Ensimmäinen-ylläpitäjä-1');
      expect((await admin.get('/admin/outbox')).status).toBe(200);
    } finally {
      await first.app.close();
    }
    // The same database started again with another password: the account stays as it was.
    const again = await startTestApp({ DATABASE_URL: first.config.databaseUrl, ADMIN_EMAIL: 'ohjelmatiimi@valtiokonttori.fi', ADMIN_PASSWORD: 'Toinen-salasana-2222' });
    try {
      expect((await new WebClient(again).post('/login', { email: 'ohjelmatiimi@valtiokonttori.fi', password: 'Toinen-salasana-2222' })).status).toBe(400);
      await signIn(again, 'ohjelmatiimi@valtiokonttori.fi', 'Ensimmäinen-ylläpitäjä-1');
    } finally {
      await again.close();
    }
  });
});
