import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { DEMO_AGENCIES, DEMO_COHORTS, DEMO_ENROLMENTS, DEMO_FACILITATOR, DEMO_MAIL_RECIPIENTS, DEMO_PROGRAMMES, DEMO_USERS } from '../src/demo/demo-data';
import { demoInstant, DEMO_THREADS } from '../src/demo/demo-discussions';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { isDayOff } from '../src/catalogue/finnish-holidays';
import { ForumsService } from '../src/forums/forums.service';
import { toHelsinki } from '../src/i18n/helsinki-time';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { startTestApp, TestApp } from './support/test-app';

describe('demo data', () => {
  let t: TestApp;
  let db: DataSource;
  // A demo start registers the demo people (argon2) and writes their enrolments and discussions
  // through the real services: more than jest's default half-minute on a busy machine.
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    db = t.app.get(DataSource);
  }, 90_000);
  afterAll(() => t.close());

  const count = async (table: string) => {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n as number;
  };

  it('makes the demo accounts verified, so they may enrol and post at once', async () => {
    const rows: { email: string; verified: boolean }[] = await db.query(`SELECT email, email_verified_at IS NOT NULL AS verified FROM app_user WHERE email = ANY($1)`, [
      DEMO_USERS.map((person) => person.email),
    ]);
    expect(rows).toHaveLength(DEMO_USERS.length);
    expect(rows.filter((row) => !row.verified)).toEqual([]);
  });

  it('seeds the four programmes and the demo agencies on an empty database at start', async () => {
    expect(await count('programme')).toBe(DEMO_PROGRAMMES.length);
    expect(await count('agency')).toBe(DEMO_AGENCIES.length);
    const names: { name: string }[] = await db.query(`SELECT name FROM agency WHERE name IN ('Väylävirasto', 'Digi- ja väestötietovirasto')`);
    expect(names.map((n) => n.name).sort()).toEqual(['Digi- ja väestötietovirasto', 'Väylävirasto']);
    // The demo mails (besides what the seeded enrolments, posts and sessions send).
    const [{ n: mails }] = await db.query(`SELECT count(*)::int AS n FROM notification WHERE kind = $1`, [TEST_MESSAGE_KIND]);
    expect(mails).toBe(DEMO_MAIL_RECIPIENTS.length);
  });

  it('schedules the 2027 rounds with their sessions, published and still to come, run by the demo coach', async () => {
    const rounds: { name: string; slug: string; status: string; sessions: number; facilitators: string[]; starts_at: Date; opens: Date; closes: Date }[] = await db.query(
      `SELECT c.name, p.slug, c.status, c.starts_at, c.enrolment_opens_at AS opens, c.enrolment_closes_at AS closes,
              (SELECT count(*)::int FROM cohort_session s WHERE s.cohort_id = c.id AND s.status = 'scheduled') AS sessions,
              (SELECT array_agg(u.email) FROM cohort_facilitator f JOIN app_user u ON u.id = f.user_id WHERE f.cohort_id = c.id) AS facilitators
       FROM cohort c JOIN programme p ON p.id = c.programme_id
       -- The round that has just ended (DEMO_RECENT_ROUND, issue 18) is seeded apart: test/after-the-round.test.ts.
       WHERE c.ends_at > now() ORDER BY c.starts_at`,
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

  describe('discussions', () => {
    /** The demo person with this email, as the actor they post and read as. */
    const actor = async (email: string): Promise<Actor> =>
      (
        await db.query(`SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE email = $1`, [
          email,
        ])
      )[0];
    const roundChannel = async (programmeSlug: string, round: string): Promise<string> =>
      (
        await db.query(`SELECT ch.id FROM forum_channel ch JOIN cohort c ON c.id = ch.cohort_id JOIN programme p ON p.id = c.programme_id WHERE p.slug = $1 AND c.name = $2`, [
          programmeSlug,
          round,
        ])
      )[0].id;
    const COMPLEXITY_SPRING = { programmeSlug: 'kompleksisuus-ja-systeemiajattelu', round: 'Kevät 2027' };

    it('writes each thread in time order, by demo people who may write there', () => {
      const now = new Date();
      const emails = new Set(DEMO_USERS.map((person) => person.email));
      for (const thread of DEMO_THREADS) {
        const times = thread.posts.map((post) => demoInstant(now, post.at).getTime());
        expect([thread.title, times]).toEqual([thread.title, [...times].sort((a, b) => a - b)]);
        expect(new Set(times).size).toBe(times.length);
        for (const post of thread.posts) {
          expect(emails).toContain(post.author);
          if (post.replyTo !== undefined) expect(post.replyTo).toBeLessThan(thread.posts.indexOf(post));
        }
        if ('programmeSlug' in thread.channel) {
          const { programmeSlug, round } = thread.channel;
          const people = [DEMO_FACILITATOR, ...DEMO_ENROLMENTS.find((e) => e.programmeSlug === programmeSlug && e.round === round)!.participants];
          for (const post of thread.posts) expect([thread.title, people]).toEqual([thread.title, expect.arrayContaining([post.author])]);
        }
      }
    });

    it('places the demo participants in the rounds, confirmed', async () => {
      for (const { programmeSlug, round, participants } of DEMO_ENROLMENTS) {
        const rows: { email: string }[] = await db.query(
          `SELECT u.email FROM enrolment e JOIN app_user u ON u.id = e.user_id JOIN cohort c ON c.id = e.cohort_id JOIN programme p ON p.id = c.programme_id
           WHERE p.slug = $1 AND c.name = $2 AND e.status = 'confirmed'`,
          [programmeSlug, round],
        );
        expect(rows.map((row) => row.email).sort()).toEqual([...participants].sort());
      }
    });

    it('fills the network channels with threads and replies, and the announcements with one from the programme team', async () => {
      const channels: { name: string; kind: string; threads: number; replied: number; replies: number }[] = await db.query(
        `SELECT ch.name->>'fi' AS name, ch.kind, count(t.id)::int AS threads, count(t.id) FILTER (WHERE t.reply_count > 0)::int AS replied, coalesce(sum(t.reply_count), 0)::int AS replies
         FROM forum_channel ch LEFT JOIN forum_thread t ON t.channel_id = ch.id WHERE ch.cohort_id IS NULL GROUP BY ch.id ORDER BY ch.position`,
      );
      expect(channels.map((c) => c.name)).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Työkalut ja menetelmät']);
      for (const channel of channels.filter((c) => c.kind === 'network')) {
        expect(channel.threads).toBeGreaterThanOrEqual(2);
        expect(channel.replied).toBe(channel.threads);
        expect(channel.replies).toBeGreaterThanOrEqual(2 * channel.threads);
      }
      const announcements: { title: string; author: string }[] = await db.query(
        `SELECT t.title, u.email AS author FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id JOIN app_user u ON u.id = t.author_id WHERE ch.kind = 'announcements'`,
      );
      expect(announcements).toEqual([{ title: 'Vuoden 2027 valmennukset julkaistu – ilmoittautumisajat', author: DEMO_USERS.find((p) => p.admin)!.email }]);

      // Rendered as the service renders, in the language each was written in.
      const [{ html }] = await db.query(`SELECT p.body_html AS html FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id WHERE t.title LIKE 'Vuoden 2027 valmennukset%'`);
      expect(html).toContain('<strong>Kompleksisuus ja systeemiajattelu</strong>');
      const languages: { language: string; n: number }[] = await db.query(`SELECT language, count(*)::int AS n FROM forum_post GROUP BY language ORDER BY language`);
      expect(languages.map((l) => l.language)).toEqual(['en', 'fi', 'sv']);
      const general = await t.app.get(ForumsService).threads(await actor('oskar.ohman@maanmittauslaitos.fi'), (await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`))[0].id, 'fi');
      expect(general.items.length).toBeGreaterThanOrEqual(2);
    });

    it('gives each demo round’s forum threads, the coach’s reflection task asking for a post first, answered by the round’s participants', async () => {
      for (const { programmeSlug, round } of DEMO_ENROLMENTS) {
        const channelId = await roundChannel(programmeSlug, round);
        const threads: { id: string; author: string; post_first: boolean; reply_count: number }[] = await db.query(
          `SELECT t.id, u.email AS author, t.post_first, t.reply_count FROM forum_thread t JOIN app_user u ON u.id = t.author_id WHERE t.channel_id = $1`,
          [channelId],
        );
        expect(threads.length).toBeGreaterThanOrEqual(2);
        const reflection = threads.find((thread) => thread.post_first)!;
        expect(reflection).toMatchObject({ author: DEMO_FACILITATOR });
        expect(reflection.reply_count).toBeGreaterThanOrEqual(3);
        const logged: { action: string; actor: string }[] = await db.query(
          `SELECT m.action, u.email AS actor FROM forum_moderation m JOIN app_user u ON u.id = m.actor_id WHERE m.thread_id = $1`,
          [reflection.id],
        );
        expect(logged).toEqual([{ action: 'post_first_on', actor: DEMO_FACILITATOR }]);
        const repliers: { email: string }[] = await db.query(
          `SELECT DISTINCT u.email FROM forum_post p JOIN app_user u ON u.id = p.author_id WHERE p.thread_id = $1 AND u.email <> $2`,
          [reflection.id, DEMO_FACILITATOR],
        );
        const participants = DEMO_ENROLMENTS.find((e) => e.programmeSlug === programmeSlug && e.round === round)!.participants;
        expect(participants).toEqual(expect.arrayContaining(repliers.map((r) => r.email)));
      }
    });

    it('spreads the posts over the last weeks, each thread’s activity and its authors’ read positions following its posts', async () => {
      const now = Date.now();
      const [span] = await db.query(`SELECT min(created_at) AS first, max(created_at) AS last, count(DISTINCT (created_at AT TIME ZONE 'Europe/Helsinki')::date)::int AS days FROM forum_post`);
      expect(span.last.getTime()).toBeLessThan(now);
      expect(span.first.getTime()).toBeGreaterThan(now - 60 * 86_400_000);
      expect(span.days).toBeGreaterThanOrEqual(15);
      const inconsistent = await db.query(
        `SELECT t.title FROM forum_thread t JOIN (SELECT thread_id, min(created_at) AS first_at, max(created_at) AS last_at FROM forum_post GROUP BY thread_id) a ON a.thread_id = t.id
         WHERE t.created_at <> a.first_at OR t.last_post_at <> a.last_at
            OR t.author_id IS DISTINCT FROM (SELECT p.author_id FROM forum_post p WHERE p.thread_id = t.id ORDER BY p.created_at LIMIT 1)`,
      );
      expect(inconsistent).toEqual([]);
      expect(await db.query(`SELECT p.id FROM forum_post p JOIN forum_post r ON r.id = p.reply_to_id WHERE r.created_at >= p.created_at`)).toEqual([]);
      expect(await db.query(`SELECT m.id FROM forum_moderation m JOIN forum_thread t ON t.id = m.thread_id WHERE m.created_at < t.created_at OR m.created_at > t.last_post_at`)).toEqual([]);
      // Old posts send no mail now.
      expect(await db.query(`SELECT key FROM notification WHERE key LIKE 'forum-%' AND status NOT IN ('cancelled')`)).toEqual([]);

      // The coach has read her reflection thread up to her closing words; the introductions she opened have replies she has not.
      const forums = t.app.get(ForumsService);
      const coach = await actor(DEMO_FACILITATOR);
      const threads = await forums.threads(coach, await roundChannel(COMPLEXITY_SPRING.programmeSlug, COMPLEXITY_SPRING.round), 'fi');
      expect(threads.items.map((thread) => [thread.title, thread.unread])).toEqual(
        expect.arrayContaining([
          ['Ennakkotehtävä: tilanne, jossa syy ja seuraus näkyivät vasta jälkikäteen', false],
          ['Esittäytykää!', true],
        ]),
      );
    });

    it('keeps a round’s forum to its people: others cannot read it, and a participant sees reflections once they have written theirs', async () => {
      const forums = t.app.get(ForumsService);
      const channelId = await roundChannel(COMPLEXITY_SPRING.programmeSlug, COMPLEXITY_SPRING.round);
      const outsider = await actor('oskar.ohman@maanmittauslaitos.fi');
      expect(DEMO_ENROLMENTS.find((e) => e.programmeSlug === COMPLEXITY_SPRING.programmeSlug && e.round === COMPLEXITY_SPRING.round)!.participants).not.toContain(outsider.email);
      expect((await forums.channels(outsider, 'fi')).map((channel) => channel.id)).not.toContain(channelId);
      await expect(forums.threads(outsider, channelId, 'fi')).rejects.toMatchObject({ status: 403 });
      const [reflection] = await db.query(`SELECT id FROM forum_thread WHERE channel_id = $1 AND post_first`, [channelId]);
      await expect(forums.threadPage(outsider, reflection.id, 'fi')).rejects.toMatchObject({ status: 403 });

      // Aino is in the round but has not answered the task yet; Juha has.
      const aino = await forums.threadPage(await actor('aino.virtanen@verohallinto.fi'), reflection.id, 'fi');
      expect(aino).toMatchObject({ gated: true });
      expect(aino.posts.map((post) => post.authorName)).toEqual(['Sanna Järvinen']);
      const juha = await forums.threadPage(await actor('juha.makela@tilastokeskus.fi'), reflection.id, 'fi');
      expect(juha.gated).toBe(false);
      expect(juha.posts.map((post) => post.authorName)).toEqual(['Sanna Järvinen', 'Juha Mäkelä', 'Riikka Häkkinen', 'Åsa Öström', 'Emma Laine', 'Sanna Järvinen']);
    });

    it('writes the discussions once, even when two processes start at the same moment', async () => {
      const seed = t.app.get(DemoSeedService);
      const posts = async () => (await db.query(`SELECT count(*)::int AS n FROM forum_post`))[0].n as number;
      const before = await posts();
      expect(before).toBe(DEMO_THREADS.reduce((sum, thread) => sum + thread.posts.length, 0));
      expect(await seed.seedDiscussionsIfNone()).toBe(0);
      await db.query(`DELETE FROM forum_thread`);
      const written = await Promise.all([seed.seedDiscussionsIfNone(), seed.seedDiscussionsIfNone()]);
      expect(written.sort((a, b) => a - b)).toEqual([0, DEMO_THREADS.length]);
      expect(await posts()).toBe(before);
    });
  });

  /** Rounds' forums that have threads keep their rounds (threads hold on to their channel): gone first. */
  const deleteRoundThreads = () => db.query(`DELETE FROM forum_thread WHERE channel_id IN (SELECT id FROM forum_channel WHERE cohort_id IS NOT NULL)`);

  it('gives Aino her digest at 16.00 with the network channels in it, and everyone else the defaults', async () => {
    const people: { email: string; digest_hour: number | null; digest_rhythm: string; network_digests: number }[] = await db.query(
      `SELECT u.email, u.digest_hour, u.digest_rhythm,
              (SELECT count(*)::int FROM forum_subscription s JOIN forum_channel ch ON ch.id = s.channel_id WHERE s.user_id = u.id AND ch.kind = 'network' AND s.level = 'daily_digest') AS network_digests
       FROM app_user u`,
    );
    const [{ n: networkChannels }] = await db.query(`SELECT count(*)::int AS n FROM forum_channel WHERE kind = 'network'`);
    expect(networkChannels).toBeGreaterThan(0);
    for (const person of people) {
      const aino = person.email === 'aino.virtanen@verohallinto.fi';
      expect(person).toMatchObject({ digest_hour: aino ? 16 : null, digest_rhythm: 'daily', network_digests: aino ? networkChannels : 0 });
    }
    expect(people.map((person) => person.email)).toContain('aino.virtanen@verohallinto.fi');
  });

  it('schedules the rounds once, even when two processes start at the same moment', async () => {
    const seed = t.app.get(DemoSeedService);
    expect(await seed.seedRoundsIfNone()).toBe(0);
    await deleteRoundThreads();
    await db.query(`DELETE FROM cohort`);
    const added = await Promise.all([seed.seedRoundsIfNone(), seed.seedRoundsIfNone()]);
    expect(added.sort()).toEqual([0, DEMO_COHORTS.length]);
    expect(await count('cohort')).toBe(DEMO_COHORTS.length);
  });

  it('does not seed again once programmes exist, even after one was removed', async () => {
    await deleteRoundThreads();
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
