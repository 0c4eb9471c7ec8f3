import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { tokenHash } from '../src/identity/secret-token';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('admin pages for people', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: Awaited<ReturnType<typeof createUser>>;
  let adminClient: WebClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = await createUser(t, { siteRole: 'admin', displayName: 'Ylläpitäjä Ylli', email: 'ylli.yllapitaja@valtiokonttori.fi' });
    adminClient = await signIn(t, admin.email);
  });
  afterAll(() => t.close());

  const unique = () => randomBytes(3).toString('hex');
  const userRow = async (id: string) => (await db.query(`SELECT * FROM app_user WHERE id = $1`, [id]))[0];
  const auditRows = async (targetId: string, action: string) =>
    db.query(`SELECT actor_user_id, details FROM audit_log WHERE target_id = $1 AND action = $2`, [targetId, action]) as Promise<{ actor_user_id: string; details: Record<string, unknown> }[]>;
  /** Signed in as the person, or not: the page header has the sign-out form only for the signed in. */
  const signedIn = async (client: WebClient) => (await client.get('/')).text.includes('action="/logout"');
  const newApiToken = async (userId: string) => {
    const token = `verso_${randomBytes(24).toString('hex')}`;
    await db.query(`INSERT INTO api_token (user_id, name, token_hash, expires_at) VALUES ($1, 'test', $2, now() + interval '30 days')`, [userId, tokenHash(token)]);
    return token;
  };

  it('finds people by part of their name whatever the case of ä and ö, and by email', async () => {
    const tag = unique();
    const aino = await createUser(t, { displayName: `Aino Äijälä ${tag}`, email: `aino.${tag}@verohallinto.fi` });
    const orjan = await createUser(t, { displayName: `Örjan Öberg ${tag}`, email: `orjan.${tag}@tulli.fi` });
    const pekka = await createUser(t, { displayName: `Pekka Virtanen ${tag}`, email: `pekka.${tag}@tulli.fi` });

    const byName = await adminClient.get(`/admin/users?q=${encodeURIComponent('äijälä')}`);
    expect(byName.status).toBe(200);
    expect(byName.text).toContain(`href="/admin/users/${aino.id}"`);
    expect(byName.text).not.toContain(`href="/admin/users/${pekka.id}"`);

    const byUpperCase = await adminClient.get(`/admin/users?q=${encodeURIComponent(`ÖBERG ${tag}`)}`);
    expect(byUpperCase.text).toContain(`href="/admin/users/${orjan.id}"`);
    expect(byUpperCase.text).not.toContain(`href="/admin/users/${aino.id}"`);

    const byEmail = await adminClient.get(`/admin/users?q=${encodeURIComponent(`${tag}@TULLI`)}`);
    expect(byEmail.text).toContain(`href="/admin/users/${orjan.id}"`);
    expect(byEmail.text).toContain(`href="/admin/users/${pekka.id}"`);
    expect(byEmail.text).not.toContain(`href="/admin/users/${aino.id}"`);

    // LIKE's wildcards are searched for as text, not used as wildcards.
    const wildcard = await adminClient.get(`/admin/users?q=${encodeURIComponent('%')}`);
    expect(wildcard.text).not.toContain(`href="/admin/users/${aino.id}"`);

  });

  it('lists people by name as Finnish sorts them: Z, Å, Ä, Ö', async () => {
    const tag = unique();
    const people = [];
    for (const name of ['Ödön', 'Äli', 'Zoltan', 'Åke']) people.push(await createUser(t, { displayName: `${name} ${tag}` }));
    const sorted = await adminClient.get(`/admin/users?q=${tag}&sort=name`);
    const position = (name: string) => sorted.text.indexOf(`>${name} ${tag}</a>`);
    const order = ['Zoltan', 'Åke', 'Äli', 'Ödön'].map(position);
    expect(order.every((at) => at > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('pages through people fifty at a time with a link to the next page', async () => {
    const tag = unique();
    await db.query(
      `INSERT INTO app_user (email, display_name, password_hash) SELECT 'page-' || $1 || '-' || n || '@example.fi', 'Sivutus ' || $1 || ' ' || n, 'x' FROM generate_series(1, 51) n`,
      [tag],
    );
    const first = await adminClient.get(`/admin/users?q=${tag}`);
    expect(first.text.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g)).toHaveLength(50);
    const decoded = first.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const next = /href="(\/admin\/users\?[^"]*page=2)"/.exec(decoded)?.[1];
    expect(next).toBeDefined();
    const second = await adminClient.get(next!);
    expect(second.text.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g)).toHaveLength(1);
    expect(second.text.replace(/&#x3D;/g, '=')).not.toContain('page=3');
  });

  it('refuses a filter it cannot use with a message next to the field, keeping the search text', async () => {
    const long = await adminClient.get(`/admin/users?q=${'ä'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.text).toContain('id="users-q-error">Haku on enintään 200 merkkiä.');
    const odd = await adminClient.get('/admin/users?q=aino&status=superuser&page=-1&extra=1');
    expect(odd.status).toBe(400);
    expect(odd.text).toContain('id="users-status-error">Valitse tila listasta.');
    expect(odd.text).toContain('value="aino"');
  });

  it('shows a person with their agency, role, status and what was done to their account; 404 for an unknown or malformed id', async () => {
    const [agency] = await db.query(`INSERT INTO agency (name) VALUES ($1) RETURNING id`, [`Tilastokeskus ${unique()}`]);
    const person = await createUser(t, { displayName: 'Sanna Sävelä', agencyId: agency.id });
    await adminClient.post(`/admin/users/${person.id}/role`, { role: 'admin' });
    const page = await adminClient.get(`/admin/users/${person.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Sanna Sävelä</h1>');
    expect(page.text).toContain('Tilastokeskus');
    expect(page.text).toContain('Rooli muutettu');
    expect(page.text).toContain('Ylläpitäjä Ylli');
    expect((await adminClient.get('/admin/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await adminClient.get('/admin/users/not-a-uuid')).status).toBe(404);
    expect((await adminClient.get(`/admin/users/${person.id}x`)).status).toBe(404);
    expect((await adminClient.post('/admin/users/not-a-uuid/role', { role: 'admin' })).status).toBe(404);
  });

  it('makes a person an admin, who can then open the user list, and logs who did it', async () => {
    const person = await createUser(t, { displayName: 'Ville Väänänen' });
    const client = await signIn(t, person.email);
    expect((await client.get('/admin/users')).status).toBe(403);

    const res = await adminClient.post(`/admin/users/${person.id}/role`, { role: 'admin' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${person.id}?done=role`);
    expect((await adminClient.get(res.headers.location)).text).toContain('Rooli tallennettu.');

    expect((await client.get('/admin/users')).status).toBe(200);
    expect(await auditRows(person.id, 'user.role')).toEqual([{ actor_user_id: admin.id, details: { from: null, to: 'admin' } }]);

    // And back: the role goes at once, with no new sign-in needed.
    expect((await adminClient.post(`/admin/users/${person.id}/role`, { role: 'none' })).status).toBe(303);
    expect((await client.get('/admin/users')).status).toBe(403);
  });

  it('does not let an admin take away their own admin role or deactivate themselves', async () => {
    const role = await adminClient.post(`/admin/users/${admin.id}/role`, { role: 'none' });
    expect(role.status).toBe(400);
    expect(role.text).toContain('id="user-role-error">Et voi ottaa itseltäsi ylläpitäjän roolia.');
    const deactivate = await adminClient.post(`/admin/users/${admin.id}/deactivate`);
    expect(deactivate.status).toBe(400);
    expect(deactivate.text).toContain('Et voi poistaa omaa tunnustasi käytöstä.');
    const row = await userRow(admin.id);
    expect([row.site_role, row.status]).toEqual(['admin', 'active']);
    expect(await auditRows(admin.id, 'user.role')).toEqual([]);
    expect((await adminClient.get('/admin/users')).status).toBe(200);
  });

  it('refuses a form with an unknown role or an unknown field, with 400, changing nothing', async () => {
    const person = await createUser(t);
    const badRole = await adminClient.post(`/admin/users/${person.id}/role`, { role: 'superuser' });
    expect(badRole.status).toBe(400);
    expect(badRole.text).toContain('id="user-role-error">Valitse rooli listasta.');
    const extra = await adminClient.post(`/admin/users/${person.id}/role`, { role: 'admin', siteRole: 'admin' });
    expect(extra.status).toBe(400);
    expect(extra.text).toContain('siteRole: Tätä kenttää ei tunneta.');
    const deactivateExtra = await adminClient.post(`/admin/users/${person.id}/deactivate`, { status: 'erased' });
    expect(deactivateExtra.status).toBe(400);
    const row = await userRow(person.id);
    expect([row.site_role, row.status]).toEqual([null, 'active']);
  });

  it('deactivation signs the person out everywhere, revokes their API tokens and stops them signing in', async () => {
    const person = await createUser(t, { displayName: 'Dora Deaktivoitava' });
    const client = await signIn(t, person.email);
    const token = await newApiToken(person.id);
    expect(await signedIn(client)).toBe(true);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);

    const res = await adminClient.post(`/admin/users/${person.id}/deactivate`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${person.id}?done=deactivated`);

    expect(await signedIn(client)).toBe(false);
    const signInPage = await client.get('/admin/users');
    expect(signInPage.status).toBe(303);
    expect(signInPage.headers.location).toMatch(/^\/login/);
    const [tokenRow] = await db.query(`SELECT revoked_at FROM api_token WHERE user_id = $1`, [person.id]);
    expect(tokenRow.revoked_at).not.toBeNull();
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    await expect(signIn(t, person.email)).rejects.toThrow(/failed: 400/);
    expect(await auditRows(person.id, 'user.deactivated')).toEqual([{ actor_user_id: admin.id, details: { tokensRevoked: 1, notificationsCancelled: 0 } }]);

    // Reactivated, they sign in again; the old token stays revoked.
    expect((await adminClient.post(`/admin/users/${person.id}/reactivate`)).status).toBe(303);
    expect(await signedIn(await signIn(t, person.email, TEST_PASSWORD))).toBe(true);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    expect(await auditRows(person.id, 'user.reactivated')).toHaveLength(1);
  });

  it('refuses erasure when the person has not asked for it, or without the confirmation', async () => {
    const person = await createUser(t, { displayName: 'Eero Ei-pyytänyt' });
    const unasked = await adminClient.post(`/admin/users/${person.id}/erase`, { confirm: 'yes' });
    expect(unasked.status).toBe(400);
    expect(unasked.text).toContain('Henkilö ei ole pyytänyt tietojensa poistamista.');

    await db.query(`UPDATE app_user SET erasure_requested_at = now() WHERE id = $1`, [person.id]);
    const unconfirmed = await adminClient.post(`/admin/users/${person.id}/erase`, {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('id="user-confirm-error">Vahvista poisto valitsemalla ruutu.');

    const row = await userRow(person.id);
    expect([row.status, row.email, row.display_name]).toEqual(['active', person.email, 'Eero Ei-pyytänyt']);
    expect(await auditRows(person.id, 'user.erased')).toEqual([]);
  });

  it('erases a person who asked: nothing that says who they were is left, their sessions end, and the erasure is logged', async () => {
    const tag = unique();
    const [agency] = await db.query(`INSERT INTO agency (name) VALUES ($1) RETURNING id`, [`Kela ${tag}`]);
    const person = await createUser(t, { displayName: `Elli Äyräpää ${tag}`, email: `elli.${tag}@kela.fi`, agencyId: agency.id });
    const client = await signIn(t, person.email);
    const token = await newApiToken(person.id);
    await db.query(`INSERT INTO password_reset (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [person.id, `reset-${tag}`]);
    await db.query(`INSERT INTO notification_preference (user_id, kind, channel) VALUES ($1, 'test-message', 'digest')`, [person.id]);
    // The pending one is due tomorrow, so the outbox relay leaves it alone until the erasure.
    const notification = `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, status, sent_at, body_text, body_html, due_at)
                          VALUES ('test-message', $1, $2, $3, 'fi', $4, $5, $6, $7, $7, now() + interval '1 day') RETURNING id`;
    const personal = { name: person.displayName, email: person.email };
    const [pending] = await db.query(notification, [person.id, person.email, person.displayName, personal, 'pending', null, null]);
    const [sent] = await db.query(notification, [person.id, person.email, person.displayName, personal, 'sent', new Date(), `Hei ${person.displayName}`]);
    await db.query(`UPDATE app_user SET erasure_requested_at = now() WHERE id = $1`, [person.id]);
    const before = await userRow(person.id);

    const list = await adminClient.get('/admin/users');
    const requests = list.text.slice(list.text.indexOf('id="erasure-heading"'), list.text.indexOf('id="people-heading"'));
    expect(requests).toContain(`href="/admin/users/${person.id}"`);

    const res = await adminClient.post(`/admin/users/${person.id}/erase`, { confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${person.id}?done=erased`);

    const row = await userRow(person.id);
    expect(row).toMatchObject({
      email: `erased-${person.id}@erased.invalid`,
      display_name: '',
      agency_id: null,
      password_hash: null,
      status: 'erased',
      erasure_requested_at: null,
      session_version: before.session_version + 1,
    });
    for (const table of ['api_token', 'password_reset', 'notification_preference']) {
      expect([table, (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [person.id]))[0].n]).toEqual([table, 0]);
    }
    const notifications = await db.query(`SELECT id, status, recipient_email, recipient_name, body_text, body_html, payload FROM notification WHERE recipient_user_id = $1`, [person.id]);
    expect(notifications).toHaveLength(2);
    expect(notifications.find((n: { id: string }) => n.id === pending.id).status).toBe('cancelled');
    expect(notifications.find((n: { id: string }) => n.id === sent.id).status).toBe('sent');
    for (const n of notifications) {
      expect(n).toMatchObject({ recipient_email: `erased-${person.id}@erased.invalid`, recipient_name: null, body_text: null, body_html: null, payload: {} });
    }
    const [{ n: traces }] = await db.query(
      `SELECT count(*)::int AS n FROM notification n WHERE n::text ILIKE $1 OR n::text ILIKE $2`,
      [`%${person.email}%`, `%Äyräpää%`],
    );
    expect(traces).toBe(0);

    const audit = await auditRows(person.id, 'user.erased');
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_user_id).toBe(admin.id);
    expect(JSON.stringify(audit[0].details)).not.toMatch(new RegExp(`${tag}|Äyräpää|kela`, 'i'));

    expect(await signedIn(client)).toBe(false);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    await expect(signIn(t, person.email)).rejects.toThrow(/failed: 400/);

    const page = await adminClient.get(res.headers.location);
    expect(page.text).toContain('Henkilön tiedot on poistettu.');
    expect(page.text).toContain('<h1>Poistettu käyttäjä</h1>');
    const again = await adminClient.post(`/admin/users/${person.id}/erase`, { confirm: 'yes' });
    expect(again.status).toBe(400);
  });

  describe('to anyone but an admin', () => {
    let person: Awaited<ReturnType<typeof createUser>>;
    let client: WebClient;
    beforeAll(async () => {
      person = await createUser(t, { displayName: 'Niko Normaali' });
      client = await signIn(t, person.email);
    });

    const pages = () => ['/admin/users', '/admin/users?q=a', `/admin/users/${admin.id}`];
    const forms = (): [string, Record<string, string>][] => [
      [`/admin/users/${person.id}/role`, { role: 'admin' }],
      [`/admin/users/${admin.id}/role`, { role: 'none' }],
      [`/admin/users/${admin.id}/deactivate`, {}],
      [`/admin/users/${admin.id}/reactivate`, {}],
      [`/admin/users/${admin.id}/erase`, { confirm: 'yes' }],
    ];

    it('answers 403 to a signed-in person who is not an admin, changing nothing', async () => {
      for (const path of pages()) expect([path, (await client.get(path)).status]).toEqual([path, 403]);
      for (const [path, form] of forms()) expect([path, (await client.post(path, form)).status]).toEqual([path, 403]);
      expect((await userRow(person.id)).site_role).toBeNull();
      expect((await userRow(admin.id)).status).toBe('active');
    });

    it('sends people who are not signed in to the sign-in page, and refuses their forms', async () => {
      const anonymous = new WebClient(t);
      for (const path of pages()) {
        const res = await anonymous.get(path);
        expect([path, res.status, res.headers.location]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
      }
      for (const [path, form] of forms()) expect([path, (await anonymous.post(path, form)).status]).toEqual([path, 403]);
      expect((await userRow(admin.id)).site_role).toBe('admin');
    });
  });
});
