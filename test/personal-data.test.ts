// The profile's "download my data", on the real PostgreSQL: every part is there for a person who
// has enrolled, attended, completed, written, subscribed and been mailed; no secret (token, link or
// hash) and nobody else's details are in it; and the schema itself is read, so a table that holds a
// user id and is neither exported nor left out on purpose fails the suite.
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { COVERED_COLUMNS, LEFT_OUT, PERSONAL_DATA_PARTS } from '../src/accounts/personal-data.service';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { ForumsService } from '../src/forums/forums.service';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { User } from '../src/identity/user.entity';
import { UserService } from '../src/identity/user.service';
import { Language } from '../src/i18n/i18n';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { ToolkitService } from '../src/toolkit/toolkit.service';
import { createUser, signIn } from './support/accounts';
import { adminId, helsinki, newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };
const NOTE_KIND = 'test-export-note';

/**
 * The columns of the schema that hold a person: a foreign key to app_user(id), a uuid named as a
 * person (`*user_id`, `author_id`, `actor_id`, `recipient…_id`, `*_by_id`, …), an address
 * (`email`, `*_email`), and whole tables named after users (a session store keeps the id in JSON).
 */
async function personColumns(db: DataSource): Promise<string[]> {
  const rows: { key: string }[] = await db.query(
    `SELECT c.conrelid::regclass::text || '.' || a.attname AS key
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.confrelid = 'app_user'::regclass
     UNION
     SELECT table_name || '.' || column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND NOT (table_name = 'app_user' AND column_name = 'id')
        AND ((data_type = 'uuid' AND column_name ~ '(^|_)(user|author|actor|recipient|owner|creator|editor|moderator|approver|member|participant|facilitator|person)(_user)?_id$')
          OR (data_type = 'uuid' AND column_name ~ '_by_id$')
          OR column_name ~ '(^|_)email$')
     UNION
     SELECT table_name || '.*' FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name ~ 'user' AND table_name <> 'app_user'`,
  );
  return rows.map((row) => row.key).sort();
}

/** Found columns that neither the export nor its list of deliberate omissions accounts for. */
function unaccounted(found: string[]): string[] {
  const listed = [...Object.keys(COVERED_COLUMNS), ...Object.keys(LEFT_OUT)];
  return found.filter((key) => (key.endsWith('.*') ? !listed.some((entry) => entry.startsWith(key.slice(0, -1))) : !listed.includes(key)));
}

