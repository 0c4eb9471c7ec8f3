import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AgencyService } from '../src/identity/agency.service';
import { createUser, signIn, TEST_PASSWORD } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('API sign-in with personal access tokens', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const uniqueEmail = (who: string) => `${who}-${randomBytes(4).toString('hex')}@verohallinto.fi`;
  const issue = (body: Record<string, unknown>) => t.http.post('/api/v1/auth/tokens').send(body);
  const me = (token: string) => t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`);
  const agencyNamed = async (name: string): Promise<string> => {
    const agencies = t.app.get(AgencyService);
    await agencies.ensure([name]);
    return (await agencies.list('fi')).find((a) => a.name === name)!.id;
  };
  const tokenFor = async (email: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> => {
    const res = await issue({ email, password: TEST_PASSWORD, ...extra }).expect(201);
    return res.body;
  };

  it('issues a token for the right email and password, stores only its hash, and answers /me for it', async () => {
    const agencyId = await agencyNamed('Verohallinto');
    const user = await createUser(t, { email: uniqueEmail('aino'), displayName: 'Aino Äijälä', agencyId, language: 'sv' });

    const res = await issue({ email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD }).expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'id', 'name', 'token']);
    expect(res.body.token).toMatch(/^verso_[A-Za-z0-9_-]{43}$/);
    expect(res.body.name).toBe('API');
    const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    const [stored] = await db.query(`SELECT token_hash, user_id, name FROM api_token WHERE id = $1`, [res.body.id]);
    expect(stored).toEqual({ token_hash: createHash('sha256').update(res.body.token).digest('hex'), user_id: user.id, name: 'API' });
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM api_token WHERE token_hash = $1 OR name = $1`, [res.body.token]);
    expect(n).toBe(0);

    const who = await me(res.body.token).expect(200);
    expect(who.body).toEqual({ id: user.id, email: user.email, displayName: 'Aino Äijälä', agencyId, language: 'sv', siteRole: null, emailVerified: true });
    const [{ last_used_at }] = await db.query(`SELECT last_used_at FROM api_token WHERE id = $1`, [res.body.id]);
    expect(last_used_at).not.toBeNull();
  });

  it('takes a name and a lifetime, and refuses ones out of range with a message per field', async () => {
    const user = await createUser(t, { email: uniqueEmail('oskar') });
    const named = await issue({ email: user.email, password: TEST_PASSWORD, name: ' Raportointi ', expiresInDays: 7 }).expect(201);
    expect(named.body.name).toBe('Raportointi');
    expect((Date.parse(named.body.expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(7, 1);

    const bad = await issue({ email: user.email, password: TEST_PASSWORD, name: 'x'.repeat(101), expiresInDays: 366 }).expect(400);
    expect(bad.body.fields).toEqual({ name: 'name must be text of 1–100 characters', expiresInDays: 'expiresInDays must be a whole number of days, 1–365' });
    const zero = await issue({ email: user.email, password: TEST_PASSWORD, name: '', expiresInDays: 0.5 }).expect(400);
    expect(Object.keys(zero.body.fields).sort()).toEqual(['expiresInDays', 'name']);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM api_token WHERE user_id = $1`, [user.id]);
    expect(n).toBe(1);
  });

  it('answers a wrong password or an unknown email with 401 and a message, issuing nothing', async () => {
    const user = await createUser(t, { email: uniqueEmail('emma') });
    const wrong = await issue({ email: user.email, password: 'Not-the-password-1' }).expect(401);
    expect(wrong.body.message).toBe('The email address or password is not right.');
    const unknown = await issue({ email: uniqueEmail('nobody'), password: TEST_PASSWORD }).expect(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM api_token WHERE user_id = $1`, [user.id]);
    expect(n).toBe(0);
  });

  it('lists the caller’s own tokens without their secrets or hashes', async () => {
    const user = await createUser(t, { email: uniqueEmail('maija') });
    const other = await createUser(t, { email: uniqueEmail('toinen') });
    const first = await tokenFor(user.email, { name: 'Eka' });
    const second = await tokenFor(user.email, { name: 'Toka' });
    await tokenFor(other.email, { name: 'Toisen' });

    const res = await t.http.get('/api/v1/auth/tokens').set('authorization', `Bearer ${second.token}`).expect(200);
    expect(res.body.map((row: { name: string }) => row.name)).toEqual(['Toka', 'Eka']);
    for (const row of res.body) expect(Object.keys(row).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
    expect(res.text).not.toContain(first.token);
    expect(res.text).not.toContain(createHash('sha256').update(first.token).digest('hex'));
    await t.http.get('/api/v1/auth/tokens').expect(401);
  });

  it('revokes a token so that it stops working, and only the caller’s own', async () => {
    const user = await createUser(t, { email: uniqueEmail('asa') });
    const other = await createUser(t, { email: uniqueEmail('kalle') });
    const keep = await tokenFor(user.email);
    const doomed = await tokenFor(user.email);
    const othersToken = await tokenFor(other.email);
    const asUser = (req: ReturnType<TestApp['http']['delete']>) => req.set('authorization', `Bearer ${keep.token}`);

    await me(doomed.token).expect(200);
    await asUser(t.http.delete(`/api/v1/auth/tokens/${doomed.id}`)).expect(204);
    await me(doomed.token).expect(401);
    await me(keep.token).expect(200);
    const [{ revoked_at }] = await db.query(`SELECT revoked_at FROM api_token WHERE id = $1`, [doomed.id]);
    expect(revoked_at).not.toBeNull();

    // Another person's token is "not found" for the caller, and keeps working.
    await asUser(t.http.delete(`/api/v1/auth/tokens/${othersToken.id}`)).expect(404);
    await me(othersToken.token).expect(200);
    await asUser(t.http.delete(`/api/v1/auth/tokens/00000000-0000-4000-8000-000000000000`)).expect(404);
    const malformed = await asUser(t.http.delete(`/api/v1/auth/tokens/not-a-uuid`)).expect(400);
    expect(malformed.body.statusCode).toBe(400);
    await t.http.delete(`/api/v1/auth/tokens/${keep.id}`).expect(401);
  });

  it('refuses an expired token', async () => {
    const user = await createUser(t, { email: uniqueEmail('vanha') });
    const { id, token } = await tokenFor(user.email);
    await me(token).expect(200);
    await db.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const res = await me(token).expect(401);
    expect(res.body.message).toMatch(/Bearer/);
  });

  it('refuses the token of a deactivated person, and issues them no new one', async () => {
    const user = await createUser(t, { email: uniqueEmail('poistuva') });
    const { token } = await tokenFor(user.email);
    await me(token).expect(200);
    await db.query(`UPDATE app_user SET status = 'deactivated' WHERE id = $1`, [user.id]);
    await me(token).expect(401);
    await issue({ email: user.email, password: TEST_PASSWORD }).expect(401);
  });

  it('ignores a session cookie: the API knows only bearer tokens', async () => {
    const user = await createUser(t, { email: uniqueEmail('selain') });
    const browser = await signIn(t, user.email);
    await t.http.get('/api/v1/me').set('cookie', browser.cookieHeader()).expect(401);
    await t.http.get('/api/v1/me').set('authorization', 'Bearer verso_not-a-real-token-at-all-0000000000000000').expect(401);
    await t.http.get('/api/v1/me').set('authorization', 'Basic dXNlcjpwYXNz').expect(401);
  });

  it('makes an account wait from an address after 5 failures, with Retry-After, even for the right password', async () => {
    const user = await createUser(t, { email: uniqueEmail('kohde') });
    for (let i = 0; i < 6; i++) await issue({ email: user.email, password: `Wrong-password-${i}` }).expect(401);
    const waiting = await issue({ email: user.email.toUpperCase(), password: TEST_PASSWORD }).expect(429);
    expect(waiting.body.message).toBe('Too many attempts. Wait 1 s, then try again.');
    expect(waiting.headers['retry-after']).toBe('1');
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM api_token WHERE user_id = $1`, [user.id]);
    expect(n).toBe(0);

    // The limit is per account: another person from the same address still gets in.
    const other = await createUser(t, { email: uniqueEmail('naapuri') });
    await tokenFor(other.email);
    // A wait, not a lock-out: once it has passed, the right password works.
    await sleep(1100);
    await tokenFor(user.email);
  });

  it('forgets an account’s failures once it signs in', async () => {
    const user = await createUser(t, { email: uniqueEmail('muistaa') });
    for (let i = 0; i < 5; i++) await issue({ email: user.email, password: `Wrong-password-${i}` }).expect(401);
    await tokenFor(user.email);
    // Free again: without the sign-in, the sixth failure would make the seventh try wait.
    for (let i = 0; i < 6; i++) await issue({ email: user.email, password: `Wrong-password-${i}` }).expect(401);
    await issue({ email: user.email, password: 'Wrong-password-x' }).expect(429);
  });

  describe('registration', () => {
    const register = (body: Record<string, unknown>) => t.http.post('/api/v1/auth/register').send(body);
    const valid = (email: string) => ({ displayName: 'Åsa Öström', email, password: TEST_PASSWORD, language: 'sv' });
    const accounts = async (email: string) => (await db.query(`SELECT count(*)::int AS n FROM app_user WHERE lower(email) = lower($1)`, [email]))[0].n as number;

    it('creates an account that can then get a token', async () => {
      const email = uniqueEmail('uusi');
      const agencyId = await agencyNamed('Tulli');
      const res = await register({ ...valid(email.toUpperCase()), agencyId }).expect(201);
      expect(res.body).toEqual({ user: { id: expect.any(String), email, displayName: 'Åsa Öström', agencyId, language: 'sv' } });
      const { token } = await tokenFor(email);
      expect((await me(token).expect(200)).body.siteRole).toBeNull();
    });

    it.each([
      ['a weak password', { password: 'salasana12' }, 'password', 'This password is too common. Choose another one.'],
      ['a short password', { password: 'lyhyt' }, 'password', 'The password must have at least 10 characters.'],
      ['an unknown agency', { agencyId: '00000000-0000-4000-8000-000000000000' }, 'agencyId', 'Choose an agency from the list.'],
      ['an unknown field', { siteRole: 'admin' }, 'siteRole', 'This field is not known.'],
      // Well-formed but for its length, one over the column's check (the format check answers first).
      ['a 255-character email', { email: `${'a'.repeat(64)}@${['b', 'c', 'd'].map((c) => c.repeat(60)).join('.')}.eeee.fi` }, 'email', /email address/],
      ['a missing name', { displayName: '   ' }, 'displayName', 'The name must be 1–200 characters.'],
    ])('refuses %s with 400 and a message for the field, storing nothing', async (_what, change, field, message) => {
      const body = { ...valid(uniqueEmail('hylatty')), ...change };
      if (field === 'email') expect(body.email).toHaveLength(255);
      const res = await register(body).expect(400);
      expect(res.body.fields[field]).toMatch(message);
      expect(await accounts(body.email)).toBe(0);
    });

    it('refuses a taken email whatever its case, leaving the first account as it was', async () => {
      const first = await createUser(t, { email: uniqueEmail('vienyt'), displayName: 'Ensimmäinen' });
      const res = await register(valid(first.email.toUpperCase())).expect(400);
      expect(res.body.fields).toEqual({ email: 'There is already an account with this email address. Sign in or ask for a new password.' });
      expect(await accounts(first.email)).toBe(1);
      const [{ display_name }] = await db.query(`SELECT display_name FROM app_user WHERE id = $1`, [first.id]);
      expect(display_name).toBe('Ensimmäinen');
    });
  });

  it('lists the agencies to register with, sorted the Finnish way', async () => {
    await t.app.get(AgencyService).ensure(['Ålands myndighet', 'Ääninen', 'Zeta-virasto']);
    const res = await t.http.get('/api/v1/agencies').set('accept-language', 'fi').expect(200);
    const names = res.body.map((a: { name: string }) => a.name);
    expect(names.indexOf('Zeta-virasto')).toBeLessThan(names.indexOf('Ålands myndighet'));
    expect(names.indexOf('Ålands myndighet')).toBeLessThan(names.indexOf('Ääninen'));
    for (const agency of res.body) expect(Object.keys(agency).sort()).toEqual(['id', 'name']);
  });

  it('documents the routes in OpenAPI, with bearer auth where a token is needed', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    expect(doc.paths['/api/v1/auth/tokens'].post.tags).toEqual(['auth']);
    expect(doc.paths['/api/v1/auth/tokens'].post.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/v1/auth/tokens'].post.responses).sort()).toEqual(['201', '400', '401', '429']);
    expect(doc.paths['/api/v1/auth/tokens'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/auth/tokens/{id}'].delete.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/auth/register'].post.responses['400'].description).toMatch(/fields/);
    expect(doc.paths['/api/v1/agencies'].get.responses['200']).toBeDefined();
  });
});
