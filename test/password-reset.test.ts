import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FREE_SIGN_IN_FAILURES, RateLimits } from '../src/access/rate-limits';
import { PASSWORD_RESET_KIND } from '../src/accounts/password-reset.service';
import { NotificationsService } from '../src/notifications/notifications.service';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { secretLinkTo } from './support/secret-links';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const NEW_PASSWORD = 'Syksyn-valmennus-2027';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('password reset', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;

  /** The first mail the sink got for this address, waiting for the worker to send it. */
  const mailTo = async (email: string, timeoutMs = 10000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = sink.received.find((m) => m.to.toLowerCase().includes(email.toLowerCase()));
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${email}`);
      await sleep(50);
    }
  };
  const tokenIn = (text: string) => /\/password\/reset\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  /** The newest reset link's token, opened from the outbox row (quicker than waiting for the mail). */
  const latestToken = async (email: string): Promise<string> => {
    const token = tokenIn(await secretLinkTo(t, PASSWORD_RESET_KIND, email, 'link'));
    if (!token) throw new Error(`no reset link for ${email}`);
    return token;
  };
  const askForLink = async (email: string) => {
    const res = await new WebClient(t).post('/password/forgot', { email });
    expect(res.status).toBe(200);
    return res;
  };
  const canSignIn = async (email: string, password: string) => (await new WebClient(t).post('/login', { email, password })).status === 303;

  beforeAll(async () => {
    sink = new SmtpSink();
    // Behind a proxy on this machine, so a test can be at an address of its own (X-Forwarded-For).
    t = await startTestApp({ SMTP_URL: await sink.start(), TRUST_PROXY: 'loopback' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('mails a link in the person’s language that sets a new password once and signs them in, and refuses it the second time', async () => {
    const person = await createUser(t, { email: 'aino.reset@verohallinto.fi' });
    const browser = new WebClient(t);
    const asked = await browser.post('/password/forgot', { email: '  AINO.RESET@verohallinto.fi ' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('lähetimme siihen linkin');

    const mail = await mailTo(person.email);
    expect(mail.subject).toBe('Verso: uuden salasanan valinta');
    expect(mail.text).toContain('Hei Aino Äijälä,');
    expect(mail.text).toContain(`${t.config.baseUrl}/password/reset?token=`);
    expect(mail.text).toContain('Linkki toimii 60 minuuttia ja vain kerran.');
    const token = tokenIn(mail.text)!;
    expect(mail.html.replace(/&#x3D;/g, '=')).toContain(`href="${t.config.baseUrl}/password/reset?token=${token}"`);
    // Only the hash is kept.
    const [stored] = await db.query(`SELECT token_hash, expires_at - created_at AS lifetime FROM password_reset WHERE user_id = $1`, [person.id]);
    expect(stored.token_hash).toBe(sha256(token));
    expect(stored.lifetime).toMatchObject({ hours: 1 });

    const form = await browser.get(`/password/reset?token=${token}`);
    expect(form.status).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.headers['referrer-policy']).toBe('no-referrer');
    expect(form.text).toContain(`name="token" value="${token}"`);

    const done = await browser.post('/password/reset', { token, password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/profile?saved=password');
    const profile = await browser.get('/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain(person.email);

    const again = await new WebClient(t).post('/password/reset', { token, password: 'Toinen-uusi-salasana-88' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Linkki ei enää toimi');
    expect((await new WebClient(t).get(`/password/reset?token=${token}`)).status).toBe(400);
    expect(await canSignIn(person.email, NEW_PASSWORD)).toBe(true);
    expect(await canSignIn(person.email, TEST_PASSWORD)).toBe(false);
  });

  it('writes the mail in Swedish for a Swedish speaker, even one who turned the kind off', async () => {
    const person = await createUser(t, { email: 'asa.reset@tulli.fi', displayName: 'Åsa Öström', language: 'sv' });
    await t.app.get(NotificationsService).setPreference(person.id, 'password-reset', 'off');
    await askForLink(person.email);
    const mail = await mailTo(person.email);
    expect(mail.subject).toBe('Verso: välj ett nytt lösenord');
    expect(mail.language).toBe('sv');
    expect(mail.text).toContain('Länken fungerar i 60 minuter och bara en gång.');
  });

  it('refuses an expired link and leaves the password as it was', async () => {
    const person = await createUser(t);
    await askForLink(person.email);
    const token = await latestToken(person.email);
    await db.query(`UPDATE password_reset SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [person.id]);

    const page = await new WebClient(t).get(`/password/reset?token=${token}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Salasanan vaihtolinkki on vanhentunut tai sitä on jo käytetty.');
    expect(page.text).toContain('href="/password/forgot"');
    expect((await new WebClient(t).post('/password/reset', { token, password: NEW_PASSWORD })).status).toBe(400);
    expect(await canSignIn(person.email, TEST_PASSWORD)).toBe(true);
  });

  it('lets only one of two simultaneous posts use a link', async () => {
    const person = await createUser(t);
    await askForLink(person.email);
    const token = await latestToken(person.email);
    const [a, b] = [new WebClient(t), new WebClient(t)];
    // Each browser fetches its form first, so the two posts leave together.
    const [tokenA, tokenB] = await Promise.all([a.csrfToken(), b.csrfToken()]);
    const post = (client: WebClient, csrf: string, password: string) =>
      t.http.post('/password/reset').set('cookie', client.cookieHeader()).type('form').send({ _csrf: csrf, token, password });
    const results = await Promise.all([post(a, tokenA, 'Ensimmäinen-salasana-11'), post(b, tokenB, 'Toinen-salasana-kaksi-22')]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    const winner = results[0].status === 303 ? 'Ensimmäinen-salasana-11' : 'Toinen-salasana-kaksi-22';
    expect(await canSignIn(person.email, winner)).toBe(true);
  });

  it('ends the person’s other sessions', async () => {
    const person = await createUser(t);
    const elsewhere = await signIn(t, person.email);
    expect((await elsewhere.get('/profile')).status).toBe(200);
    await askForLink(person.email);
    const token = await latestToken(person.email);
    expect((await new WebClient(t).post('/password/reset', { token, password: NEW_PASSWORD })).status).toBe(303);

    const after = await elsewhere.get('/profile');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fprofile');
  });

  it('keeps the link working when the new password is refused', async () => {
    const person = await createUser(t);
    await askForLink(person.email);
    const token = await latestToken(person.email);
    const browser = new WebClient(t);
    const weak = await browser.post('/password/reset', { token, password: 'salasana2024!' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Tämä salasana on liian yleinen.');
    expect(weak.text).toContain('id="reset-password-error"');
    expect(weak.text).not.toContain('salasana2024!');
    expect(weak.text).toContain(`name="token" value="${token}"`);
    const [row] = await db.query(`SELECT used_at FROM password_reset WHERE token_hash = $1`, [sha256(token)]);
    expect(row.used_at).toBeNull();

    expect((await browser.post('/password/reset', { token, password: NEW_PASSWORD })).status).toBe(303);
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const known = await createUser(t, { email: 'known.person@traficom.fi' });
    const forKnown = await askForLink(known.email);
    const forUnknown = await askForLink('nobody.here@traficom.fi');
    expect(forUnknown.text.replace('nobody.here@traficom.fi', 'X')).toBe(forKnown.text.replace('known.person@traficom.fi', 'X'));

    await mailTo(known.email);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM notification WHERE recipient_email ILIKE 'nobody.here@%'`);
    expect(count).toBe(0);
    await sleep(300);
    expect(sink.received.filter((m) => m.to.includes('nobody.here'))).toHaveLength(0);
  });

  it('refuses a badly written address with a message next to the field', async () => {
    const res = await new WebClient(t).post('/password/forgot', { email: 'not an address' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="forgot-email-error"');
    expect(res.text).toContain('Anna sähköpostiosoite muodossa nimi@esimerkki.fi.');
    expect(res.text).toContain('value="not an address"');
  });

  it('answers the fourth request for one address in an hour with 429 and how long to wait, and sends no fourth link', async () => {
    const person = await createUser(t);
    const browser = new WebClient(t, 'en');
    for (let i = 0; i < 3; i++) expect((await browser.post('/password/forgot', { email: person.email })).status).toBe(200);
    const blocked = await browser.post('/password/forgot', { email: person.email });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Too many attempts\. Try again in (59|60) minutes\./);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(3500);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM password_reset WHERE user_id = $1`, [person.id]);
    expect(count).toBe(3);
    // An address without an account is limited alike, so the limit tells nothing either.
    for (let i = 0; i < 3; i++) await browser.post('/password/forgot', { email: 'ghost@example.fi' });
    expect((await browser.post('/password/forgot', { email: 'ghost@example.fi' })).status).toBe(429);
  });

  it('limits the requests from one IP address, whatever the addresses asked for', async () => {
    const browser = new WebClient(t);
    const csrf = await browser.csrfToken();
    const ask = (i: number) =>
      t.http.post('/password/forgot').set('cookie', browser.cookieHeader()).set('x-forwarded-for', '203.0.113.7').type('form').send({ _csrf: csrf, email: `someone-${i}@example.fi` });
    for (let i = 0; i < 20; i++) expect((await ask(i)).status).toBe(200);
    const blocked = await ask(20);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Yritä uudelleen \d+ minuutin kuluttua/);
  });

  it('forgets the failed sign-ins made from the address the password is reset from', async () => {
    const person = await createUser(t);
    const limits = t.app.get(RateLimits);
    const failFrom = async (ip: string) => (await limits.takeSignInTry(person.email, ip)).failed();
    for (let i = 0; i < FREE_SIGN_IN_FAILURES + 1; i++) await failFrom('198.51.100.5');

    await askForLink(person.email);
    const token = await latestToken(person.email);
    const browser = new WebClient(t);
    const csrf = await browser.csrfToken(`/password/reset?token=${token}`);
    const done = await t.http
      .post('/password/reset')
      .set('cookie', browser.cookieHeader())
      .set('x-forwarded-for', '198.51.100.5')
      .type('form')
      .send({ _csrf: csrf, token, password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    // The free failures are free again: without the reset, the next failure would already make the pair wait.
    for (let i = 0; i < FREE_SIGN_IN_FAILURES; i++) await failFrom('198.51.100.5');
  });
});
