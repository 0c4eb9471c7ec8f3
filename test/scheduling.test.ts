// Scheduling rounds through the services on the real PostgreSQL: the rules every way in shares
// (admin form, API, copy to the next round), the constraints behind them, the change record and
// the domain event of a moved or cancelled session.
import { DataSource } from 'typeorm';
import { CatalogueService } from '../src/catalogue/catalogue.service';
import { ProgrammesService } from '../src/catalogue/programmes.service';
import { formatReminderOffsets, parseReminderOffsets } from '../src/catalogue/scheduling.rules';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { DomainEventOf, DomainEvents } from '../src/events/domain-events';
import { createUser } from './support/accounts';
import { adminId, cohortInput, helsinki, newCohort, newProgramme, refusal, springSessions } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('scheduling programme rounds', () => {
  let t: TestApp;
  let db: DataSource;
  let scheduling: SchedulingService;
  let actor: string;

  const count = async (table: string) => Number((await db.query(`SELECT count(*) FROM ${table}`))[0].count);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    scheduling = t.app.get(SchedulingService);
    actor = await adminId(t);
  });
  afterAll(() => t?.close());

  it('creates a draft cohort with all its sessions, its term and span taken from the sessions', async () => {
    const programme = await newProgramme(t);
    const cohort = await scheduling.schedule(actor, programme.id, { ...cohortInput({ name: '' }), sessions: springSessions() });
    const [row] = await db.query(`SELECT status, term, name, starts_at, ends_at FROM cohort WHERE id = $1`, [cohort.id]);
    expect(row).toMatchObject({ status: 'draft', term: '2027-spring', name: 'Kevät 2027' });
    expect(row.starts_at.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    expect(row.ends_at.toISOString()).toBe('2027-05-11T13:00:00.000Z');
    const sessions = await db.query(`SELECT starts_at FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    expect(sessions.map((s: { starts_at: Date }) => s.starts_at.toISOString())).toEqual(['2027-03-16T07:00:00.000Z', '2027-04-13T06:00:00.000Z', '2027-05-11T06:00:00.000Z']);
    const changes = await db.query(`SELECT kind FROM session_change c JOIN cohort_session s ON s.id = c.session_id WHERE s.cohort_id = $1`, [cohort.id]);
    expect(changes.map((c: { kind: string }) => c.kind)).toEqual(['added', 'added', 'added']);
  });

  describe('refuses bad input with a message per field and stores nothing', () => {
    const cases: [string, Parameters<SchedulingService['schedule']>[2], Record<string, string>][] = [
      ['a session ending before it starts', { ...cohortInput(), sessions: [{ startsAt: helsinki(2027, 3, 16, 16), endsAt: helsinki(2027, 3, 16, 9) }] }, { 'sessions.0.endsAt': 'session.endsAt.notAfterStart' }],
      ['a session ending when it starts', { ...cohortInput(), sessions: [{ startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 9) }] }, { 'sessions.0.endsAt': 'session.endsAt.notAfterStart' }],
      [
        'two sessions that overlap',
        { ...cohortInput(), sessions: [springSessions()[0], { startsAt: helsinki(2027, 3, 16, 15), endsAt: helsinki(2027, 3, 16, 17) }] },
        { 'sessions.1.startsAt': 'session.overlapsSession?number=1' },
      ],
      ['enrolment closing before it opens', { ...cohortInput({ enrolmentOpensAt: helsinki(2027, 2, 1), enrolmentClosesAt: helsinki(2027, 1, 1) }), sessions: springSessions() }, { enrolmentClosesAt: 'cohort.enrolmentClosesAt.notAfterOpens' }],
      ['capacity 0', { ...cohortInput({ capacity: 0 }), sessions: springSessions() }, { capacity: 'cohort.capacity.range' }],
      ['capacity 1001', { ...cohortInput({ capacity: 1001 }), sessions: springSessions() }, { capacity: 'cohort.capacity.range' }],
      ['a per-agency cap above the capacity', { ...cohortInput({ capacity: 10, agencySeatCap: 11 }), sessions: springSessions() }, { agencySeatCap: 'cohort.agencySeatCap.aboveCapacity' }],
      ['a session in 1999', { ...cohortInput(), sessions: [{ startsAt: helsinki(1999, 12, 31, 9), endsAt: helsinki(1999, 12, 31, 16) }] }, { 'sessions.0.startsAt': 'schedule.date.outOfRange' }],
      ['enrolment closing in 2101', { ...cohortInput({ enrolmentClosesAt: helsinki(2101, 1, 1) }), sessions: springSessions() }, { enrolmentClosesAt: 'schedule.date.outOfRange' }],
      ['no sessions at all', { ...cohortInput(), sessions: [] }, { sessions: 'session.atLeastOne' }],
      ['a facilitator without an account', { ...cohortInput({ facilitatorEmails: ['ei.ketaan@tulli.fi'] }), sessions: springSessions() }, { facilitatorEmails: 'facilitators.unknown?emails=ei.ketaan%40tulli.fi' }],
    ];
    it.each(cases)('%s', async (_name, input, expected) => {
      const programme = await newProgramme(t);
      const before = [await count('cohort'), await count('cohort_session')];
      expect(await refusal(scheduling.schedule(actor, programme.id, input))).toEqual(expected);
      expect([await count('cohort'), await count('cohort_session')]).toEqual(before);
    });
  });

  it('leaves the overlap rule to PostgreSQL too: a direct insert of an overlapping session is refused', async () => {
    const cohort = await newCohort(t, { status: 'draft' });
    await expect(
      db.query(`INSERT INTO cohort_session (cohort_id, starts_at, ends_at) VALUES ($1, '2027-03-16T08:00Z', '2027-03-16T09:00Z')`, [cohort.id]),
    ).rejects.toMatchObject({ constraint: 'cohort_session_no_overlap' });
    // A cancelled session frees its time.
    await db.query(`UPDATE cohort_session SET status = 'cancelled' WHERE cohort_id = $1 AND starts_at = '2027-03-16T07:00Z'`, [cohort.id]);
    await db.query(`INSERT INTO cohort_session (cohort_id, starts_at, ends_at) VALUES ($1, '2027-03-16T08:00Z', '2027-03-16T09:00Z')`, [cohort.id]);
  });

  it('refuses to lower a cohort’s capacity below its confirmed count, saying how many are confirmed', async () => {
    const cohort = await newCohort(t);
    await db.query(`UPDATE cohort SET seats_taken = 12 WHERE id = $1`, [cohort.id]);
    expect(await refusal(scheduling.updateCohort(actor, cohort.id, { capacity: 11 }))).toEqual({ capacity: 'cohort.capacity.belowConfirmed?confirmed=12' });
    expect((await db.query(`SELECT capacity FROM cohort WHERE id = $1`, [cohort.id]))[0].capacity).toBe(20);
    await scheduling.updateCohort(actor, cohort.id, { capacity: 12 });
    expect((await db.query(`SELECT capacity FROM cohort WHERE id = $1`, [cohort.id]))[0].capacity).toBe(12);
  });

  it('publishes a cohort only once its programme is published, and never takes back one people enrolled in', async () => {
    const programme = await newProgramme(t, { status: 'draft' });
    const cohort = await newCohort(t, { programmeId: programme.id, status: 'draft' });
    expect(await refusal(scheduling.setCohortStatus(actor, cohort.id, 'published'))).toBe('cohort.publish.programmeNotPublished');
    await t.app.get(ProgrammesService).setStatus(actor, programme.id, 'published');
    expect((await scheduling.setCohortStatus(actor, cohort.id, 'published')).status).toBe('published');
    await db.query(`UPDATE cohort SET waitlist_length = 2 WHERE id = $1`, [cohort.id]);
    expect(await refusal(scheduling.setCohortStatus(actor, cohort.id, 'draft'))).toBe('cohort.unpublish.hasEnrolments?count=2');
    await scheduling.setCohortStatus(actor, cohort.id, 'cancelled');
    expect(await refusal(scheduling.setCohortStatus(actor, cohort.id, 'published'))).toBe('cohort.status.notAllowed?from=cancelled&to=published');
    expect(await refusal(scheduling.updateCohort(actor, cohort.id, { capacity: 5 }))).toBe('cohort.edit.cancelled');
  });

  it('keeps a programme with upcoming published rounds from being archived', async () => {
    const programme = await newProgramme(t);
    await newCohort(t, { programmeId: programme.id });
    expect(await refusal(t.app.get(ProgrammesService).setStatus(actor, programme.id, 'archived'))).toBe('programme.status.hasUpcomingCohorts?count=1');
  });

  it('refuses a programme slug another programme has, and stores nothing', async () => {
    const taken = await newProgramme(t);
    const before = await count('programme');
    expect(await refusal(newProgramme(t, { slug: taken.slug }))).toEqual({ slug: 'programme.slug.taken' });
    expect(await count('programme')).toBe(before);
  });

  it('records a moved session with its reason and raises session.changed in the same transaction', async () => {
    const cohort = await newCohort(t);
    const [first] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [cohort.id]);
    const seen: DomainEventOf<'session.changed'>[] = [];
    const off = t.app.get(DomainEvents).on('session.changed', async (event) => {
      seen.push(event);
    });
    try {
      await scheduling.updateSession(actor, first.id, { startsAt: helsinki(2027, 3, 17, 9), endsAt: helsinki(2027, 3, 17, 16), reason: 'Sali varattu' });
    } finally {
      off();
    }
    const [change] = await db.query(`SELECT kind, reason, previous_starts_at, starts_at FROM session_change WHERE session_id = $1 AND kind = 'moved'`, [first.id]);
    expect(change).toMatchObject({ kind: 'moved', reason: 'Sali varattu' });
    expect(change.previous_starts_at.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    expect(change.starts_at.toISOString()).toBe('2027-03-17T07:00:00.000Z');
    expect(seen).toEqual([expect.objectContaining({ name: 'session.changed', change: 'moved', sessionId: first.id, cohortId: cohort.id, reason: 'Sali varattu' })]);
    expect(seen[0].previous!.startsAt.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    const [span] = await db.query(`SELECT starts_at FROM cohort WHERE id = $1`, [cohort.id]);
    expect(span.starts_at.toISOString()).toBe('2027-03-17T07:00:00.000Z');
  });

  it('undoes a session change when a subscriber to its event fails', async () => {
    const cohort = await newCohort(t);
    const [first] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [cohort.id]);
    const off = t.app.get(DomainEvents).on('session.changed', async () => {
      throw new Error('reminders could not be rescheduled');
    });
    try {
      await expect(scheduling.cancelSession(actor, first.id, 'Sairastuminen')).rejects.toThrow('reminders could not be rescheduled');
    } finally {
      off();
    }
    const [row] = await db.query(`SELECT status, revision FROM cohort_session WHERE id = $1`, [first.id]);
    expect(row).toEqual({ status: 'scheduled', revision: 0 });
    expect(Number((await db.query(`SELECT count(*) FROM session_change WHERE session_id = $1 AND kind = 'cancelled'`, [first.id]))[0].count)).toBe(0);
  });

  it('cancels a session: it stays listed as cancelled, its time is free, and the change is recorded', async () => {
    const cohort = await newCohort(t);
    const [first] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [cohort.id]);
    await scheduling.cancelSession(actor, first.id, 'Sairastuminen');
    const detail = await t.app.get(CatalogueService).cohort(cohort.id, 'fi', null);
    expect(detail.sessions.map((s) => s.status)).toEqual(['cancelled', 'scheduled', 'scheduled']);
    expect(detail.sessionCount).toBe(2);
    await scheduling.addSession(actor, cohort.id, { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) });
    expect(await refusal(scheduling.updateSession(actor, first.id, { place: 'Tampere' }))).toBe('session.edit.cancelled');
  });

  it('refuses a session added over another one of the cohort', async () => {
    const cohort = await newCohort(t);
    expect(await refusal(scheduling.addSession(actor, cohort.id, { startsAt: helsinki(2027, 4, 13, 15), endsAt: helsinki(2027, 4, 13, 17) }))).toEqual({ startsAt: 'session.overlapsExisting' });
  });

  describe('schedule the next round', () => {
    it('copies a spring round to the autumn as a draft, keeping 9:00 Helsinki time across the daylight-saving change', async () => {
      const facilitator = await createUser(t, { displayName: 'Oskar Öhman' });
      const source = await newCohort(t, { facilitatorEmails: [facilitator.email], capacity: 18, agencySeatCap: 3 });
      const copy = await scheduling.copyToNextRound(actor, source.id, { amount: 26, unit: 'weeks', skipDaysOff: true });
      const [row] = await db.query(`SELECT status, term, name, capacity, agency_seat_cap, copied_from_id, enrolment_opens_at FROM cohort WHERE id = $1`, [copy.id]);
      expect(row).toMatchObject({ status: 'draft', term: '2027-autumn', name: 'Syksy 2027', capacity: 18, agency_seat_cap: 3, copied_from_id: source.id });
      expect(row.enrolment_opens_at.toISOString()).toBe(helsinki(2027, 7, 12, 9).toISOString());
      const sessions = await db.query(`SELECT starts_at, ends_at FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [copy.id]);
      // 16.3. (UTC+2) → 14.9. (UTC+3): the same 9:00–16:00 on the clock, an hour earlier in UTC.
      expect(sessions.map((s: { starts_at: Date; ends_at: Date }) => [s.starts_at.toISOString(), s.ends_at.toISOString()])).toEqual([
        ['2027-09-14T06:00:00.000Z', '2027-09-14T13:00:00.000Z'],
        ['2027-10-12T06:00:00.000Z', '2027-10-12T13:00:00.000Z'],
        ['2027-11-09T07:00:00.000Z', '2027-11-09T14:00:00.000Z'],
      ]);
      const facilitators = await db.query(`SELECT user_id FROM cohort_facilitator WHERE cohort_id = $1`, [copy.id]);
      expect(facilitators).toEqual([{ user_id: facilitator.id }]);
    });

    it('moves a session that lands on a Finnish holiday to the next working day', async () => {
      // Monday 7.12.2026 + 52 weeks = Monday 6.12.2027, Independence Day → Tuesday 7.12.2027.
      const source = await newCohort(t, {
        enrolmentOpensAt: helsinki(2026, 10, 1),
        enrolmentClosesAt: helsinki(2026, 11, 30),
        cancellationDeadline: null,
        sessions: [
          { startsAt: helsinki(2026, 12, 7, 13), endsAt: helsinki(2026, 12, 7, 15) },
          { startsAt: helsinki(2026, 12, 8, 13), endsAt: helsinki(2026, 12, 8, 15) },
        ],
      });
      const skipped = await scheduling.copyToNextRound(actor, source.id, { amount: 52, unit: 'weeks', skipDaysOff: true });
      const kept = await scheduling.copyToNextRound(actor, source.id, { amount: 52, unit: 'weeks', skipDaysOff: false });
      const days = async (id: string) =>
        (await db.query(`SELECT starts_at FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [id])).map((s: { starts_at: Date }) => s.starts_at.toISOString());
      // The first moves on to Tuesday 7.12.; the second, already on that Tuesday at the same hour, goes on to Wednesday.
      expect(await days(skipped.id)).toEqual(['2027-12-07T11:00:00.000Z', '2027-12-08T11:00:00.000Z']);
      expect(await days(kept.id)).toEqual(['2027-12-06T11:00:00.000Z', '2027-12-07T11:00:00.000Z']);
    });

    it('refuses a shift out of range and copies nothing', async () => {
      const source = await newCohort(t);
      const before = await count('cohort');
      expect(await refusal(scheduling.copyToNextRound(actor, source.id, { amount: 0, unit: 'weeks', skipDaysOff: true }))).toEqual({ amount: 'copy.amount.range' });
      expect(await refusal(scheduling.copyToNextRound(actor, source.id, { amount: 12 * 80, unit: 'months', skipDaysOff: true }))).toEqual({ amount: 'copy.amount.range' });
      expect(await count('cohort')).toBe(before);
    });
  });
});

describe('reminder offsets as people write them', () => {
  it.each<[string, number[]]>([
    ['14 d, 2 d, 2 h', [20160, 2880, 120]],
    ['2 h; 14 d\n90 min', [20160, 120, 90]],
    ['7 pv, 1 vrk, 3 t, 45 m', [10080, 1440, 180, 45]],
    ['2 dagar, 1 dag', [2880, 1440]],
    ['1D,2H', [1440, 120]],
    ['-1 d', [-1440]],
    ['', []],
    [' , ', []],
  ])('reads "%s" as minutes, earliest first', (text, minutes) => {
    expect(parseReminderOffsets(text)).toEqual(minutes);
  });

  it.each(['abc', '14', 'd', '2 weeks', '1.5 h', '14 d 2 h', '1234567 min'])('cannot read "%s"', (text) => {
    expect(parseReminderOffsets(text)).toBeNull();
  });

  it('writes minutes back in the largest whole unit, and reads back what it wrote', () => {
    expect(formatReminderOffsets([20160, 2880, 120, 90])).toBe('14 d, 2 d, 2 h, 90 min');
    expect(formatReminderOffsets([])).toBe('');
    expect(parseReminderOffsets(formatReminderOffsets([10080, 1440, 150]))).toEqual([10080, 1440, 150]);
  });
});
