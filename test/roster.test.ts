// What the enrolment pages read, through RosterService on the real PostgreSQL: a person's own place
// and list of cohorts, a cohort's roster in order with its agency mix, the rounds someone can be moved
// to, and who may read a roster at all; and the CSV the roster exports.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { NotAllowed as ForbiddenException, NotFound as NotFoundException } from '../src/errors/domain-errors';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { rosterCsv } from '../src/enrolment/roster.view';
import { asciiFileName } from '../src/web/spreadsheet';
import { RosterService } from '../src/enrolment/roster.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AgencyService } from '../src/identity/agency.service';
import { User } from '../src/identity/user.entity';
import { createUser } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const actorOf = (user: User): Actor => ({ id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null });
const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };

describe('roster reads', () => {
  let t: TestApp;
  let db: DataSource;
  let roster: RosterService;
  let enrolment: EnrolmentService;
  let admin: Actor;
  let agencies: Map<string, string>;

  const person = async (name = 'Aino Äijälä', agency: string | null = null) => actorOf(await createUser(t, { displayName: name, agencyId: agency ? agencies.get(agency)! : null }));

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    roster = t.app.get(RosterService);
    enrolment = t.app.get(EnrolmentService);
    const [row] = await db.query(`SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = row;
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli', 'Traficom']);
    agencies = new Map((await t.app.get(AgencyService).list('fi')).map((a) => [a.name, a.id]));
  });
  afterAll(() => t?.close());

  it('gives a person’s active enrolment before an older cancelled one, else their latest, else nothing', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW });
    const aino = await person();
    expect(await roster.enrolmentOf(cohort.id, aino.id)).toBeNull();
    await enrolment.enrol(aino, cohort.id);
    await enrolment.cancel(aino, cohort.id, aino.id, null);
    expect(await roster.enrolmentOf(cohort.id, aino.id)).toMatchObject({ status: 'cancelled', active: false });
    await enrolment.enrol(aino, cohort.id);
    expect(await roster.enrolmentOf(cohort.id, aino.id)).toMatchObject({ status: 'confirmed', active: true, waitlistPosition: null });
  });

  it('lists a person’s cohorts once each, active ones first, with the next session that has not ended', async () => {
    const programme = await newProgramme(t);
    const later = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Syksy 2027', sessions: [{ startsAt: helsinki(2027, 9, 14, 9), endsAt: helsinki(2027, 9, 14, 16) }] });
    const sooner = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Kevät 2027' });
    const left = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Kevät 2027 – verkossa', sessions: [{ startsAt: helsinki(2027, 2, 2, 13), endsAt: helsinki(2027, 2, 2, 15) }] });
    const hidden = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Luonnos', status: 'draft', sessions: [{ startsAt: helsinki(2027, 10, 5, 9), endsAt: helsinki(2027, 10, 5, 16) }] });
    // The first session of the sooner round is cancelled: the next one is the second.
    const [first] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [sooner.id]);
    await t.app.get(SchedulingService).cancelSession(await adminId(t), first.id, 'Sairastuminen');

    const aino = await person();
    await enrolment.enrol(aino, later.id);
    await enrolment.enrol(aino, left.id);
    await enrolment.cancel(aino, left.id, aino.id, null);
    await enrolment.enrol(aino, left.id);
    await enrolment.cancel(aino, left.id, aino.id, null);
    await enrolment.enrol(aino, sooner.id);
    await enrolment.enrolByEmail(admin, hidden.id, aino.email, null);

    const mine = await roster.myCohorts(aino.id, 'sv');
    expect(mine.map((c) => [c.cohortName, c.status, c.cohortVisible])).toEqual([
      ['Kevät 2027', 'confirmed', true],
      ['Syksy 2027', 'confirmed', true],
      ['Luonnos', 'confirmed', false],
      ['Kevät 2027 – verkossa', 'cancelled', true],
    ]);
    expect(mine[0].programmeTitle).toBe('Komplexitet och systemtänkande');
    expect(mine[0].nextSession).toEqual({ startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) });
  });

  it('orders the roster: confirmed and completed by name, the waitlist by place, those waiting for a manager, then the cancelled', async () => {
    const cohort = await newCohort(t, { ...OPEN_NOW, capacity: 3, agencySeatCap: 2 });
    const people = {
      oskar: await person('Oskar Öhman', 'Verohallinto'),
      aino: await person('Aino Äijälä', 'Verohallinto'),
      asa: await person('Åsa Öström', 'Verohallinto'),
      cecilia: await person('Cecilia Carlsson', 'Tulli'),
      daniel: await person('Daniel Dahl', null),
      eino: await person('Eino Ek', 'Traficom'),
    };
    for (const p of Object.values(people)) await enrolment.enrol(p, cohort.id);
    // Oskar and Aino hold Verohallinto's two seats, so Åsa waits; Cecilia takes the last seat.
    // Completion waits for the first day: the sessions move a year back.
    await db.query(`UPDATE cohort_session SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year' WHERE cohort_id = $1`, [cohort.id]);
    await enrolment.complete(admin, cohort.id, people.aino.id);
    await enrolment.cancel(admin, cohort.id, people.daniel.id, 'Ei pääse');

    const read = await roster.roster(admin, cohort.id, 'fi');
    expect(read.entries.map((e) => [e.name, e.status, e.waitlistPosition])).toEqual([
      ['Aino Äijälä', 'completed', null],
      ['Cecilia Carlsson', 'confirmed', null],
      ['Oskar Öhman', 'confirmed', null],
      ['Åsa Öström', 'waitlisted', 1],
      ['Eino Ek', 'waitlisted', 2],
      ['Daniel Dahl', 'cancelled', null],
    ]);
    expect(read.agencyMix).toEqual([
      { agency: 'Verohallinto', count: 2 },
      { agency: 'Tulli', count: 1 },
    ]);
    expect(read.cohort).toMatchObject({ capacity: 3, seatsTaken: 3, waitlistLength: 2, programmeTitle: 'Kompleksisuus ja systeemiajattelu' });
    // Newest first: Daniel's cancellation, then Eino moving up into Daniel's place in the queue.
    expect(read.history.slice(0, 2)).toMatchObject([
      { personName: 'Eino Ek', fromStatus: 'waitlisted', toStatus: 'waitlisted', reason: 'enrolment.reason.queueMovedUp', changedBy: null },
      { personName: 'Daniel Dahl', fromStatus: 'waitlisted', toStatus: 'cancelled', reason: 'Ei pääse', changedBy: { name: 'Maija Äijälä', erased: false } },
    ]);
  });

  it('offers as move targets only rounds of the same programme that are not over and that the reader runs', async () => {
    const coach = await createUser(t, { displayName: 'Sanna Järvinen' });
    const programme = await newProgramme(t);
    const sessions = (month: number) => [{ startsAt: helsinki(2027, month, 7, 9), endsAt: helsinki(2027, month, 7, 16) }];
    const here = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, facilitatorEmails: [coach.email] });
    const theirs = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Syksy 2027', facilitatorEmails: [coach.email], sessions: sessions(9) });
    const draft = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Luonnos', status: 'draft', sessions: sessions(10) });
    await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Peruttu', status: 'cancelled', sessions: sessions(11) });
    await newCohort(t, { ...OPEN_NOW, name: 'Toinen ohjelma' });

    expect((await roster.roster(admin, here.id, 'fi')).moveTargets.map((c) => c.id)).toEqual([theirs.id, draft.id]);
    expect((await roster.roster(actorOf(coach), here.id, 'fi')).moveTargets.map((c) => c.id)).toEqual([theirs.id]);
  });

  it('lets only admins and the cohort’s facilitators read its roster', async () => {
    const coach = await createUser(t, { displayName: 'Sanna Järvinen' });
    const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [coach.email] });
    const participant = await person();
    await enrolment.enrol(participant, cohort.id);
    await expect(roster.roster(participant, cohort.id, 'fi')).rejects.toBeInstanceOf(ForbiddenException);
    await expect(roster.roster(admin, '00000000-0000-4000-8000-000000000000', 'fi')).rejects.toBeInstanceOf(NotFoundException);
    await expect(roster.roster(admin, 'not-an-id', 'fi')).rejects.toBeInstanceOf(NotFoundException);
    expect((await roster.roster(actorOf(coach), cohort.id, 'fi')).entries).toHaveLength(1);
    expect(await roster.mayManage(null, cohort.id)).toBe(false);
  });

  it('writes the CSV with a BOM, semicolons, quotes where needed, and formulas kept as text', () => {
    const entry = (name: string, status: 'confirmed' | 'waitlisted', waitlistPosition: number | null) => ({
      enrolmentId: 'e',
      userId: 'u',
      name,
      email: 'aino@verohallinto.fi',
      erased: false,
      agency: 'Verohallinto',
      status,
      waitlistPosition,
      managerEmail: null,
      enrolledAt: helsinki(2026, 11, 23, 9, 5),
    });
    const csv = rosterCsv([entry('Aino Äijälä', 'confirmed', null), entry('+Åström "Åsa"', 'waitlisted', 2)], 'en');
    expect(csv).toBe(
      '\ufeffName;Email;Agency;Status;Waitlist place;Enrolled at\r\n' +
        'Aino Äijälä;aino@verohallinto.fi;Verohallinto;Confirmed;;2026-11-23 09:05\r\n' +
        '"\'+Åström ""Åsa""";aino@verohallinto.fi;Verohallinto;On the waitlist;2;2026-11-23 09:05\r\n',
    );
  });

  it.each([
    ['Kevät 2027 – verkossa', 'kevat-2027-verkossa'],
    ['Åbo / Turku', 'abo-turku'],
    ['Öö', 'oo'],
    ['–––', 'roster'],
  ])('names the CSV file %p as %p', (name, file) => {
    expect(asciiFileName(name)).toBe(file);
  });
});
