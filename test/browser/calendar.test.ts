// Calendars as a new user meets them, in Chromium: Aino enrols and her confirmation brings the
// round's sessions as invitations a calendar program imports; she subscribes to her personal feed
// from the calendar page; an admin moves a session in the admin pages, and Aino gets one update
// whose invitation replaces the event (same UID, higher SEQUENCE), her feed shows the new time, and
// only reminders for the new time are waiting to go.
import ICAL from 'ical.js';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { createUser, TEST_PASSWORD } from '../support/accounts';
import { adminId, helsinki, newCohort } from '../support/catalogue';
import { launchBrowser } from '../support/browser';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function calendarEvents(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return {
    method: calendar.getFirstPropertyValue('method'),
    events: calendar.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      return { uid: event.uid, sequence: event.sequence, start: event.startDate.toJSDate().toISOString(), localStart: `${event.startDate.day}.${event.startDate.month}. ${event.startDate.hour}:${String(event.startDate.minute).padStart(2, '0')}` };
    }),
  };
}

describe('calendars, as a new user meets them', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let browser: Browser;
  let db: DataSource;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  async function signedIn(email: string, path: string): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'fi-FI' })).newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(path)}`);
    await page.fill('#login-email', email);
    await page.fill('#login-password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}${path}`), page.click('form[action="/login"] button[type="submit"]')]);
    return page;
  }

  async function mailsTo(email: string, subject: RegExp, count = 1): Promise<ReceivedMail[]> {
    const deadline = Date.now() + 15000;
    for (;;) {
      const found = sink.received.filter((mail) => mail.to.includes(email) && subject.test(mail.subject));
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${subject}`);
      await sleep(100);
    }
  }

  const invitations = (mail: ReceivedMail) =>
    (mail.parsed.attachments ?? []).filter((a) => a.contentType === 'text/calendar').map((a) => calendarEvents(a.content.toString('utf8')));

  it('imports the confirmation, subscribes to the feed, and follows a moved session', async () => {
    const cohort = await newCohort(t, {
      name: 'Kevät 2027 – Tampere',
      enrolmentOpensAt: helsinki(2026, 11, 1),
      enrolmentClosesAt: helsinki(2027, 2, 28),
      sessions: [
        { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) },
        { startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) },
      ],
    });
    const aino = await createUser(t, { displayName: 'Aino Äijälä', email: 'aino.aijala@verohallinto.fi' });

    // Enrol, and import the confirmation's invitations.
    const page = await signedIn(aino.email, `/cohorts/${cohort.id}`);
    await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Ilmoittaudu")')]);
    expect(await page.textContent('main')).toContain('Olet mukana tässä ryhmässä.');
    const [confirmation] = await mailsTo(aino.email, /vahvistettu/);
    const imported = invitations(confirmation);
    expect(imported.map((i) => [i.method, i.events.length])).toEqual([
      ['REQUEST', 1],
      ['REQUEST', 1],
    ]);
    const first = imported[0].events[0];
    expect(first).toMatchObject({ sequence: 0, localStart: '16.3. 9:00' });

    // Subscribe: the calendar page shows the address, which a calendar program fetches without a session.
    await page.goto(`${base}/profile`);
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("Kalenterisyöte")')]);
    const feedUrl = await page.inputValue('#feed-url');
    const feedPath = new URL(feedUrl).pathname;
    const before = calendarEvents((await t.http.get(feedPath)).text);
    expect(before.events.map((e) => e.localStart)).toEqual(['16.3. 9:00', '13.4. 9:00']);

    // An admin moves the first session a week on, to 12:00, in the admin pages.
    const admin: { email: string }[] = await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]);
    const sessionId = first.uid.slice('session-'.length, -'@verso'.length);
    const adminPage = await signedIn(admin[0].email, `/admin/sessions/${sessionId}`);
    const form = adminPage.locator(`form[action="/admin/sessions/${sessionId}"]`);
    await form.locator('input[type="date"]').fill('2027-03-23');
    await form.locator('input[type="time"]').nth(0).fill('12:00');
    await form.locator('input[type="time"]').nth(1).fill('16:00');
    await form.locator('input[name="reason"]').fill('Sali on varattu');
    await Promise.all([adminPage.waitForNavigation(), form.locator('button[type="submit"]').click()]);

    // One update, whose invitation replaces the event.
    const [update] = await mailsTo(aino.email, /siirtynyt/);
    const [replacement] = invitations(update);
    expect(replacement.method).toBe('REQUEST');
    expect(replacement.events).toEqual([{ uid: first.uid, sequence: 1, start: '2027-03-23T10:00:00.000Z', localStart: '23.3. 12:00' }]);
    await sleep(1000);
    expect(sink.received.filter((mail) => mail.to.includes(aino.email) && /siirtynyt/.test(mail.subject))).toHaveLength(1);

    // The feed shows the new time, and only reminders for it wait to go.
    const after = calendarEvents((await t.http.get(feedPath)).text);
    expect(after.events.find((e) => e.uid === first.uid)).toMatchObject({ sequence: 1, localStart: '23.3. 12:00' });
    const waiting: { due_at: Date }[] = await db.query(
      `SELECT due_at FROM notification WHERE kind = 'session.reminder' AND key LIKE $1 AND status = 'pending' ORDER BY due_at`,
      [`reminder-${sessionId}-${aino.id}-%`],
    );
    expect(waiting.map((r) => new Date(r.due_at).toISOString())).toEqual(['2027-03-16T10:00:00.000Z', '2027-03-22T10:00:00.000Z']);
  });
});
