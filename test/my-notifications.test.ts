// A person's own notifications: the list from the outbox (theirs only, newest first, in their
// language, Helsinki time), opening one (read, and off to what it is about), "mark all as read",
// the unread count in the header, and every kind and status named in fi, sv and en.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { formatDate } from '../src/i18n/dates';
import { LANGUAGES, MESSAGES } from '../src/i18n/i18n';
import { NOTIFICATION_STATUSES } from '../src/notifications/notification.entity';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { NOTIFICATIONS_PER_PAGE } from '../src/notifications/my-notifications.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

describe('my notifications', () => {
  let t: TestApp;
  let db: DataSource;

  /** A row as the worker leaves it once sent (or, with `status`, as it stands before). */
  const notification = async (
    userId: string,
    kind: string,
    payload: Record<string, unknown>,
    options: { status?: string; delivery?: string; createdAt?: Date; dueAt?: Date; email?: string } = {},
  ): Promise<string> => {
    const status = options.status ?? 'sent';
    const [{ id }] = await db.query(
      `INSERT INTO notification (kind, recipient_user_id, recipient_email, language, payload, status, delivery, created_at, due_at, sent_at, subject)
       VALUES ($1, $2, $3, 'fi', $4, $5, $6, $7, $8, CASE WHEN $5 = 'sent' THEN now() END, 'Lähetetty otsikko') RETURNING id`,
      [kind, userId, options.email ?? 'someone@example.fi', payload, status, options.delivery ?? 'email', options.createdAt ?? new Date(), options.dueAt ?? new Date(Date.now() - 1000)],
    );
    return id;
  };
  const unreadInHeader = (html: string) => /<span class="nav-badge" aria-hidden="true">([^<]+)<\/span><span class="visually-hidden">\(([^)]+)\)<\/span>/.exec(html);

  beforeAll(async () => {
    // Web only: the rows stay as the test writes them, with no worker to send or drop them.
    t = await startTestApp({ APP_ROLE: 'web' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('names every registered kind of notification and every status in Finnish, Swedish and English', () => {
    const kinds = t.app.get(NotificationKinds).names();
    expect(kinds).toEqual(expect.arrayContaining(['enrolment.approval-requested', 'forum.post', 'session.reminder', 'digest']));
    const missing = LANGUAGES.flatMap((lang) => [
      ...kinds.filter((kind) => !MESSAGES[lang][`notifications.kind.${kind}`]).map((kind) => `${lang}: kind ${kind}`),
      ...NOTIFICATION_STATUSES.filter((status) => !MESSAGES[lang][`notifications.status.${status}`]).map((status) => `${lang}: status ${status}`),
    ]);
    expect(missing).toEqual([]);
  });

  it('lists my notifications newest first, with their kind’s name, subject and Helsinki time, and nobody else’s', async () => {
    const aino = await createUser(t, { displayName: 'Aino Virtanen' });
    const other = await createUser(t, { displayName: 'Pekka Muu' });
    const cohortId = randomUUID();
    const older = new Date(Date.now() - 2 * 86_400_000);
    await notification(aino.id, 'enrolment.confirmed', { cohortId, cohortName: 'Kevät 2027', programmeTitle: 'Kompleksisuus' }, { createdAt: older });
    await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Palautteen antaminen', opensThread: true });
    await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Odottaa koostetta', opensThread: false }, { status: 'pending', delivery: 'digest' });
    await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Peruttu viesti', opensThread: true }, { status: 'cancelled' });
    await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Muokkausikkuna auki', opensThread: true }, { status: 'pending', dueAt: new Date(Date.now() + 600_000) });
    await notification(aino.id, 'digest', { date: '1.3.2027', count: 3, rhythm: 'daily' });
    await notification(other.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Toisen ilmoitus', opensThread: true });

    const page = (await (await signIn(t, aino.email)).get('/notifications')).text;
    expect(page).toContain('<h1>Ilmoitukseni</h1>');
    const listed = [...page.matchAll(/<a href="\/notifications\/[0-9a-f-]{36}">(.*?)<\/a>/g)].map((m) => m[1]);
    expect(listed).toEqual(['Uusi viesti: Odottaa koostetta', 'Uusi keskustelu: Palautteen antaminen', expect.stringContaining('Paikkasi on vahvistettu')]);
    expect(page).toContain('Uusi viesti seuraamallasi kanavalla');
    expect(page).toContain('Paikka vahvistettu');
    expect(page).toContain(formatDate(older, 'fi', 'dateTime'));
    expect(page).toContain('Tulee koosteessa');
    for (const hidden of ['Peruttu viesti', 'Muokkausikkuna auki', 'Toisen ilmoitus', 'Päivän kooste']) expect(page).not.toContain(hidden);
  });

  it('opens one: marks it read and goes to what it is about; someone else’s is not found', async () => {
    const aino = await createUser(t);
    const other = await createUser(t);
    const threadId = randomUUID();
    const postId = randomUUID();
    const cohortId = randomUUID();
    const post = await notification(aino.id, 'forum.post', { threadId, postId, threadTitle: 'Linkki viestiin', opensThread: true });
    const enrolment = await notification(aino.id, 'enrolment.waitlisted', { cohortId, cohortName: 'Syksy 2027', waitlistPosition: 2 });
    const reset = await notification(aino.id, 'password-reset', { resetUrl: 'sealed' });
    const theirs = await notification(other.id, 'forum.post', { threadId, postId, threadTitle: 'Ei sinun', opensThread: true });
    const browser = await signIn(t, aino.email);

    const opened = await browser.get(`/notifications/${post}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe(`/threads/${threadId}#post-${postId}`);
    expect((await browser.get(`/notifications/${enrolment}`)).headers.location).toBe(`/cohorts/${cohortId}`);
    expect((await browser.get(`/notifications/${reset}`)).headers.location).toBe('/notifications');
    const read = await db.query(`SELECT id FROM notification WHERE id = ANY($1::uuid[]) AND read_at IS NOT NULL ORDER BY id`, [[post, enrolment, reset, theirs]]);
    expect(read.map((row: { id: string }) => row.id).sort()).toEqual([post, enrolment, reset].sort());

    expect((await browser.get(`/notifications/${theirs}`)).status).toBe(404);
    expect((await browser.get('/notifications/not-an-id')).status).toBe(404);
    expect((await db.query(`SELECT read_at FROM notification WHERE id = $1`, [theirs]))[0].read_at).toBeNull();
  });

  it('counts my unread notifications in the header, fewer as I open them, none once all are read', async () => {
    const aino = await createUser(t);
    const ids = [];
    for (const title of ['Yksi', 'Kaksi', 'Kolme']) ids.push(await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: title, opensThread: true }));
    const browser = await signIn(t, aino.email);
    expect(unreadInHeader((await browser.get('/profile')).text)?.slice(1)).toEqual(['3', '3 lukematonta']);
    await browser.get(`/notifications/${ids[0]}`);
    expect(unreadInHeader((await browser.get('/notifications')).text)?.slice(1)).toEqual(['2', '2 lukematonta']);

    const all = await browser.post('/notifications/read', {}, { page: '/notifications' });
    expect(all.status).toBe(303);
    expect(all.headers.location).toBe('/notifications?read=all');
    const after = (await browser.get('/notifications?read=all')).text;
    expect(after).toContain('Kaikki ilmoitukset on merkitty luetuiksi.');
    expect(unreadInHeader(after)).toBeNull();
    expect(after).toContain('href="/notifications">Ilmoitukset</a>');
    // Not for anybody signed out, and no post without the form's token.
    expect((await new WebClient(t).get('/')).text).not.toContain('href="/notifications"');
    expect((await browser.post('/notifications/read', {}, { csrf: false })).status).toBe(403);
  });

  it('reads the header count with the session, fresh on every page: "99+" past the cap, only what the list calls unread', async () => {
    const aino = await createUser(t);
    const pekka = await createUser(t);
    const browser = await signIn(t, aino.email);
    expect(unreadInHeader((await browser.get('/profile')).text)).toBeNull();
    // None of these is Aino's unread notification as /notifications lists them.
    const thread = { threadId: randomUUID(), postId: randomUUID(), threadTitle: 'Ei laskettava', opensThread: true };
    await notification(pekka.id, 'forum.post', thread);
    await notification(aino.id, 'forum.post', thread, { status: 'cancelled' });
    await notification(aino.id, 'forum.post', thread, { dueAt: new Date(Date.now() + 3_600_000), status: 'pending' });
    await notification(aino.id, 'digest', {});
    const read = await notification(aino.id, 'forum.post', thread);
    await db.query(`UPDATE notification SET read_at = now() WHERE id = $1`, [read]);
    expect(unreadInHeader((await browser.get('/profile')).text)).toBeNull();
    // Written behind the app's back between two pages: the next page counts it.
    await notification(aino.id, 'forum.post', { ...thread, threadTitle: 'Laskettava' });
    expect(unreadInHeader((await browser.get('/profile')).text)?.slice(1)).toEqual(['1', '1 lukematonta']);
    await db.query(
      `INSERT INTO notification (kind, recipient_user_id, recipient_email, language, payload, status, delivery, due_at, sent_at, subject)
       SELECT 'forum.post', $1, 'someone@example.fi', 'fi', $2, 'sent', 'email', now() - interval '1 second', now(), 'Lähetetty otsikko' FROM generate_series(1, 120)`,
      [aino.id, thread],
    );
    expect(unreadInHeader((await browser.get('/profile')).text)?.slice(1)).toEqual(['99+', '99+ lukematonta']);
  });

  it('pages a long list with a cursor, each notification once', async () => {
    const aino = await createUser(t);
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < NOTIFICATIONS_PER_PAGE + 5; i++) {
      await notification(aino.id, 'forum.post', { threadId: randomUUID(), postId: randomUUID(), threadTitle: `Ketju ${i}`, opensThread: true }, { createdAt: new Date(start + i * 1000) });
    }
    const browser = await signIn(t, aino.email);
    const first = (await browser.get('/notifications')).text;
    const titles = (html: string) => [...html.matchAll(/Uusi keskustelu: (Ketju \d+)<\/a>/g)].map((m) => m[1]);
    expect(titles(first)).toHaveLength(NOTIFICATIONS_PER_PAGE);
    expect(titles(first)[0]).toBe(`Ketju ${NOTIFICATIONS_PER_PAGE + 4}`);
    const next = /<a href="(\/notifications\?cursor&#x3D;[^"]+)">Vanhemmat ilmoitukset<\/a>/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = (await browser.get(next!.replace('&#x3D;', '='))).text;
    expect(titles(second)).toEqual(['Ketju 4', 'Ketju 3', 'Ketju 2', 'Ketju 1', 'Ketju 0']);
    expect(second).not.toContain('Vanhemmat ilmoitukset');
    expect((await browser.get('/notifications?cursor=roskaa')).status).toBe(400);
  });

  it('shows the outbox’s kinds and statuses by their names to an admin', async () => {
    const admin = await createUser(t, { siteRole: 'admin' });
    const aino = await createUser(t);
    await notification(aino.id, 'enrolment.approval-requested', { cohortName: 'Kevät 2027', personName: 'Aino' }, { status: 'failed' });
    const page = (await (await signIn(t, admin.email)).get('/admin/outbox')).text;
    expect(page).toContain('<option value="enrolment.approval-requested">Esihenkilön hyväksyntäpyyntö</option>');
    expect(page).toContain('<option value="failed">Epäonnistui</option>');
    expect(page).toContain('<td>Esihenkilön hyväksyntäpyyntö</td>');
    expect(page).toContain('<span class="status status--failed">Epäonnistui</span>');
    expect(page).not.toMatch(/>enrolment\.approval-requested</);
  });
});
