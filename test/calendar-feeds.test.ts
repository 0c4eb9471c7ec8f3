// The iCalendar feeds as a calendar program sees them: the personal feed behind its secret token,
// the public feed, a round's download, conditional GET, and what a wrong token or a draft tells.
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { User } from '../src/identity/user.entity';
import { createUser, signIn } from './support/accounts';
import { adminId, helsinki, newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 24 * 3600 * 1000;

function events(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return { uid: event.uid, sequence: event.sequence, start: event.startDate.toJSDate().toISOString(), hour: event.startDate.hour, description: event.description ?? '', location: event.location ?? '', status: component.getFirstPropertyValue('status') };
  });
}

describe('calendar feeds', () => {
  let t: TestApp;
  let db: DataSource;
  let feeds: CalendarFeedService;
  let scheduling: SchedulingService;
  let enrolment: EnrolmentService;
  let admin: string;

  const actor = (user: User): Actor => ({ id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null });
  const path = (url: string) => new URL(url).pathname;
  const online = { deliveryMode: 'online' as const, place: null, meetingLink: 'https://meet.example.fi/verso-kevat' };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    feeds = t.app.get(CalendarFeedService);
    scheduling = t.app.get(SchedulingService);
    enrolment = t.app.get(EnrolmentService);
    admin = await adminId(t);
  });
  afterAll(() => t.close());

  it('shows my sessions, with their meeting links, in my feed; a move shows the new time with a higher SEQUENCE', async () => {
    const aino = await createUser(t, { language: 'fi' });
    const cohort = await newCohort(t, { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), ...online });
    await newCohort(t, { name: 'Toinen ryhmä' });
    await enrolment.enrol(actor(aino), cohort.id);
    const feed = path(await feeds.addressFor(aino.id));
    expect(feed).toMatch(/^\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(await feeds.addressFor(aino.id)).toBe(`${t.config.baseUrl}${feed}`);

    const res = await t.http.get(feed);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const shown = events(res.text);
    expect(shown.map((e) => e.start)).toEqual(['2027-03-16T07:00:00.000Z', '2027-04-13T06:00:00.000Z', '2027-05-11T06:00:00.000Z']);
    expect(shown.every((e) => e.hour === 9)).toBe(true);
    expect(shown[0].description).toContain('https://meet.example.fi/verso-kevat');

    const [first]: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    await scheduling.updateSession(admin, first.id, { startsAt: helsinki(2027, 3, 23, 12), endsAt: helsinki(2027, 3, 23, 16) });
    const after = events((await t.http.get(feed)).text);
    expect(after.find((e) => e.uid === `session-${first.id}@verso`)).toMatchObject({ start: '2027-03-23T10:00:00.000Z', hour: 12, sequence: 1 });
  });

  it('answers 304 to a calendar that has the current version, and the full feed once something changed', async () => {
    const aino = await createUser(t);
    const cohort = await newCohort(t, { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY) });
    await enrolment.enrol(actor(aino), cohort.id);
    const feed = path(await feeds.addressFor(aino.id));
    const full = await t.http.get(feed);
    const etag = full.headers['etag'];
    expect(etag).toMatch(/^W\/".+"$/);
    const same = await t.http.get(feed).set('if-none-match', etag);
    expect(same.status).toBe(304);
    expect(same.text ?? '').toBe('');
    expect(same.headers['etag']).toBe(etag);

    const [first]: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    await scheduling.cancelSession(admin, first.id, null);
    const changed = await t.http.get(feed).set('if-none-match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(events(changed.text).find((e) => e.uid === `session-${first.id}@verso`)?.status).toBe('CANCELLED');
  });

  it('answers a wrong, reset or malformed token with the same 404, and the new address works at once', async () => {
    const aino = await createUser(t);
    const old = path(await feeds.addressFor(aino.id));
    const fresh = path(await feeds.reset(aino.id));
    expect(fresh).not.toBe(old);
    const answers = await Promise.all(
      [old, '/calendar/feed/' + 'A'.repeat(43) + '.ics', '/calendar/feed/not-a-token.ics', '/calendar/feed/%3Cscript%3E.ics', fresh.replace('.ics', '')].map((url) => t.http.get(url)),
    );
    expect(answers.map((res) => res.status)).toEqual([404, 404, 404, 404, 404]);
    // The same page, but for the language links, which lead back to the address asked for.
    expect(new Set(answers.map((res) => res.text.replace(/next&#x3D;[^"]*/g, '')))).toHaveProperty('size', 1);
    expect((await t.http.get(fresh)).status).toBe(200);
  });

  it('resets the address from the calendar page, and the page shows the new one', async () => {
    const aino = await createUser(t);
    const web = await signIn(t, aino.email);
    const before = (await web.get('/my/calendar')).text;
    const oldUrl = /id="feed-url"[^>]*value="([^"]+)"/.exec(before)?.[1];
    expect(oldUrl).toMatch(/\/calendar\/feed\/.+\.ics$/);
    const reset = await web.post('/my/calendar/reset', {}, { page: '/my/calendar' });
    expect(reset.status).toBe(303);
    const after = (await web.get('/my/calendar?done=reset')).text;
    const newUrl = /id="feed-url"[^>]*value="([^"]+)"/.exec(after)?.[1];
    expect(newUrl).not.toBe(oldUrl);
    expect(after).toContain('Uusi osoite on luotu.');
    expect((await t.http.get(path(oldUrl!))).status).toBe(404);
    expect((await t.http.get(path(newUrl!))).status).toBe(200);
  });

  it('lists every published round in the public feed, without meeting links, and leaves drafts out', async () => {
    const published = await newCohort(t, { name: 'Julkinen ryhmä', ...online });
    const draft = await newCohort(t, { name: 'Luonnosryhmä', status: 'draft' });
    const res = await t.http.get('/calendar/all.ics');
    expect(res.status).toBe(200);
    const all = events(res.text);
    const uids = new Set(all.map((e) => e.uid));
    const sessionsOf = async (cohortId: string) => (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1`, [cohortId])).map((s: { id: string }) => `session-${s.id}@verso`);
    for (const uid of await sessionsOf(published.id)) expect(uids.has(uid)).toBe(true);
    for (const uid of await sessionsOf(draft.id)) expect(uids.has(uid)).toBe(false);
    expect(res.text).not.toContain('meet.example.fi');
    const again = await t.http.get('/calendar/all.ics').set('if-none-match', res.headers['etag']);
    expect(again.status).toBe(304);
  });

  it('downloads a round as a file; a draft is 404 for everyone but admins, and links only go to those who may join', async () => {
    const cohort = await newCohort(t, { ...online });
    const res = await t.http.get(`/cohorts/${cohort.id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+-2027-spring\.ics"$/);
    expect(events(res.text)).toHaveLength(3);
    expect(res.text).not.toContain('meet.example.fi');

    const draft = await newCohort(t, { status: 'draft' });
    const participant = await signIn(t, (await createUser(t)).email);
    expect((await t.http.get(`/cohorts/${draft.id}/calendar.ics`)).status).toBe(404);
    expect((await participant.get(`/cohorts/${draft.id}/calendar.ics`)).status).toBe(404);
    const adminUser: { email: string }[] = await db.query(`SELECT email FROM app_user WHERE id = $1`, [admin]);
    const asAdmin = await signIn(t, adminUser[0].email);
    const adminView = await asAdmin.get(`/cohorts/${draft.id}/calendar.ics`);
    expect(adminView.status).toBe(200);
    expect(events(adminView.text)).toHaveLength(3);
    expect((await t.http.get('/cohorts/not-a-uuid/calendar.ics')).status).toBe(404);
  });
});