describe('personal data download', () => {
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let forums: ForumsService;
  let verohallinto: string;
  let tulli: string;
  let admin: Actor;
  let general: string;

  /** A person whose address is confirmed, so they may enrol and write. */
  const verified = async (overrides: Parameters<typeof createUser>[1] = {}): Promise<{ user: User; actor: Actor }> => {
    const user = await createUser(t, overrides);
    await db.query(`UPDATE app_user SET email_verified_at = now() WHERE id = $1`, [user.id]);
    const actor: Actor = { id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: true };
    return { user, actor };
  };
  const download = async (email: string, lang: Language = 'fi') => {
    const res = await (await signIn(t, email, undefined, lang)).get('/profile/data.json');
    expect(res.status).toBe(200);
    return { text: res.text, data: JSON.parse(res.text) };
  };
  /** A one-time link's row as the identity area keeps it: only the hash. */
  const linkRow = async (table: 'email_verification' | 'password_reset', userId: string) => {
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
    await db.query(`INSERT INTO ${table} (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [userId, hash]);
    return hash;
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    forums = t.app.get(ForumsService);
    t.app.get(NotificationKinds).register({ name: NOTE_KIND, template: TEST_MESSAGE_KIND, secretLinks: [], subject: () => 'Tervetuloa valmennukseen' });
    const agencies = t.app.get(AgencyService);
    await agencies.ensure(['Verohallinto', 'Tulli']);
    const ids = new Map((await agencies.list('fi')).map((a) => [a.name, a.id]));
    verohallinto = ids.get('Verohallinto')!;
    tulli = ids.get('Tulli')!;
    const [row] = await db.query(`SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = { ...row, emailVerified: true };
    [{ id: general }] = await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
  });
  afterAll(() => t?.close());

  it('gives a participant every part of their record, and no secret and nobody else in it', async () => {
    const { user: aino, actor: ainoActor } = await verified({ email: 'aino.export@verohallinto.fi', displayName: 'Aino Äijälä', agencyId: verohallinto });
    const { user: pekka, actor: pekkaActor } = await verified({ email: 'pekka.toinen@tulli.fi', displayName: 'Pekka Öhman', agencyId: tulli });
    const { user: fanni, actor: fanniActor } = await verified({ email: 'fanni.fasilitaattori@valtiokonttori.fi', displayName: 'Fanni Fasilitaattori' });

    // Pekka takes the only seat; Aino waits, and gets it when Pekka cancels.
    const round = await newCohort(t, { ...OPEN_NOW, capacity: 1, facilitatorEmails: [fanni.email] });
    await enrolment.enrol(pekkaActor, round.id);
    await enrolment.enrol(ainoActor, round.id);
    await enrolment.cancel(pekkaActor, round.id, pekka.id, 'Työkiireet, Pekka Öhman');
    // The round has begun: its facilitator marks Aino present, an admin marks her completion.
    await db.query(`UPDATE cohort_session SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year' WHERE cohort_id = $1`, [round.id]);
    const [firstSession] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [round.id]);
    await enrolment.markAttendance(fanniActor, firstSession.id, aino.id, true);
    await enrolment.complete(admin, round.id, aino.id);

    // Aino facilitates an autumn round where she marks Pekka's attendance: that is Pekka's record, she gets a count.
    const autumn = await newCohort(t, { ...OPEN_NOW, name: 'Syksy 2027', facilitatorEmails: [aino.email] });
    await enrolment.enrol(pekkaActor, autumn.id);
    const [autumnSession] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [autumn.id]);
    await enrolment.markAttendance(ainoActor, autumnSession.id, pekka.id, false);

    // Aino starts a thread in her round's forum and replies to Pekka's thread, which he answers.
    const [{ id: roundChannel }] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [round.id]);
    const own = await forums.startThread(ainoActor, roundChannel, { title: 'Välitehtävä 1', body: 'Mitä opimme **systeemiajattelusta**?' }, 'fi');
    const pekkas = await forums.startThread(pekkaActor, general, { title: 'Etätyön käytännöt', body: 'Pekan oma aloitus, jota ei kuulu näkyä.' }, 'fi');
    await forums.reply(ainoActor, pekkas.threadId, { body: 'Meillä käytetään yhteistä kalenteria.' }, 'fi');
    await forums.reply(pekkaActor, pekkas.threadId, { body: 'Pekan vastaus, jota ei kuulu näkyä.' }, 'fi');
    await forums.markRead(aino.id, pekkas.threadId, new Date().toISOString());
    await t.app.get(ForumSubscriptions).setLevel(ainoActor, { channelId: general }, 'every_post');

    const notifications = t.app.get(NotificationsService);
    await notifications.notify(NOTE_KIND, { userId: aino.id, email: aino.email, language: 'fi' }, {});
    await notifications.notify(NOTE_KIND, { userId: pekka.id, email: pekka.email, language: 'fi' }, {});
    // Mail to her address without her account (a test message an admin sent) is hers too.
    await notifications.notify(NOTE_KIND, { email: aino.email.toUpperCase(), language: 'fi' }, {});
    const feedAddress = await t.app.get(CalendarFeedService).addressFor(aino.id);
    const feedToken = /\/([A-Za-z0-9_-]{43})\.ics$/.exec(feedAddress)![1];
    const apiToken = (await t.app.get(ApiTokensService).issue(aino.id, { name: 'Raportointi' })).token;
    await t.app.get(ApiTokensService).issue(pekka.id, { name: 'Pekan avain' });
    const verificationHash = await linkRow('email_verification', aino.id);
    const resetHash = await linkRow('password_reset', aino.id);
    const users = t.app.get(UserService);
    await users.audit(db.manager, { actorUserId: admin.id, action: 'user.role', targetType: 'user', targetId: aino.id, details: { from: null, to: 'admin' } });
    await users.audit(db.manager, { actorUserId: aino.id, action: 'user.role', targetType: 'user', targetId: pekka.id, details: { from: null, to: 'admin', name: pekka.displayName } });

    // Aino tells the toolkit about an experiment; it waits for an admin.
    await t.app.get(ToolkitService).submitCase(ainoActor, { title: 'Kävelykokoukset', description: 'Kokoukset ulkona.', themes: ['dialogue'], links: [] }, 'fi', (async function* () {})());

    const { text, data } = await download(aino.email);

    expect(Object.keys(data)).toEqual(['readme', 'exportedAt', ...PERSONAL_DATA_PARTS]);
    expect(Object.keys(data.readme)).toEqual(['exportedAt', ...PERSONAL_DATA_PARTS]);
    expect(data.readme.enrolments).toMatch(/^Ilmoittautumisesi ryhmiin/);
    expect(data.profile).toMatchObject({ id: aino.id, email: 'aino.export@verohallinto.fi', displayName: 'Aino Äijälä', language: 'fi', emailVerifiedAt: expect.any(String) });
    expect(data.agency).toEqual({ id: verohallinto, name: 'Verohallinto' });

    expect(data.enrolments).toHaveLength(1);
    expect(data.enrolments[0]).toMatchObject({ programme: 'Kompleksisuus ja systeemiajattelu', cohort: 'Kevät 2027', status: 'completed', managerEmail: null });
    expect(data.enrolments[0].history.map((h: Record<string, unknown>) => [h.fromStatus, h.toStatus, h.by, h.reason])).toEqual([
      [null, 'waitlisted', 'you', null],
      // Pekka's cancellation freed the seat: he is "someone else", and his reason is his record's, not hers.
      ['waitlisted', 'confirmed', 'someoneElse', 'Paikka vapautui'],
      ['confirmed', 'completed', 'admin', null],
    ]);
    expect(data.enrolments[0].history[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.attendance).toEqual([expect.objectContaining({ cohort: 'Kevät 2027', present: true, markedBy: 'facilitator', sessionStartsAt: expect.any(String) })]);
    expect(data.completions).toEqual([expect.objectContaining({ programme: 'Kompleksisuus ja systeemiajattelu', cohort: 'Kevät 2027', agency: 'Verohallinto', markedBy: 'admin' })]);
    expect(data.facilitating).toEqual({ programmes: [], rounds: [{ programme: 'Kompleksisuus ja systeemiajattelu', cohort: 'Syksy 2027' }] });

    expect(data.threads).toEqual([expect.objectContaining({ id: own.threadId, title: 'Välitehtävä 1', channel: 'Kompleksisuus ja systeemiajattelu: Kevät 2027' })]);
    expect(data.posts.map((p: Record<string, unknown>) => [p.threadTitle, p.channel, p.body])).toEqual([
      ['Välitehtävä 1', 'Kompleksisuus ja systeemiajattelu: Kevät 2027', 'Mitä opimme **systeemiajattelusta**?'],
      ['Etätyön käytännöt', 'Yleinen keskustelu', 'Meillä käytetään yhteistä kalenteria.'],
    ]);
    // Writing in a thread subscribes its writer; the channel's level is Aino's own choice.
    expect(data.forumSubscriptions).toEqual(
      expect.arrayContaining([
        { channel: 'Yleinen keskustelu', thread: null, level: 'every_post' },
        { channel: 'Yleinen keskustelu', thread: 'Etätyön käytännöt', level: expect.any(String) },
      ]),
    );
    expect(data.forumReadPositions).toEqual(expect.arrayContaining([{ channel: 'Yleinen keskustelu', thread: 'Etätyön käytännöt', readUpTo: expect.any(String) }]));

    expect(data.notifications.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining([NOTE_KIND, 'enrolment.waitlisted', 'enrolment.promoted']));
    expect(data.notifications.filter((n: { kind: string }) => n.kind === NOTE_KIND)).toEqual([
      expect.objectContaining({ subject: 'Tervetuloa valmennukseen', status: expect.any(String), createdAt: expect.any(String) }),
      expect.objectContaining({ subject: 'Tervetuloa valmennukseen', status: expect.any(String), createdAt: expect.any(String) }),
    ]);
    for (const notification of data.notifications) expect(Object.keys(notification).sort()).toEqual(['createdAt', 'delivery', 'dueAt', 'kind', 'readAt', 'sentAt', 'status', 'subject']);
    expect(data.calendarFeed).toEqual({ exists: true, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(data.apiTokens).toEqual([{ name: 'Raportointi', createdAt: expect.any(String), expiresAt: expect.any(String), lastUsedAt: null, revokedAt: null }]);
    expect(data.emailVerifications).toEqual([{ createdAt: expect.any(String), expiresAt: expect.any(String), usedAt: null }]);
    expect(data.passwordResets).toEqual([{ createdAt: expect.any(String), expiresAt: expect.any(String), usedAt: null }]);
    expect(data.auditLog).toEqual([expect.objectContaining({ action: 'user.role', by: 'admin', details: { from: null, to: 'admin' } })]);
    expect(data.auditLogByYou).toEqual([{ action: 'user.role', targetType: 'user', targetId: null, createdAt: expect.any(String) }]);
    expect(data.actionsOnOthersRecords).toEqual({ attendanceMarked: 1, completionsMarked: 0, enrolmentChanges: 0, sessionChanges: 0, moderationActions: 0, toolkitCasesReviewed: 0 });
    expect(data.toolkitCases).toEqual([expect.objectContaining({ title: { fi: 'Kävelykokoukset' }, description: { fi: 'Kokoukset ulkona.' }, status: 'pending', reviewNote: null })]);

    // No secret: not the feed address's token, not the API token, no SHA-256 (64 hex digits) of anything.
    for (const secret of [feedToken, apiToken, verificationHash, resetHash]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[0-9a-f]{64}/i);
    expect(text).not.toContain('$argon2');
    // Nobody else: not Pekka (who freed the seat, shared the thread, was acted on), not the facilitator or the admin.
    for (const other of [pekka, fanni]) for (const trace of [other.id, other.email, other.displayName]) expect(text).not.toContain(trace);
    for (const trace of [admin.id, admin.email, admin.displayName, 'Pekan', 'Pekka']) expect(text).not.toContain(trace);
  });

  it('writes the readme and the names in the person’s own language', async () => {
    const { user: asa, actor } = await verified({ email: 'asa.ostrom@tulli.fi', displayName: 'Åsa Öström', agencyId: tulli, language: 'sv' });
    const round = await newCohort(t, { ...OPEN_NOW });
    await enrolment.enrol(actor, round.id);
    // The page's language is English; the download follows the language of the profile.
    const { data } = await download(asa.email, 'en');
    expect(data.readme.profile).toMatch(/^Ditt användarkonto/);
    expect(data.enrolments).toEqual([expect.objectContaining({ programme: 'Komplexitet och systemtänkande', cohort: 'Våren 2027', status: 'confirmed' })]);
    expect(data.enrolments[0].history).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'confirmed', by: 'you' })]);
  });

  it('says a person without the optional records has none, rather than leaving parts out', async () => {
    const { user } = await verified();
    const { data } = await download(user.email);
    expect(data.agency).toBeNull();
    expect(data.calendarFeed).toEqual({ exists: false });
    for (const part of ['enrolments', 'attendance', 'completions', 'threads', 'posts', 'forumSubscriptions', 'apiTokens', 'passwordResets']) expect(data[part]).toEqual([]);
  });

  it('accounts for every column of the schema that holds a person, in the download or on purpose outside it', async () => {
    const found = await personColumns(db);
    // The scan sees what it should: the plain foreign keys, the ids kept without one, addresses, the session store.
    expect(found).toEqual(expect.arrayContaining(['enrolment.user_id', 'attendance.marked_by_id', 'audit_log.actor_user_id', 'enrolment.manager_email', 'user_session.*']));
    expect(unaccounted(found)).toEqual([]);
  });

  it('names only columns that exist in the lists of what is exported and what is left out', async () => {
    const columns = new Set((await db.query(`SELECT table_name || '.' || column_name AS key FROM information_schema.columns WHERE table_schema = 'public'`)).map((row: { key: string }) => row.key));
    expect([...Object.keys(COVERED_COLUMNS), ...Object.keys(LEFT_OUT)].filter((key) => !columns.has(key))).toEqual([]);
  });

  it('fails the coverage check for a new table holding a user id that the download does not know', async () => {
    await db.query(`CREATE TABLE mentor_note (id uuid PRIMARY KEY, mentee uuid REFERENCES app_user (id), written_by_id uuid, note text)`);
    try {
      expect(unaccounted(await personColumns(db))).toEqual(['mentor_note.mentee', 'mentor_note.written_by_id']);
    } finally {
      await db.query(`DROP TABLE mentor_note`);
    }
  });
});
