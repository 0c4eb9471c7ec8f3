import { DataSource } from 'typeorm';
import { DigestService } from '../src/notifications/digest.service';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';
import { OutboxService, TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { SmtpSink } from './support/smtp-sink';
import { createUser } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notification core', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let notifications: NotificationsService;
  let stillTrue = true;

  const row = async (id: string) => {
    const [found] = await t.app.get(DataSource).query(`SELECT * FROM notification WHERE id = $1`, [id]);
    return found;
  };
  const waitForStatus = async (id: string, status: string, timeoutMs = 10000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await row(id);
      if (current.status === status) return current;
      if (Date.now() > deadline) throw new Error(`notification ${id} is ${current.status}, not ${status}`);
      await sleep(50);
    }
  };
  const receivedFor = (id: string) => sink.received.filter((mail) => mail.messageId === `<${id}@verso>`);

  beforeAll(async () => {
    sink = new SmtpSink();
    const smtpUrl = await sink.start();
    t = await startTestApp({ SMTP_URL: smtpUrl, JOB_RETRY_DELAY_MS: '10', SWEEP_INTERVAL_MS: '1000', SENDING_LEASE_SECONDS: '2' });
    notifications = t.app.get(NotificationsService);
    // A kind whose send-time check a test can turn false, as a reminder of a cancelled session.
    t.app.get(NotificationKinds).register({
      name: 'test-reminder',
      template: TEST_MESSAGE_KIND,
      secretLinks: [],
      subject: () => 'Muistutus',
      stillValid: async () => stillTrue,
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });
  beforeEach(() => {
    sink.refuseNext = 0;
  });

  it('delivers a message once, in the recipient’s language, with an HTML and a plain-text part', async () => {
    const fi = await notifications.notify(TEST_MESSAGE_KIND, { email: 'aino.aijala@verohallinto.fi', name: 'Aino Äijälä', language: 'fi' }, { requestedAt: '2027-03-01T07:00:00Z' });
    const sv = await notifications.notify(TEST_MESSAGE_KIND, { email: 'asa.ostrom@tulli.fi', name: 'Åsa Öström', language: 'sv' }, { requestedAt: '2027-03-01T07:00:00Z' });
    await waitForStatus(fi!, 'sent');
    await waitForStatus(sv!, 'sent');

    const [finnish] = receivedFor(fi!);
    expect(receivedFor(fi!)).toHaveLength(1);
    expect(finnish.subject).toBe('Verson testiviesti');
    expect(finnish.to).toContain('aino.aijala@verohallinto.fi');
    expect(finnish.language).toBe('fi');
    expect(finnish.text).toContain('Hei Aino Äijälä,');
    expect(finnish.text).toContain('Testiviestiä pyydettiin 1.3.2027 klo 09.00'); // Helsinki time
    expect(finnish.html).toContain('<p>Tämä on testiviesti.');
    const [swedish] = receivedFor(sv!);
    expect(swedish.subject).toBe('Testmeddelande från Verso');
    expect(swedish.text).toContain('Hej Åsa Öström,');
    expect(swedish.language).toBe('sv');

    const sent = await row(fi!);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, subject: 'Verson testiviesti' });
    expect(sent.transport_result).toMatch(/^250/);
  });

  it('carries the attachments its kind adds, such as a calendar file', async () => {
    t.app.get(NotificationKinds).register({
      name: 'test-invitation',
      template: TEST_MESSAGE_KIND,
      secretLinks: [],
      subject: () => 'Kutsu',
      attachments: async (payload) => [
        { filename: 'tapaaminen.ics', contentType: 'text/calendar; method=REQUEST', content: `BEGIN:VCALENDAR\r\nSUMMARY:${payload.title}\r\nEND:VCALENDAR\r\n` },
      ],
    });
    const id = await notifications.notify('test-invitation', { email: 'kutsu@example.fi', language: 'fi' }, { requestedAt: new Date().toISOString(), title: 'Kevät 2027' });
    await waitForStatus(id!, 'sent');
    const [mail] = receivedFor(id!);
    expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['tapaaminen.ics', 'text/calendar', 'BEGIN:VCALENDAR\r\nSUMMARY:Kevät 2027\r\nEND:VCALENDAR\r\n'],
    ]);
  });

  it('escapes what people type in the HTML part', async () => {
    const id = await notifications.notify(TEST_MESSAGE_KIND, { email: 'x@example.fi', name: '<b>Eve</b>', language: 'en' }, { requestedAt: new Date().toISOString() });
    await waitForStatus(id!, 'sent');
    expect(receivedFor(id!)[0].html).toContain('Hello &lt;b&gt;Eve&lt;/b&gt;,');
  });

  it('sends a delayed notification at its time and not before', async () => {
    const dueAt = new Date(Date.now() + 2500);
    const id = await notifications.notify(TEST_MESSAGE_KIND, { email: 'later@example.fi', language: 'fi' }, { requestedAt: dueAt.toISOString() }, { dueAt });
    await sleep(1500);
    expect(receivedFor(id!)).toHaveLength(0);
    expect((await row(id!)).status).toBe('queued'); // handed to the queue as a delayed job
    const sent = await waitForStatus(id!, 'sent', 8000);
    expect(new Date(sent.sent_at).getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(receivedFor(id!)).toHaveLength(1);
  });

  it('stops a pending notification when its key is cancelled, and keeps one live notification per key', async () => {
    const dueAt = new Date(Date.now() + 2000);
    const recipient = { email: 'cancel@example.fi', language: 'fi' as const };
    const id = await notifications.notify('test-reminder', recipient, { requestedAt: dueAt.toISOString() }, { dueAt, key: 'reminder-s1-u1-1d' });
    const again = await notifications.notify('test-reminder', recipient, { requestedAt: dueAt.toISOString() }, { dueAt, key: 'reminder-s1-u1-1d' });
    expect(again).toBeNull();
    expect(await notifications.cancel({ keyPrefix: 'reminder-s1-' })).toBe(1);
    await sleep(3500);
    expect(receivedFor(id!)).toHaveLength(0);
    expect((await row(id!)).status).toBe('cancelled');
    // Once cancelled, the key is free for the rescheduled reminder.
    expect(await notifications.notify('test-reminder', recipient, { requestedAt: dueAt.toISOString() }, { key: 'reminder-s1-u1-1d' })).toEqual(expect.any(String));
  });

  it('drops a message whose send-time check says it is no longer true', async () => {
    stillTrue = false;
    try {
      const id = await notifications.notify('test-reminder', { email: 'stale@example.fi', language: 'fi' }, { requestedAt: new Date().toISOString() });
      const dropped = await waitForStatus(id!, 'cancelled');
      expect(dropped.last_error).toMatch(/^stale/);
      expect(receivedFor(id!)).toHaveLength(0);
    } finally {
      stillTrue = true;
    }
  });

  it('retries while the SMTP server refuses, then delivers exactly once', async () => {
    sink.refuseNext = 3;
    const refusedBefore = sink.refused;
    const id = await notifications.notify(TEST_MESSAGE_KIND, { email: 'retry@example.fi', language: 'en' }, { requestedAt: new Date().toISOString() });
    const sent = await waitForStatus(id!, 'sent', 15000);
    expect(sink.refused - refusedBefore).toBe(3);
    expect(sent.attempts).toBe(4);
    expect(receivedFor(id!)).toHaveLength(1);
  });

  it('marks a message failed with its error after the last attempt, and an admin can send it again', async () => {
    sink.refuseNext = 1000;
    const id = await notifications.notify(TEST_MESSAGE_KIND, { email: 'fail@example.fi', language: 'fi' }, { requestedAt: new Date().toISOString() });
    // 12 attempts with waits from 10 ms doubling: about 20 s in all.
    const failed = await waitForStatus(id!, 'failed', 35000);
    expect(failed.attempts).toBe(12);
    expect(failed.last_error).toMatch(/Try again later/);
    expect(receivedFor(id!)).toHaveLength(0);

    sink.refuseNext = 0;
    expect(await t.app.get(OutboxService).resend(id!)).toBe(true);
    await waitForStatus(id!, 'sent', 10000);
    expect(receivedFor(id!)).toHaveLength(1);
  }, 60000);

  describe('preferences and digests', () => {
    // Preferences belong to an account (a foreign key): a real one.
    let userId: string;
    let person: { userId: string; email: string; name: string; language: 'fi' };
    beforeAll(async () => {
      userId = (await createUser(t, { email: 'digest@example.fi', displayName: 'Oskar Öhman' })).id;
      person = { userId, email: 'digest@example.fi', name: 'Öhman', language: 'fi' };
    });

    it('leaves out a kind the person turned off, but never a security mail', async () => {
      await notifications.setPreference(userId, 'test-reminder', 'off');
      expect(await notifications.notify('test-reminder', person, { requestedAt: new Date().toISOString() })).toBeNull();
      t.app.get(NotificationKinds).register({ name: 'test-security', template: TEST_MESSAGE_KIND, security: true, secretLinks: [], subject: () => 'Salasana' });
      await notifications.setPreference(userId, 'test-security', 'off');
      const id = await notifications.notify('test-security', person, { requestedAt: new Date().toISOString() });
      await waitForStatus(id!, 'sent');
    });

    it('gathers digest-bound notifications into one email a day, and marks them sent with it', async () => {
      await notifications.setPreference(userId, 'test-reminder', 'digest');
      const a = await notifications.notify('test-reminder', person, { requestedAt: new Date().toISOString() });
      const b = await notifications.notify('test-reminder', person, { requestedAt: new Date().toISOString() });
      await sleep(1200);
      expect((await row(a!)).status).toBe('pending'); // not mailed on its own
      expect(await t.app.get(DigestService).gatherFor({ userId, hour: '2027030107' })).toEqual({ digestId: expect.any(String) });
      const item = await row(a!);
      const digest = await waitForStatus(item.digest_id, 'sent');
      expect(digest.kind).toBe('digest');
      expect((await row(a!)).status).toBe('sent');
      expect((await row(b!)).status).toBe('sent');
      const [mail] = receivedFor(digest.id);
      expect(mail.subject).toMatch(/^Päivän kooste .*: 2 ilmoitusta$/);
      expect(mail.text.match(/- Muistutus/g)).toHaveLength(2);
      expect(await t.app.get(DigestService).gatherFor({ userId, hour: '2027030107' })).toEqual({ digestId: null });
    });
  });
});
