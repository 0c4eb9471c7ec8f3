// A person who leaves lets go of what they held: an admin's erasure or deactivation cancels their
// places through the enrolment rules (the first in the queue gets the seat, and is mailed), their
// subscriptions, calendar feed, API tokens and unsent mail go, and their posts stay under "deleted
// user" on every page, in search, in the API and in mail. Real PostgreSQL, Redis, worker and SMTP.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { ForumsService } from '../src/forums/forums.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { QueueService } from '../src/queue/queue.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { outboxSettled as settled } from './support/outbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

describe('a person who leaves', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let forums: ForumsService;
  let adminClient: WebClient;
  let general: string;

  const tag = () => randomBytes(3).toString('hex');
  const person = async (name: string): Promise<Actor> => actorOf(await createUser(t, { displayName: name, email: `${name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z]+/g, '.')}.${tag()}@example.fi` }));
  const openCohort = (capacity: number): Promise<Cohort> =>
    newCohort(t, { capacity, name: `Kevät ${tag()}`, enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
  const enrolmentOf = async (cohortId: string, userId: string) =>
    (await db.query(`SELECT id, status, waitlist_position FROM enrolment WHERE cohort_id = $1 AND user_id = $2`, [cohortId, userId]))[0] as { id: string; status: string; waitlist_position: number | null };
  const count = async (table: string, userId: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [userId]))[0].n as number;
  const outboxSettled = (timeoutMs = 10000) => settled(db, timeoutMs);
  /** A mail due tomorrow: still pending when the person leaves. */
  const pendingMail = async (who: Actor) =>
    (
      await db.query(
        `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, status, due_at)
         VALUES ('test-message', $1, $2, $3, 'fi', '{}', 'pending', now() + interval '1 day') RETURNING id`,
        [who.id, who.email, who.displayName],
      )
    )[0].id as string;
  const statusOf = async (notificationId: string) => (await db.query(`SELECT status FROM notification WHERE id = $1`, [notificationId]))[0].status as string;
  /** A seat-holder and two in the queue of a one-seat round, and the subscriptions, feed and token the seat-holder has. */
  const fullRound = async (leaverName: string) => {
    const cohort = await openCohort(1);
    const leaver = await person(leaverName);
    const [first, second] = [await person('Ensi Jonottaja'), await person('Toka Jonottaja')];
    expect((await enrolment.enrol(leaver, cohort.id)).enrolment.status).toBe('confirmed');
    expect((await enrolment.enrol(first, cohort.id)).enrolment.waitlistPosition).toBe(1);
    expect((await enrolment.enrol(second, cohort.id)).enrolment.waitlistPosition).toBe(2);
    await t.app.get(ForumSubscriptions).setLevel(leaver, { channelId: general }, 'every_post');
    const feed = await t.app.get(CalendarFeedService).addressFor(leaver.id);
    const { token } = await t.app.get(ApiTokensService).issue(leaver.id, { name: 'kalenteri' });
    await outboxSettled();
    return { cohort, leaver, first, second, feed, token, pending: await pendingMail(leaver) };
  };
  const feedPath = (address: string) => address.slice(t.config.baseUrl.length);

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), FORUM_EDIT_WINDOW_MINUTES: '1' });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    forums = t.app.get(ForumsService);
    const admin = await createUser(t, { siteRole: 'admin', displayName: 'Ylläpitäjä Ylli', email: `ylli.${tag()}@valtiokonttori.fi` });
    adminClient = await signIn(t, admin.email);
    general = (await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`))[0].id;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('erased, gives their seat to the first in the queue, who is mailed, and leaves nothing they held behind', async () => {
    const { cohort, leaver, first, second, feed, token, pending } = await fullRound('Elli Erotettava');
    const client = await signIn(t, leaver.email);
    expect((await client.post('/profile/erasure', {}, { page: '/profile' })).status).toBe(303);
    expect((await t.http.get(feedPath(feed))).status).toBe(200);

    const res = await adminClient.post(`/admin/users/${leaver.id}/erase`, { confirm: 'yes' });
    expect(res.status).toBe(303);

    expect(await enrolmentOf(cohort.id, leaver.id)).toMatchObject({ status: 'cancelled', waitlist_position: null });
    expect(await enrolmentOf(cohort.id, first.id)).toMatchObject({ status: 'confirmed', waitlist_position: null });
    expect(await enrolmentOf(cohort.id, second.id)).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    expect((await db.query(`SELECT seats_taken, waitlist_length FROM cohort WHERE id = $1`, [cohort.id]))[0]).toEqual({ seats_taken: 1, waitlist_length: 1 });
    // The history stays, about an account that no longer says who it was.
    const history = await db.query(
      `SELECT ch.from_status, ch.to_status, ch.reason FROM enrolment_change ch WHERE ch.enrolment_id = $1 ORDER BY ch.created_at`,
      [(await enrolmentOf(cohort.id, leaver.id)).id],
    );
    expect(history.map((row: { to_status: string }) => row.to_status)).toEqual(['confirmed', 'cancelled']);
    expect(history[1].reason).toBe('enrolment.reason.accountErased');

    const promoted = await sink.mailTo(first.email, 'Sait paikan');
    expect(promoted.text).toContain('vapautui paikka, ja se on nyt sinun');

    expect(await count('forum_subscription', leaver.id)).toBe(0);
    expect(await count('calendar_feed', leaver.id)).toBe(0);
    expect(await count('api_token', leaver.id)).toBe(0);
    expect(await statusOf(pending)).toBe('cancelled');
    expect((await t.http.get(feedPath(feed))).status).toBe(404);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    await outboxSettled();
    expect(sink.mailsTo(leaver.email, 'peruttu')).toEqual([]);
  });

  it('deactivated, gives their seat to the first in the queue, who is mailed, and their feed, tokens and unsent mail end', async () => {
    const { cohort, leaver, first, second, feed, token, pending } = await fullRound('Deija Deaktivoitava');

    const res = await adminClient.post(`/admin/users/${leaver.id}/deactivate`);
    expect(res.status).toBe(303);

    expect(await enrolmentOf(cohort.id, leaver.id)).toMatchObject({ status: 'cancelled' });
    expect(await enrolmentOf(cohort.id, first.id)).toMatchObject({ status: 'confirmed' });
    expect(await enrolmentOf(cohort.id, second.id)).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    expect((await sink.mailTo(first.email, 'Sait paikan')).text).toContain('vapautui paikka, ja se on nyt sinun');
    expect(await statusOf(pending)).toBe('cancelled');
    expect((await t.http.get(feedPath(feed))).status).toBe(404);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    await outboxSettled();
    expect(sink.mailsTo(leaver.email, 'peruttu')).toEqual([]);

    // Let back in, they get a new feed address: the one handed out before stays dead.
    expect((await adminClient.post(`/admin/users/${leaver.id}/reactivate`)).status).toBe(303);
    expect((await t.http.get(feedPath(feed))).status).toBe(404);
    const fresh = await t.app.get(CalendarFeedService).addressFor(leaver.id);
    expect(fresh).not.toBe(feed);
    expect((await t.http.get(feedPath(fresh))).status).toBe(200);
  });

  it('erased, leaves their posts under "Poistettu käyttäjä" on the thread page, in search, in the API and in mail sent after', async () => {
    const word = `kuusikerroksinen${tag()}`;
    const author = await person('Aino Anonymisoitava');
    const reader = await person('Pekka Lukija');
    const readerClient = await signIn(t, reader.email);
    const { token: readerToken } = await t.app.get(ApiTokensService).issue(reader.id, { name: 'lukija' });
    const topic = `Kysymys ${tag()}`;
    const { threadId } = await forums.startThread(reader, general, { title: topic, body: 'Mitä ajattelette?', language: 'fi' }, 'fi');
    const { postId } = await forums.reply(author, threadId, { body: `Minusta ${word} malli toimii.`, language: 'fi' }, 'fi');
    await db.query(`UPDATE app_user SET erasure_requested_at = now() WHERE id = $1`, [author.id]);
    expect((await adminClient.post(`/admin/users/${author.id}/erase`, { confirm: 'yes' })).status).toBe(303);

    const page = await readerClient.get(`/threads/${threadId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(word);
    expect(page.text).toContain('Poistettu käyttäjä');
    expect(page.text).not.toContain('Anonymisoitava');

    const search = await readerClient.get(`/search?q=${word}`);
    expect(search.text).toContain(`post-${postId}`);
    expect(search.text).toContain('Poistettu käyttäjä');

    const api = await t.http.get(`/api/v1/threads/${threadId}/posts`).set('authorization', `Bearer ${readerToken}`).set('accept-language', 'en');
    expect(api.body.items.find((item: { id: string }) => item.id === postId)).toMatchObject({ authorId: author.id, authorName: 'Deleted user' });
    const swedish = await t.http.get(`/api/v1/search?q=${word}&kind=post&lang=sv`).set('authorization', `Bearer ${readerToken}`);
    expect(swedish.body.groups[0].items[0]).toMatchObject({ kind: 'post', id: postId, authorName: 'Borttagen användare' });

    // The reader follows their own thread: the reply's mail goes once the edit window has passed.
    const [ids]: [{ id: string }[], number] = await db.query(`UPDATE notification SET due_at = now() WHERE key = $1 RETURNING id`, [`forum-post-${postId}-${reader.id}`]);
    expect(ids).toHaveLength(1);
    const deadline = Date.now() + 5000;
    while ((await statusOf(ids[0].id)) === 'pending' && Date.now() < deadline) await sleep(50);
    const job = await t.app.get(QueueService).job(ids[0].id);
    if (job && (await job.isDelayed())) await job.promote();
    const mail = await sink.mailTo(reader.email, topic);
    expect(mail.text).toContain(`Poistettu käyttäjä kirjoitti keskusteluun ”${topic}”`);
    expect(mail.text).not.toContain('Anonymisoitava');
  });

  it('refuses a second erasure request and a second erasure with a clear message, changing nothing', async () => {
    const leaver = await person('Toistuva Pyytäjä');
    const client = await signIn(t, leaver.email);
    expect((await client.post('/profile/erasure', {}, { page: '/profile' })).headers.location).toBe('/profile?saved=erasure');
    const [{ erasure_requested_at: first }] = await db.query(`SELECT erasure_requested_at FROM app_user WHERE id = $1`, [leaver.id]);
    // The form is gone from the page once asked: another tab posts it again.
    const again = await client.post('/profile/erasure', {}, { page: '/profile' });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/profile?saved=erasureAlready');
    expect((await client.get(again.headers.location)).text).toContain('Olet jo pyytänyt tunnuksesi poistamista, eikä uusi pyyntö muuttanut mitään.');
    expect((await db.query(`SELECT erasure_requested_at FROM app_user WHERE id = $1`, [leaver.id]))[0].erasure_requested_at).toEqual(first);
    expect((await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1 AND action = 'erasure.requested'`, [leaver.id]))[0].n).toBe(1);

    expect((await adminClient.post(`/admin/users/${leaver.id}/erase`, { confirm: 'yes' })).status).toBe(303);
    const twice = await adminClient.post(`/admin/users/${leaver.id}/erase`, { confirm: 'yes' });
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('Tiedot on jo poistettu.');
    expect((await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1 AND action = 'user.erased'`, [leaver.id]))[0].n).toBe(1);
  });
});
