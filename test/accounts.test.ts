// Sign-up, sign-in, sign-out, sessions, CSRF and brute-force limits on the web pages (and the
// client address they count, as TRUST_PROXY says), and the first admin from ADMIN_EMAIL / ADMIN_PASSWORD.
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { FREE_SIGN_IN_FAILURES, LONGEST_SIGN_IN_WAIT, RateLimits, signInWaitAfter } from '../src/access/rate-limits';
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

  it('reads the person afresh with the session on every request, and stores only the session', async () => {
    const person = await createUser(t);
    const client = await signIn(t, person.email);
    expect((await client.get('/admin')).status).toBe(403);
    // The session store reads the person in the same statement as the session: a change shows at once.
    await t.app.get(DataSource).query(`UPDATE app_user SET site_role = 'admin' WHERE id = $1`, [person.id]);
    expect((await client.get('/admin')).status).toBe(200);
    const [stored] = await t.app.get(DataSource).query(`SELECT sess::jsonb AS sess FROM user_session WHERE sess::jsonb->>'userId' = $1`, [person.id]);
    expect(Object.keys(stored.sess).sort()).toEqual(['cookie', 'userId', 'version']);
    await t.app.get(DataSource).query(`UPDATE app_user SET session_version = session_version + 1 WHERE id = $1`, [person.id]);
    const ended = await client.get('/admin');
    expect(ended.status).toBe(303);
    expect(ended.headers.location).toBe('/login?next=%2Fadmin');
    expect(await count(`SELECT count(*)::int AS n FROM user_session WHERE sess::jsonb->>'userId' = $1`, [person.id])).toBe(0);
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
    expect(evil.headers.location).toBe('/');
  });

  it('keeps a wrong password and an unknown email indistinguishable', async () => {
    await createUser(t, { email: 'emma.laine@traficom.fi' });
    const wrong = await new WebClient(t).post('/login', { email: 'emma.laine@traficom.fi', password: 'not-her-password' });
    const unknown = await new WebClient(t).post('/login', { email: 'nobody@traficom.fi', password: 'not-her-password' });
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text.replace(/value="[^"]*"/g, '')).toBe(unknown.text.replace(/value="[^"]*"/g, ''));
  });
});

/** Posts the sign-in form as a browser behind a proxy would: X-Forwarded-For as given (the proxy's addition last). */
async function signInForm(t: TestApp, lang: 'fi' | 'en' = 'en') {
  const browser = new WebClient(t, lang);
  const csrf = await browser.csrfToken();
  return (forwardedFor: string | null, email: string, password: string) => {
    const req = t.http.post('/login').set('cookie', browser.cookieHeader()).set('accept-language', lang);
    return (forwardedFor ? req.set('x-forwarded-for', forwardedFor) : req).type('form').send({ _csrf: csrf, email, password });
  };
}

/** Failed sign-ins one address may make in 15 minutes, whatever the accounts. */
const IP_LIMIT = 50;

describe('sign-in limits with no trusted proxy (TRUST_PROXY unset)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts failures against the connection’s address, never against the X-Forwarded-For a client makes up', async () => {
    const post = await signInForm(t);
    // Twenty failures, each claiming another address, then more claiming one address over and over.
    for (let i = 0; i < 20; i++) expect((await post(`198.51.100.${i + 1}`, `nobody-${i}@example.fi`, 'Wrong-password-1')).status).toBe(400);
    for (let i = 20; i < IP_LIMIT; i++) expect((await post('203.0.113.99', `nobody-${i}@example.fi`, 'Wrong-password-1')).status).toBe(400);
    // All fifty were the one real address's: the next is refused, whatever it claims to be.
    const blocked = await post('192.0.2.200', 'nobody-else@example.fi', 'Wrong-password-1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(blocked.text).toMatch(/Too many attempts\. Try again in 1[45] minutes\./);
    // The addresses it claimed were charged nothing: 203.0.113.99 itself (claimed thirty times) still
    // takes twenty-one failures, where thirty counted ones would make the last the 51st, refused.
    const limits = t.app.get(RateLimits);
    for (let i = 0; i < 21; i++) await (await limits.takeSignInTry(`somebody-${i}@example.fi`, '203.0.113.99')).failed();
  }, 120_000);
});

