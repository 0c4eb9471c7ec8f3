import { DataSource } from 'typeorm';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { startTestApp, TestApp } from './support/test-app';

describe('outbox admin pages', () => {
  let t: TestApp;
  let cookie: string;
  const ORIGIN = { origin: 'http://verso.test', host: 'verso.test' };

  beforeAll(async () => {
    // No SMTP_URL: the demo setting, in which messages are kept readable instead of sent.
    t = await startTestApp({ ADMIN_TOKEN: 'a-long-enough-admin-token' });
    const login = await t.http.post('/admin/login').type('form').send({ token: 'a-long-enough-admin-token', next: '/admin/outbox' }).expect(303);
    expect(login.headers.location).toBe('/admin/outbox');
    cookie = login.headers['set-cookie'][0].split(';')[0];
    expect(login.headers['set-cookie'][0]).toMatch(/HttpOnly; SameSite=Strict/);
  });
  afterAll(() => t.close());

  const waitForSent = async (email: string) => {
    for (let i = 0; i < 100; i++) {
      const [row] = await t.app.get(DataSource).query(`SELECT id, status FROM notification WHERE recipient_email = $1`, [email]);
      if (row?.status === 'sent') return row.id as string;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no sent message to ${email}`);
  };

  it('sends people who are not signed in to the sign-in page, and refuses a wrong token next to the field', async () => {
    const page = await t.http.get('/admin/outbox').expect(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Foutbox');
    await t.http.get('/admin/queues').expect(303);
    await t.http.post('/admin/outbox/test-message').set(ORIGIN).type('form').send({ email: 'a@b.fi' }).expect(403);

    const wrong = await t.http.post('/admin/login').set('accept-language', 'en').type('form').send({ token: 'wrong', next: '/admin/outbox' }).expect(400);
    expect(wrong.text).toContain('id="token-error">That token is not valid.');
    expect(wrong.text).toContain('aria-invalid="true"');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // A forged cookie is no sign-in.
    await t.http.get('/admin/outbox').set('cookie', 'verso_admin=yes').expect(303);
  });

  it('refuses a state-changing admin form sent from another site', async () => {
    const res = await t.http
      .post('/admin/outbox/test-message')
      .set('cookie', cookie)
      .set({ origin: 'https://evil.example', host: 'verso.test' })
      .type('form')
      .send({ email: 'x@example.fi' })
      .expect(403);
    expect(res.text).toContain('Verso');
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM notification WHERE recipient_email = 'x@example.fi'`);
    expect(n).toBe(0);
  });

  it('re-shows the test-message form with the message next to the field and the input kept, saving nothing', async () => {
    const res = await t.http.post('/admin/outbox/test-message').set('cookie', cookie).set(ORIGIN).set('accept-language', 'fi').type('form').send({ email: 'not-an-address', language: 'sv' }).expect(400);
    expect(res.text).toContain('id="test-email-error">Anna sähköpostiosoite');
    expect(res.text).toContain('value="not-an-address"');
    expect(res.text).toContain('<option value="sv" selected>');
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM notification`);
    expect(n).toBe(0);
  });

  it('keeps a message readable on the outbox page when no SMTP server is set', async () => {
    await t.http.post('/admin/outbox/test-message').set('cookie', cookie).set(ORIGIN).type('form').send({ email: 'maija.aijala@valtiokonttori.fi', language: 'fi' }).expect(303);
    const id = await waitForSent('maija.aijala@valtiokonttori.fi');
    const list = await t.http.get('/admin/outbox?status=sent&recipient=aijala').set('cookie', cookie).expect(200);
    expect(list.text).toContain(`href="/admin/outbox/${id}"`);
    expect(list.text).toContain('Verson testiviesti');

    const message = await t.http.get(`/admin/outbox/${id}`).set('cookie', cookie).expect(200);
    expect(message.text).toContain('not sent: no SMTP_URL set (demo mode)');
    expect(message.text).toContain('Tämä on testiviesti.');
    const html = await t.http.get(`/admin/outbox/${id}/html`).set('cookie', cookie).expect(200);
    expect(html.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html.text).toContain('<html lang="fi">');
  });

  it('filters by kind and status, ignoring values it does not know', async () => {
    const notifications = t.app.get(NotificationsService);
    await notifications.notify(TEST_MESSAGE_KIND, { email: 'later@example.fi', language: 'en' }, { requestedAt: new Date().toISOString() }, { dueAt: new Date(Date.now() + 86_400_000 * 3) });
    const pending = await t.http.get('/admin/outbox?status=pending').set('cookie', cookie).expect(200);
    expect(pending.text).toContain('later@example.fi');
    expect(pending.text).not.toContain('maija.aijala@valtiokonttori.fi');
    const odd = await t.http.get('/admin/outbox?status=bogus&kind=%3Cscript%3E&before=garbage').set('cookie', cookie).expect(200);
    expect(odd.text).toContain('later@example.fi');
    await t.http.get('/admin/outbox/not-a-uuid').set('cookie', cookie).expect(404);
  });

  it('shows the queue dashboard to admins', async () => {
    const board = await t.http.get('/admin/queues').set('cookie', cookie).expect(200);
    expect(board.text).toMatch(/bull/i);
  });
});
