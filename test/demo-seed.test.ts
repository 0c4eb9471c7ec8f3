import { DataSource } from 'typeorm';
import { DEMO_AGENCIES, DEMO_COHORTS, DEMO_FACILITATOR, DEMO_MAIL_RECIPIENTS, DEMO_PROGRAMMES } from '../src/demo/demo-data';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { isDayOff } from '../src/catalogue/finnish-holidays';
import { toHelsinki } from '../src/i18n/helsinki-time';
import { startTestApp, TestApp } from './support/test-app';

describe('demo data', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const count = async (table: string) => {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n as number;
  };

  it('seeds the four programmes and the demo agencies on an empty database at start', async () => {
    expect(await count('programme')).toBe(DEMO_PROGRAMMES.length);
    expect(await count('agency')).toBe(DEMO_AGENCIES.length);
    const names: { name: string }[] = await db.query(`SELECT name FROM agency WHERE name IN ('Väylävirasto', 'Digi- ja väestötietovirasto')`);
    expect(names.map((n) => n.name).sort()).toEqual(['Digi- ja väestötietovirasto', 'Väylävirasto']);
    // The demo mails, besides the reminders planned for the demo coach's sessions.
    const [{ n: mails }] = await db.query(`SELECT count(*)::int AS n FROM notification WHERE kind <> 'session.reminder'`);
    expect(mails).toBe(DEMO_MAIL_RECIPIENTS.length);
  });

  it('schedules the 2027 rounds with their sessions, published and still to come, run by the demo coach', async () => {
    const rounds: { name: string; slug: string; status: string; sessions: number; facilitators: string[]; starts_at: Date; opens: Date; closes: Date }[] = await db.query(
      `SELECT c.name, p.slug, c.status, c.starts_at, c.enrolment_opens_at AS opens, c.enrolment_closes_at AS closes,
              (SELECT count(*)::int FROM cohort_session s WHERE s.cohort_id = c.id AND s.status = 'scheduled') AS sessions,
              (SELECT array_agg(u.email) FROM cohort_facilitator f JOIN app_user u ON u.id = f.user_id WHERE f.cohort_id = c.id) AS facilitators
       FROM cohort c JOIN programme p ON p.id = c.programme_id ORDER BY c.starts_at`,
    );
    expect(rounds).toHaveLength(DEMO_COHORTS.length);
    for (const round of rounds) {
      const demo = DEMO_COHORTS.find((d) => d.programmeSlug === round.slug && d.round.name === round.name)!;
      expect(round).toMatchObject({ status: 'published', sessions: demo.round.sessions.length, facilitators: [DEMO_FACILITATOR] });
      expect(round.starts_at.getTime()).toBeGreaterThan(Date.now());
    }
    expect(rounds.map((r) => r.slug)).toEqual(expect.arrayContaining(DEMO_PROGRAMMES.map((p) => p.slug)));
    // At least one round takes enrolments now, so the demo shows an open enrolment.
    expect(rounds.some((r) => r.opens.getTime() <= Date.now() && Date.now() < r.closes.getTime())).toBe(true);
    const coaches: { slug: string }[] = await db.query(
      `SELECT p.slug FROM programme_facilitator f JOIN programme p ON p.id = f.programme_id JOIN app_user u ON u.id = f.user_id WHERE u.email = $1`,
      [DEMO_FACILITATOR],
    );
    expect(coaches.map((c) => c.slug).sort()).toEqual(DEMO_PROGRAMMES.map((p) => p.slug).sort());
  });

  it('meets on working days only', () => {
    const daysOff = DEMO_COHORTS.flatMap(({ round }) => round.sessions.map((session) => toHelsinki(session.startsAt))).filter((day) => isDayOff(day));
    expect(daysOff).toEqual([]);
  });

  it('shows the seeded rounds on the programme and cohort pages, sessions in Helsinki time', async () => {
    const programme = await t.http.get('/programmes/kompleksisuus-ja-systeemiajattelu').set('cookie', 'lang=fi').expect(200);
    const link = /<a href="(\/cohorts\/[0-9a-f-]{36})">Kevät 2027<\/a>/.exec(programme.text);
    expect(link).not.toBeNull();
    const cohort = await t.http.get(link![1]).set('cookie', 'lang=fi').expect(200);
    expect(cohort.text).toContain('tiistaina 16. maaliskuuta 2027');
    expect(cohort.text).toContain('klo 09.00–16.00');
    expect(cohort.text).toContain('Sanna Järvinen');
  });

  it('schedules the rounds once, even when two processes start at the same moment', async () => {
    const seed = t.app.get(DemoSeedService);
    expect(await seed.seedRoundsIfNone()).toBe(0);
    await db.query(`DELETE FROM cohort`);
    const added = await Promise.all([seed.seedRoundsIfNone(), seed.seedRoundsIfNone()]);
    expect(added.sort()).toEqual([0, DEMO_COHORTS.length]);
    expect(await count('cohort')).toBe(DEMO_COHORTS.length);
  });

  it('does not seed again once programmes exist, even after one was removed', async () => {
    await db.query(`DELETE FROM cohort WHERE programme_id = (SELECT id FROM programme WHERE slug = 'valmentava-johtajuus')`);
    await db.query(`DELETE FROM programme WHERE slug = 'valmentava-johtajuus'`);
    expect(await t.app.get(DemoSeedService).seedIfEmpty()).toEqual({ programmes: 0, agencies: 0 });
    expect(await count('programme')).toBe(DEMO_PROGRAMMES.length - 1);
  });

  it('sorts agencies as Finnish does, with Ä after Z', async () => {
    const res = await t.http.get('/').set('cookie', 'lang=fi').expect(200);
    const agencies = [...res.text.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]);
    expect(agencies.indexOf('Väylävirasto')).toBeGreaterThan(agencies.indexOf('Verohallinto'));
    expect(agencies.at(-1)).toBe('Väylävirasto');
  });
});