describe('sign-in limits behind a trusted proxy (TRUST_PROXY=127.0.0.1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('counts failures against the address the proxy saw, not what the client put before it', async () => {
    const post = await signInForm(t);
    // The client sends X-Forwarded-For: <made up>; the proxy (127.0.0.1) adds the client's real 203.0.113.7.
    for (let i = 0; i < IP_LIMIT; i++) expect((await post(`198.51.100.${i + 1}, 203.0.113.7`, `nobody-${i}@example.fi`, 'Wrong-password-1')).status).toBe(400);
    const blocked = await post('192.0.2.1, 203.0.113.7', 'nobody-else@example.fi', 'Wrong-password-1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    // The proxy itself and the other clients behind it are not held back by 203.0.113.7.
    const owner = await createUser(t);
    expect((await post('203.0.113.8', owner.email, TEST_PASSWORD)).status).toBe(303);
    expect((await post(null, 'nobody-else@example.fi', 'Wrong-password-1')).status).toBe(400);
  }, 120_000);
});

describe('sign-in limits per account and address (TRUST_PROXY=loopback)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'loopback' });
  });
  afterAll(() => t.close());

  it('waits after a few free failures, twice as long after each further one, up to 15 minutes', () => {
    expect([1, FREE_SIGN_IN_FAILURES].map(signInWaitAfter)).toEqual([0, 0]);
    const waits = [1, 2, 3, 4, 5, 10, 11, 20].map((extra) => signInWaitAfter(FREE_SIGN_IN_FAILURES + extra));
    expect(waits).toEqual([1, 2, 4, 8, 16, 512, LONGEST_SIGN_IN_WAIT, LONGEST_SIGN_IN_WAIT]);
    expect(LONGEST_SIGN_IN_WAIT).toBe(15 * 60);
  });

  it('does not let a stranger’s failures stop the owner signing in from another address, while the stranger is slowed', async () => {
    const owner = await createUser(t, { email: 'oskar.ohman@maanmittauslaitos.fi' });
    const stranger = await signInForm(t);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await stranger('198.51.100.66', owner.email, `Guess-number-${i}`));
    // The free failures and the one after them are checked; then the stranger must wait before each guess.
    expect(answers.slice(0, FREE_SIGN_IN_FAILURES + 1).map((res) => res.status)).toEqual(Array(FREE_SIGN_IN_FAILURES + 1).fill(400));
    for (const res of answers.slice(0, FREE_SIGN_IN_FAILURES + 1)) expect(res.headers['retry-after']).toBeUndefined();
    const slowed = answers[FREE_SIGN_IN_FAILURES + 1];
    expect(slowed.status).toBe(429);
    expect(slowed.headers['retry-after']).toBe('1');
    expect(slowed.text).toContain('Too many attempts. Wait 1 s, then try again.');
    expect(answers.filter((res) => res.status === 400).length).toBeLessThan(10);

    // The owner, from another address, gets in at once.
    const ownerBrowser = await signInForm(t);
    expect((await ownerBrowser('192.0.2.10', owner.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('makes each further failure wait longer, says how long in seconds, and forgets them all at the right password', async () => {
    const person = await createUser(t);
    const post = await signInForm(t, 'fi');
    const from = '198.51.100.77';
    for (let i = 0; i <= FREE_SIGN_IN_FAILURES; i++) expect((await post(from, person.email, `Wrong-password-${i}`)).status).toBe(400);
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const refused = await post(from, person.email, round === 2 ? TEST_PASSWORD : 'Wrong-password-x');
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers['retry-after']);
      expect(refused.text).toContain(`Liian monta yritystä. Odota ${wait} s ja yritä sitten uudelleen.`);
      waits.push(wait);
      await sleep(wait * 1000 + 150);
      if (round < 2) expect((await post(from, person.email, `Wrong-password-${round}-again`)).status).toBe(400);
    }
    // Each from its failure: the right password, too, had to wait.
    expect(waits).toEqual([1, 2, 4]);

    // Waited out, the right password gets in and the count starts again: the free failures are free again.
    expect((await post(from, person.email, TEST_PASSWORD)).status).toBe(303);
    for (let i = 0; i <= FREE_SIGN_IN_FAILURES; i++) expect((await post(from, person.email, `Wrong-password-${i}`)).status).toBe(400);
  });
});

describe('the first admin', () => {
  it('is created from ADMIN_EMAIL and ADMIN_PASSWORD, and an existing account is never overwritten', async () => {
    const first = await startTestApp({ ADMIN_EMAIL: 'Ohjelmatiimi@Valtiokonttori.fi', ADMIN_PASSWORD: 'Ensimmäinen-ylläpitäjä-1' });
    try {
      // Whoever set ADMIN_EMAIL vouches for the address: no link to wait for.
      const [row] = await first.app.get(DataSource).query(`SELECT email, site_role, email_verified_at IS NOT NULL AS verified FROM app_user`);
      expect(row).toEqual({ email: 'ohjelmatiimi@valtiokonttori.fi', site_role: 'admin', verified: true });
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
