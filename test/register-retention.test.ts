// Retention of the register with a moved clock: a completion whose round ended more than
// REGISTER_RETENTION_YEARS ago loses its person and certificate code, a more recent one stays; an
// imported row goes that long after the end of its year; the numbers stay and the names go from
// /developers. The period is a validated setting.
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../src/config/config';
import { AgencyService } from '../src/identity/agency.service';
import { JobName } from '../src/queue/jobs';
import { RegisterRetentionService } from '../src/register/register-retention.service';
import { createUser, signIn } from './support/accounts';
import { helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('retention of the register', () => {
  let t: TestApp;
  let db: DataSource;
  let vero: string;
  let programmeId: string;
  let oldCompletion: string;
  let recentCompletion: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.app.get(AgencyService).ensure(['Verohallinto']);
    vero = (await t.app.get(AgencyService).list('fi'))[0].id;
    programmeId = (await newProgramme(t)).id;
    // Spring 2027 ends 11.5.2027; the later round ends 14.5.2029.
    const spring = await newCohort(t, { programmeId });
    const later = await newCohort(t, {
      programmeId,
      name: 'Kevät 2029',
      enrolmentOpensAt: helsinki(2029, 1, 8),
      enrolmentClosesAt: helsinki(2029, 2, 28),
      cancellationDeadline: helsinki(2029, 3, 1),
      sessions: [{ startsAt: helsinki(2029, 5, 14, 9), endsAt: helsinki(2029, 5, 14, 16) }],
    });
    const olli = await createUser(t, { displayName: 'Olli Vanhanen', agencyId: vero });
    const nea = await createUser(t, { displayName: 'Nea Tuore', agencyId: vero });
    await db.query(`UPDATE app_user SET listed_in_register = true WHERE id = ANY($1)`, [[olli.id, nea.id]]);
    [{ id: oldCompletion }] = await db.query(
      `INSERT INTO completion (programme_id, cohort_id, user_id, agency_id, certificate_code) VALUES ($1, $2, $3, $4, 'VANHA-KOODI') RETURNING id`,
      [programmeId, spring.id, olli.id, vero],
    );
    [{ id: recentCompletion }] = await db.query(
      `INSERT INTO completion (programme_id, cohort_id, user_id, agency_id, certificate_code) VALUES ($1, $2, $3, $4, 'TUORE-KOODI') RETURNING id`,
      [programmeId, later.id, nea.id, vero],
    );
    await db.query(
      `INSERT INTO historical_completion (person_name, email, agency_id, programme_id, year, user_id, import_id) VALUES
         ('Kaino Kaiku', 'kaino@vero.fi', $1, $2, 2026, NULL, gen_random_uuid()),
         ('Tuomas Tuore', 'tuomas@vero.fi', $1, $2, 2028, NULL, gen_random_uuid())`,
      [vero, programmeId],
    );
  }, 60000);

  afterAll(async () => {
    await t?.close();
  });

  it('keeps everything while the period lasts', async () => {
    // 1.12.2036: ten years back is 1.12.2026, before any round or imported year here ended.
    expect(await t.app.get(RegisterRetentionService).run(new Date('2036-12-01T00:00:00Z'))).toEqual({ completions: 0, imported: 0 });
    const [row] = await db.query(`SELECT user_id, anonymised_at FROM completion WHERE id = $1`, [oldCompletion]);
    expect(row.user_id).not.toBeNull();
    expect(row.anonymised_at).toBeNull();
  });

  it('anonymises the completions and imported rows whose period has passed, and keeps the recent ones', async () => {
    // 1.6.2038: the cutoff is 1.6.2028, after spring 2027 and the end of 2026, before 2029 and the end of 2028.
    expect(await t.app.get(RegisterRetentionService).run(new Date('2038-06-01T00:00:00Z'))).toEqual({ completions: 1, imported: 1 });
    const completions = await db.query(`SELECT id, user_id, certificate_code, anonymised_at, agency_id, programme_id FROM completion ORDER BY completed_at`);
    const old = completions.find((row: { id: string }) => row.id === oldCompletion);
    const recent = completions.find((row: { id: string }) => row.id === recentCompletion);
    expect(old).toMatchObject({ user_id: null, certificate_code: null, agency_id: vero, programme_id: programmeId });
    expect(old.anonymised_at).toBeInstanceOf(Date);
    expect(recent).toMatchObject({ certificate_code: 'TUORE-KOODI', anonymised_at: null });
    expect(recent.user_id).not.toBeNull();

    const imported = await db.query(`SELECT person_name, email, user_id, anonymised_at, year FROM historical_completion ORDER BY year`);
    expect(imported[0]).toMatchObject({ person_name: null, email: null, user_id: null, year: 2026 });
    expect(imported[0].anonymised_at).toBeInstanceOf(Date);
    expect(imported[1]).toMatchObject({ person_name: 'Tuomas Tuore', email: 'tuomas@vero.fi', anonymised_at: null });

    // A rerun finds nothing left to do.
    expect(await t.app.get(RegisterRetentionService).run(new Date('2038-06-01T00:00:00Z'))).toEqual({ completions: 0, imported: 0 });
  });

  it('no longer shows the anonymised by name, even to admins, but still counts them', async () => {
    const admin = await createUser(t, { siteRole: 'admin' });
    const res = await (await signIn(t, admin.email)).get(`/developers?agency=${vero}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Olli Vanhanen');
    expect(res.text).not.toContain('Kaino Kaiku');
    expect(res.text).toContain('Nea Tuore');
    expect(res.text).toContain('Tuomas Tuore');
    expect(res.text).toContain('Suorituksia 4, joista nimellä näet 2.');
    const csv = await (await signIn(t, admin.email)).get(`/developers.csv?agency=${vero}`);
    expect(csv.text).not.toContain('Olli Vanhanen');
    expect(csv.text).not.toContain('VANHA');
  });

  it('follows REGISTER_RETENTION_YEARS, refuses a period that is no whole number of years, and runs daily', async () => {
    expect(loadConfig({}).registerRetentionYears).toBe(10);
    expect(loadConfig({ REGISTER_RETENTION_YEARS: '3' }).registerRetentionYears).toBe(3);
    for (const value of ['0', 'ten', '2.5', '101']) {
      expect(() => loadConfig({ REGISTER_RETENTION_YEARS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ REGISTER_RETENTION_YEARS: value })).toThrow('REGISTER_RETENTION_YEARS must be a whole number of years from 1 to 100');
    }
    const short = await startTestApp({ REGISTER_RETENTION_YEARS: '3', DATABASE_URL: t.config.databaseUrl });
    try {
      // Three years after 14.5.2029 is 14.5.2032: the later round's completion goes in June 2032.
      expect(await short.app.get(RegisterRetentionService).run(new Date('2032-06-01T00:00:00Z'))).toEqual({ completions: 1, imported: 1 });
      expect((await short.http.get('/privacy')).text).toContain('Suoritukset säilytetään nimellä 3 vuotta ryhmän päättymisestä.');
    } finally {
      await short.app.close();
    }
    expect(JobName.RegisterRetention).toBe('register-retention');
  });
});
