// Issue 21's newsletter as a new user meets it, end to end on the real app, PostgreSQL, Redis and an
// SMTP sink: a visitor subscribes from the archive page, confirms from the mail, gets the next
// edition (and someone who never confirmed does not), finds it in the archive, and leaves with the
// mail's one-click unsubscribe, after which the following edition does not come.
import { DataSource } from 'typeorm';
import { NewsletterEditions } from '../src/newsletter/newsletter-editions.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { outboxSettled } from './support/outbox';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

describe('the newsletter, from the archive page to the next edition and out again', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;

  const header = (mail: ReceivedMail, name: string) => mail.parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, ' ');

  /** An admin writes an edition through the form and schedules it; its time then comes (a moved clock) and the sweep runs. */
  const publishEdition = async (admin: WebClient, subject: string): Promise<string> => {
    const created = await admin.post('/admin/newsletter', { subjectFi: subject, bodyFi: `## ${subject}\n\nSyksyn **kehittäjäpäivä** on 12.11.`, intent: 'save' }, { page: '/admin/newsletter/new' });
    expect(created.status).toBe(303);
    const id = /\/admin\/newsletter\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const page = `/admin/newsletter/${id}`;
    expect((await admin.post(`${page}/schedule`, { scheduledAt: '2030-03-16T09:00' }, { page })).status).toBe(303);
    await db.query(`UPDATE newsletter_edition SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await t.app.get(NewsletterEditions).sendDue();
    await outboxSettled(db);
    return id;
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), JOB_RETRY_DELAY_MS: '10' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('subscribes a visitor from the archive, confirms, sends the next edition once, and unsubscribes by one click', async () => {
    const visitor = new WebClient(t);
    const archive = await visitor.get('/newsletter');
    expect(archive.status).toBe(200);
    expect(archive.text).toContain('name="email"');

    const email = `vierailija-${Date.now()}@example.fi`;
    const neverConfirms = `vahvistamaton-${Date.now()}@example.fi`;
    expect((await visitor.post('/newsletter/subscribe', { email, language: 'fi' }, { page: '/newsletter' })).status).toBe(200);
    expect((await new WebClient(t).post('/newsletter/subscribe', { email: neverConfirms, language: 'fi' }, { page: '/newsletter' })).status).toBe(200);

    const confirmation = await sink.mailTo(email);
    const confirmPath = new RegExp(`${t.config.baseUrl}(/newsletter/confirm/[A-Za-z0-9_-]+)`).exec(confirmation.text)![1];
    expect((await visitor.get(confirmPath)).status).toBe(200);
    expect((await visitor.post(confirmPath, {}, { page: confirmPath })).status).toBe(200);
    const [{ status }] = await db.query(`SELECT status FROM newsletter_subscriber WHERE email = $1`, [email]);
    expect(status).toBe('confirmed');

    // Two refusals counted earlier: a delivered edition resets them (three in a row would bounce the address).
    await db.query(`UPDATE newsletter_subscriber SET failure_count = 2 WHERE email = $1`, [email]);
    const adminEmail = `viestinta-${Date.now()}@valtiokonttori.fi`;
    await createUser(t, { email: adminEmail, siteRole: 'admin', displayName: 'Veera Viestintä' });
    const admin = await signIn(t, adminEmail);
    const editionId = await publishEdition(admin, 'Uutiskirje 1/2027');

    const letters = sink.mailsTo(email, 'Uutiskirje 1/2027');
    expect(letters).toHaveLength(1);
    expect(letters[0].text).toContain('kehittäjäpäivä');
    expect(sink.mailsTo(neverConfirms, 'Uutiskirje 1/2027')).toHaveLength(0);
    // The delivered hook runs just after the row is marked sent: wait for it, a few seconds at most.
    const refusals = async () => (await db.query(`SELECT failure_count FROM newsletter_subscriber WHERE email = $1`, [email]))[0].failure_count as number;
    for (let deadline = Date.now() + 5000; (await refusals()) !== 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await refusals()).toBe(0);
    // The outbox keeps a pointer to the archive, not 20,000 copies of the edition.
    const [kept] = await db.query(`SELECT body_text FROM notification WHERE kind = 'newsletter.edition' AND recipient_email = $1`, [email]);
    expect(kept.body_text).toContain(`/newsletter/${editionId}`);
    expect(kept.body_text).not.toContain('kehittäjäpäivä');

    const listed = await new WebClient(t).get('/newsletter');
    expect(listed.text).toContain(`/newsletter/${editionId}`);
    expect((await new WebClient(t).get(`/newsletter/${editionId}`)).text).toContain('<strong>kehittäjäpäivä</strong>');

    // The mail program's one click: a bare POST to the List-Unsubscribe address, no cookie, no form token.
    expect(header(letters[0], 'list-unsubscribe-post')).toContain('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /<(https?:[^>]+)>/.exec(header(letters[0], 'list-unsubscribe')!)![1];
    const oneClick = await t.http.post(new URL(unsubscribeUrl).pathname).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBeLessThan(300);

    await publishEdition(admin, 'Uutiskirje 2/2027');
    expect(sink.mailsTo(email, 'Uutiskirje 2/2027')).toHaveLength(0);
    expect(sink.mailsTo(email, 'Uutiskirje 1/2027')).toHaveLength(1);
  }, 60000);
});
