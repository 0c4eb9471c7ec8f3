import { DataSource } from 'typeorm';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

async function expectStatus(response: Promise<import('supertest').Response>, status: number) {
  const res = await response;
  expect(res.status).toBe(status);
  return res;
}

describe('outbox admin pages', () => {
  let t: TestApp;
  let admin: WebClient;

  beforeAll(async () => {
    // No SMTP_URL: the demo setting, in which messages are kept readable instead of sent.
    t = await startTestApp();
    const person = await createUser(t, { email: 'ohjelmatiimi@valtiokonttori.fi', siteRole: 'admin' });
    admin = await signIn(t, person.email);
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

  it('sends people who are not signed in to the sign-in page, and keeps other people out', async () => {
    const page = await t.http.get('/admin/outbox').expect(303);
    expect(page.headers.location).toBe('/login?next=%2Fadmin%2Foutbox');
    expect((await t.http.get('/admin/queues').expect(303)).headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    const participant = await createUser(t, { email: 'aino.virtanen@verohallinto.fi' });
    const signedIn = await signIn(t, participant.email);
    expect((await signedIn.get('/admin/outbox')).status).toBe(403);
    expect((await signedIn.get('/admin/queues')).status).toBe(403);
    expect((await signedIn.post('/admin/outbox/test-message', { email: 'a@b.fi', language: 'fi' })).status).toBe(403);
  });

  it('refuses an admin form without its CSRF token, changing nothing', async () => {
    const res = await admin.post('/admin/outbox/test-message', { email: 'x@example.fi', language: 'fi' }, { csrf: false });
    expect(res.status).toBe(403);
    const forged = await admin.post('/admin/outbox/test-message', { _csrf: 'forged-token', email: 'x@example.fi', language: 'fi' }, { csrf: false });
    expect(forged.status).toBe(403);
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM notification WHERE recipient_email = 'x@example.fi'`);
    expect(n).toBe(0);
  });

  it('re-shows the test-message form with the message next to the field and the input kept, saving nothing', async () => {
    const res = await admin.post('/admin/outbox/test-message', { email: 'not-an-address', language: 'sv' }, { page: '/admin/outbox' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="test-email-error">Anna sähköpostiosoite');
    expect(res.text).toContain('value="not-an-address"');
    expect(res.text).toContain('<option value="sv" selected>');
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM notification`);
    expect(n).toBe(0);
  });

  it('keeps a message readable on the outbox page when no SMTP server is set', async () => {
    expect((await admin.post('/admin/outbox/test-message', { email: 'maija.aijala@valtiokonttori.fi', language: 'fi' }, { page: '/admin/outbox' })).status).toBe(303);
    const id = await waitForSent('maija.aijala@valtiokonttori.fi');
    const list = await expectStatus(admin.get('/admin/outbox?status=sent&recipient=aijala'), 200);
    expect(list.text).toContain(`href="/admin/outbox/${id}"`);
    expect(list.text).toContain('Verson testiviesti');

    const message = await expectStatus(admin.get(`/admin/outbox/${id}`), 200);
    expect(message.text).toContain('not sent: no SMTP_URL set (demo mode)');
    expect(message.text).toContain('Tämä on testiviesti.');
    const html = await expectStatus(admin.get(`/admin/outbox/${id}/html`), 200);
    expect(html.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html.text).toContain('<html lang="fi">');
  });

  it('filters by kind and status, ignoring values it does not know', async () => {
    const notifications = t.app.get(NotificationsService);
    await notifications.notify(TEST_MESSAGE_KIND, { email: 'later@example.fi', language: 'en' }, { requestedAt: new Date().toISOString() }, { dueAt: new Date(Date.now() + 86_400_000 * 3) });
    const pending = await expectStatus(admin.get('/admin/outbox?status=pending'), 200);
    expect(pending.text).toContain('later@example.fi');
    expect(pending.text).not.toContain('maija.aijala@valtiokonttori.fi');
    const odd = await expectStatus(admin.get('/admin/outbox?status=bogus&kind=%3Cscript%3E'), 200);
    expect(odd.text).toContain('later@example.fi');
    // A page position that is not one the page made is refused, never read as a date by PostgreSQL.
    const forged = await expectStatus(admin.get('/admin/outbox?before=garbage'), 400);
    expect(forged.text).toContain('Sivutustunnus ei kelpaa');
    await expectStatus(admin.get('/admin/outbox/not-a-uuid'), 404);
  });

  it('shows the queue dashboard to admins', async () => {
    const board = await expectStatus(admin.get('/admin/queues'), 200);
    expect(board.text).toMatch(/bull/i);
  });
});
