// Email verification and agency email domains (issue 16), as a new user meets them: signing up
// mails a one-time link (24 hours, only its hash stored); until it is used the person may read but
// not enrol, post or subscribe, over the pages and the API alike, and may ask for the link again
// (3 an hour, the newest only working). An agency may list its email domains: signing up for it,
// or moving to it in the profile, with another address is refused, naming them.
import { createHash } from 'node:crypto';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { EMAIL_VERIFICATION_KIND } from '../src/accounts/email-verification.service';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { secretLinkTo } from './support/secret-links';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);
const OPEN_NOW = { enrolmentOpensAt: daysFromNow(-30), enrolmentClosesAt: daysFromNow(60), cancellationDeadline: daysFromNow(60) };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tokenIn = (text: string) => /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];

describe('email verification', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let general: string;
  let threadId: string;
  let agencies: AgencyService;
  let vero: string;

  const verified = async (userId: string) => (await db.query(`SELECT email_verified_at IS NOT NULL AS v FROM app_user WHERE id = $1`, [userId]))[0].v as boolean;
  const latestToken = async (email: string) => tokenIn(await secretLinkTo(t, EMAIL_VERIFICATION_KIND, email, 'link'))!;
  const tokenOf = async (userId: string) => (await t.app.get(ApiTokensService).issue(userId, { name: 'verification test' })).token;
  const api = (request: Test, token: string) => request.set('authorization', `Bearer ${token}`);
  const enrolments = async (userId: string) => (await db.query(`SELECT count(*)::int AS n FROM enrolment WHERE user_id = $1`, [userId]))[0].n as number;
  const posts = async (userId: string) => (await db.query(`SELECT count(*)::int AS n FROM forum_post WHERE author_id = $1`, [userId]))[0].n as number;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    agencies = t.app.get(AgencyService);
    await agencies.ensure(['Verohallinto', 'Tulli']);
    vero = (await agencies.list('fi')).find((a) => a.name === 'Verohallinto')!.id;
    [{ id: general }] = await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    const starter = await signIn(t, (await createUser(t, { displayName: 'Ville Virtanen' })).email);
    await starter.post(`/channels/${general}/threads`, { title: 'Tervetuloa verkostoon', body: 'Esittäytykää!' });
    [{ id: threadId }] = await db.query(`SELECT id FROM forum_thread WHERE title = 'Tervetuloa verkostoon'`);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('mails a new web account a 24-hour link, stored only as its hash, that verifies the address once and then is refused', async () => {
    const browser = new WebClient(t);
    const res = await browser.post('/register', { displayName: 'Aino Äijälä', email: 'Aino.Aijala@vero.fi', password: TEST_PASSWORD, language: 'fi', agencyId: vero }, { page: '/register' });
    expect(res.status).toBe(303);
    const [person] = await db.query(`SELECT id, email_verified_at FROM app_user WHERE email = 'aino.aijala@vero.fi'`);
    expect(person.email_verified_at).toBeNull();
    // Every page reminds the person, with a button for a new link.
    const profile = await browser.get('/profile');
    expect(profile.text).toContain('Vahvista sähköpostiosoitteesi aino.aijala@vero.fi');
    expect(profile.text).toContain('action="/verify-email/resend"');

    const mail = await sink.mailTo('aino.aijala@vero.fi', 'Verso: vahvista sähköpostiosoitteesi');
    expect(mail.text).toContain('Linkki toimii 24 tuntia ja vain kerran.');
    const token = tokenIn(mail.text)!;
    expect(token).toBeDefined();
    const [stored] = await db.query(`SELECT token_hash, extract(epoch FROM expires_at - created_at)::int AS lifetime FROM email_verification WHERE user_id = $1`, [person.id]);
    expect(stored.token_hash).toBe(sha256(token));
    expect(stored.lifetime).toBe(24 * 60 * 60);
    // The outbox keeps the link sealed, never as text.
    const [row] = await db.query(`SELECT payload::text AS payload FROM notification WHERE kind = $1 AND recipient_user_id = $2`, [EMAIL_VERIFICATION_KIND, person.id]);
    expect(row.payload).not.toContain(token);

    // Opened signed out (another device): it works all the same.
    const used = await new WebClient(t).get(`/verify-email?token=${token}`);
    expect(used.status).toBe(200);
    expect(used.headers['cache-control']).toBe('no-store');
    expect(used.text).toContain('Sähköpostiosoitteesi on nyt vahvistettu');
    expect(await verified(person.id)).toBe(true);
    expect((await browser.get('/profile')).text).not.toContain('action="/verify-email/resend"');

    const again = await browser.get(`/verify-email?token=${token}`);
    expect(again.status).toBe(400);
    expect(again.text).toContain('Tämä vahvistuslinkki ei toimi');
  });

  it('refuses an unverified person’s enrolment, thread, reply and subscription on the pages, with the reason and a button for the link, until they use it', async () => {
    const person = await createUser(t, { displayName: 'Eero Vahvistamaton', emailVerified: false });
    const browser = await signIn(t, person.email);
    const cohort = await newCohort(t, { capacity: 5, ...OPEN_NOW });

    // Reading is allowed.
    expect((await browser.get(`/cohorts/${cohort.id}`)).status).toBe(200);
    expect((await browser.get(`/threads/${threadId}`)).status).toBe(200);

    const enrol = await browser.post(`/cohorts/${cohort.id}/enrol`, {});
    expect(enrol.status).toBe(403);
    expect(enrol.text).toContain('Vahvista ensin sähköpostiosoitteesi');
    expect(enrol.text).toContain('Lähetä linkki uudelleen');
    expect(enrol.text).toMatch(/<form method="post" action="\/verify-email\/resend"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/);
    for (const [path, form] of [
      [`/channels/${general}/threads`, { title: 'Hei kaikki', body: 'Ensimmäinen viestini.' }],
      [`/threads/${threadId}/posts`, { body: 'Kiitos!' }],
      [`/channels/${general}/subscription`, { level: 'every_post' }],
    ] as const) {
      const refused = await browser.post(path, form);
      expect([path, refused.status]).toEqual([path, 403]);
      expect(refused.text).toContain('Vahvista ensin sähköpostiosoitteesi');
    }
    expect(await enrolments(person.id)).toBe(0);
    expect(await posts(person.id)).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM forum_subscription WHERE user_id = $1`, [person.id]))[0].n).toBe(0);

    // The button mails a link; using it lets the person in.
    const sent = await browser.post('/verify-email/resend', {});
    expect(sent.status).toBe(200);
    expect(sent.text).toContain(`Lähetimme uuden linkin osoitteeseen ${person.email}`);
    expect((await browser.get(`/verify-email?token=${await latestToken(person.email)}`)).status).toBe(200);
    expect((await browser.post(`/cohorts/${cohort.id}/enrol`, {})).status).toBe(303);
    expect((await browser.post(`/threads/${threadId}/posts`, { body: 'Nyt onnistuu.' })).status).toBe(303);
    expect(await enrolments(person.id)).toBe(1);
    expect(await posts(person.id)).toBe(1);
  });

  it('refuses an unverified account’s enrolment and posts over the API with 403 and a message, and mails a new link when asked', async () => {
    const registered = await t.http
      .post('/api/v1/auth/register')
      .send({ displayName: 'Åsa Öström', email: 'asa.ostrom@tulli.fi', password: TEST_PASSWORD, language: 'sv' })
      .expect(201);
    const userId = registered.body.user.id as string;
    expect(await verified(userId)).toBe(false);
    const token = await tokenOf(userId);
    expect((await api(t.http.get('/api/v1/me'), token).expect(200)).body.emailVerified).toBe(false);
    const cohort = await newCohort(t, { capacity: 5, ...OPEN_NOW });

    for (const [path, body] of [
      [`/api/v1/cohorts/${cohort.id}/enrolments`, {}],
      [`/api/v1/channels/${general}/threads`, { title: 'Hej alla', body: 'Mitt första inlägg.' }],
      [`/api/v1/threads/${threadId}/posts`, { body: 'Tack!' }],
    ] as const) {
      const res = await api(t.http.post(path), token).send(body);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'accounts.verify.required', message: expect.stringContaining('First confirm your email address') });
    }
    expect(await enrolments(userId)).toBe(0);
    expect(await posts(userId)).toBe(0);

    const first = await latestToken('asa.ostrom@tulli.fi');
    expect((await api(t.http.post('/api/v1/auth/verification-link'), token).expect(200)).body).toEqual({ sent: true });
    const second = await latestToken('asa.ostrom@tulli.fi');
    expect(second).not.toBe(first);
    // Only the newest link works.
    expect((await t.http.get(`/verify-email?token=${first}`)).status).toBe(400);
    expect(await verified(userId)).toBe(false);
    expect((await t.http.get(`/verify-email?token=${second}`)).status).toBe(200);
    expect((await api(t.http.get('/api/v1/me'), token).expect(200)).body.emailVerified).toBe(true);
    expect((await api(t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`), token).send({})).status).toBe(201);
    // Verified: nothing more is sent.
    expect((await api(t.http.post('/api/v1/auth/verification-link'), token).expect(200)).body).toEqual({ sent: false });
  });

  it('refuses a link past its 24 hours and a tampered one with a clear page, changing nothing', async () => {
    const person = await createUser(t, { emailVerified: false, language: 'en' });
    const browser = await signIn(t, person.email, TEST_PASSWORD, 'en');
    await browser.post('/verify-email/resend', {});
    const token = await latestToken(person.email);

    const tampered = await browser.get(`/verify-email?token=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain('This confirmation link does not work');
    for (const junk of ['', 'x', '%00', 'a'.repeat(5000), `${token}&token=${token}`]) {
      expect((await browser.get(`/verify-email?token=${junk}`)).status).toBe(400);
    }
    expect((await browser.get('/verify-email')).status).toBe(400);

    await db.query(`UPDATE email_verification SET expires_at = now() - interval '1 second', created_at = created_at - interval '24 hours' WHERE user_id = $1`, [person.id]);
    const expired = await browser.get(`/verify-email?token=${token}`);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('have expired (a link works for 24 hours)');
    expect(await verified(person.id)).toBe(false);
    expect((await db.query(`SELECT used_at FROM email_verification WHERE user_id = $1`, [person.id]))[0].used_at).toBeNull();
  });

  it('sends the link again at most 3 times an hour per account, with the wait in the message', async () => {
    const person = await createUser(t, { emailVerified: false });
    const browser = await signIn(t, person.email);
    for (let i = 0; i < 3; i++) expect((await browser.post('/verify-email/resend', {})).status).toBe(200);
    const links = async () => (await db.query(`SELECT count(*)::int AS n FROM email_verification WHERE user_id = $1`, [person.id]))[0].n as number;
    expect(await links()).toBe(3);
    const over = await browser.post('/verify-email/resend', {});
    expect(over.status).toBe(429);
    expect(over.text).toMatch(/Liian monta yritystä|minuutin/);
    expect(await links()).toBe(3);
    // The API counts against the same limit.
    const res = await api(t.http.post('/api/v1/auth/verification-link'), await tokenOf(person.id)).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Without the form token nothing is sent.
    expect((await browser.post('/verify-email/resend', {}, { csrf: false })).status).toBe(403);
  });

  it('lets an admin enrol an unverified person by email, which does not verify them', async () => {
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const person = await createUser(t, { emailVerified: false });
    const cohort = await newCohort(t, { capacity: 5, ...OPEN_NOW });
    const res = await admin.post(`/cohorts/${cohort.id}/roster/enrol`, { email: person.email }, { page: `/cohorts/${cohort.id}/roster` });
    expect(res.status).toBe(303);
    expect(await enrolments(person.id)).toBe(1);
    expect(await verified(person.id)).toBe(false);
  });

  describe('agency email domains', () => {
    let admin: WebClient;
    let tulli: string;
    const domainsOf = async (agencyId: string) => (await db.query(`SELECT email_domains FROM agency WHERE id = $1`, [agencyId]))[0].email_domains as string[];

    beforeAll(async () => {
      admin = await signIn(t, (await createUser(t, { siteRole: 'admin', displayName: 'Maija Ylläpitäjä' })).email);
      tulli = (await agencies.list('fi')).find((a) => a.name === 'Tulli')!.id;
    });

    it('saves an admin’s list in lower case, an internationalised domain as punycode, and shows it back', async () => {
      const res = await admin.post(`/admin/agencies/${vero}/domains`, { domains: 'Vero.FI, verohallinto.fi\nSähkö.fi  vero.fi' }, { page: '/admin/agencies' });
      expect(res.status).toBe(303);
      expect(await domainsOf(vero)).toEqual(['vero.fi', 'verohallinto.fi', 'xn--shk-qla6g.fi']);
      const page = await admin.get('/admin/agencies');
      expect(page.text).toContain('>vero.fi, verohallinto.fi, sähkö.fi</textarea>');
    });

    it.each([
      ['a wildcard', '*.tulli.fi', '”*.tulli.fi” ei ole verkkotunnus'],
      ['a space inside a domain', 'tulli .fi', '”tulli” ei ole verkkotunnus'],
      ['300 characters', 'x'.repeat(296) + '.fi', 'ei ole verkkotunnus'],
      ['a leading dot', '.tulli.fi', '”.tulli.fi” ei ole verkkotunnus'],
      ['an address', 'kirjaamo@tulli.fi', '”kirjaamo@tulli.fi” ei ole verkkotunnus'],
      ['21 domains', Array.from({ length: 21 }, (_, i) => `d${i}.fi`).join(', '), 'Verkkotunnuksia voi olla enintään 20.'],
    ])('refuses %s with a message next to the field, the input kept and nothing saved', async (_what, typed, message) => {
      await agencies.setEmailDomains((await createUser(t, { siteRole: 'admin' })).id, tulli, 'tulli.fi');
      const res = await admin.post(`/admin/agencies/${tulli}/domains`, { domains: typed }, { page: '/admin/agencies' });
      expect(res.status).toBe(400);
      expect(res.text).toContain(`id="agency-domains-${tulli}-error">`);
      expect(res.text).toContain(message);
      expect(res.text).toContain(`${typed}</textarea>`);
      expect(await domainsOf(tulli)).toEqual(['tulli.fi']);
    });

    it('refuses to register for an agency with domains using an address outside them, naming the domains, on the page and the API', async () => {
      await agencies.setEmailDomains((await createUser(t, { siteRole: 'admin' })).id, tulli, 'tulli.fi, customs.fi');
      const form = { displayName: 'Pekka Ulkopuolinen', email: 'pekka@gmail.com', password: TEST_PASSWORD, language: 'fi', agencyId: tulli };
      const page = await new WebClient(t).post('/register', form, { page: '/register' });
      expect(page.status).toBe(400);
      expect(page.text).toContain('id="register-email-error">Valitsemasi viraston tunnuksiin käytetään vain osoitteita näistä verkkotunnuksista: tulli.fi, customs.fi.');
      expect(page.text).toContain('value="pekka@gmail.com"');
      const json = await t.http.post('/api/v1/auth/register').send(form).expect(400);
      expect(json.body.fields.email).toContain('these domains: tulli.fi, customs.fi');
      expect((await db.query(`SELECT count(*)::int AS n FROM app_user WHERE email = 'pekka@gmail.com'`))[0].n).toBe(0);

      // Inside the domains (whatever the case) it goes; an agency with no domains takes any address.
      expect((await new WebClient(t).post('/register', { ...form, email: 'Pekka@Customs.fi' }, { page: '/register' })).status).toBe(303);
      await agencies.setEmailDomains((await createUser(t, { siteRole: 'admin' })).id, tulli, '');
      expect((await t.http.post('/api/v1/auth/register').send({ ...form, email: 'pekka@gmail.com' })).status).toBe(201);
    });

    it('refuses moving to an agency in the profile when the address is outside its domains, and keeps a person who is already in it', async () => {
      const adminId = (await createUser(t, { siteRole: 'admin' })).id;
      await agencies.setEmailDomains(adminId, tulli, '');
      // Joined before the domains were listed.
      const member = await createUser(t, { email: 'matti@example.fi', agencyId: tulli });
      await agencies.setEmailDomains(adminId, tulli, 'tulli.fi');
      const outsider = await createUser(t, { email: 'liisa@example.fi', displayName: 'Liisa Laine' });
      const browser = await signIn(t, outsider.email);
      const moved = await browser.post('/profile', { displayName: 'Liisa Laine', agencyId: tulli, language: 'fi' }, { page: '/profile' });
      expect(moved.status).toBe(400);
      expect(moved.text).toContain('Tämän viraston tunnuksiin käytetään vain osoitteita näistä verkkotunnuksista: tulli.fi.');
      expect((await db.query(`SELECT agency_id FROM app_user WHERE id = $1`, [outsider.id]))[0].agency_id).toBeNull();

      // Someone who joined before the domains were listed may still save their profile.
      const saved = await (await signIn(t, member.email)).post('/profile', { displayName: 'Matti Meikäläinen', agencyId: tulli, language: 'fi' }, { page: '/profile' });
      expect(saved.status).toBe(303);
    });
  });
});
