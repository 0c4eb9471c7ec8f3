// The newsletter's editions from the admins' side, on the real app, PostgreSQL, Redis and an SMTP
// sink: the form's messages, scheduling, the test message, and the sending itself, once per
// confirmed subscriber in their language with one-click unsubscribe.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { NewsletterEditions, SEND_BATCH } from '../src/newsletter/newsletter-editions.service';
import { NEWSLETTER_EDITION_KIND } from '../src/newsletter/newsletter.notifications';
import { NotificationsService } from '../src/notifications/notifications.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
const unique = (name: string) => `${name}-${++counter}-${Date.now()}`;

describe('newsletter editions', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let editions: NewsletterEditions;
  let admin: WebClient;
  let adminActor: Actor;
  let adminEmail: string;

  const subscriber = async (status: string, language = 'fi'): Promise<{ id: string; email: string }> => {
    const email = `${unique(status)}@example.fi`;
    const [row] = await db.query(
      `INSERT INTO newsletter_subscriber (email, language, status, confirmed_at, unsubscribed_at)
       VALUES ($1, $2, $3, CASE WHEN $3 IN ('confirmed', 'bounced') THEN now() END, CASE WHEN $3 = 'unsubscribed' THEN now() END) RETURNING id, email`,
      [email, language, status],
    );
    return row;
  };
  /** An edition whose time has just come. */
  const dueEdition = async (subject: { fi: string; sv?: string; en?: string }) => {
    const edition = await editions.create(adminActor, { subject, body: { fi: 'Kevään **kehittäjäpäivät** ovat 16.3.', sv: subject.sv ? 'Vårens **utvecklardagar** är 16.3.' : undefined } });
    await editions.schedule(adminActor, edition.id, new Date(Date.now() + 60_000));
    await db.query(`UPDATE newsletter_edition SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [edition.id]);
    return edition.id;
  };
  const rowsOf = (editionId: string): Promise<{ key: string; status: string; recipient_email: string }[]> =>
    db.query(`SELECT key, status, recipient_email FROM notification WHERE kind = $1 AND payload->>'editionId' = $2`, [NEWSLETTER_EDITION_KIND, editionId]);
  const waitFor = async <T>(what: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await what();
      if (done(value) || Date.now() > deadline) return value;
      await sleep(50);
    }
  };
  const header = (mail: ReceivedMail, name: string) => mail.parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, ' ');

  beforeAll(async () => {
    sink = new SmtpSink();
    const smtpUrl = await sink.start();
    t = await startTestApp({ SMTP_URL: smtpUrl, JOB_RETRY_DELAY_MS: '1500', SWEEP_INTERVAL_MS: '1000', SENDING_LEASE_SECONDS: '2' });
    db = t.app.get(DataSource);
    editions = t.app.get(NewsletterEditions);
    adminEmail = `${unique('viestinta')}@valtiokonttori.fi`;
    const person = await createUser(t, { email: adminEmail, siteRole: 'admin', displayName: 'Veera Viestintä' });
    adminActor = actorOf(person);
    admin = await signIn(t, adminEmail);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('refuses an edition without a Finnish subject and body next to the fields, keeps the input and saves nothing', async () => {
    const [{ before }] = await db.query(`SELECT count(*)::int AS before FROM newsletter_edition`);
    const res = await admin.post('/admin/newsletter', { subjectFi: '  ', subjectSv: 'Nyhetsbrev 1/2027', bodyFi: '', bodySv: 'Bara på svenska' }, { page: '/admin/newsletter/new' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Kirjoita otsikko suomeksi.');
    expect(res.text).toContain('Kirjoita teksti suomeksi.');
    expect(res.text).toMatch(/id="newsletter-subject-fi"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="Nyhetsbrev 1/2027"');
    expect(res.text).toContain('Bara på svenska</textarea>');
    const [{ after }] = await db.query(`SELECT count(*)::int AS after FROM newsletter_edition`);
    expect(after).toBe(before);

    const created = await admin.post('/admin/newsletter', { subjectFi: 'Uutiskirje 1/2027', bodyFi: 'Hei **verkosto**!', intent: 'save' }, { page: '/admin/newsletter/new' });
    expect(created.status).toBe(303);
    expect(created.headers.location).toMatch(/^\/admin\/newsletter\/[0-9a-f-]{36}\?done=created$/);
  });

  it('previews the texts rendered in each language without saving them', async () => {
    const edition = await editions.create(adminActor, { subject: { fi: 'Esikatseltava' }, body: { fi: 'Alkuperäinen' } });
    const res = await admin.post(`/admin/newsletter/${edition.id}`, { subjectFi: 'Esikatseltava', bodyFi: 'Uusi **lihava** <script>alert(1)</script>', bodySv: 'På *svenska*', intent: 'preview' }, { page: `/admin/newsletter/${edition.id}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Uusi <strong>lihava</strong>');
    expect(res.text).toContain('På <em>svenska</em>');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect((await editions.find(edition.id)).body).toEqual({ fi: 'Alkuperäinen' });
  });

  it('refuses a sending time in the past or one that is no time, and the edition stays a draft', async () => {
    const edition = await editions.create(adminActor, { subject: { fi: 'Ajastettava' }, body: { fi: 'Teksti' } });
    const page = `/admin/newsletter/${edition.id}`;
    const past = await admin.post(`${page}/schedule`, { scheduledAt: '2020-01-01T09:00' }, { page });
    expect(past.status).toBe(400);
    expect(past.text).toContain('Lähetysajan pitää olla tulevaisuudessa.');
    expect(past.text).toContain('value="2020-01-01T09:00"');
    const malformed = await admin.post(`${page}/schedule`, { scheduledAt: '31.2.2030 klo 9' }, { page });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('Anna lähetysaika päivämääränä ja kellonaikana');
    expect((await editions.find(edition.id)).status).toBe('draft');

    // A Helsinki wall-clock time: 9.00 in March is 07.00 UTC.
    const future = await admin.post(`${page}/schedule`, { scheduledAt: '2030-03-16T09:00' }, { page });
    expect(future.status).toBe(303);
    const scheduled = await editions.find(edition.id);
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: new Date('2030-03-16T07:00:00Z') });
    expect((await admin.post(`${page}/unschedule`, {}, { page })).status).toBe(303);
    expect(await editions.find(edition.id)).toMatchObject({ status: 'draft', scheduledAt: null });
  });

  it('sends a test message to the admin alone, marked as a test', async () => {
    const reader = await subscriber('confirmed');
    const edition = await editions.create(adminActor, { subject: { fi: 'Testattava numero' }, body: { fi: 'Testin **sisältö**' } });
    const page = `/admin/newsletter/${edition.id}`;
    expect((await admin.post(`${page}/test`, {}, { page })).status).toBe(303);
    const mail = await sink.mailTo(adminEmail, 'Testattava numero');
    expect(mail.subject).toBe('[TESTI] Testattava numero');
    expect(mail.html).toContain('Testin <strong>sisältö</strong>');
    await sleep(500);
    expect(sink.mailsTo(reader.email)).toHaveLength(0);
    expect(sink.mailsTo(adminEmail, 'Testattava numero')).toHaveLength(1);
    expect((await editions.find(edition.id)).status).toBe('draft');
  });

  it('queues a due edition once per confirmed subscriber, however many sweeps run, in each one’s language with one-click unsubscribe', async () => {
    const fi = await subscriber('confirmed', 'fi');
    const sv = await subscriber('confirmed', 'sv');
    const en = await subscriber('confirmed', 'en');
    const others = [await subscriber('pending'), await subscriber('unsubscribed'), await subscriber('bounced')];
    const [{ confirmed }] = await db.query(`SELECT count(*)::int AS confirmed FROM newsletter_subscriber WHERE status = 'confirmed'`);
    const editionId = await dueEdition({ fi: 'Uutiskirje 2/2027', sv: 'Nyhetsbrev 2/2027' });

    // Two sweeps at once, then another: each subscriber's row is written once.
    await Promise.all([editions.sendDue(), editions.sendDue()]);
    await editions.sendDue();
    const rows = await rowsOf(editionId);
    expect(rows).toHaveLength(confirmed);
    expect(new Set(rows.map((row) => row.key)).size).toBe(confirmed);
    expect(rows.map((row) => row.recipient_email)).toEqual(expect.arrayContaining([fi.email, sv.email, en.email]));
    expect(rows.map((row) => row.recipient_email)).not.toEqual(expect.arrayContaining([others[0].email]));
    const sent = await editions.find(editionId);
    expect(sent).toMatchObject({ status: 'sent', recipientCount: confirmed });
    expect(sent.sentAt).toBeInstanceOf(Date);

    const fiMail = await sink.mailTo(fi.email, '2/2027');
    const svMail = await sink.mailTo(sv.email, '2/2027');
    const enMail = await sink.mailTo(en.email, '2/2027');
    expect(fiMail).toMatchObject({ subject: 'Uutiskirje 2/2027', language: 'fi' });
    expect(fiMail.html).toContain('Kevään <strong>kehittäjäpäivät</strong>');
    expect(svMail).toMatchObject({ subject: 'Nyhetsbrev 2/2027', language: 'sv' });
    expect(svMail.text).toContain('Vårens utvecklardagar');
    // No English text: the Finnish one, in an English frame.
    expect(enMail).toMatchObject({ subject: 'Uutiskirje 2/2027', language: 'en' });
    for (const mail of [fiMail, svMail, enMail]) {
      expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const address = /^List-Unsubscribe: <([^>]+)>$/.exec(header(mail, 'list-unsubscribe') ?? '')?.[1];
      expect(address).toMatch(new RegExp(`^${t.config.baseUrl}/`));
      expect(mail.text).toContain(address);
      expect(mail.text).toContain(`${t.config.baseUrl}/newsletter/${editionId}`);
    }
    await sleep(500);
    for (const mail of [fi, sv, en]) expect(sink.mailsTo(mail.email, '2/2027')).toHaveLength(1);
    for (const other of others) expect(sink.mailsTo(other.email)).toHaveLength(0);
    // The outbox keeps the mail with its unsubscribe address hidden.
    const [kept] = await db.query(`SELECT body_text FROM notification WHERE kind = $1 AND recipient_email = $2 AND status = 'sent'`, [NEWSLETTER_EDITION_KIND, fi.email]);
    expect(kept.body_text).not.toContain(header(fiMail, 'list-unsubscribe')!.slice('List-Unsubscribe: <'.length, -1));

    // Sent is read-only.
    const page = `/admin/newsletter/${editionId}`;
    const edit = await admin.post(page, { subjectFi: 'Muutettu', bodyFi: 'Muutettu', intent: 'save' }, { page });
    expect(edit.status).toBe(409);
    expect((await editions.find(editionId)).subject).toEqual({ fi: 'Uutiskirje 2/2027', sv: 'Nyhetsbrev 2/2027' });
    await expect(editions.schedule(adminActor, editionId, new Date(Date.now() + 60_000))).rejects.toMatchObject({ reason: 'newsletter.edition.isSent' });
  });

  it('drops the message of a subscriber who unsubscribes between queueing and sending', async () => {
    await db.query(`UPDATE newsletter_subscriber SET status = 'unsubscribed', unsubscribed_at = now() WHERE status = 'confirmed'`);
    const leaving = await subscriber('confirmed', 'fi');
    const refusedBefore = sink.refused;
    // The first attempt is refused for a while (451); the retry re-reads the subscriber.
    sink.refuseNext = 1;
    const editionId = await dueEdition({ fi: 'Uutiskirje 3/2027' });
    await editions.sendDue();
    expect(await rowsOf(editionId)).toHaveLength(1);
    expect(await waitFor(async () => sink.refused, (refused) => refused > refusedBefore)).toBe(refusedBefore + 1);
    await db.query(`UPDATE newsletter_subscriber SET status = 'unsubscribed', unsubscribed_at = now() WHERE id = $1`, [leaving.id]);
    const [row] = await waitFor(() => rowsOf(editionId), (found) => found.every((r) => ['sent', 'cancelled'].includes(r.status)));
    expect(row.status).toBe('cancelled');
    expect(sink.mailsTo(leaving.email)).toHaveLength(0);
  });

  it('resumes after the last batch that committed when queueing dies midway: nobody twice, nobody skipped', async () => {
    await db.query(`UPDATE newsletter_subscriber SET status = 'unsubscribed', unsubscribed_at = now() WHERE status = 'confirmed'`);
    const many = SEND_BATCH * 2 + 500;
    await db.query(
      `INSERT INTO newsletter_subscriber (email, language, status, confirmed_at)
       SELECT 'joukko-' || i || '@example.fi', 'fi', 'confirmed', now() FROM generate_series(1, $1) i`,
      [many],
    );
    const editionId = await dueEdition({ fi: 'Uutiskirje 5/2027' });
    const notifications = t.app.get(NotificationsService);
    const real = notifications.notifyAll.bind(notifications);
    let batches = 0;
    const spy = jest.spyOn(notifications, 'notifyAll').mockImplementation(async (kind, items, options) => {
      if (items.some((item) => item.key?.startsWith(`newsletter-${editionId}-`)) && ++batches === 2) throw new Error('the worker died mid-batch');
      return real(kind, items, options);
    });
    try {
      await expect(editions.sendDue()).rejects.toThrow('the worker died mid-batch');
    } finally {
      spy.mockRestore();
    }
    expect(await rowsOf(editionId)).toHaveLength(SEND_BATCH);
    expect(await editions.find(editionId)).toMatchObject({ status: 'sending', recipientCount: SEND_BATCH });
    // The first batch went out meanwhile: its keys are no longer live, so only the cursor keeps them from being written again.
    await db.query(`UPDATE notification SET status = 'sent', sent_at = now() WHERE kind = $1 AND payload->>'editionId' = $2`, [NEWSLETTER_EDITION_KIND, editionId]);

    await editions.sendDue();
    const rows = await rowsOf(editionId);
    expect(rows).toHaveLength(many);
    expect(new Set(rows.map((row) => row.recipient_email)).size).toBe(many);
    expect(await editions.find(editionId)).toMatchObject({ status: 'sent', recipientCount: many });
  });
});
