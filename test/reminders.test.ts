// Session reminders and calendar invitations, end to end: the plan PostgreSQL keeps (triggers), the
// worker's send-time check, and the mails with their .ics files as an SMTP server receives them,
// parsed by an independent iCalendar parser (ical.js).
import ICAL from 'ical.js';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { CohortInput, SessionInput } from '../src/catalogue/scheduling.rules';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { toHelsinki } from '../src/i18n/helsinki-time';
import { Language } from '../src/i18n/i18n';
import { User } from '../src/identity/user.entity';
import { NotificationsService } from '../src/notifications/notifications.service';
import { createUser } from './support/accounts';
import { adminId, helsinki, newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface ParsedEvent {
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  /** Wall-clock start as the calendar shows it in Helsinki: "2027-03-30 09:00". */
  helsinkiStart: string;
  start: Date;
}

/** Parses an .ics as a calendar program would, with its VTIMEZONE registered. */
function parseIcs(text: string): { method: string | null; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return {
    method: (calendar.getFirstPropertyValue('method') as string | null) ?? null,
    events: calendar.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      const start = event.startDate;
      return {
        uid: event.uid,
        sequence: event.sequence,
        status: (component.getFirstPropertyValue('status') as string | null) ?? null,
        summary: event.summary,
        helsinkiStart: `${start.year}-${String(start.month).padStart(2, '0')}-${String(start.day).padStart(2, '0')} ${String(start.hour).padStart(2, '0')}:${String(start.minute).padStart(2, '0')}`,
        start: start.toJSDate(),
      };
    }),
  };
}

function icsAttachments(mail: ReceivedMail) {
  return (mail.parsed.attachments ?? [])
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => {
      const header = a.headers.get('content-type') as { params?: Record<string, string> } | undefined;
      return { contentMethod: header?.params?.method ?? null, filename: a.filename, ...parseIcs(a.content.toString('utf8')) };
    });
}

