// Digests at each person's own hour, end to end: the hourly job's choice of who is due (its clock
// passed in), one job per person through the real worker, and the mail as an SMTP server receives
// it, parsed: links to the posts themselves, plain-text excerpts, announcements, the person's
// sessions of the coming week, and nothing at all when nothing is new.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { ForumsService } from '../src/forums/forums.service';
import { formatDate } from '../src/i18n/dates';
import { toHelsinki } from '../src/i18n/helsinki-time';
import { Language } from '../src/i18n/i18n';
import { DigestRhythm } from '../src/identity/user.entity';
import { DIGEST_SPREAD_MINUTES, DigestService, helsinkiHour } from '../src/notifications/digest.service';
import { digestJobId } from '../src/queue/jobs';
import { QueueService } from '../src/queue/queue.service';
import { actorOf, createUser } from './support/accounts';
import { helsinki, newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;
// Clocks for the hourly job: Monday 1 March 2027, Tuesday 2 March, Saturday 6 March (Helsinki).
const MONDAY = (hour: number) => helsinki(2027, 3, 1, hour);
const TUESDAY = (hour: number) => helsinki(2027, 3, 2, hour);
const SATURDAY = (hour: number) => helsinki(2027, 3, 6, hour);

/** 9.00 Helsinki time on the first weekday at least `days` from now that is no public holiday around the turn of the year. */
function workdayAt9(days: number): Date {
  for (let k = days; ; k++) {
    const { year, month, day } = toHelsinki(new Date(Date.now() + k * DAY));
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    const holiday = (month === 12 && day >= 24) || (month === 1 && (day === 1 || day === 6));
    if (weekday >= 1 && weekday <= 5 && !holiday) return helsinki(year, month, day, 9);
  }
}

describe('digest at each person’s own hour', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let digests: DigestService;
  let forums: ForumsService;
  let subscriptions: ForumSubscriptions;
  let general: string;
  let announcements: string;
  let author: Actor;
  let admin: Actor;
  let cohort: Cohort;
  let sessionStart: Date;

  const person = async (name: string, language: Language, hour: number | null, rhythm: DigestRhythm): Promise<Actor> => {
    const local = `${name.toLowerCase().replace(/\s+/g, '.')}.${randomBytes(2).toString('hex')}`;
    const user = await createUser(t, { displayName: name, email: `${local}@example.fi`, language });
    await db.query(`UPDATE app_user SET digest_hour = $2, digest_rhythm = $3 WHERE id = $1`, [user.id, hour, rhythm]);
    const actor = actorOf(user);
    await subscriptions.setLevel(actor, { channelId: general }, 'daily_digest');
    await subscriptions.setLevel(actor, { channelId: announcements }, 'daily_digest');
    return actor;
  };
  const title = (words: string) => `${words} ${randomBytes(3).toString('hex')}`;
  const digestsTo = (who: Actor) => sink.received.filter((mail) => mail.to.toLowerCase().includes(who.email.toLowerCase()) && /^(Päivän kooste|Viikon kooste|Dagens sammandrag|Veckans sammandrag|Daily digest|Weekly digest) /.test(mail.subject));
  const digestTo = async (who: Actor, timeoutMs = 10000): Promise<ReceivedMail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [mail] = digestsTo(who);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no digest to ${who.email}`);
      await sleep(50);
    }
  };
  /** The edit window of everything written so far has passed: digest items are due. */
  const windowPasses = () => db.query(`UPDATE notification SET due_at = now() WHERE delivery = 'digest' AND status = 'pending'`);
  const digestRows = (who: Actor): Promise<{ status: string; digest_id: string | null }[]> =>
    db.query(`SELECT status, digest_id FROM notification WHERE recipient_user_id = $1 AND delivery = 'digest'`, [who.id]);
  /** Runs the hourly job as at `now`, with no spread so the per-person jobs go at once; the people queued. */
  const hourStrikes = async (now: Date) => digests.queueDue(now, 0);
  const post = async (topic: string, body: string) => {
    const { threadId, postId } = await forums.startThread(author, general, { title: topic, body, language: 'fi' }, 'fi');
    return { threadId, postId };
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), FORUM_EDIT_WINDOW_MINUTES: '1', DIGEST_HOUR: '7' });
    db = t.app.get(DataSource);
    digests = t.app.get(DigestService);
    forums = t.app.get(ForumsService);
    subscriptions = t.app.get(ForumSubscriptions);
    const channels: { id: string; kind: string; name: { fi: string } }[] = await db.query(`SELECT id, kind, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    announcements = channels.find((c) => c.kind === 'announcements')!.id;
    author = actorOf(await createUser(t, { displayName: 'Kirsi Kirjoittaja' }));
    admin = actorOf(await createUser(t, { displayName: 'Ada Admin', siteRole: 'admin' }));
    // A round with a session in the coming days and one three weeks on (not in the digest's week).
    sessionStart = workdayAt9(2);
    const later = workdayAt9(21);
    cohort = await newCohort(t, {
      name: 'Digestiryhmä',
      enrolmentOpensAt: new Date(Date.now() - DAY),
      enrolmentClosesAt: new Date(Date.now() + DAY),
      cancellationDeadline: null,
      sessions: [
        { startsAt: sessionStart, endsAt: new Date(sessionStart.getTime() + 3 * 3_600_000), place: 'Valtiokonttori, kokoushuone Kuusi' },
        { startsAt: later, endsAt: new Date(later.getTime() + 3_600_000), place: 'Kolmen viikon päästä' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('mails each person at their own hour: links to the posts, plain excerpts, announcements and their sessions of the week', async () => {
    const aino = await person('Aino Virtanen', 'fi', 16, 'daily');
    const bertil = await person('Bertil Berg', 'sv', 8, 'daily');
    expect((await t.app.get(EnrolmentService).enrol(aino, cohort.id)).enrolment.status).toBe('confirmed');
    const topic = title('Palautteen antaminen');
    const { threadId, postId } = await post(topic, 'Miten annatte **palautetta** kollegalle? Kertokaa [esimerkki](https://example.fi/palaute).');
    const notice = title('Kevään ohjelma julkaistu');
    const announced = await forums.startThread(admin, announcements, { title: notice, body: 'Ohjelma on _julkaistu_.', language: 'fi' }, 'fi');
    await windowPasses();

    // 8.00: Bertil's hour, not Aino's.
    const atEight = await hourStrikes(TUESDAY(8));
    expect(atEight.people).toBeGreaterThanOrEqual(1);
    const bertils = await digestTo(bertil);
    await sleep(500);
    expect(digestsTo(aino)).toEqual([]);
    expect((await digestRows(aino)).every((row) => row.status === 'pending')).toBe(true);
    expect(bertils.subject).toMatch(/^Dagens sammandrag .*: 2 meddelanden$/);
    expect(bertils.text).toContain(`${t.config.baseUrl}/threads/${threadId}#post-${postId}`);
    expect(bertils.text).toContain('Kirsi Kirjoittaja');
    expect(bertils.text).toContain('Miten annatte palautetta kollegalle?');
    expect(bertils.text).not.toContain('**');
    expect(bertils.html).toContain(`href="${t.config.baseUrl}/threads/${threadId}#post-${postId}"`);
    expect(bertils.text).not.toContain('Digestiryhmä'); // Bertil has no sessions

    // 16.00: Aino's hour.
    await hourStrikes(TUESDAY(16));
    const ainos = await digestTo(aino);
    expect(ainos.subject).toMatch(/^Päivän kooste .*: 2 ilmoitusta$/);
    expect(ainos.text).toContain('Hei Aino Virtanen,');
    expect(ainos.text).toContain('Uudet viestit');
    expect(ainos.text).toContain(`* ${topic} (Kirsi Kirjoittaja, kanava Yleinen keskustelu)`);
    expect(ainos.text).toContain(`${t.config.baseUrl}/threads/${threadId}#post-${postId}`);
    expect(ainos.text).not.toContain('**');
    // The announcement in a section of its own, with its link.
    const [, announcementPart] = ainos.text.split('\nTiedotteet\n');
    expect(announcementPart).toContain(notice);
    expect(announcementPart).toContain(`/threads/${announced.threadId}#post-${announced.postId}`);
    expect(announcementPart).toContain('Ohjelma on julkaistu.');
    // Her sessions of the coming week, in Helsinki time, with the round and the place.
    const [, sessionPart] = ainos.text.split('\nTapaamisesi seuraavan 7 päivän aikana\n');
    expect(sessionPart).toContain(formatDate(sessionStart, 'fi', 'dateTime'));
    expect(sessionPart).toContain('Digestiryhmä');
    expect(sessionPart).toContain('Valtiokonttori, kokoushuone Kuusi');
    expect(sessionPart).not.toContain('Kolmen viikon päästä');
    expect(ainos.html).toContain(`href="${t.config.baseUrl}/cohorts/${cohort.id}"`);

    // The items went with the digest and will not come again.
    const rows = await digestRows(aino);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((row) => row.digest_id !== null)).toBe(true);
  });

  it('sends nothing when nothing is new, even with a session coming', async () => {
    // She follows the channels at "digest", but nothing has been written since she joined.
    const aino = await person('Aino Uusiton', 'fi', 15, 'daily');
    expect((await t.app.get(EnrolmentService).enrol(aino, cohort.id)).enrolment.status).toBe('confirmed');
    expect((await hourStrikes(TUESDAY(15))).people).toBe(0);
    expect(await digests.gatherFor({ userId: aino.id, hour: helsinkiHour(TUESDAY(15)).key })).toEqual({ digestId: null });
    await sleep(1000);
    expect(digestsTo(aino)).toEqual([]);
    expect(await db.query(`SELECT 1 FROM notification WHERE recipient_user_id = $1 AND kind = 'digest'`, [aino.id])).toEqual([]);
  });

  it('keeps to the rhythm: weekdays skip Saturday, weekly waits for Monday, no hour means DIGEST_HOUR', async () => {
    const weekdays = await person('Ville Arkinen', 'fi', 9, 'weekdays');
    const weekly = await person('Cecilia Week', 'en', null, 'weekly');
    const topic = title('Viikon kysymys');
    await post(topic, 'Mitä opit tällä viikolla?');
    await windowPasses();

    await hourStrikes(SATURDAY(9));
    await hourStrikes(TUESDAY(7)); // the site's hour, but not Monday
    await sleep(1500);
    expect(digestsTo(weekdays)).toEqual([]);
    expect(digestsTo(weekly)).toEqual([]);
    expect((await digestRows(weekly)).every((row) => row.status === 'pending')).toBe(true);

    await hourStrikes(MONDAY(9));
    expect((await digestTo(weekdays)).text).toContain(topic);
    await hourStrikes(MONDAY(7));
    const cecilias = await digestTo(weekly);
    expect(cecilias.subject).toMatch(/^Weekly digest /);
    expect(cecilias.text).toContain(topic);
  });

  it('gathers a busy hour’s digests side by side without running out of database connections', async () => {
    // More people at once than the pool has connections (10): a job that held one while waiting
    // for another would leave them all waiting until the pool gave up.
    const people = await Promise.all(Array.from({ length: 30 }, (_, i) => person(`Ruuhka ${i}`, 'fi', 11, 'daily')));
    await post(title('Ruuhkatunnin aihe'), 'Yksi viesti kaikille kolmellekymmenelle.');
    await windowPasses();
    const gathered = await Promise.all(people.map((who) => digests.gatherFor({ userId: who.id, hour: helsinkiHour(TUESDAY(11)).key })));
    expect(gathered.filter((result) => result.digestId !== null)).toHaveLength(people.length);
    for (const who of people) expect((await digestRows(who)).every((row) => row.status !== 'pending')).toBe(true);
  }, 60_000);

  it('spreads a busy hour: one job per person, named by person and hour, started within the first 50 minutes', async () => {
    const people = [await person('Eka Levittäjä', 'fi', 11, 'daily'), await person('Toka Levittäjä', 'fi', 11, 'daily')];
    await post(title('Levitetty'), 'Kaikille kerralla.');
    await windowPasses();
    const now = SATURDAY(11);
    const { key } = helsinkiHour(now);
    expect(key).toBe('2027030611');
    expect((await digests.queueDue(now)).people).toBeGreaterThanOrEqual(2);
    await digests.queueDue(now); // the same hour again: the same jobs, not new ones
    const queue = t.app.get(QueueService);
    for (const who of people) {
      const job = await queue.job(digestJobId(who.id, key));
      expect(job).toBeDefined();
      expect(job!.data).toEqual({ userId: who.id, hour: key });
      expect(job!.opts.delay ?? 0).toBeLessThan(DIGEST_SPREAD_MINUTES * 60_000);
      expect(await job!.isDelayed()).toBe((job!.opts.delay ?? 0) > 0);
      // Not to go off in the middle of another test.
      await job!.remove();
    }
  });
});
