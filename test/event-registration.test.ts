// Registration for network events: seats then the waiting list, a freed seat to the first in line
// (who is mailed), answers checked, the deadline, the invitation in the confirmation mail, the
// admins' CSV and capacity, and a storm of 200 people for 20 seats checked in SQL.
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { EventRegistrationService } from '../src/calendar/event-registration.service';
import { NetworkEventsService, RegistrationSettings } from '../src/calendar/network-events.service';
import { ATTENDANCE_QUESTION, DIET_QUESTION } from '../src/calendar/registration-questions';
import { FieldErrors, Refused } from '../src/errors/domain-errors';
import { DomainEvents } from '../src/events/domain-events';
import { actorOf, createUser, signIn } from './support/accounts';
import { adminId, helsinki } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('registration for network events', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let events: NetworkEventsService;
  let registrations: EventRegistrationService;

  const mailTo = async (email: string, subject: RegExp, timeoutMs = 15000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = sink.received.find((m) => m.to.toLowerCase().includes(email.toLowerCase()) && subject.test(m.subject));
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${subject}`);
      await sleep(50);
    }
  };

  const newEvent = async (registration: Partial<RegistrationSettings> = {}, title = `Kehittäjäpäivä ${randomUUID().slice(0, 6)}`) =>
    events.create(await adminId(t), {
      title: { fi: title },
      description: { fi: '' },
      startsAt: helsinki(2027, 11, 18, 9),
      endsAt: helsinki(2027, 11, 18, 16),
      place: 'Säätytalo, Helsinki',
      meetingLink: null,
      registration: { capacity: 2, closesAt: null, questions: [DIET_QUESTION, ATTENDANCE_QUESTION], ...registration },
    });

  /** `count` verified people made in one statement (no password: they act through the service). */
  async function people(count: number): Promise<Actor[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await db.query(
      `INSERT INTO app_user (id, email, display_name, language, email_verified_at)
       SELECT id, 'ilmoittautuja-' || id || '@example.fi', 'Ilmoittautuja Äijälä', 'fi', now() FROM unnest($1::uuid[]) AS p(id)`,
      [ids],
    );
    return ids.map((id) => ({ id, email: `ilmoittautuja-${id}@example.fi`, displayName: 'Ilmoittautuja Äijälä', agencyId: null, language: 'fi', siteRole: null, emailVerified: true }));
  }

  const counts = async (eventId: string) =>
    (
      await db.query(
        `SELECT e.seats_taken, e.waitlist_length,
                (SELECT count(*)::int FROM event_registration r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed,
                (SELECT count(*)::int FROM event_registration r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted,
                (SELECT coalesce(array_agg(r.waitlist_position ORDER BY r.waitlist_position), '{}') FROM event_registration r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS positions,
                (SELECT count(*)::int - count(DISTINCT r.user_id)::int FROM event_registration r WHERE r.event_id = e.id AND r.status IN ('confirmed', 'waitlisted')) AS twice
           FROM network_event e WHERE e.id = $1`,
        [eventId],
      )
    )[0] as { seats_taken: number; waitlist_length: number; confirmed: number; waitlisted: number; positions: number[]; twice: number };

  const answers = { diet: 'Kasvis', attendance: 'onSite' };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    events = t.app.get(NetworkEventsService);
    registrations = t.app.get(EventRegistrationService);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('confirms until full, then waitlists with positions; registering twice returns the same registration', async () => {
    const event = await newEvent({ capacity: 2 });
    const [a, b, c, d] = await people(4);
    const outcomes = [];
    for (const person of [a, b, c, d]) outcomes.push(await registrations.register(person, event.id, answers));
    expect(outcomes.map((o) => [o.registration.status, o.registration.waitlistPosition])).toEqual([
      ['confirmed', null],
      ['confirmed', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    const again = await registrations.register(c, event.id, answers);
    expect(again).toEqual({ registration: outcomes[2].registration, created: false });
    expect(await counts(event.id)).toMatchObject({ seats_taken: 2, waitlist_length: 2, confirmed: 2, waitlisted: 2, positions: [1, 2] });
  });

  it('gives a freed seat to the first waitlisted, who is mailed, and moves the queue up', async () => {
    const event = await newEvent({ capacity: 1 });
    const first = actorOf(await createUser(t, { displayName: 'Eka Ensimmäinen' }));
    const second = actorOf(await createUser(t, { displayName: 'Toka Toinen' }));
    const third = actorOf(await createUser(t, { displayName: 'Kolmas Kolmonen' }));
    for (const person of [first, second, third]) await registrations.register(person, event.id, answers);
    await registrations.cancelOwn(first, event.id);
    expect(await registrations.ownRegistration(second.id, event.id)).toMatchObject({ status: 'confirmed', waitlistPosition: null });
    expect(await registrations.ownRegistration(third.id, event.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(await counts(event.id)).toMatchObject({ seats_taken: 1, waitlist_length: 1, positions: [1] });
    const promoted = await mailTo(second.email, /Sait paikan/);
    expect(promoted.text).toContain('Paikka vapautui');
    await mailTo(first.email, /Ilmoittautuminen peruttu/);
  });

  it('refuses a missing required answer next to the question, saving nothing, and keeps what was typed', async () => {
    const event = await newEvent();
    const user = await createUser(t);
    const [person] = [actorOf(user)];
    await expect(registrations.register(person, event.id, { diet: 'Gluteeniton' })).rejects.toThrow(FieldErrors);
    const web = await signIn(t, user.email);
    const page = await web.post(`/events/${event.id}/registration`, { answer_diet: 'Gluteeniton' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('id="registration-attendance-error"');
    expect(page.text).toContain('value="Gluteeniton"');
    expect((await counts(event.id)).confirmed + (await counts(event.id)).waitlisted).toBe(0);
  });

  it('refuses a choice outside the list and answers over 500 characters', async () => {
    const event = await newEvent();
    const [person] = await people(1);
    await expect(registrations.register(person, event.id, { attendance: 'moon' })).rejects.toMatchObject({ fields: { answer_attendance: 'eventRegistration.answer.notAChoice' } });
    await expect(registrations.register(person, event.id, { attendance: 'remote', diet: 'x'.repeat(501) })).rejects.toMatchObject({ fields: { answer_diet: expect.stringContaining('eventRegistration.answer.tooLong') } });
    expect(await registrations.ownRegistration(person.id, event.id)).toBeNull();
  });

  it('refuses after the deadline and for a cancelled event, saving nothing', async () => {
    const closed = await newEvent({ closesAt: new Date(Date.now() - 60_000) });
    const [person] = await people(1);
    await expect(registrations.register(person, closed.id, answers)).rejects.toThrow(Refused);
    await expect(registrations.register(person, closed.id, answers)).rejects.toMatchObject({ message: 'eventRegistration.refused.closed' });
    const cancelled = await newEvent();
    await events.cancel(await adminId(t), cancelled.id);
    await expect(registrations.register(person, cancelled.id, answers)).rejects.toThrow(Refused);
    expect(await db.query(`SELECT 1 FROM event_registration WHERE user_id = $1`, [person.id])).toHaveLength(0);
  });

  it('mails the confirmation with a valid calendar invitation', async () => {
    const event = await newEvent({ capacity: 5 }, 'Syksyn kehittäjäpäivä ICS');
    const person = actorOf(await createUser(t, { displayName: 'Aino Äijälä' }));
    await registrations.register(person, event.id, answers);
    const mail = await mailTo(person.email, /Ilmoittautuminen vahvistettu/);
    const ics = (mail.parsed.attachments ?? []).find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    const calendar = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('uid')).toBe(`network-event-${event.id}@verso`);
    const start = vevent.getFirstPropertyValue('dtstart') as unknown as ICAL.Time;
    expect(start.toString()).toBe('2027-11-18T09:00:00');
  });

  it('lists participants with their answers in the CSV, and refuses a capacity below the seats taken', async () => {
    const event = await newEvent({ capacity: 3 }, 'CSV-päivä');
    const [a, b] = await people(2);
    await registrations.register(a, event.id, { diet: '=HYPERLINK("x")', attendance: 'remote' });
    await registrations.register(b, event.id, { attendance: 'onSite' });
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const csv = await admin.get(`/admin/events/${event.id}/registrations.csv`);
    expect(csv.status).toBe(200);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('Erityisruokavalio');
    expect(csv.text).toContain(`'=HYPERLINK`);
    expect(csv.text).toContain('Etänä');
    expect(csv.text).toContain('Paikan päällä');
    const list = await admin.get(`/admin/events/${event.id}/registrations`);
    expect(list.status).toBe(200);
    await expect(
      events.update(await adminId(t), event.id, {
        title: { fi: 'CSV-päivä' },
        description: { fi: '' },
        startsAt: helsinki(2027, 11, 18, 9),
        endsAt: helsinki(2027, 11, 18, 16),
        place: null,
        meetingLink: null,
        registration: { capacity: 1, closesAt: null, questions: [DIET_QUESTION, ATTENDANCE_QUESTION] },
      }),
    ).rejects.toMatchObject({ fields: { registrationCapacity: expect.stringContaining('eventRegistration.capacity.belowTaken') } });
    expect((await counts(event.id)).seats_taken).toBe(2);
  });

  it('takes registration settings from the admin form, and refuses a capacity below the seats taken next to its field', async () => {
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const form = {
      titleFi: 'Lomakkeen kehittäjäpäivä',
      titleSv: '',
      titleEn: '',
      descriptionFi: '',
      descriptionSv: '',
      descriptionEn: '',
      date: '2027-11-25',
      start: '09:00',
      end: '16:00',
      place: '',
      meetingLink: '',
      registrationCapacity: '2',
      registrationClosesAt: '2027-11-20T16:00',
      askDiet: 'yes',
      askAttendance: 'yes',
      customQuestionFi: 'Mikä työpaja kiinnostaa?',
      customQuestionSv: 'Vilken workshop intresserar?',
      customQuestionEn: '',
      customQuestionRequired: 'yes',
    };
    const created = await admin.post('/admin/events', form);
    expect(created.status).toBe(303);
    const id = /\/admin\/events\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const [row] = await db.query(`SELECT registration_capacity, registration_closes_at, registration_questions FROM network_event WHERE id = $1`, [id]);
    expect(row.registration_capacity).toBe(2);
    expect(row.registration_closes_at).toEqual(helsinki(2027, 11, 20, 16));
    expect(row.registration_questions.map((q: { key: string; required: boolean }) => [q.key, q.required])).toEqual([
      ['diet', false],
      ['attendance', true],
      ['custom', true],
    ]);
    const edit = await admin.get(`/admin/events/${id}`);
    expect(edit.text).toContain('value="Mikä työpaja kiinnostaa?"');
    expect(edit.text).toMatch(/id="event-ask-diet" name="askDiet" value="yes" checked/);

    const [a, b] = await people(2);
    for (const person of [a, b]) await registrations.register(person, id, { ...answers, custom: 'Ennakointi' });
    const refused = await admin.post(`/admin/events/${id}`, { ...form, registrationCapacity: '1' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="event-registration-capacity-error"');
    expect(refused.text).toContain('Paikkoja on jo varattu 2');
    expect(refused.text).toContain('value="1"');
    expect((await db.query(`SELECT registration_capacity FROM network_event WHERE id = $1`, [id]))[0].registration_capacity).toBe(2);
  });

  it('lets an admin cancel someone’s registration from the list; the person is told and the queue moves', async () => {
    const event = await newEvent({ capacity: 1 }, 'Ylläpitäjän peruma päivä');
    const seated = actorOf(await createUser(t, { displayName: 'Paikan Pitäjä' }));
    const [waiting] = await people(1);
    const { registration } = await registrations.register(seated, event.id, answers);
    await registrations.register(waiting, event.id, answers);
    const admin = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const list = await admin.get(`/admin/events/${event.id}/registrations`);
    expect(list.text).toContain('Paikan Pitäjä');
    const done = await admin.post(`/admin/events/${event.id}/registrations/${registration.id}/cancel`, {}, { page: `/admin/events/${event.id}/registrations` });
    expect(done.status).toBe(303);
    expect(await registrations.ownRegistration(waiting.id, event.id)).toMatchObject({ status: 'confirmed' });
    const mail = await mailTo(seated.email, /Ilmoittautuminen peruttu/);
    expect(mail.text).toContain('Ylläpitäjä perui');
  });

  it('plans a reminder the day before for a seat, and cancels it with the seat', async () => {
    const event = await newEvent({ capacity: 1 });
    const [person] = await people(1);
    await registrations.register(person, event.id, answers);
    const reminder = async () =>
      (await db.query(`SELECT status, due_at FROM notification WHERE key = $1 ORDER BY created_at DESC LIMIT 1`, [`event-reminder-${event.id}-${person.id}`]))[0] as { status: string; due_at: Date } | undefined;
    expect(await reminder()).toEqual({ status: 'pending', due_at: helsinki(2027, 11, 17, 9) });
    await registrations.cancelOwn(person, event.id);
    expect((await reminder())?.status).toBe('cancelled');
  });

  it('tells everyone registered when the event is cancelled, and sends no reminder', async () => {
    const event = await newEvent({ capacity: 1 }, 'Peruttava kehittäjäpäivä');
    const seated = actorOf(await createUser(t));
    const waiting = actorOf(await createUser(t));
    await registrations.register(seated, event.id, answers);
    await registrations.register(waiting, event.id, answers);
    await events.cancel(await adminId(t), event.id);
    const mail = await mailTo(seated.email, /Tapahtuma peruttu/);
    expect(mail.text).toContain('Peruttava kehittäjäpäivä');
    expect((mail.parsed.attachments ?? []).some((a) => a.contentType.startsWith('text/calendar') && a.content.toString('utf8').includes('METHOD:CANCEL'))).toBe(true);
    await mailTo(waiting.email, /Tapahtuma peruttu/);
    const [{ live }] = await db.query(`SELECT count(*)::int AS live FROM notification WHERE key LIKE $1 AND status IN ('pending', 'queued')`, [`event-reminder-${event.id}-%`]);
    expect(live).toBe(0);
  });

  it('releases the seat of a person who leaves, to the first in the queue', async () => {
    const event = await newEvent({ capacity: 1 });
    const [leaver, next] = await people(2);
    await registrations.register(leaver, event.id, answers);
    await registrations.register(next, event.id, answers);
    await db.transaction((manager) => t.app.get(DomainEvents).publish(manager, { name: 'user.leaving', userId: leaver.id, actorUserId: leaver.id, reason: 'deactivated' }));
    expect(await registrations.ownRegistration(leaver.id, event.id)).toBeNull();
    expect(await registrations.ownRegistration(next.id, event.id)).toMatchObject({ status: 'confirmed' });
    expect(await counts(event.id)).toMatchObject({ seats_taken: 1, waitlist_length: 0 });
  });

  it('holds the seat rules in a storm: 200 people for 20 seats at once, then 5 cancel at once', async () => {
    const event = await newEvent({ capacity: 20, questions: [] });
    const crowd = await people(200);
    await Promise.all(crowd.map((person) => registrations.register(person, event.id, {})));
    const after = await counts(event.id);
    expect(after).toMatchObject({ seats_taken: 20, waitlist_length: 180, confirmed: 20, waitlisted: 180, twice: 0 });
    expect(after.positions).toEqual(Array.from({ length: 180 }, (_, i) => i + 1));
    const confirmed: { user_id: string }[] = await db.query(`SELECT user_id FROM event_registration WHERE event_id = $1 AND status = 'confirmed' LIMIT 5`, [event.id]);
    const firstFive: { user_id: string }[] = await db.query(`SELECT user_id FROM event_registration WHERE event_id = $1 AND status = 'waitlisted' AND waitlist_position <= 5`, [event.id]);
    await Promise.all(confirmed.map(({ user_id }) => registrations.cancelOwn(crowd.find((p) => p.id === user_id)!, event.id)));
    const later = await counts(event.id);
    expect(later).toMatchObject({ seats_taken: 20, waitlist_length: 175, confirmed: 20, waitlisted: 175, twice: 0 });
    expect(later.positions).toEqual(Array.from({ length: 175 }, (_, i) => i + 1));
    const promoted: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM event_registration WHERE event_id = $1 AND status = 'confirmed' AND user_id = ANY($2)`, [
      event.id,
      firstFive.map((row) => row.user_id),
    ]);
    expect(promoted[0].n).toBe(5);
  });
});
