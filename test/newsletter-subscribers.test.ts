// The newsletter's subscribers, as a visitor, a signed-in person and a mail server meet them: double
// opt-in through a mailed link (GET shows a button, POST confirms), one-click unsubscribe (RFC 8058)
// without cookies, addresses refused for good marked bounced, and the archive of sent editions.
import { DataSource } from 'typeorm';
import { DomainEvents } from '../src/events/domain-events';
import { DemoNewsletterService } from '../src/newsletter/demo-newsletter.service';
import { NEWSLETTER_BOUNCE_LIMIT, NEWSLETTER_CONFIRM_KIND, NewsletterSubscribers } from '../src/newsletter/newsletter-subscribers.service';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { outboxSettled } from './support/outbox';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

/** A kind standing for the editions' (A2's newsletter.edition): its refusals and deliveries reach the subscriber list. */
const LETTER_KIND = 'test-newsletter-letter';

describe('newsletter subscribers', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let subscribers: NewsletterSubscribers;

  const rowOf = async (email: string) => {
    const [row] = await db.query(`SELECT * FROM newsletter_subscriber WHERE lower(email) = lower($1)`, [email]);
    return row as
      | { id: string; status: string; language: string; user_id: string | null; confirm_token_hash: string | null; failure_count: number; last_failure: string | null; confirmed_at: Date | null; updated_at: Date }
      | undefined;
  };
  const linkIn = (text: string) => new RegExp(`${t.config.baseUrl}(/newsletter/confirm/[A-Za-z0-9_-]+)`).exec(text)?.[1];
  const subscribeAsVisitor = async (email: string, language = 'fi') => new WebClient(t).post('/newsletter/subscribe', { email, language }, { page: '/newsletter' });
  /** The confirmation path mailed to this address (the newest). */
  const mailedPath = async (email: string) => {
    await sink.mailTo(email);
    await outboxSettled(db);
    const mail = sink.mailsTo(email).at(-1)!;
    const path = linkIn(mail.text);
    if (!path) throw new Error(`no confirmation link in ${mail.text}`);
    return path;
  };
  const insertEdition = async (fi: string, status: string, sentAt: string | null, more: { sv?: string } = {}) => {
    const [row] = await db.query(
      `INSERT INTO newsletter_edition (subject, body, status, scheduled_at, sent_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        JSON.stringify({ fi, ...(more.sv ? { sv: more.sv } : {}) }),
        JSON.stringify({ fi: `# ${fi}\n\nTervetuloa **verkoston** uutisiin. <script>alert(1)</script>`, ...(more.sv ? { sv: `Välkommen till ${more.sv}` } : {}) }),
        status,
        status === 'draft' ? null : (sentAt ?? '2030-01-01T08:00:00Z'),
        sentAt,
      ],
    );
    return row.id as string;
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), JOB_RETRY_DELAY_MS: '10' });
    db = t.app.get(DataSource);
    subscribers = t.app.get(NewsletterSubscribers);
    t.app.get(NotificationKinds).register({
      name: LETTER_KIND,
      template: TEST_MESSAGE_KIND,
      secretLinks: [],
      subject: () => 'Uutiskirje 1/2027',
      refused: (payload, reason) => subscribers.recordRefusal(String(payload.subscriberId), reason),
      delivered: (payload) => subscribers.recordDelivery(String(payload.subscriberId)),
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('makes a visitor’s address pending and mails one confirmation link; GET shows a button and changes nothing, POST confirms, a second POST says already confirmed', async () => {
    const email = 'aino.tilaaja@verohallinto.fi';
    const res = await subscribeAsVisitor(`  ${email} `, 'sv');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tarkista sähköpostisi');
    const row = await rowOf(email);
    expect(row).toMatchObject({ status: 'pending', language: 'sv', user_id: null, failure_count: 0 });

    const path = await mailedPath(email);
    const mail = sink.mailsTo(email).at(-1)!;
    expect(mail.subject).toBe('Verso: bekräfta prenumerationen på nyhetsbrevet');
    expect(mail.text).toContain('Länken fungerar i 7 dagar.');
    // Only the hash is kept, and the outbox's copy hides the link.
    expect(row!.confirm_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.confirm_token_hash).not.toBe(path.split('/').pop());
    const [kept] = await db.query(`SELECT body_text FROM notification WHERE kind = $1 AND recipient_email = $2`, [NEWSLETTER_CONFIRM_KIND, email]);
    expect(kept.body_text).not.toContain(path);

    const browser = new WebClient(t, 'sv');
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(`action="${path}"`);
    expect((await rowOf(email))!.status).toBe('pending');

    const done = await browser.post(path, {}, { page: path });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Prenumerationen är bekräftad');
    const confirmed = await rowOf(email);
    expect(confirmed).toMatchObject({ status: 'confirmed' });
    expect(confirmed!.confirmed_at).not.toBeNull();

    const again = await browser.post(path, {}, { page: '/newsletter' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('redan bekräftad');
    expect(await rowOf(email)).toEqual(confirmed);
    expect((await browser.get(path)).text).toContain('redan bekräftad');
    expect(sink.mailsTo(email)).toHaveLength(1);
  });

  it('gives an address already confirmed the same answer and no new mail; one unsubscribed subscribing again starts double opt-in again', async () => {
    const email = 'pekka.kahdesti@tulli.fi';
    await subscribeAsVisitor(email);
    await new WebClient(t).post(await mailedPath(email), {}, { page: '/newsletter' });
    expect((await rowOf(email))!.status).toBe('confirmed');

    const res = await subscribeAsVisitor(email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tarkista sähköpostisi');
    await outboxSettled(db);
    expect(sink.mailsTo(email)).toHaveLength(1);
    expect((await rowOf(email))!.status).toBe('confirmed');

    await db.query(`UPDATE newsletter_subscriber SET status = 'unsubscribed', unsubscribed_at = now(), confirm_token_hash = NULL WHERE lower(email) = $1`, [email]);
    await subscribeAsVisitor(email);
    expect((await rowOf(email))!.status).toBe('pending');
    await outboxSettled(db);
    expect(sink.mailsTo(email)).toHaveLength(2);
  });

  it('keeps one live confirmation mail per address: sent again while the first is being sent, the first link stays the one that works', async () => {
    const email = 'liisa.uudelleen@valtiokonttori.fi';
    sink.delayMs = 1500;
    try {
      await subscribers.subscribe(email, 'fi', '127.0.0.1');
      const deadline = Date.now() + 10000;
      while ((await db.query(`SELECT 1 FROM notification WHERE recipient_email = $1 AND status = 'sending'`, [email])).length === 0) {
        if (Date.now() > deadline) throw new Error('the confirmation mail was never being sent');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const before = await rowOf(email);
      await subscribers.subscribe(email, 'en', '127.0.0.1');
      expect(await rowOf(email)).toEqual(before);
    } finally {
      sink.delayMs = 0;
    }
    const first = await mailedPath(email);
    await outboxSettled(db);
    expect(sink.mailsTo(email)).toHaveLength(1);

    // Once it has left, asking again mails a new link, and the old one names nobody.
    await subscribers.subscribe(email, 'en', '127.0.0.1');
    await outboxSettled(db);
    expect(sink.mailsTo(email)).toHaveLength(2);
    const second = linkIn(sink.mailsTo(email)[1].text)!;
    expect(second).not.toBe(first);
    expect((await new WebClient(t).get(first)).status).toBe(404);
    expect((await new WebClient(t).post(second, {}, { page: '/newsletter' })).status).toBe(200);
    expect(await rowOf(email)).toMatchObject({ status: 'confirmed', language: 'en' });
  });

  it.each([
    ['a malformed address', 'ei-osoite', 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.'],
    ['an empty address', '   ', 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.'],
    ['a 300-character address', `${'a'.repeat(290)}@tulli.fi`, 'Sähköpostiosoite voi olla enintään 254 merkkiä pitkä.'],
  ])('refuses %s next to the field with the input kept, and writes nothing', async (_what, email, message) => {
    const before = await db.query(`SELECT count(*)::int AS n FROM newsletter_subscriber`);
    const res = await subscribeAsVisitor(email);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`id="newsletter-email-error">${message}</p>`);
    expect(res.text).toContain('aria-invalid="true"');
    if (email.trim()) expect(res.text).toContain(`value="${email}"`);
    expect(await db.query(`SELECT count(*)::int AS n FROM newsletter_subscriber`)).toEqual(before);
  });

  it('stops a sixth confirmation mail to one address within the hour with 429, changing nothing', async () => {
    const email = `pommitettu-${Date.now()}@example.fi`;
    for (let i = 0; i < 5; i++) {
      expect((await subscribeAsVisitor(email)).status).toBe(200);
      await outboxSettled(db);
    }
    const before = await rowOf(email);
    const mails = sink.mailsTo(email).length;
    const sixth = await subscribeAsVisitor(email);
    expect(sixth.status).toBe(429);
    await outboxSettled(db);
    expect(await rowOf(email)).toEqual(before);
    expect(sink.mailsTo(email)).toHaveLength(mails);
    // Another address from the same IP address is still taken.
    expect((await subscribeAsVisitor(`toinen-${Date.now()}@example.fi`)).status).toBe(200);
  });

  it('refuses an unknown language next to its field', async () => {
    const res = await subscribeAsVisitor('kieli.tuntematon@tulli.fi', 'de');
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="newsletter-language-error">Valitse kieli');
    expect(await rowOf('kieli.tuntematon@tulli.fi')).toBeUndefined();
  });

  it('refuses a link 7 days old (still pending) and a tampered one (404), changing nothing', async () => {
    const email = 'vanha.linkki@verohallinto.fi';
    await subscribeAsVisitor(email);
    const path = await mailedPath(email);
    await db.query(`UPDATE newsletter_subscriber SET confirm_sent_at = now() - interval '7 days 1 minute' WHERE lower(email) = $1`, [email]);
    const before = await rowOf(email);

    const browser = new WebClient(t);
    const page = await browser.get(path);
    expect(page.status).toBe(410);
    expect(page.text).toContain('Linkki on vanhentunut');
    expect(page.text).not.toContain(`action="${path}"`);
    const post = await browser.post(path, {}, { page: '/newsletter' });
    expect(post.status).toBe(410);
    expect(post.text).toContain('Tilaa uutiskirje uudelleen');
    expect(await rowOf(email)).toEqual(before);

    await db.query(`UPDATE newsletter_subscriber SET confirm_sent_at = now() WHERE lower(email) = $1`, [email]);
    const tampered = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await browser.get(tampered)).status).toBe(404);
    expect((await browser.post(tampered, {}, { page: '/newsletter' })).status).toBe(404);
    expect((await browser.get('/newsletter/confirm/nonsense')).status).toBe(404);
    expect((await rowOf(email))!.status).toBe('pending');
  });

  it('subscribes a signed-in person with a verified address with one click, confirmed at once in their language; unverified ones get the mail', async () => {
    const verified = await createUser(t, { email: 'sanna.sisalla@verohallinto.fi', language: 'en' });
    const browser = await signIn(t, verified.email);
    expect((await browser.get('/newsletter')).text).toContain('Subscribe to the newsletter at sanna.sisalla@verohallinto.fi with one click.');
    const res = await browser.post('/newsletter/subscribe', {}, { page: '/newsletter' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/newsletter?done=subscribed');
    expect(await rowOf(verified.email)).toMatchObject({ status: 'confirmed', language: 'en', user_id: verified.id, confirm_token_hash: null });
    const page = await browser.get('/newsletter?done=subscribed');
    expect(page.text).toContain('You are subscribed');
    expect(page.text).toContain('action="/newsletter/unsubscribe"');

    // One click off again, from the archive page.
    const off = await browser.post('/newsletter/unsubscribe', {}, { page: '/newsletter' });
    expect(off.headers.location).toBe('/newsletter?done=unsubscribed');
    expect((await rowOf(verified.email))!.status).toBe('unsubscribed');

    const unverified = await createUser(t, { email: 'ville.vahvistamaton@tulli.fi', emailVerified: false });
    const other = await signIn(t, unverified.email);
    expect((await other.post('/newsletter/subscribe', {}, { page: '/newsletter' })).headers.location).toBe('/newsletter?done=mailed');
    expect(await rowOf(unverified.email)).toMatchObject({ status: 'pending', user_id: unverified.id });
    await mailedPath(unverified.email);
    expect(await subscribers.statusOfAccount(actorOf(unverified))).toBe('pending');
  });

  it('unsubscribes with one click from the mail’s address without cookies or a form token; a forged token is 404 and changes nothing', async () => {
    const email = 'yksi.klikkaus@valtiokonttori.fi';
    await subscribers.subscribe(email, 'fi', '127.0.0.1');
    await new WebClient(t).post(await mailedPath(email), {}, { page: '/newsletter' });
    const { id } = (await rowOf(email))!;
    expect(await subscribers.stillSubscribed(id)).toEqual({ email, language: 'fi', refusals: 0 });

    const address = subscribers.unsubscribeAddress(id);
    expect(address).toMatch(new RegExp(`^${t.config.baseUrl}/newsletter/unsubscribe/${id}\\.[A-Za-z0-9_-]+$`));
    const path = new URL(address).pathname;
    const page = await t.http.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Haluatko lopettaa uutiskirjeen tilauksen osoitteeseen ${email}?`);
    expect(page.text).toContain(`action="${path}"`);
    expect((await rowOf(email))!.status).toBe('confirmed');

    const token = path.split('/').pop()!;
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const otherId = '00000000-0000-4000-8000-000000000000';
    for (const bad of [`/newsletter/unsubscribe/${forged}`, '/newsletter/unsubscribe/nonsense', `/newsletter/unsubscribe/${otherId}.${token.split('.')[1]}`]) {
      expect((await t.http.post(bad).type('form').send('List-Unsubscribe=One-Click')).status).toBe(404);
      expect((await t.http.get(bad)).status).toBe(404);
    }
    expect((await rowOf(email))!.status).toBe('confirmed');

    const res = await t.http.post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`osoitteeseen ${email} ei enää lähetetä uutiskirjettä`);
    expect((await rowOf(email))!.status).toBe('unsubscribed');
    expect(await subscribers.stillSubscribed(id)).toBeNull();
    // Twice is fine.
    expect((await t.http.post(path).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
  });

  it(`marks an address bounced after ${NEWSLETTER_BOUNCE_LIMIT} refusals in a row through the delivery hook; a delivery in between resets the count`, async () => {
    const email = 'ei.ole@tulli.fi';
    await subscribers.subscribe(email, 'fi', '127.0.0.1');
    await new WebClient(t).post(await mailedPath(email), {}, { page: '/newsletter' });
    const { id: subscriberId } = (await rowOf(email))!;
    const notifications = t.app.get(NotificationsService);
    /** Sends one letter and waits for the kind's hook to have told the list (every letter here changes the row). */
    const letter = async () => {
      const before = (await rowOf(email))!.updated_at.getTime();
      const id = await notifications.notify(LETTER_KIND, { email, language: 'fi' }, { subscriberId, requestedAt: new Date().toISOString() });
      await outboxSettled(db);
      for (const deadline = Date.now() + 5000; (await rowOf(email))!.updated_at.getTime() === before; ) {
        if (Date.now() > deadline) throw new Error('the hook never told the subscriber list');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [row] = await db.query(`SELECT status, attempts, last_error FROM notification WHERE id = $1`, [id]);
      return row;
    };

    sink.unknownMailboxes.add(email);
    const refused = await letter();
    // Refused for good: failed at once, not retried.
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused.last_error).toContain('550');
    await letter();
    expect(await rowOf(email)).toMatchObject({ status: 'confirmed', failure_count: 2 });

    sink.unknownMailboxes.delete(email);
    expect(await letter()).toMatchObject({ status: 'sent' });
    expect(await rowOf(email)).toMatchObject({ status: 'confirmed', failure_count: 0 });

    sink.unknownMailboxes.add(email);
    for (let i = 1; i < NEWSLETTER_BOUNCE_LIMIT; i++) await letter();
    expect(await rowOf(email)).toMatchObject({ status: 'confirmed', failure_count: NEWSLETTER_BOUNCE_LIMIT - 1 });
    await letter();
    const bounced = await rowOf(email);
    expect(bounced).toMatchObject({ status: 'bounced', failure_count: NEWSLETTER_BOUNCE_LIMIT });
    expect(bounced!.last_failure).toContain('550');
    expect(await subscribers.stillSubscribed(subscriberId)).toBeNull();
    expect(await subscribers.counts()).toMatchObject({ bounced: 1 });
    sink.unknownMailboxes.delete(email);
  });

  it('lists only sent editions in the archive, newest first, and shows a sent one in the reader’s language; a draft or scheduled one is 404', async () => {
    const older = await insertEdition('Uutiskirje 1/2027', 'sent', '2027-01-15T08:00:00Z', { sv: 'Nyhetsbrev 1/2027' });
    const newer = await insertEdition('Uutiskirje 2/2027', 'sent', '2027-02-15T08:00:00Z');
    const draft = await insertEdition('Luonnos 3/2027', 'draft', null);
    const scheduled = await insertEdition('Ajastettu 4/2027', 'scheduled', null);

    const archive = await t.http.get('/newsletter');
    expect(archive.status).toBe(200);
    expect(archive.text).toContain(`href="/newsletter/${newer}"`);
    expect(archive.text.indexOf('Uutiskirje 2/2027')).toBeLessThan(archive.text.indexOf('Uutiskirje 1/2027'));
    expect(archive.text).toContain('15. helmikuuta 2027');
    expect(archive.text).not.toContain('Luonnos 3/2027');
    expect(archive.text).not.toContain('Ajastettu 4/2027');
    expect(archive.text).toContain('name="email"');

    const sv = await t.http.get(`/newsletter/${older}`).set('accept-language', 'sv');
    expect(sv.status).toBe(200);
    expect(sv.text).toContain('<h1>Nyhetsbrev 1/2027</h1>');
    const fi = await t.http.get(`/newsletter/${newer}`).set('accept-language', 'sv');
    expect(fi.text).toContain('lang="fi"');
    expect(fi.text).toContain('<strong>verkoston</strong>');
    expect(fi.text).not.toContain('<script>alert');

    for (const id of [draft, scheduled, '00000000-0000-4000-8000-000000000000', 'nonsense']) expect((await t.http.get(`/newsletter/${id}`)).status).toBe(404);

    // The same list over the API.
    const api = await t.http.get('/api/v1/newsletter?lang=sv');
    expect(api.status).toBe(200);
    expect(api.body.items.map((item: { id: string }) => item.id)).toEqual([newer, older]);
    expect(api.body.items[1]).toEqual({ id: older, subject: 'Nyhetsbrev 1/2027', subjectLanguage: 'sv', sentAt: '2027-01-15T08:00:00.000Z', path: `/newsletter/${older}` });
    expect((await t.http.get('/api/v1/newsletter?lang=de')).status).toBe(400);
  });

  it('seeds the demo’s two sent editions and confirmed subscribers once, on a site without editions', async () => {
    await db.query(`DELETE FROM newsletter_edition`);
    const demo = t.app.get(DemoNewsletterService);
    expect(await demo.seedIfNone()).toBe(2);
    expect(await demo.seedIfNone()).toBe(0);
    const archive = await t.http.get('/newsletter').set('accept-language', 'sv');
    expect(archive.text).toContain('Nyhetsbrev 2/2027');
    expect(archive.text).toContain('Nyhetsbrev 1/2027');
    expect((await subscribers.counts()).confirmed).toBeGreaterThanOrEqual(3);
  });

  it('deletes a leaving person’s subscription (user.leaving)', async () => {
    const person = await createUser(t, { email: 'lahtija@verohallinto.fi' });
    await subscribers.subscribeAccount(actorOf(person));
    expect(await rowOf(person.email)).toMatchObject({ status: 'confirmed' });
    const [admin] = await db.query(`SELECT id FROM app_user WHERE site_role = 'admin' LIMIT 1`);
    await db.transaction((manager) => t.app.get(DomainEvents).publish(manager, { name: 'user.leaving', userId: person.id, actorUserId: admin?.id ?? person.id, reason: 'deactivated' }));
    expect(await rowOf(person.email)).toBeUndefined();
  });

  it('shows the subscription in the person’s download of their data', async () => {
    const person = await createUser(t, { email: 'lataaja@valtiokonttori.fi' });
    await subscribers.subscribeAccount(actorOf(person));
    const res = await (await signIn(t, person.email)).get('/profile/data.json');
    expect(res.status).toBe(200);
    const data = JSON.parse(res.text);
    expect(data.newsletter).toEqual([expect.objectContaining({ email: person.email, status: 'confirmed', language: 'fi' })]);
    expect(JSON.stringify(data.newsletter)).not.toContain('hash');
  });
});
