// Waitlist offers: in a round with seat_offer_hours a freed seat is offered to the next in line with
// a deadline to claim it (never past the first session), the offer holds the seat meanwhile, and the
// seat passes on when the person declines or lets the deadline pass. The clock is moved by moving the
// offer's deadline in PostgreSQL, and the job's handler is called directly. Races are real: service
// calls in parallel, each in its own transaction on the real PostgreSQL.
import { DataSource } from 'typeorm';
import { AdminUsersService } from '../src/accounts/admin-users.service';
import { Actor } from '../src/access/capabilities';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { OfferDeadlinesService } from '../src/enrolment/offer-deadlines.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort, refusal } from './support/catalogue';
import { outboxSettled as settled } from './support/outbox';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFER_LINK = /\/enrolments\/offer\/([A-Za-z0-9_-]+)/;

describe('waitlist offers', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let deadlines: OfferDeadlinesService;
  let admin: Actor;

  const mailsTo = (email: string, subject: RegExp = /./) => sink.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()) && subject.test(mail.subject));
  const mailTo = async (email: string, subject: RegExp = /./, count = 1, timeoutMs = 15000): Promise<ReceivedMail[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = mailsTo(email, subject);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails to ${email} matching ${subject}; got: ${mailsTo(email).map((m) => m.subject).join(' | ')}`);
      await sleep(50);
    }
  };
  const counts = async (cohortId: string) => (await db.query(`SELECT seats_taken, waitlist_length FROM cohort WHERE id = $1`, [cohortId]))[0];
  const placeOf = async (cohortId: string, userId: string) =>
    (
      await db.query(
        `SELECT status, waitlist_position, offer_expires_at FROM enrolment WHERE cohort_id = $1 AND user_id = $2 ORDER BY created_at DESC LIMIT 1`,
        [cohortId, userId],
      )
    )[0];
  /** The token of the latest offer mailed to this person. */
  const offerToken = async (email: string, count = 1) => OFFER_LINK.exec((await mailTo(email, /tarjotaan paikkaa/, count)).at(-1)!.text)![1];
  const lastReason = async (cohortId: string, userId: string) =>
    (
      await db.query(
        `SELECT h.from_status, h.to_status, h.reason FROM enrolment_change h JOIN enrolment e ON e.id = h.enrolment_id
         WHERE e.cohort_id = $1 AND e.user_id = $2 ORDER BY h.created_at DESC LIMIT 1`,
        [cohortId, userId],
      )
    )[0];

  /** A full round of two with seat_offer_hours 48 (unless said otherwise) and two in the queue: Juha, then Riikka. */
  const fullRound = async (options: { offerHours?: number | null; sessions?: { startsAt: Date; endsAt: Date }[] } = {}) => {
    const cohort = await newCohort(t, { capacity: 2, name: 'Syksy 2027', ...(options.sessions ? { sessions: options.sessions } : {}) });
    await db.query(`UPDATE cohort SET seat_offer_hours = $2 WHERE id = $1`, [cohort.id, options.offerHours === undefined ? 48 : options.offerHours]);
    const [seated, other, juha, riikka] = [
      await createUser(t, { displayName: 'Pekka Korhonen' }),
      await createUser(t, { displayName: 'Liisa Laine' }),
      await createUser(t, { displayName: 'Juha Virtanen' }),
      await createUser(t, { displayName: 'Riikka Mäkinen' }),
    ];
    for (const person of [seated, other, juha, riikka]) await enrolment.enrolByEmail(admin, cohort.id, person.email, null);
    expect((await placeOf(cohort.id, riikka.id)).waitlist_position).toBe(2);
    return { cohort, seated, other, juha, riikka };
  };

  /**
   * Every rule of a round with offers, in one snapshot: the counters match the rows (an offer takes a
   * seat), never above capacity, one active row per person, queue positions exactly 1..n, and every
   * open offer has its deadline and link.
   */
  const violations = async (cohortId: string): Promise<string[]> => {
    const [row] = await db.query(
      `WITH c AS (SELECT capacity, seats_taken, waitlist_length FROM cohort WHERE id = $1),
            e AS (SELECT user_id, status, waitlist_position, offer_expires_at, offer_token_hash FROM enrolment WHERE cohort_id = $1)
       SELECT c.capacity, c.seats_taken, c.waitlist_length,
              (SELECT count(*)::int FROM e WHERE status IN ('confirmed', 'completed', 'offered')) AS taking,
              (SELECT count(*)::int FROM e WHERE status = 'waitlisted') AS waiting,
              (SELECT coalesce(array_agg(waitlist_position ORDER BY waitlist_position), '{}') FROM e WHERE status = 'waitlisted') AS positions,
              (SELECT count(*)::int FROM (SELECT user_id FROM e WHERE status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered') GROUP BY user_id HAVING count(*) > 1) d) AS doubled,
              (SELECT count(*)::int FROM e WHERE status = 'offered' AND (offer_expires_at IS NULL OR offer_token_hash IS NULL)) AS bad_offers
       FROM c`,
      [cohortId],
    );
    const problems: string[] = [];
    if (row.seats_taken !== row.taking) problems.push(`seats_taken ${row.seats_taken} but ${row.taking} confirmed, completed or offered`);
    if (row.taking > row.capacity) problems.push(`${row.taking} seats taken of ${row.capacity}`);
    if (row.waitlist_length !== row.waiting) problems.push(`waitlist_length ${row.waitlist_length} but ${row.waiting} waitlisted`);
    if (JSON.stringify(row.positions) !== JSON.stringify(Array.from({ length: row.waiting }, (_, i) => i + 1))) problems.push(`positions ${JSON.stringify(row.positions)}`);
    if (row.doubled) problems.push(`${row.doubled} people with two active places`);
    if (row.bad_offers) problems.push(`${row.bad_offers} offers without deadline or link`);
    // Nobody waits while a seat is free (no agency caps here).
    if (row.taking < row.capacity && row.waiting > 0) problems.push(`a seat free while ${row.waiting} wait`);
    return problems;
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    deadlines = t.app.get(OfferDeadlinesService);
    admin = actorOf(await createUser(t, { siteRole: 'admin' }));
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('offers a freed seat to the next in line, who is not confirmed: the offer holds the seat and a newcomer queues', async () => {
    const { cohort, seated, juha, riikka } = await fullRound();
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 2 });

    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const offered = await placeOf(cohort.id, juha.id);
    expect(offered).toMatchObject({ status: 'offered', waitlist_position: null });
    // 48 hours from now (the spring sessions are months away).
    expect(Math.abs(offered.offer_expires_at.getTime() - (Date.now() + 48 * HOUR))).toBeLessThan(60_000);
    expect(await placeOf(cohort.id, riikka.id)).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 1 });
    expect(await lastReason(cohort.id, juha.id)).toEqual({ from_status: 'waitlisted', to_status: 'offered', reason: 'enrolment.reason.seatOffered' });
    // Not yet a participant: no forum, no attendance.
    const [member] = await db.query(`SELECT is_in FROM cohort_member WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);
    expect(member.is_in).toBe(false);

    // The offered seat is nobody else's: a newcomer goes to the queue behind Riikka.
    const newcomer = await createUser(t);
    expect((await enrolment.enrolByEmail(admin, cohort.id, newcomer.email, null)).enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    // Enrolling again finds the offered place as it is.
    expect(await enrolment.enrolByEmail(admin, cohort.id, juha.email, null)).toMatchObject({ created: false, enrolment: { status: 'offered' } });
    expect(await violations(cohort.id)).toEqual([]);

    const [mail] = await mailTo(juha.email, /tarjotaan paikkaa/);
    expect(mail.subject).toMatch(/^Sinulle tarjotaan paikkaa: .*syksy 2027$/);
    expect(mail.text).toContain('Ryhmästä Syksy 2027 vapautui paikka, ja olit jonossa seuraavana. Paikka on varattu sinulle');
    expect(mail.text).toMatch(OFFER_LINK);
    // The deadline in Helsinki time.
    const helsinkiTime = new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit' }).format(offered.offer_expires_at);
    expect(mail.text).toContain(`klo ${helsinkiTime} asti`);
    // Only the link's hash is stored.
    const token = OFFER_LINK.exec(mail.text)![1];
    const [stored] = await db.query(`SELECT count(*)::int AS n FROM enrolment WHERE offer_token_hash = $1`, [token]);
    expect(stored.n).toBe(0);
    const page = await new WebClient(t).get(`/enrolments/offer/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sinulle tarjotaan paikkaa');
    expect(page.text).toContain(helsinkiTime);
  });

  it('never gives longer to answer than until the first session, and confirms at once once the round has begun', async () => {
    const soon = await fullRound({ sessions: [{ startsAt: new Date(Date.now() + 10 * HOUR), endsAt: new Date(Date.now() + 12 * HOUR) }] });
    await enrolment.cancel(admin, soon.cohort.id, soon.seated.id, null);
    const offered = await placeOf(soon.cohort.id, soon.juha.id);
    expect(offered.status).toBe('offered');
    expect(Math.abs(offered.offer_expires_at.getTime() - (Date.now() + 10 * HOUR))).toBeLessThan(60_000);

    // The round has begun (its first session started an hour ago): no time to answer, the seat is confirmed.
    const begun = await fullRound({ sessions: [{ startsAt: new Date(Date.now() + 5 * DAY), endsAt: new Date(Date.now() + 5 * DAY + 2 * HOUR) }] });
    await db.query(`UPDATE cohort_session SET starts_at = now() - interval '1 hour' WHERE cohort_id = $1`, [begun.cohort.id]);
    await enrolment.cancel(admin, begun.cohort.id, begun.seated.id, null);
    expect(await placeOf(begun.cohort.id, begun.juha.id)).toMatchObject({ status: 'confirmed', waitlist_position: null });
    await mailTo(begun.juha.email, /^Sait paikan/);
  });

  it('lapses an offer at its deadline: refused even before the job runs, then the person is told and the seat is offered to the next', async () => {
    const { cohort, seated, juha, riikka } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const token = await offerToken(juha.email);
    await db.query(`UPDATE enrolment SET offer_expires_at = now() - interval '1 minute' WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);

    // Past the deadline, before the job: the link says it lapsed and accepting changes nothing.
    const client = new WebClient(t);
    const early = await client.post(`/enrolments/offer/${token}`, { decision: 'accept' });
    expect(early.status).toBe(410);
    expect(early.text).toContain('Paikkatarjous on rauennut');
    expect(await refusal(enrolment.answerOffer(token, 'accept'))).toBe('enrolment.offer.lapsed');
    expect((await placeOf(cohort.id, juha.id)).status).toBe('offered');
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 1 });

    expect(await deadlines.run()).toEqual({ lapsed: 1 });
    expect(await deadlines.run()).toEqual({ lapsed: 0 });
    expect((await placeOf(cohort.id, juha.id)).status).toBe('cancelled');
    expect(await lastReason(cohort.id, juha.id)).toEqual({ from_status: 'offered', to_status: 'cancelled', reason: 'enrolment.reason.offerLapsed' });
    expect(await placeOf(cohort.id, riikka.id)).toMatchObject({ status: 'offered', waitlist_position: null });
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 0 });
    expect(await violations(cohort.id)).toEqual([]);

    const [lapsed] = await mailTo(juha.email, /raukesi/);
    expect(lapsed.subject).toMatch(/^Paikkatarjous raukesi: .*syksy 2027$/);
    expect(lapsed.text).toContain('Et vastannut sinulle tarjottuun paikkaan ryhmässä Syksy 2027 määräajassa');
    await mailTo(riikka.email, /tarjotaan paikkaa/);
    for (const lang of ['fi', 'sv', 'en'] as const) {
      const page = await new WebClient(t, lang).get(`/enrolments/offer/${token}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain({ fi: 'Paikkatarjous on rauennut', sv: 'Platserbjudandet har förfallit', en: 'The seat offer has lapsed' }[lang]);
    }
  });

  it('confirms the person who accepts, without moving a count, and the link then works no more', async () => {
    const { cohort, seated, juha } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const token = await offerToken(juha.email);
    const before = await counts(cohort.id);

    const client = new WebClient(t);
    const answered = await client.post(`/enrolments/offer/${token}`, { decision: 'accept' }, { page: `/enrolments/offer/${token}` });
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('Otit paikan vastaan: olet nyt mukana ryhmässä Syksy 2027.');
    expect(await placeOf(cohort.id, juha.id)).toMatchObject({ status: 'confirmed' });
    expect(await lastReason(cohort.id, juha.id)).toEqual({ from_status: 'offered', to_status: 'confirmed', reason: 'enrolment.reason.offerAccepted' });
    expect(await counts(cohort.id)).toEqual(before);
    const [member] = await db.query(`SELECT is_in FROM cohort_member WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);
    expect(member.is_in).toBe(true);
    const [told] = await mailTo(juha.email, /^Paikkasi on vahvistettu/);
    expect(told.text).toContain('Otit tarjotun paikan vastaan: ilmoittautumisesi ryhmään Syksy 2027 on vahvistettu.');

    // Used: both answers are refused and nothing changes.
    for (const decision of ['accept', 'decline']) {
      const again = await client.post(`/enrolments/offer/${token}`, { decision });
      expect(again.status).toBe(409);
      expect(again.text).toContain('Tämä linkki ei enää toimi');
    }
    expect((await client.get(`/enrolments/offer/${token}`)).status).toBe(409);
    expect(await placeOf(cohort.id, juha.id)).toMatchObject({ status: 'confirmed' });
    expect(await counts(cohort.id)).toEqual(before);
  });

  it('passes the seat on when the person declines', async () => {
    const { cohort, seated, juha, riikka } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const token = await offerToken(juha.email);
    const declined = await new WebClient(t).post(`/enrolments/offer/${token}`, { decision: 'decline' });
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('Kieltäydyit paikasta ryhmässä Syksy 2027.');
    expect(await placeOf(cohort.id, juha.id)).toMatchObject({ status: 'cancelled' });
    expect(await lastReason(cohort.id, juha.id)).toMatchObject({ from_status: 'offered', to_status: 'cancelled', reason: 'enrolment.reason.offerDeclined' });
    expect(await placeOf(cohort.id, riikka.id)).toMatchObject({ status: 'offered' });
    expect(await counts(cohort.id)).toEqual({ seats_taken: 2, waitlist_length: 0 });
    await mailTo(juha.email, /^Kieltäydyit paikasta/);
    await mailTo(riikka.email, /tarjotaan paikkaa/);
    expect(await violations(cohort.id)).toEqual([]);
  });

  it('refuses a tampered or unknown link, and a missing answer, changing nothing', async () => {
    const { cohort, seated, juha } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const token = await offerToken(juha.email);
    const before = await counts(cohort.id);
    const client = new WebClient(t);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await client.get(`/enrolments/offer/${tampered}`)).status).toBe(409);
    const posted = await client.post(`/enrolments/offer/${tampered}`, { decision: 'accept' });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('Tämä linkki ei enää toimi');
    expect(await refusal(enrolment.answerOffer('x', 'accept'))).toBe('enrolment.offer.linkInvalid');
    const noAnswer = await client.post(`/enrolments/offer/${token}`, { decision: 'maybe' });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.text).toContain('Valitse, otatko paikan vastaan vai kieltäydytkö siitä.');
    expect(await placeOf(cohort.id, juha.id)).toMatchObject({ status: 'offered' });
    expect(await counts(cohort.id)).toEqual(before);
  });

  it('lets exactly one of an accept and a decline of the same link win', async () => {
    for (let round = 0; round < 3; round++) {
      const { cohort, seated, juha, riikka } = await fullRound();
      await enrolment.cancel(admin, cohort.id, seated.id, null);
      const token = await offerToken(juha.email);
      const results = await Promise.allSettled([enrolment.answerOffer(token, 'accept'), enrolment.answerOffer(token, 'decline')]);
      const won = results.filter((result) => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason.reason).toBe('enrolment.offer.linkInvalid');
      const juhaNow = (await placeOf(cohort.id, juha.id)).status;
      expect(['confirmed', 'cancelled']).toContain(juhaNow);
      expect((await placeOf(cohort.id, riikka.id)).status).toBe(juhaNow === 'confirmed' ? 'waitlisted' : 'offered');
      expect(await violations(cohort.id)).toEqual([]);
    }
  });

  it('lets exactly one of an accept and the expiry job win at the deadline', async () => {
    for (let round = 0; round < 3; round++) {
      const { cohort, seated, juha, riikka } = await fullRound();
      await enrolment.cancel(admin, cohort.id, seated.id, null);
      const token = await offerToken(juha.email);
      await db.query(`UPDATE enrolment SET offer_expires_at = now() + interval '150 milliseconds' WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);
      await sleep(140);
      const [accepted, job] = await Promise.allSettled([enrolment.answerOffer(token, 'accept'), (async () => (await sleep(10), deadlines.run()))()]);
      const juhaNow = (await placeOf(cohort.id, juha.id)).status;
      if (accepted.status === 'fulfilled') {
        expect(juhaNow).toBe('confirmed');
        expect((await placeOf(cohort.id, riikka.id)).status).toBe('waitlisted');
      } else {
        expect(accepted.reason.reason).toBe('enrolment.offer.lapsed');
        // The job may have come just before the deadline: then the next run lapses it.
        if (juhaNow === 'offered') await deadlines.run();
        expect((await placeOf(cohort.id, juha.id)).status).toBe('cancelled');
        expect((await placeOf(cohort.id, riikka.id)).status).toBe('offered');
      }
      expect(job.status).toBe('fulfilled');
      expect(await violations(cohort.id)).toEqual([]);
    }
  });

  it('never holds an offered seat twice in a storm of cancellations, enrolments, answers and lapses', async () => {
    const cohort = await newCohort(t, { capacity: 5, name: 'Myrsky 2027' });
    await db.query(`UPDATE cohort SET seat_offer_hours = 48 WHERE id = $1`, [cohort.id]);
    const people = await Promise.all(Array.from({ length: 16 }, (_, i) => createUser(t, { displayName: `Osallistuja ${i}` })));
    for (const person of people) await enrolment.enrolByEmail(admin, cohort.id, person.email, null);
    expect(await counts(cohort.id)).toEqual({ seats_taken: 5, waitlist_length: 11 });
    const newcomers = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));

    for (let wave = 0; wave < 4; wave++) {
      const places: { user_id: string; status: string }[] = await db.query(
        `SELECT user_id, status FROM enrolment WHERE cohort_id = $1 AND status IN ('confirmed', 'offered', 'waitlisted') ORDER BY user_id`,
        [cohort.id],
      );
      const confirmed = places.filter((place) => place.status === 'confirmed').map((place) => place.user_id);
      const offered = places.filter((place) => place.status === 'offered').map((place) => place.user_id);
      // Some offers are already past their deadline: the job lapses them while others answer.
      if (offered.length > 1) await db.query(`UPDATE enrolment SET offer_expires_at = now() - interval '1 second' WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, offered[0]]);
      const actorFor = (userId: string) => actorOf(people.find((person) => person.id === userId)!);
      const calls: Promise<unknown>[] = [
        ...confirmed.slice(0, 2).map((userId) => enrolment.cancel(admin, cohort.id, userId, null)),
        ...offered.map((userId, i) => enrolment.answerOwnOffer(actorFor(userId), cohort.id, i % 2 ? 'accept' : 'decline')),
        ...offered.map((userId) => enrolment.answerOwnOffer(actorFor(userId), cohort.id, 'accept')),
        ...newcomers.slice(wave, wave + 2).map((person) => enrolment.enrolByEmail(admin, cohort.id, person.email, null)),
        deadlines.run(),
        deadlines.run(),
      ];
      const results = await Promise.allSettled(calls);
      for (const result of results) if (result.status === 'rejected') expect(['enrolment.offer.lapsed', 'enrolment.offer.notOpen']).toContain(result.reason.reason);
      expect(await violations(cohort.id)).toEqual([]);
    }
    const [{ offers }] = await db.query(`SELECT count(*)::int AS offers FROM enrolment_change WHERE cohort_id = $1 AND to_status = 'offered'`, [cohort.id]);
    expect(offers).toBeGreaterThan(4);
  });

  it('confirms at once as before in a round without seat_offer_hours', async () => {
    const { cohort, seated, juha, riikka } = await fullRound({ offerHours: null });
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    expect(await placeOf(cohort.id, juha.id)).toMatchObject({ status: 'confirmed', offer_expires_at: null });
    expect(await placeOf(cohort.id, riikka.id)).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    await mailTo(juha.email, /^Sait paikan/);
    await settled(db);
    expect(mailsTo(juha.email, /tarjotaan paikkaa/)).toHaveLength(0);
  });

  it('passes an offered seat on when the person leaves the service', async () => {
    const { cohort, seated, juha, riikka } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    expect((await placeOf(cohort.id, juha.id)).status).toBe('offered');
    await t.app.get(AdminUsersService).deactivate(admin.id, juha.id);
    expect((await placeOf(cohort.id, juha.id)).status).toBe('cancelled');
    expect((await placeOf(cohort.id, riikka.id)).status).toBe('offered');
    expect(await violations(cohort.id)).toEqual([]);
  });

  it('shows the offer with its deadline on the home page and the round page, where the person may accept it', async () => {
    const { cohort, seated, juha } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const client = await signIn(t, juha.email);
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/Paikka tarjottu, vastaus .* klo .* mennessä/);
    expect(home.text).toContain(`action="/cohorts/${cohort.id}/offer"`);
    const page = await client.get(`/cohorts/${cohort.id}`);
    expect(page.text).toContain('Ryhmästä vapautui paikka, ja se tarjotaan sinulle.');
    const mine = await client.get('/my/cohorts');
    expect(mine.text).toMatch(/Paikka tarjottu, vastaus/);

    const accepted = await client.post(`/cohorts/${cohort.id}/offer`, { decision: 'accept' }, { page: '/' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/cohorts/${cohort.id}?done=offerAccepted`);
    expect((await placeOf(cohort.id, juha.id)).status).toBe('confirmed');
    expect((await client.get(accepted.headers.location)).text).toContain('Otit paikan vastaan');
    const after = await client.get('/');
    expect(after.text).not.toContain(`action="/cohorts/${cohort.id}/offer"`);
    // Answered already: the same buttons again change nothing.
    const again = await client.post(`/cohorts/${cohort.id}/offer`, { decision: 'decline' }, { page: '/' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Sinulla ei ole avointa paikkatarjousta tähän ryhmään.');
    expect((await placeOf(cohort.id, juha.id)).status).toBe('confirmed');
  });

  it('is switched on in the round’s admin form: 48 hours when left blank, 1..336 else a message next to the field', async () => {
    const cohort = await newCohort(t, { name: 'Lomake 2027' });
    const adminClient = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const fields = (overrides: Record<string, string>) => ({
      name: 'Lomake 2027',
      capacity: '20',
      agencySeatCap: '',
      enrolmentOpensDate: '2027-01-11',
      enrolmentOpensTime: '09:00',
      enrolmentClosesDate: '2027-02-28',
      enrolmentClosesTime: '23:59',
      cancellationDeadlineDate: '',
      cancellationDeadlineTime: '',
      deliveryMode: 'on_site',
      place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
      meetingLink: '',
      facilitatorEmails: '',
      ...overrides,
    });
    const hours = async () => (await db.query(`SELECT seat_offer_hours FROM cohort WHERE id = $1`, [cohort.id]))[0].seat_offer_hours;
    const page = await adminClient.get(`/admin/cohorts/${cohort.id}`);
    expect(page.text).toContain('Vapautuneet paikat tarjotaan jonossa seuraavalle, vastausaika (tuntia)');

    expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, fields({ seatOffers: 'yes', seatOfferHours: '' }))).status).toBe(303);
    expect(await hours()).toBe(48);
    expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, fields({ seatOffers: 'yes', seatOfferHours: '12' }))).status).toBe(303);
    expect(await hours()).toBe(12);
    for (const wrong of ['0', '337', 'kaksi']) {
      const refused = await adminClient.post(`/admin/cohorts/${cohort.id}`, fields({ seatOffers: 'yes', seatOfferHours: wrong }));
      expect(refused.status).toBe(400);
      expect(refused.text).toContain(wrong === 'kaksi' ? 'Kirjoita vastausajaksi kokonaisluku tunteina' : 'Vastausajan pitää olla 1–336 tuntia.');
      expect(refused.text).toContain(`value="${wrong}"`);
      expect(await hours()).toBe(12);
    }
    // Unticked: a freed seat is confirmed at once.
    expect((await adminClient.post(`/admin/cohorts/${cohort.id}`, fields({ seatOfferHours: '12' }))).status).toBe(303);
    expect(await hours()).toBeNull();
  });

  it('shows offered people on the roster with their deadline', async () => {
    const { cohort, seated, juha } = await fullRound();
    await enrolment.cancel(admin, cohort.id, seated.id, null);
    const adminClient = await signIn(t, (await createUser(t, { siteRole: 'admin' })).email);
    const roster = await adminClient.get(`/cohorts/${cohort.id}/roster`);
    expect(roster.status).toBe(200);
    expect(roster.text).toContain('Paikka tarjottu (1)');
    expect(roster.text).toMatch(/Paikka tarjottu, vastaus .* klo .* mennessä/);
    const csv = await adminClient.get(`/cohorts/${cohort.id}/roster.csv`);
    expect(csv.text).toContain('Paikka tarjottu');
    expect(juha).toBeDefined();
  });
});