describe('session reminders and calendar invitations', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let scheduling: SchedulingService;
  let admin: string;

  const person = (overrides: { displayName?: string; language?: Language } = {}) => createUser(t, overrides);
  const actor = (user: User): Actor => ({ id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null });
  const mailsTo = (user: User, subject: RegExp = /./) => sink.received.filter((mail) => mail.to.toLowerCase().includes(user.email.toLowerCase()) && subject.test(mail.subject));
  const mailTo = async (user: User, subject: RegExp, timeoutMs = 15000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [mail] = mailsTo(user, subject);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${user.email} matching ${subject}; got: ${mailsTo(user).map((m) => m.subject).join(' | ')}`);
      await sleep(50);
    }
  };
  /** Live reminders of a person, earliest first. */
  const reminders = async (user: User): Promise<{ key: string; due_at: Date; status: string }[]> =>
    db.query(`SELECT key, due_at, status FROM notification WHERE kind = 'session.reminder' AND recipient_user_id = $1 AND status IN ('pending', 'queued', 'sending') ORDER BY due_at`, [user.id]);
  /** A published round whose enrolment is open now, with these sessions. */
  const openCohort = (sessions: SessionInput[], overrides: Partial<CohortInput> = {}): Promise<Cohort> =>
    newCohort(t, { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null, sessions, ...overrides });
  const at = (ms: number, length = 2 * 60 * MINUTE): SessionInput => ({ startsAt: new Date(ms), endsAt: new Date(ms + length) });

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    scheduling = t.app.get(SchedulingService);
    admin = await adminId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('plans one reminder per session and offset for a confirmed participant, keyed reminder-<session>-<user>-<offset>, none for the waitlisted', async () => {
    const cohort = await openCohort([at(Date.now() + 20 * DAY), at(Date.now() + 40 * DAY)], { capacity: 1 });
    const [aino, waiting] = [await person(), await person()];
    await enrolment.enrol(actor(aino), cohort.id);
    await enrolment.enrol(actor(waiting), cohort.id);
    const sessions: { id: string; starts_at: Date }[] = await db.query(`SELECT id, starts_at FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    const planned = await reminders(aino);
    expect(planned.map((r) => r.key)).toEqual([
      `reminder-${sessions[0].id}-${aino.id}-10080`,
      `reminder-${sessions[0].id}-${aino.id}-1440`,
      `reminder-${sessions[1].id}-${aino.id}-10080`,
      `reminder-${sessions[1].id}-${aino.id}-1440`,
    ]);
    expect(new Date(planned[1].due_at).getTime()).toBe(new Date(sessions[0].starts_at).getTime() - DAY);
    expect(await reminders(waiting)).toEqual([]);
  });

  it('keeps the Helsinki wall-clock time across a daylight-saving change: 7 days before Tue 30.3.2027 9:00 is Tue 23.3. 9:00', async () => {
    const cohort = await openCohort([{ startsAt: helsinki(2027, 3, 30, 9), endsAt: helsinki(2027, 3, 30, 16) }]);
    const aino = await person();
    await enrolment.enrol(actor(aino), cohort.id);
    const [week, day] = await reminders(aino);
    expect(toHelsinki(new Date(week.due_at))).toEqual({ year: 2027, month: 3, day: 23, hour: 9, minute: 0 });
    expect(new Date(week.due_at).toISOString()).toBe('2027-03-23T07:00:00.000Z');
    expect(toHelsinki(new Date(day.due_at))).toEqual({ year: 2027, month: 3, day: 29, hour: 9, minute: 0 });
    expect(new Date(day.due_at).toISOString()).toBe('2027-03-29T06:00:00.000Z');
  });

  it('drops the reminders of a cancelled enrolment and plans them for the person promoted in their place', async () => {
    const cohort = await openCohort([at(Date.now() + 20 * DAY)], { capacity: 1 });
    const [leaving, waiting] = [await person(), await person()];
    await enrolment.enrol(actor(leaving), cohort.id);
    await enrolment.enrol(actor(waiting), cohort.id);
    expect(await reminders(leaving)).toHaveLength(2);
    await enrolment.cancel(actor(leaving), cohort.id, leaving.id, null);
    expect(await reminders(leaving)).toEqual([]);
    expect((await reminders(waiting)).map((r) => r.key.split('-').pop())).toEqual(['10080', '1440']);
  });

  it('gives facilitators reminders too, and only rounds that are published', async () => {
    const facilitator = await person({ displayName: 'Sanna Järvinen' });
    const cohort = await openCohort([at(Date.now() + 20 * DAY)], { facilitatorEmails: [facilitator.email], status: 'draft' } as Partial<CohortInput>);
    expect(await reminders(facilitator)).toEqual([]);
    await scheduling.setCohortStatus(admin, cohort.id, 'published');
    expect(await reminders(facilitator)).toHaveLength(2);
    await scheduling.setCohortStatus(admin, cohort.id, 'cancelled');
    expect(await reminders(facilitator)).toEqual([]);
  });

  it('replans everyone when the round gets new offsets', async () => {
    const cohort = await openCohort([at(Date.now() + 30 * DAY)]);
    const aino = await person();
    await enrolment.enrol(actor(aino), cohort.id);
    await scheduling.updateCohort(admin, cohort.id, { reminderOffsets: [14 * 1440, 2 * 1440, 120] });
    expect((await reminders(aino)).map((r) => r.key.split('-').pop())).toEqual(['20160', '2880', '120']);
  });

  it('sends the confirmation with one METHOD:REQUEST invitation per session, Helsinki times, UIDs that stay', async () => {
    const cohort = await openCohort([
      { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) },
      { startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) },
    ]);
    const aino = await person({ displayName: 'Aino Äijälä' });
    await enrolment.enrol(actor(aino), cohort.id);
    const mail = await mailTo(aino, /vahvistettu/);
    const invitations = icsAttachments(mail);
    expect(invitations).toHaveLength(2);
    const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    expect(invitations.map((i) => i.method)).toEqual(['REQUEST', 'REQUEST']);
    expect(invitations.map((i) => i.contentMethod)).toEqual(['REQUEST', 'REQUEST']);
    expect(invitations.map((i) => i.filename)).toEqual(['tapaaminen-2027-03-16.ics', 'tapaaminen-2027-04-13.ics']);
    expect(invitations.map((i) => i.events.map((e) => [e.uid, e.sequence, e.helsinkiStart]))).toEqual([
      [[`session-${sessions[0].id}@verso`, 0, '2027-03-16 09:00']],
      [[`session-${sessions[1].id}@verso`, 0, '2027-04-13 09:00']],
    ]);
    // Winter time then summer time: the same 9:00 is 07:00Z, then 06:00Z.
    expect(invitations[0].events[0].start.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    expect(invitations[1].events[0].start.toISOString()).toBe('2027-04-13T06:00:00.000Z');
    expect(invitations[0].events[0].summary).toContain(cohort.name);
  });

  it('tells everyone once when a session moves, with an update of the same UID and a higher SEQUENCE; a cancellation sends METHOD:CANCEL', async () => {
    const cohort = await openCohort([
      { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) },
      { startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) },
    ]);
    const [aino, bertil] = [await person(), await person({ language: 'sv' })];
    await enrolment.enrol(actor(aino), cohort.id);
    await enrolment.enrol(actor(bertil), cohort.id);
    const [first, second]: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);

    await scheduling.updateSession(admin, first.id, { startsAt: helsinki(2027, 3, 30, 10), endsAt: helsinki(2027, 3, 30, 16), reason: 'Tila ei ole käytettävissä' });
    const moved = await mailTo(aino, /siirtynyt/);
    expect(moved.subject).toContain('30.3.2027');
    expect(moved.subject).toMatch(/^Tapaaminen on siirtynyt: Kompleksisuus ja systeemiajattelu, kevät 2027 – 30\.3\.2027 klo 10[.:]00$/);
    expect(moved.text).toContain('Aiempi aika: tiistaina 16. maaliskuuta 2027 klo 09.00');
    expect(moved.text).toContain('Syy: Tila ei ole käytettävissä');
    const [update] = icsAttachments(moved);
    expect(update.method).toBe('REQUEST');
    expect(update.events).toMatchObject([{ uid: `session-${first.id}@verso`, sequence: 1, helsinkiStart: '2027-03-30 10:00' }]);
    expect((await mailTo(bertil, /flyttats/)).subject).toMatch(/^Träffen har flyttats: Komplexitet och systemtänkande, våren 2027 – 30\.3\.2027 kl\. 10[.:]00$/);

    await scheduling.cancelSession(admin, second.id, 'Sairastuminen');
    const cancelled = await mailTo(aino, /peruttu/);
    expect(cancelled.subject).toMatch(/^Tapaaminen on peruttu: Kompleksisuus ja systeemiajattelu, kevät 2027 – 13\.4\.2027$/);
    const [cancel] = icsAttachments(cancelled);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.contentMethod).toBe('CANCEL');
    expect(cancel.events).toMatchObject([{ uid: `session-${second.id}@verso`, sequence: 1, status: 'CANCELLED' }]);
    await sleep(500);
    expect(mailsTo(aino, /siirtynyt/)).toHaveLength(1);
  });

  it('invites everyone in a published round to a session added later, and plans its reminders', async () => {
    const cohort = await openCohort([{ startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) }]);
    const aino = await person();
    await enrolment.enrol(actor(aino), cohort.id);
    const added = await scheduling.addSession(admin, cohort.id, { startsAt: helsinki(2027, 4, 20, 13), endsAt: helsinki(2027, 4, 20, 16) });
    const mail = await mailTo(aino, /^Uusi tapaaminen/);
    expect(mail.text).toContain('Tapaaminen 2/2');
    const [invitation] = icsAttachments(mail);
    expect(invitation.method).toBe('REQUEST');
    expect(invitation.events).toMatchObject([{ uid: `session-${added.id}@verso`, sequence: 0, helsinkiStart: '2027-04-20 13:00' }]);
    expect((await reminders(aino)).filter((r) => r.key.startsWith(`reminder-${added.id}-`))).toHaveLength(2);
  });

  it('sends a cancelled enrolment METHOD:CANCEL for the sessions it had, and a waitlisted one none', async () => {
    const cohort = await openCohort([at(Date.now() + 20 * DAY)], { capacity: 1 });
    const [leaving, waiting] = [await person(), await person()];
    await enrolment.enrol(actor(leaving), cohort.id);
    await enrolment.enrol(actor(waiting), cohort.id);
    await enrolment.cancel(actor(waiting), cohort.id, waiting.id, null);
    await enrolment.cancel(actor(leaving), cohort.id, leaving.id, null);
    const [cancel] = icsAttachments(await mailTo(leaving, /peruttu/));
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.events).toHaveLength(1);
    expect(icsAttachments(await mailTo(waiting, /peruttu/))).toEqual([]);
  });

  it('tells everyone in a cancelled round, and takes its sessions out of the calendars of those who had them', async () => {
    const facilitator = await person({ displayName: 'Sanna Järvinen' });
    const cohort = await openCohort([at(Date.now() + 20 * DAY), at(Date.now() + 27 * DAY)], { capacity: 1, facilitatorEmails: [facilitator.email] });
    const [seated, waiting] = [await person(), await person({ language: 'en' })];
    await enrolment.enrol(actor(seated), cohort.id);
    await enrolment.enrol(actor(waiting), cohort.id);
    await scheduling.setCohortStatus(admin, cohort.id, 'cancelled');

    const mail = await mailTo(seated, /^Ryhmä on peruttu/);
    expect(mail.subject).toBe('Ryhmä on peruttu: Kompleksisuus ja systeemiajattelu, kevät 2027');
    expect(mail.text).toContain(`Valmennusryhmä ${cohort.name} on peruttu`);
    const cancels = icsAttachments(mail);
    expect(cancels.map((c) => [c.method, c.events[0].status])).toEqual([
      ['CANCEL', 'CANCELLED'],
      ['CANCEL', 'CANCELLED'],
    ]);
    expect(icsAttachments(await mailTo(facilitator, /^Ryhmä on peruttu/))).toHaveLength(2);
    const english = await mailTo(waiting, /^Round cancelled/);
    expect(english.subject).toBe('Round cancelled: Complexity and systems thinking, spring 2027');
    expect(english.text).toContain('The coaching group Spring 2027 has been cancelled');
    expect(icsAttachments(english)).toEqual([]);
    expect(await reminders(seated)).toEqual([]);
  });

  it('sends the reminders of a moved session only at the new time, and none after the enrolment is cancelled', async () => {
    // One-minute reminders: a session 70 s away is reminded of in 10 s (time enough to move it on a busy machine).
    const cohort = await openCohort([at(Date.now() + 70_000, 30 * MINUTE)], { reminderOffsets: [1] });
    const [aino, leaving] = [await person({ displayName: 'Aino Äijälä' }), await person()];
    await enrolment.enrol(actor(aino), cohort.id);
    await enrolment.enrol(actor(leaving), cohort.id);
    const [session]: { id: string; starts_at: Date }[] = await db.query(`SELECT id, starts_at FROM cohort_session WHERE cohort_id = $1`, [cohort.id]);
    const movedTo = new Date(Date.now() + 74_000);
    await scheduling.updateSession(admin, session.id, { startsAt: movedTo, endsAt: new Date(movedTo.getTime() + 30 * MINUTE) });
    await enrolment.cancel(actor(leaving), cohort.id, leaving.id, null);

    const reminder = await mailTo(aino, /^Muistutus/, 30000);
    expect(reminder.subject).toMatch(/^Muistutus: Kompleksisuus ja systeemiajattelu, kevät 2027 – /);
    const receivedAt = Date.now();
    expect(receivedAt).toBeGreaterThanOrEqual(movedTo.getTime() - MINUTE);
    expect(reminder.text).toContain(`Ryhmän sivu: ${t.config.baseUrl}/cohorts/${cohort.id}`);
    expect(reminder.text).toContain('Tapaaminen 1/1');
    expect(reminder.text).toContain(`klo ${String(toHelsinki(movedTo).hour).padStart(2, '0')}.${String(toHelsinki(movedTo).minute).padStart(2, '0')}`);
    await sleep(1500);
    expect(mailsTo(aino, /^Muistutus/)).toHaveLength(1);
    expect(mailsTo(leaving, /^Muistutus/)).toHaveLength(0);
    const rows: { status: string; last_error: string | null }[] = await db.query(`SELECT status, last_error FROM notification WHERE key LIKE $1 ORDER BY created_at`, [`reminder-${session.id}-${aino.id}-%`]);
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'sent']);
  });

  it('drops a reminder at send time when it is no longer true (the check, not just the plan)', async () => {
    const cohort = await openCohort([at(Date.now() + 20 * DAY)]);
    const aino = await person();
    await enrolment.enrol(actor(aino), cohort.id);
    const [session]: { id: string; starts_at: Date }[] = await db.query(`SELECT id, starts_at FROM cohort_session WHERE cohort_id = $1`, [cohort.id]);
    // A reminder written as if planned for an earlier time of the session, due now.
    const notifications = t.app.get(NotificationsService);
    await notifications.notify(
      'session.reminder',
      { userId: aino.id, email: aino.email, name: aino.displayName, language: 'fi' },
      { sessionId: session.id, cohortId: cohort.id, userId: aino.id, offsetMinutes: 1440, startsAt: new Date(new Date(session.starts_at).getTime() - DAY).toISOString() },
      { key: `stale-${session.id}` },
    );
    const deadline = Date.now() + 10000;
    let row: { status: string; last_error: string | null } | undefined;
    while (Date.now() < deadline) {
      [row] = await db.query(`SELECT status, last_error FROM notification WHERE key = $1`, [`stale-${session.id}`]);
      if (row?.status === 'cancelled' || row?.status === 'sent') break;
      await sleep(100);
    }
    expect(row).toEqual({ status: 'cancelled', last_error: 'stale: no longer true when it fell due' });
  });
});
